package stats_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/stats"
	"github.com/motcua/motcua/stats/statstest"
	"github.com/motcua/motcua/store/redistest"
)

func TestRedis(t *testing.T) {
	client := redistest.Start(t).Client(t)
	var n atomic.Int64
	statstest.Run(t, statstest.Harness{
		New: func(t *testing.T) stats.Store {
			return stats.NewRedis(client, stats.Options{Prefix: "t" + strconv.FormatInt(n.Add(1), 10)})
		},
		Down: func(t *testing.T) stats.Store {
			srv := redistest.Start(t)
			srv.Stop(t)
			// No retries: each call fails at its first refused dial.
			c := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1})
			t.Cleanup(func() { _ = c.Close() })
			return stats.NewRedis(c, stats.Options{})
		},
	})
}

// TestRedisKeys checks the keys the package doc names and that both expire
// Retention days after their day, whenever they are written.
func TestRedisKeys(t *testing.T) {
	ctx := context.Background()
	client := redistest.Start(t).Client(t)
	s := stats.NewRedis(client, stats.Options{})
	day := flows.DateOf(time.Now().In(flows.Vietnam()))
	if err := s.Add(ctx, day, map[string]int64{stats.Started("khai-sinh"): 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Active(ctx, day, "tg:1"); err != nil {
		t.Fatal(err)
	}
	end := time.Date(day.Year, day.Month, day.Day+stats.Retention+1, 0, 0, 0, 0, time.UTC)
	for _, key := range []string{"mc:{stats}:d:" + day.ISO(), "mc:{stats}:a:" + day.ISO()} {
		at, err := client.ExpireTime(ctx, key).Result()
		if err != nil {
			t.Fatalf("EXPIRETIME %s: %v", key, err)
		}
		if got := time.Unix(int64(at/time.Second), 0); !got.Equal(end) {
			t.Errorf("%s expires at %v, want %v", key, got.UTC(), end)
		}
	}
	if got, err := client.HGet(ctx, "mc:{stats}:d:"+day.ISO(), "start:khai-sinh").Result(); err != nil || got != "1" {
		t.Errorf("HGET start:khai-sinh = %q, %v; want 1", got, err)
	}
	// A day older than Retention is gone as soon as it is written.
	old := day.AddDays(-stats.Retention - 2)
	if err := s.Add(ctx, old, map[string]int64{stats.Asked: 1}); err != nil {
		t.Fatal(err)
	}
	if n, err := client.Exists(ctx, "mc:{stats}:d:"+old.ISO()).Result(); err != nil || n != 0 {
		t.Errorf("EXISTS of a day past retention = %d, %v; want 0", n, err)
	}
}
