package redistest

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestStartStopRestart(t *testing.T) {
	ctx := context.Background()
	srv := Start(t)
	// No retries: after Stop the PING must fail at once.
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { _ = client.Close() })
	if err := client.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET on a started server: %v", err)
	}
	srv.Stop(t)
	if err := client.Ping(ctx).Err(); err == nil {
		t.Fatalf("PING after Stop succeeded, want an error")
	}
	srv.Restart(t)
	if err := client.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING after Restart: %v", err)
	}
	if n, err := client.Exists(ctx, "k").Result(); err != nil || n != 0 {
		t.Errorf("EXISTS k after Restart = %d, %v; want 0 (a restart starts empty)", n, err)
	}
}

// TestStartRefusesForeignServer checks that a server already on the port is
// never taken for ours.
func TestStartRefusesForeignServer(t *testing.T) {
	srv := Start(t)
	intruder := &Server{bin: srv.bin, dir: t.TempDir(), port: srv.port}
	t.Cleanup(intruder.shutdown)
	if err := intruder.start(); err == nil {
		t.Fatalf("start on a port another redis-server holds succeeded, want an error")
	} else {
		t.Logf("start on a taken port: %v", err)
	}
}

func TestMain(m *testing.M) { Main(m) }

// TestCluster checks that a cluster client spreads keys over the three
// masters and reads its writes back, and that the shared cluster is one.
func TestCluster(t *testing.T) {
	ctx := context.Background()
	c := SharedCluster(t)
	if again := SharedCluster(t); again != c {
		t.Fatal("SharedCluster started a second cluster")
	}
	client := c.Client(t)
	for i := range 100 {
		if err := client.Set(ctx, "k"+strconv.Itoa(i), i, 0).Err(); err != nil {
			t.Fatalf("SET k%d: %v", i, err)
		}
	}
	for _, m := range c.Masters() {
		n, err := m.Client(t).DBSize(ctx).Result()
		if err != nil || n < 10 {
			t.Errorf("master %s holds %d keys (%v), want a share of 100", m.Addr(), n, err)
		}
	}
	if got, err := client.Get(ctx, "k42").Int(); err != nil || got != 42 {
		t.Errorf("GET k42 = %d, %v", got, err)
	}
	if len(c.Replicas()) != 3 {
		t.Errorf("%d replicas, want one a master", len(c.Replicas()))
	}
}

// TestSentinel checks that the failover client writes to the master, and
// that after KillMaster the sentinels promote the replica, which the same
// client then writes to.
func TestSentinel(t *testing.T) {
	ctx := context.Background()
	s := StartSentinel(t)
	client := s.Client(t)
	if err := client.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET through the sentinels: %v", err)
	}
	killed := s.KillMaster(t)
	err := poll(ctxWithin(t, 30*time.Second), func() error {
		addr, err := s.Master(ctx)
		if err == nil && addr == killed {
			err = errors.New("the sentinels still name the killed master")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = poll(ctxWithin(t, 10*time.Second), func() error { return client.Set(ctx, "k2", "v2", 0).Err() })
	if err != nil {
		t.Fatalf("SET after the failover: %v", err)
	}
	if got, err := client.Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Errorf("GET k after the failover = %q, %v; want what the old master had replicated", got, err)
	}
}

func ctxWithin(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
