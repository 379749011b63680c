// Package lease keeps a lease on shared work for as long as the work runs
// (DESIGN.md, invariant 5: a lease is short and renewed while working, so
// that a crash costs seconds). The reminders' claims and the notices'
// jobs are leased this way:
//
//	cs, err := st.Claim(ctx, now, ttl, 500)
//	ctx, stop := lease.Hold(ctx, ttl, func(ctx context.Context) (bool, error) {
//		cs, err = st.Renew(ctx, cs, time.Now(), ttl)
//		return len(cs) > 0, err
//	})
//	defer stop()
//	// send, while ctx lasts
//
// Hold renews every third of the lease, so a replica that dies leaves its
// work to the others one lease later at most, however long the work was
// to take. A lease the holder is no longer sure to hold ends the work's
// context before another replica can take it over: when a renewal says
// it was lost (ErrLost), or when none succeeded for 9/10 of the lease
// since the last one began (ErrExpiring: Redis is out of reach, or the
// process stalled), so that two replicas never do the same work at once.
// What was in flight when the context ended may have been done all the
// same; the caller's records decide what is done again.
package lease

import (
	"context"
	"errors"
	"time"
)

// Why a held context ended, as its cause.
var (
	// ErrLost: a renewal found the lease no longer the holder's (it
	// stalled past the lease and another took the work over).
	ErrLost = errors.New("lease: lost to another holder")
	// ErrExpiring: no renewal succeeded for 9/10 of the lease; the rest
	// is left as a margin for the clocks and the last send's round trip.
	ErrExpiring = errors.New("lease: not renewed in time")
)

// Renew renews the lease for its length from now and reports whether it
// is still the holder's. An error leaves the lease as it was: Hold tries
// again a third of the lease later.
type Renew func(ctx context.Context) (held bool, err error)

// Hold renews a lease of length ttl, taken just before the call, every
// ttl/3 until stop is called or ctx ends. It returns a context for the
// work that ends with ctx, with stop, with cause ErrLost when renew says
// the lease is lost, or with cause ErrExpiring at 9/10 of ttl after the
// start of the last successful renewal (or after the call). stop ends the
// renewing and returns once renew is no longer running.
func Hold(ctx context.Context, ttl time.Duration, renew Renew) (held context.Context, stop func()) {
	held, cancel := context.WithCancelCause(ctx)
	keep := ttl - ttl/10
	// A timer of its own goroutine: a renewal that hangs does not hold the
	// deadline back.
	expiry := time.AfterFunc(keep, func() { cancel(ErrExpiring) })
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer expiry.Stop()
		tick := time.NewTicker(ttl / 3)
		defer tick.Stop()
		for {
			select {
			case <-held.Done():
				return
			case <-tick.C:
			}
			start := time.Now()
			ok, err := renew(held)
			switch {
			case err != nil || held.Err() != nil:
				// The deadline stands; the next tick tries again.
			case !ok:
				cancel(ErrLost)
				return
			default:
				expiry.Reset(keep - time.Since(start))
			}
		}
	}()
	return held, func() {
		cancel(context.Canceled)
		<-done
	}
}
