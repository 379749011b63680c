package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/store/redistest"
)

// readyz asks rd as /readyz is asked, and returns the status and how long
// the answer took.
func readyz(rd *readiness) (int, time.Duration) {
	start := time.Now()
	w := httptest.NewRecorder()
	rd.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	return w.Code, time.Since(start)
}

// awaitReady polls rd until it answers want, for at most 30 s.
func awaitReady(t *testing.T, rd *readiness, want int) {
	t.Helper()
	waitFor(t, 30*time.Second, fmt.Sprintf("/readyz answers %d", want), func() bool { code, _ := readyz(rd); return code == want })
}

// readinessOn returns a readiness over a client made from keys, as serve
// makes it, and what it logs.
func readinessOn(t *testing.T, keys RedisConfig) (*readiness, redis.UniversalClient, *syncBuffer) {
	t.Helper()
	client, _, err := connectRedis(context.Background(), keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	logs := &syncBuffer{}
	return newReadiness(client, keys.Prefix, slog.New(slog.NewTextHandler(logs, nil))), client, logs
}

func TestReadyOnMemory(t *testing.T) {
	if code, _ := readyz(newReadiness(nil, "mc", slog.New(slog.NewTextHandler(io.Discard, nil)))); code != http.StatusOK {
		t.Errorf("memory stores: %d, want 200", code)
	}
}

// TestReadySingle: /readyz on one node is ready, and not ready — within
// its limit — when Redis is out of memory (maxmemory, noeviction), a
// read-only replica, hung, or gone; it logs each change once.
func TestReadySingle(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	admin := srv.Client(t)
	rd, _, logs := readinessOn(t, redisKeys("redis://"+srv.Addr()+"/0"))
	if code, _ := readyz(rd); code != http.StatusOK {
		t.Fatalf("a healthy Redis: %d", code)
	}
	if n, err := admin.Exists(ctx, "mc:{ready}").Result(); err != nil || n != 1 {
		t.Errorf("the probe key mc:{ready} exists %d, %v; want the write under the prefix", n, err)
	}
	if ttl := admin.PTTL(ctx, "mc:{ready}").Val(); ttl <= 0 || ttl > probeTTL {
		t.Errorf("the probe key's TTL is %v, want at most %v", ttl, probeTTL)
	}

	steps := []struct {
		name       string
		fail, mend func()
	}{
		{"out of memory", func() {
			admin.ConfigSet(ctx, "maxmemory-policy", "noeviction")
			admin.ConfigSet(ctx, "maxmemory", "1")
		}, func() { admin.ConfigSet(ctx, "maxmemory", "0") }},
		{"a read-only replica", func() {
			other := redistest.Start(t)
			if err := admin.SlaveOf(ctx, "127.0.0.1", strconv.Itoa(portOf(other.Addr()))).Err(); err != nil {
				t.Fatal(err)
			}
		}, func() { admin.SlaveOf(ctx, "NO", "ONE") }},
		{"hung", func() { srv.Pause(t) }, func() { srv.Resume(t) }},
	}
	for _, s := range steps {
		s.fail()
		code, took := readyz(rd)
		if code != http.StatusServiceUnavailable || took > readyLimit+time.Second {
			t.Errorf("%s: %d after %v, want 503 within %v", s.name, code, took, readyLimit)
		}
		s.mend()
		awaitReady(t, rd, http.StatusOK)
	}
	srv.Stop(t)
	if code, took := readyz(rd); code != http.StatusServiceUnavailable || took > readyLimit+time.Second {
		t.Errorf("Redis gone: %d after %v, want 503 within %v", code, took, readyLimit)
	}
	got := logs.String()
	for _, want := range []string{"OOM command not allowed", "READONLY", "connection refused"} {
		if !strings.Contains(got, want) {
			t.Errorf("the log misses %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "not ready"); n != 4 {
		t.Errorf("%d lines say not ready, want one per outage (4):\n%s", n, got)
	}
}

func portOf(addr string) int {
	_, port, _ := strings.Cut(addr, ":")
	p, _ := strconv.Atoi(port)
	return p
}

// TestReadyCluster: /readyz on a cluster writes on every master; it is not
// ready when a slot has no master — even when the cluster itself says ok
// (cluster-require-full-coverage no) — nor when a master is gone.
func TestReadyCluster(t *testing.T) {
	ctx := context.Background()
	c := redistest.StartCluster(t, redistest.ClusterOptions{})
	rd, _, logs := readinessOn(t, redisKeys("redis://", c.Addrs()...))
	if code, _ := readyz(rd); code != http.StatusOK {
		t.Fatalf("a healthy cluster: %d", code)
	}
	for _, m := range c.Masters() {
		if n := m.Client(t).DBSize(ctx).Val(); n != 1 {
			t.Errorf("master %s holds %d keys, want its probe key", m.Addr(), n)
		}
	}

	// Slot 100 served by nobody, in every node's view.
	for _, m := range c.Masters() {
		cl := m.Client(t)
		if err := cl.ConfigSet(ctx, "cluster-require-full-coverage", "no").Err(); err != nil {
			t.Fatal(err)
		}
		if err := cl.ClusterDelSlots(ctx, 100).Err(); err != nil {
			t.Fatal(err)
		}
	}
	awaitReady(t, rd, http.StatusServiceUnavailable)
	if !strings.Contains(logs.String(), "slot 100 is not served") {
		t.Errorf("the log does not name the slot:\n%s", logs.String())
	}
	if err := c.Masters()[0].Client(t).ClusterAddSlots(ctx, 100).Err(); err != nil {
		t.Fatal(err)
	}
	awaitReady(t, rd, http.StatusOK)

	c.Masters()[2].Stop(t)
	code, took := readyz(rd)
	if code != http.StatusServiceUnavailable || took > readyLimit+time.Second {
		t.Errorf("a master gone: %d after %v, want 503 within %v", code, took, readyLimit)
	}
}
