package lease_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/lease"
)

// awaitDone waits for ctx to end, for at most ten seconds, and returns its
// cause.
func awaitDone(t *testing.T, ctx context.Context) error {
	t.Helper()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-time.After(10 * time.Second):
		t.Fatal("the held context did not end within 10 s")
		return nil
	}
}

func TestRenewedLeaseOutlivesItsLength(t *testing.T) {
	// Long enough that a loaded machine's stalls do not pass the margin.
	const ttl = 1500 * time.Millisecond
	renewed := make(chan struct{}, 16)
	held, stop := lease.Hold(context.Background(), ttl, func(context.Context) (bool, error) {
		renewed <- struct{}{}
		return true, nil
	})
	start := time.Now()
	for range 5 { // five thirds of the lease: past its length
		select {
		case <-renewed:
		case <-held.Done():
			t.Fatalf("the held context ended with %v, the lease being renewed", context.Cause(held))
		}
	}
	if time.Since(start) < ttl {
		t.Fatalf("five renewals within %v, want one every third of %v", time.Since(start), ttl)
	}
	if held.Err() != nil {
		t.Fatalf("after five renewals: %v", context.Cause(held))
	}
	stop()
	if err := awaitDone(t, held); !errors.Is(err, context.Canceled) {
		t.Errorf("after stop: %v, want context.Canceled", err)
	}
}

func TestLostLeaseEndsTheWork(t *testing.T) {
	held, stop := lease.Hold(context.Background(), 90*time.Millisecond, func(context.Context) (bool, error) {
		return false, nil
	})
	defer stop()
	if err := awaitDone(t, held); !errors.Is(err, lease.ErrLost) {
		t.Errorf("cause %v, want lease.ErrLost", err)
	}
}

func TestUnrenewedLeaseEndsTheWorkBeforeItEnds(t *testing.T) {
	tests := []struct {
		name  string
		renew lease.Renew
	}{
		{"renewals fail", func(context.Context) (bool, error) { return false, errors.New("redis: connection refused") }},
		// A renewal that hangs (Redis stopped) does not hold the
		// deadline back.
		{"a renewal hangs", func(ctx context.Context) (bool, error) { <-ctx.Done(); return false, ctx.Err() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const ttl = 300 * time.Millisecond
			var calls atomic.Int32
			start := time.Now()
			held, stop := lease.Hold(context.Background(), ttl, func(ctx context.Context) (bool, error) {
				calls.Add(1)
				return tt.renew(ctx)
			})
			defer stop()
			if err := awaitDone(t, held); !errors.Is(err, lease.ErrExpiring) {
				t.Errorf("cause %v, want lease.ErrExpiring", err)
			}
			// Never after the lease: the margin is the point.
			if took := time.Since(start); took < ttl-ttl/10 {
				t.Errorf("ended after %v, before 9/10 of the %v lease", took, ttl)
			}
			if calls.Load() == 0 {
				t.Error("no renewal was tried")
			}
		})
	}
}

func TestStopWaitsForTheRenewal(t *testing.T) {
	entered := make(chan struct{})
	var running atomic.Bool
	held, stop := lease.Hold(context.Background(), 30*time.Millisecond, func(ctx context.Context) (bool, error) {
		running.Store(true)
		defer running.Store(false)
		select {
		case entered <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return false, ctx.Err()
	})
	<-entered
	stop()
	if running.Load() {
		t.Error("stop returned with a renewal still running")
	}
	if held.Err() == nil {
		t.Error("the held context still runs after stop")
	}
}

func TestParentEndsTheWork(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	held, stop := lease.Hold(parent, time.Minute, func(context.Context) (bool, error) { return true, nil })
	defer stop()
	cancel()
	if err := awaitDone(t, held); !errors.Is(err, context.Canceled) {
		t.Errorf("cause %v, want context.Canceled", err)
	}
}
