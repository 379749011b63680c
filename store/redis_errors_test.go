package store

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/store/redistest"
)

func TestRedisFailure(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	// No retries: go-redis would retry LOADING and the like.
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = client.Close() })
	if err := client.Set(ctx, "string", "x", 0).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	// reply makes the server answer with an error reply starting msg.
	reply := func(msg string) error {
		err := client.Eval(ctx, "return redis.error_reply(ARGV[1])", nil, msg).Err()
		if err == nil {
			t.Fatalf("EVAL error_reply(%q) succeeded", msg)
		}
		return err
	}
	tests := []struct {
		name        string
		err         error
		unavailable bool
	}{
		{"connection refused", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, true},
		{"timeout", os.ErrDeadlineExceeded, true},
		{"deadline", context.DeadlineExceeded, true},
		{"pool timeout", redis.ErrPoolTimeout, true},
		{"closed client", redis.ErrClosed, true},
		{"loading", reply("LOADING Redis is loading the dataset in memory"), true},
		{"read-only replica", reply("READONLY You can't write against a read only replica."), true},
		{"busy script", reply("BUSY Redis is busy running a script."), true},
		{"cluster down", reply("CLUSTERDOWN The cluster is down"), true},
		{"master down", reply("MASTERDOWN Link with MASTER is down"), true},
		{"try again", reply("TRYAGAIN Multiple keys request during rehashing of slot"), true},
		{"out of memory", reply("OOM command not allowed when used memory > 'maxmemory'."), true},
		{"cannot persist", reply("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk."), true},
		{"no replicas", reply("NOREPLICAS Not enough good replicas to write."), true},
		{"canceled by the caller", context.Canceled, false},
		{"wrong type", client.HGet(ctx, "string", "v").Err(), false},
		{"script error", reply("ERR something the script did"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := redisFailure("load", "tg:1", tt.err)
			if got := errors.Is(err, ErrUnavailable); got != tt.unavailable {
				t.Errorf("errors.Is(%v, ErrUnavailable) = %t, want %t", err, got, tt.unavailable)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("the cause %v is not in the chain of %v", tt.err, err)
			}
			if !strings.HasPrefix(err.Error(), "load tg:1: ") {
				t.Errorf("error %q does not say what was being done", err)
			}
		})
	}
}
