package outbox

import (
	"context"
	"sync"
	"sync/atomic"
)

// Report counts how the messages given to SendAll ended; the counts add
// up to the number of messages.
type Report struct {
	Sent     int
	Blocked  int
	Quiet    int
	Failed   int
	Canceled int
	// Quota is the messages refused because the month's quota is spent.
	Quota int
}

// SendAll sends msgs, workers at a time (at least one), and reports how
// they ended once all have. done, when not nil, learns of each message's
// end as it happens — the place to record a Key as sent — and is called
// from the workers concurrently. Once ctx ends, the messages not yet sent
// end with its error, at once.
//
// More workers do not send faster than the limits: they keep the bot's
// queue full while some wait for their chat. A few (8 to 16) are enough.
func (o *Outbox) SendAll(ctx context.Context, msgs []Message, workers int, done func(Message, error)) Report {
	var (
		mu   sync.Mutex
		rep  Report
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range min(max(workers, 1), len(msgs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(msgs) {
					return
				}
				reason, err := o.sendOne(ctx, msgs[i])
				mu.Lock()
				rep.count(reason)
				mu.Unlock()
				if done != nil {
					done(msgs[i], err)
				}
			}
		})
	}
	wg.Wait()
	return rep
}

func (r *Report) count(reason string) {
	switch reason {
	case reasonOK:
		r.Sent++
	case reasonBlocked:
		r.Blocked++
	case reasonQuiet:
		r.Quiet++
	case reasonCanceled:
		r.Canceled++
	case reasonQuota:
		r.Quota++
	default:
		r.Failed++
	}
}
