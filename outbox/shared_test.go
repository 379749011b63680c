package outbox_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/store/redistest"
)

// TestRedisPacerSharesOnePace: two replicas reserving at the same instant
// get successive slots of one schedule, and a pause set by one holds the
// other.
func TestRedisPacerSharesOnePace(t *testing.T) {
	client := redistest.Start(t).Client(t)
	a := outbox.NewRedisPacer(client, "mc", "tg", rate.Limit(10))
	b := outbox.NewRedisPacer(client, "mc", "tg", rate.Limit(10))
	ctx := context.Background()
	t0 := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	for i, p := range []*outbox.RedisPacer{a, b, a, b} {
		d, err := p.Reserve(ctx, t0)
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Duration(i) * 100 * time.Millisecond; d != want {
			t.Errorf("reservation %d waits %v, want %v", i, d, want)
		}
	}
	// A rate limit seen by a pauses b too.
	if err := a.Pause(ctx, t0.Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := a.Pause(ctx, t0.Add(2*time.Second)); err != nil { // a shorter one does not shorten it
		t.Fatal(err)
	}
	if d, _ := b.Reserve(ctx, t0.Add(time.Second)); d != 4*time.Second {
		t.Errorf("after the pause: wait %v, want 4s", d)
	}
	// A bot of its own has a schedule of its own.
	if d, _ := outbox.NewRedisPacer(client, "mc", "zl", rate.Limit(10)).Reserve(ctx, t0); d != 0 {
		t.Errorf("another bot waits %v", d)
	}
}

// pacerSpy records reservations and asks for a fixed wait.
type pacerSpy struct {
	mu       sync.Mutex
	reserved int
	wait     time.Duration
}

func (p *pacerSpy) Reserve(context.Context, time.Time) (time.Duration, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reserved++
	return p.wait, nil
}

func (p *pacerSpy) Pause(context.Context, time.Time) error { return nil }

type okSender struct{}

func (okSender) SendTo(context.Context, string, bot.Message) error { return nil }

// TestOutboxWaitsForTheSharedPace: every send reserves its instant and
// waits what the pacer says.
func TestOutboxWaitsForTheSharedPace(t *testing.T) {
	spy := &pacerSpy{wait: 250 * time.Millisecond}
	var waited []time.Duration
	var mu sync.Mutex
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ob := outbox.New(okSender{}, outbox.Options{
		Pacer: spy, Quiet: &outbox.QuietHours{},
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now },
		Wait: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			waited = append(waited, d)
			now = now.Add(d)
			return nil
		},
	})
	for _, chat := range []string{"tg:1", "tg:2", "tg:3"} {
		if err := ob.Send(context.Background(), outbox.Message{Chat: chat, Body: bot.Message{Text: "x"}}); err != nil {
			t.Fatal(err)
		}
	}
	if spy.reserved != 3 {
		t.Errorf("%d reservations, want one per send", spy.reserved)
	}
	paced := 0
	for _, d := range waited {
		if d == 250*time.Millisecond {
			paced++
		}
	}
	if paced != 3 {
		t.Errorf("waits %v: want the pacer's 250ms before each send", waited)
	}
}
