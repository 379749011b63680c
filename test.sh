#!/usr/bin/env bash
# Runs every test. Installs redis-server (Debian/Ubuntu) when it is missing:
# the tests start their own private redis-server on a free loopback port and
# never touch another Redis. The same binary runs the tests' Redis Cluster
# (--cluster-enabled yes, joined by commands, not redis-cli) and sentinels
# (--sentinel), so neither redis-tools nor redis-sentinel is needed.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v redis-server >/dev/null 2>&1; then
  echo "test.sh: installing redis-server" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server >/dev/null
fi
gofmt_out=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$gofmt_out" ]; then
  echo "test.sh: not gofmt-formatted:" >&2
  echo "$gofmt_out" >&2
  exit 1
fi
go vet ./...
go test -race -count=1 ./...
