package store_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// fakeClock is a clock tests move by hand; safe for concurrent use.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestMemory(t *testing.T) {
	tests := []struct {
		name    string
		idleTTL time.Duration
	}{
		{"DefaultIdleTTL", 0},
		{"ShortIdleTTL", 90 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			storetest.Run(t, storetest.Harness{
				New: func(t *testing.T) store.Conversations {
					return store.NewMemory(store.Options{IdleTTL: tt.idleTTL, Now: clock.Now})
				},
				Advance: clock.Advance,
				IdleTTL: tt.idleTTL,
			})
		})
	}
}

// TestMemorySweep checks that conversations and update ids nobody asks
// about again are dropped, so a long trial run does not grow forever.
func TestMemorySweep(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := store.NewMemory(store.Options{IdleTTL: time.Hour, Now: clock.Now})
	const n = 100
	for i := range n {
		if err := s.Commit(ctx, "tg:"+strconv.Itoa(i), "u1", 0, store.Change{Data: []byte("x")}); err != nil {
			t.Fatalf("Commit: %v", err)
		}
	}
	steps := []struct {
		name          string
		advance       time.Duration
		convs, update int
	}{
		{"before any expiry", time.Minute, n, n},
		{"conversations idle for IdleTTL", time.Hour, 0, n},
		{"update ids older than DedupTTL", store.DedupTTL, 0, 0},
	}
	for _, st := range steps {
		clock.Advance(st.advance)
		// Any call may sweep; ask about a conversation never committed.
		if _, err := s.Load(ctx, "tg:other", ""); err != nil {
			t.Fatalf("Load: %v", err)
		}
		convs, updates := s.Len()
		if convs != st.convs || updates != st.update {
			t.Errorf("%s: the store holds %d conversations and %d update ids, want %d and %d",
				st.name, convs, updates, st.convs, st.update)
		}
	}
}

func BenchmarkMemoryLoadCommit(b *testing.B) {
	storetest.Bench(b, store.NewMemory(store.Options{}))
}
