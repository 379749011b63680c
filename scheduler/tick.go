package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/motcua/motcua/lease"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/reminders"
)

// Report says what a tick did with the reminders it claimed. Each one was
// sent, held back by quiet hours, dropped for a chat that blocked the bot,
// or left claimed for its lease to bring back (Failed): Claimed = Sent +
// Quiet + Blocked + Failed.
type Report struct {
	// Claimed counts the reminders the tick claimed, over all its claims.
	Claimed int
	// Sent counts the reminders the channel accepted. Each was recorded as
	// sent, unless the store failed: the tick then stopped and returned
	// the store's error.
	Sent int
	// Quiet counts the claimed reminders the outbox refused for quiet
	// hours, with those not tried after it did: the tick stopped there.
	Quiet int
	// Blocked counts the reminders of chats that blocked the bot; their
	// reminders are paused.
	Blocked int
	// Failed counts the claimed reminders whose send failed, that the
	// tick did not try once it stopped (a failure of the store, the
	// context, or a lease it could not renew), or that it no longer held
	// when their turn came (changed by the citizen meanwhile, or taken by
	// another replica after this one stalled past the lease).
	Failed int
	// QuietUntil, when not zero, is when the quiet hours that stopped the
	// tick end: before its first claim, or when the outbox refused one.
	QuietUntil time.Time
}

// recordTimeout bounds a store write made after a send succeeded or was
// refused as blocked. Such writes outlive the tick's context: a message
// already sent must be recorded even when the tick is being canceled, or
// it goes again after the lease.
const recordTimeout = 10 * time.Second

// errQuiet stops a tick when the outbox refuses a message for quiet hours.
var errQuiet = errors.New("scheduler: quiet hours")

// Tick sends what is due at now, once; Start calls it on the schedule,
// tests with a clock of their own. In quiet hours it claims nothing.
// Otherwise it claims up to Options.Batch reminders with the lease,
// sends each through the Sender with its Claimed.Key, and records the
// stage as sent only once the Sender accepted it. While a batch is sent
// its lease is renewed every third of it (Renew), so that the lease can
// be seconds long however long the batch takes. It claims again while
// claims come back full and some of them went out (a whole batch failing
// means the channel is down: the next tick tries again).
//
// A reminder refused for quiet hours stops the tick (a batch that crossed
// 21:00): it and the rest come back when their lease ends, and are claimed
// when the quiet hours are over. A chat that blocked the bot has its
// reminders paused and gets nothing more. Any other failure leaves the
// reminder claimed, no longer renewed: the lease brings it back, once.
//
// Tick returns the store's error when a claim or a write failed, the
// context's when it ended, and one matching lease.ErrExpiring when the
// batch's lease could not be renewed (sending stops at 9/10 of it, before
// another replica may claim the same reminders) or lease.ErrLost; the
// report counts what was done until then.
// Each claim after the first is made at now plus the time the tick has
// taken by Options.Now, so that its lease counts from when it was made.
func (j *Job) Tick(ctx context.Context, now time.Time) (Report, error) {
	started := j.now()
	t := &tick{job: j, now: now, started: started, blocked: map[string]bool{}}
	err := t.run(ctx)
	took := j.now().Sub(started)
	j.metrics.observe(t.rep, took)
	j.logTick(t.rep, t.failure, took)
	return t.rep, err
}

// tick is the state of one Tick, shared by its workers.
type tick struct {
	job *Job
	// now is the tick's time, and started when it began by Options.Now:
	// the time of a claim or a renewal is now plus the time since.
	now, started time.Time

	mu  sync.Mutex
	rep Report
	// blocked are the chats found blocking the bot in this tick, whose
	// other claimed reminders are not sent.
	blocked map[string]bool
	// stop, when set, says why sending stopped: errQuiet, the context's
	// error or the store's.
	stop error
	// failure is the first failed send, for the log.
	failure error
}

// at is the tick's time now: its now, plus the time it has taken.
func (t *tick) at() time.Time {
	return t.now.Add(max(t.job.now().Sub(t.started), 0))
}

// run claims and sends until nothing is due or sending stops.
func (t *tick) run(ctx context.Context) error {
	j := t.job
	for {
		at := t.at()
		if until := j.sender.QuietUntil(at); until.After(at) {
			t.rep.QuietUntil = until
			return nil
		}
		cs, err := j.claimer.Claim(ctx, at, j.lease, j.batch)
		if err != nil {
			return fmt.Errorf("scheduler: claim: %w", err)
		}
		if len(cs) == 0 {
			return nil
		}
		before := t.rep
		t.rep.Claimed += len(cs)
		t.send(ctx, cs, at)
		switch {
		case errors.Is(t.stop, errQuiet):
			return nil
		case t.stop != nil:
			return t.stop
		case len(cs) < j.batch:
			return nil
		case t.rep.Sent+t.rep.Blocked == before.Sent+before.Blocked:
			return nil
		}
	}
}

