package redistest

import (
	"context"
	"testing"

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
