package scheduler_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/scheduler"
)

// These tests run the real cron, every second: they take a few seconds.
// They wait on channels, never for time to pass.

// within bounds each wait of these tests, far above the second between
// ticks.
const within = 10 * time.Second

// await returns once ch yields, or fails the test.
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(within):
		t.Fatalf("no %s within %v", what, within)
		panic("unreachable")
	}
}

// blocking is a store whose claims wait until release is closed, or
// their context ends.
type blocking struct {
	scheduler.Claimer
	entered  chan struct{} // one per claim begun, while there is room
	release  chan struct{}
	returned chan error // the error of a claim its context ended
}

func newBlocking(c scheduler.Claimer) *blocking {
	return &blocking{Claimer: c, entered: make(chan struct{}, 16), release: make(chan struct{}), returned: make(chan error, 16)}
}

func (b *blocking) Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]reminders.Claimed, error) {
	select {
	case b.entered <- struct{}{}:
	default:
	}
	select {
	case <-b.release:
	case <-ctx.Done():
		b.returned <- ctx.Err()
		return nil, ctx.Err()
	}
	return b.Claimer.Claim(ctx, now, lease, max)
}

// messages is a slog.Handler that hands every message over on a channel.
type messages chan string

func (m messages) Enabled(context.Context, slog.Level) bool { return true }
func (m messages) WithAttrs([]slog.Attr) slog.Handler       { return m }
func (m messages) WithGroup(string) slog.Handler            { return m }

func (m messages) Handle(_ context.Context, r slog.Record) error {
	select {
	case m <- r.Message:
	default:
	}
	return nil
}

// awaitMessage returns once msg is logged, or fails the test.
func awaitMessage(t *testing.T, m messages, msg string) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case got := <-m:
			if got == msg {
				return
			}
		case <-deadline:
			t.Fatalf("%q not logged within %v", msg, within)
		}
	}
}

// stop stops the job, within a bound.
func stop(t *testing.T, job *scheduler.Job) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	if err := job.Stop(ctx); err != nil {
		t.Errorf("Stop: %v", err)
	}
}

// startRig is a rig whose job ticks every second, at 08:00 of the
// 30-day stage of a card of tg:1, with delivered telling of every message.
func startRig(t *testing.T, opts scheduler.Options, wrap ...func(scheduler.Claimer) scheduler.Claimer) (*rig, <-chan struct{}) {
	t.Helper()
	created := at(2026, 6, 1, 10, 0)
	opts.Spec = "@every 1s"
	r := newRig(t, created, opts, wrap...)
	r.save(t, reminder("tg:1", "1", expiry, created))
	r.clock.Set(at(2026, 6, 15, 8, 0))
	delivered := make(chan struct{}, 16)
	r.channel.afterSend = func() { delivered <- struct{}{} }
	return r, delivered
}

func TestStartTicksOnTheSchedule(t *testing.T) {
	r, delivered := startRig(t, scheduler.Options{})
	if err := r.job.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := r.job.Start(context.Background()); err == nil {
		t.Errorf("a second Start: no error, want one")
	}
	await(t, delivered, "message")
	stop(t, r.job)
	checkGot(t, r.channel, "tg:1", "1/0 at 15/06/2026 08:00")
}

func TestTickSkippedWhileOneRuns(t *testing.T) {
	log := make(messages, 64)
	var b *blocking
	r, delivered := startRig(t, scheduler.Options{Logger: slog.New(log)}, func(c scheduler.Claimer) scheduler.Claimer {
		b = newBlocking(c)
		return b
	})
	if err := r.job.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	await(t, b.entered, "claim")
	// The next second's tick finds this one still claiming.
	awaitMessage(t, log, "scheduler: tick skipped: the previous one is still running")
	if n := len(b.entered); n != 0 {
		t.Errorf("%d more claims began while the first was running, want none", n)
	}
	close(b.release)
	await(t, delivered, "message")
	stop(t, r.job)
	checkGot(t, r.channel, "tg:1", "1/0 at 15/06/2026 08:00")
}

func TestStopWaitsForTheRunningTick(t *testing.T) {
	var b *blocking
	r, _ := startRig(t, scheduler.Options{}, func(c scheduler.Claimer) scheduler.Claimer {
		b = newBlocking(c)
		return b
	})
	if err := r.job.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	await(t, b.entered, "claim")
	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), within)
		defer cancel()
		stopped <- r.job.Stop(ctx)
	}()
	close(b.release)
	if err := await(t, stopped, "Stop"); err != nil {
		t.Errorf("Stop: %v", err)
	}
	// Stop returned after the tick: its message went out and was recorded.
	checkGot(t, r.channel, "tg:1", "1/0 at 15/06/2026 08:00")
	rs, err := r.store.List(context.Background(), "tg:1")
	if err != nil || len(rs) != 1 || rs[0].Sent != 1 {
		t.Errorf("List: %+v, %v; want the 30-day stage recorded as sent", rs, err)
	}
}

func TestStopBoundedByItsContext(t *testing.T) {
	var b *blocking
	r, _ := startRig(t, scheduler.Options{}, func(c scheduler.Claimer) scheduler.Claimer {
		b = newBlocking(c)
		return b
	})
	if err := r.job.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	await(t, b.entered, "claim")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.job.Stop(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Stop with an ended context while a tick runs: %v, want context.Canceled", err)
	}
	// Stop canceled the running tick.
	if err := await(t, b.returned, "canceled claim"); !errors.Is(err, context.Canceled) {
		t.Errorf("the running claim ended with %v, want context.Canceled", err)
	}
	checkGot(t, r.channel, "tg:1")
}

func TestStopWithoutStart(t *testing.T) {
	r := newRig(t, at(2026, 6, 1, 10, 0), scheduler.Options{})
	if err := r.job.Stop(context.Background()); err != nil {
		t.Errorf("Stop of a job never started: %v", err)
	}
}