// send sends one claim's reminders, the chats in parallel and each
// chat's reminders in turn, and returns when all are done.
//
// The claims' lease is renewed every third of it while they are sent,
// those not yet sent only: a reminder whose send failed is left for its
// lease to bring back. Sending stops when the lease could not be renewed
// for 9/10 of it (Redis out of reach, or this process stalled): past its
// end another replica may claim the same reminders and send them too.
// What is left comes back with the lease.
func (t *tick) send(ctx context.Context, cs []reminders.Claimed, at time.Time) {
	b := newBatch(cs)
	ctx, stop := lease.Hold(ctx, t.job.lease, func(ctx context.Context) (bool, error) {
		return t.renew(ctx, b)
	})
	defer stop()
	chats := byChat(cs)
	work := make(chan []reminders.Claimed)
	var wg sync.WaitGroup
	for range min(t.job.workers, len(chats)) {
		wg.Go(func() {
			for chat := range work {
				for _, c := range chat {
					if t.skipped(c.Chat) {
						b.end(c)
						continue
					}
					if !b.holds(c) {
						t.count(&t.rep.Failed)
						continue
					}
					t.sendOne(ctx, c, at)
					b.end(c)
				}
			}
		})
	}
	for _, chat := range chats {
		work <- chat
	}
	close(work)
	wg.Wait()
}

// renew renews the lease of the batch's claims not yet ended. It reports
// the lease lost when none of them is held any more.
func (t *tick) renew(ctx context.Context, b *batch) (bool, error) {
	pending := b.pending()
	if len(pending) == 0 {
		return true, nil
	}
	held, err := t.job.claimer.Renew(ctx, pending, t.at(), t.job.lease)
	if err != nil {
		if ctx.Err() == nil {
			t.job.log.Warn("scheduler: renew the lease of a batch", "claims", len(pending), "err", err)
		}
		return false, err
	}
	b.renewed(pending, held)
	return len(held) > 0, nil
}

// batch is one claim's reminders while they are sent: those not yet
// ended, with the lease each holds, for renewing; and those no longer
// held.
type batch struct {
	mu   sync.Mutex
	held map[string]reminders.Claimed // by chat|id: not ended, still held
	lost map[string]bool
}

func newBatch(cs []reminders.Claimed) *batch {
	b := &batch{held: make(map[string]reminders.Claimed, len(cs)), lost: map[string]bool{}}
	for _, c := range cs {
		b.held[name(c)] = c
	}
	return b
}

func name(c reminders.Claimed) string { return c.Chat + "|" + c.ID }

// pending is the claims not yet ended.
func (b *batch) pending() []reminders.Claimed {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]reminders.Claimed, 0, len(b.held))
	for _, c := range b.held {
		out = append(out, c)
	}
	return out
}

// renewed keeps, of asked, those held with their new lease, and marks
// the others lost, unless they ended meanwhile.
func (b *batch) renewed(asked, held []reminders.Claimed) {
	b.mu.Lock()
	defer b.mu.Unlock()
	kept := make(map[string]bool, len(held))
	for _, c := range held {
		kept[name(c)] = true
		if _, ok := b.held[name(c)]; ok {
			b.held[name(c)] = c
		}
	}
	for _, c := range asked {
		if n := name(c); !kept[n] {
			if _, ok := b.held[n]; ok {
				delete(b.held, n)
				b.lost[n] = true
			}
		}
	}
}

// holds reports whether c's claim is still held.
func (b *batch) holds(c reminders.Claimed) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.lost[name(c)]
}

// end takes c out of the claims to renew: sent, given up, or left for
// its lease to bring back.
func (b *batch) end(c reminders.Claimed) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.held, name(c))
}

