package stats_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/stats"
	"github.com/motcua/motcua/store/redistest"
)

// TestBuffered: what a Buffered store is given is written at Flush, in
// one round trip, counts summed and people counted once; a read writes
// first; a write that fails keeps what it held for the next.
func TestBuffered(t *testing.T) {
	ctx := context.Background()
	srv := redistest.StartPersistent(t)
	r := stats.NewRedis(srv.Client(t), stats.Options{})
	b := stats.NewBuffered(r, nil)
	day := flows.Date{Year: 2026, Month: 12, Day: 6}
	for i := range 100 {
		if err := b.Add(ctx, day, map[string]int64{stats.Started("khai-sinh"): 1}); err != nil {
			t.Fatal(err)
		}
		if err := b.Active(ctx, day, "tg:"+string(rune('a'+i%10))); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := r.Days(ctx, day, day); got[0].Counts[stats.Started("khai-sinh")] != 0 {
		t.Fatalf("written before Flush: %+v", got)
	}
	srv.Stop(t)
	if err := b.Flush(ctx); err == nil {
		t.Fatal("Flush to a stopped Redis succeeded")
	}
	srv.Restart(t)
	got, err := b.Days(ctx, day, day) // writes what it held first
	if err != nil {
		t.Fatal(err)
	}
	if n := got[0].Counts[stats.Started("khai-sinh")]; n != 100 || got[0].Active != 10 {
		t.Errorf("after the failed write and a read: started %d, active %d; want 100 and 10", n, got[0].Active)
	}
}
