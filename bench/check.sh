#!/usr/bin/env bash
# Checks the bench tools: gofmt, go vet and their unit tests (which start
# nothing). The load itself runs with: go run ./bench/telegramload
set -euo pipefail
cd "$(dirname "$0")/.."
unformatted=$(gofmt -l bench)
if [ -n "$unformatted" ]; then
  echo "bench/check.sh: not gofmt-formatted:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./bench/...
go test -count=1 ./bench/...