// sendOne sends c and records how it went.
func (t *tick) sendOne(ctx context.Context, c reminders.Claimed, at time.Time) {
	j := t.job
	m := outbox.Message{Chat: c.Chat, Body: j.renderer.Render(c, at), Key: c.Key()}
	err := j.sender.Send(ctx, m)
	switch {
	case err == nil:
		t.count(&t.rep.Sent)
		if err := record(ctx, func(ctx context.Context) error { return j.claimer.Done(ctx, c, c.Stage) }); err != nil {
			// The message went out but is not recorded: the lease brings
			// it back. Sending more now would only make more such.
			t.halt(fmt.Errorf("scheduler: record sent: %w", err))
			return
		}
		if o, ok := j.renderer.(offerer); ok {
			// Best effort: the buttons still work where there are any.
			if err := o.Offered(ctx, c); err != nil {
				j.log.Warn("scheduler: make a reminder answerable by number", "err", err)
			}
		}
	case errors.Is(err, outbox.ErrQuietHours):
		t.count(&t.rep.Quiet)
		t.halt(errQuiet)
		if now := j.now(); j.sender.QuietUntil(now).After(now) {
			t.mu.Lock()
			t.rep.QuietUntil = j.sender.QuietUntil(now)
			t.mu.Unlock()
		}
	case errors.Is(err, outbox.ErrBlocked):
		t.count(&t.rep.Blocked)
		t.mu.Lock()
		t.blocked[c.Chat] = true
		t.mu.Unlock()
		// The outbox's OnBlocked may have paused the chat already; pausing
		// twice changes nothing.
		if err := record(ctx, func(ctx context.Context) error { return j.claimer.SetPaused(ctx, c.Chat, true) }); err != nil {
			t.halt(fmt.Errorf("scheduler: pause a chat that blocked the bot: %w", err))
		}
	case errors.Is(err, outbox.ErrPermanent):
		// No retry mends it (a chat that no longer exists): give this
		// stage up rather than try again every lease for ever.
		t.count(&t.rep.Failed)
		j.log.Warn("scheduler: reminder refused for good, stage given up", "err", err)
		if err := record(ctx, func(ctx context.Context) error { return j.claimer.Done(ctx, c, c.Stage) }); err != nil {
			t.halt(fmt.Errorf("scheduler: give up a refused reminder: %w", err))
		}
	case ctx.Err() != nil:
		t.count(&t.rep.Failed)
		t.halt(fmt.Errorf("scheduler: sending stopped: %w", context.Cause(ctx)))
	default:
		j.log.Debug("scheduler: reminder not sent, the lease brings it back", "key", m.Key, "err", err)
		t.mu.Lock()
		t.rep.Failed++
		if t.failure == nil {
			t.failure = err
		}
		t.mu.Unlock()
	}
}

// skipped reports whether a reminder of chat is not to be sent, and
// counts it: after sending stopped, or when the chat blocked the bot.
func (t *tick) skipped(chat string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.blocked[chat]:
		t.rep.Blocked++
	case errors.Is(t.stop, errQuiet):
		t.rep.Quiet++
	case t.stop != nil:
		t.rep.Failed++
	default:
		return false
	}
	return true
}

// count adds one to a count of the report.
func (t *tick) count(n *int) {
	t.mu.Lock()
	*n++
	t.mu.Unlock()
}

// halt stops the sending, for the first reason given.
func (t *tick) halt(why error) {
	t.mu.Lock()
	if t.stop == nil {
		t.stop = why
	}
	t.mu.Unlock()
}

// record runs a store write that must be made even when ctx ends.
func record(ctx context.Context, write func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	return write(ctx)
}

// byChat groups claimed reminders by chat, in the order claimed.
func byChat(cs []reminders.Claimed) [][]reminders.Claimed {
	index := make(map[string]int)
	var out [][]reminders.Claimed
	for _, c := range cs {
		i, ok := index[c.Chat]
		if !ok {
			i = len(out)
			index[c.Chat] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], c)
	}
	return out
}

// logTick logs a tick's summary, with the first failed send: at debug
// level when it claimed nothing.
func (j *Job) logTick(rep Report, failure error, took time.Duration) {
	attrs := []any{"claimed", rep.Claimed, "sent", rep.Sent, "quiet", rep.Quiet,
		"blocked", rep.Blocked, "failed", rep.Failed, "took", took}
	if !rep.QuietUntil.IsZero() {
		attrs = append(attrs, "quiet_until", rep.QuietUntil.In(j.runner.loc).Format("02/01/2006 15:04"))
	}
	if failure != nil {
		attrs = append(attrs, "first_failure", failure)
	}
	switch {
	case rep.Claimed == 0:
		j.log.Debug("scheduler: tick", attrs...)
	case rep.Failed > 0:
		j.log.Warn("scheduler: tick left reminders for their lease to bring back", attrs...)
	default:
		j.log.Info("scheduler: tick", attrs...)
	}
}
