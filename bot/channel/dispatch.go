package channel

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Errors that keep an update out of the dispatcher.
var (
	// ErrClosed refuses updates once the dispatcher is closing: the bot
	// is shutting down.
	ErrClosed = errors.New("channel: shutting down")
	// ErrBusy refuses an update of a chat that already has QueueLen
	// updates waiting: it is worth delivering again later.
	ErrBusy = errors.New("channel: too many updates of this chat waiting")
	// ErrThrottled refuses an update of a chat that sends faster than its
	// limit: the update is dropped, not delivered again (see Throttled).
	ErrThrottled = errors.New("channel: this chat sends too fast")
)

// Throttled is the error of an update refused because its chat floods.
// First is true for the first update refused since the chat was last
// within its limit: the one worth a "slow down" to the citizen.
type Throttled struct {
	Chat  string
	First bool
}

func (t *Throttled) Error() string { return ErrThrottled.Error() + ": " + t.Chat }

// Is makes a *Throttled match ErrThrottled.
func (t *Throttled) Is(target error) bool { return target == ErrThrottled }

// DispatchOptions bound what a Dispatcher takes on.
type DispatchOptions[U any] struct {
	// Workers bounds the updates handled at once, across all chats
	// (DefaultWorkers when zero). A chat holds a worker only while one
	// of its updates is being handled.
	Workers int
	// QueueLen bounds the updates one chat may have waiting (64 when
	// zero): past it, an update is refused with ErrBusy.
	QueueLen int
	// Rate and Burst bound how fast one chat's updates are taken: a token
	// bucket of Burst updates, refilled at Rate a second. An update over
	// it is refused with a *Throttled. Rate zero takes every update.
	Rate  float64
	Burst int
	// ID, when set, names an update across its deliveries: a delivery of
	// an update the chat's limit took lately (it failed and came again)
	// is taken without counting, so that a redelivery is never what a
	// limit drops.
	ID func(U) string
	// Now tells the time for the limits (time.Now when nil).
	Now func() time.Time
}

// DefaultQueueLen bounds the updates waiting in one chat.
const DefaultQueueLen = 64

// sweepEvery is how many updates pass between sweeps of idle chats.
const sweepEvery = 1024

// Dispatcher runs updates chat by chat: the updates of one chat one at a
// time, in the order they came, and different chats at once, up to
// Workers. Each chat with updates waiting has its own queue and its own
// goroutine, so a chat that waits — a 429 for its chat, a slow send —
// holds nothing another chat needs but a worker, of which there are
// many; a chat that floods is held to its rate at the door, before it
// costs anything.
//
// An update goes in by one of two ways. Submit hands back the result of
// handling it, for an adapter that answers for the update (Telegram's
// webhook answers 503, and its poll keeps the offset, when it must be
// delivered again). Enqueue returns as soon as it is queued, and the
// update is handled in the dispatcher's own context, apart from the
// request or poll that brought it, for a platform that hands an update out
// once and wants the webhook answered at once (Zalo): there the handler
// keeps the update itself until it is done.
type Dispatcher[U any] struct {
	handle  func(context.Context, U) error
	workers chan struct{} // a token per update being handled
	opts    DispatchOptions[U]
	wg      sync.WaitGroup
	// life is the context of enqueued updates; it ends when Close does.
	life context.Context
	stop context.CancelFunc

	mu      sync.Mutex
	closed  bool
	chats   map[string]*chatQueue[U]
	puts    int
	pending int           // updates queued or being handled
	idle    chan struct{} // closed while pending is 0
}

// chatQueue is one chat's place in the dispatcher.
type chatQueue[U any] struct {
	jobs    []job[U]
	running bool // a goroutine is handling the chat's updates
	limit   *rate.Limiter
	refused bool // the last update offered was refused by the limit
	// taken are the ids of the last updates the limit took, oldest
	// first, at most rememberTaken.
	taken []string
}

// rememberTaken bounds the ids a chat's limit remembers: more than the
// updates of a chat that may be failing and coming again at once.
const rememberTaken = 32

// takenBefore reports whether id is among the updates the limit took.
func (q *chatQueue[U]) takenBefore(id string) bool {
	return id != "" && slices.Contains(q.taken, id)
}

// took remembers id, forgetting the oldest past rememberTaken.
func (q *chatQueue[U]) took(id string) {
	if id == "" {
		return
	}
	if len(q.taken) == rememberTaken {
		q.taken = slices.Delete(q.taken, 0, 1)
	}
	q.taken = append(q.taken, id)
}

type job[U any] struct {
	ctx  context.Context
	u    U
	done chan<- error // nil for an enqueued update
}

// NewDispatcher returns a dispatcher that calls handle for each update,
// within opts' bounds.
func NewDispatcher[U any](opts DispatchOptions[U], handle func(context.Context, U) error) *Dispatcher[U] {
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.QueueLen <= 0 {
		opts.QueueLen = DefaultQueueLen
	}
	if opts.Rate > 0 && opts.Burst <= 0 {
		opts.Burst = 1
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	d := &Dispatcher[U]{
		handle:  handle,
		workers: make(chan struct{}, opts.Workers),
		opts:    opts,
		chats:   map[string]*chatQueue[U]{},
		idle:    make(chan struct{}),
	}
	d.life, d.stop = context.WithCancel(context.Background())
	close(d.idle)
	return d
}

// Submit queues u on chat, to be handled in ctx; the channel returned
// gives the result of handling it, or the error that kept it out
// (ErrClosed, ErrBusy, a *Throttled, or ctx's error when it ended first).
func (d *Dispatcher[U]) Submit(ctx context.Context, chat string, u U) <-chan error {
	done := make(chan error, 1)
	if err := d.put(chat, job[U]{ctx: ctx, u: u, done: done}); err != nil {
		done <- err
	}
	return done
}

// Do handles u in ctx and returns the result, as Submit's channel would
// give it; when u's chat has nothing waiting or being handled, it is
// handled right here, in the caller's goroutine (a webhook's request),
// with no hand-over to another goroutine and back: the common case, a
// citizen's update while her previous one is done. Otherwise it waits its
// turn in the chat's queue.
func (d *Dispatcher[U]) Do(ctx context.Context, chat string, u U) error {
	d.mu.Lock()
	q, err := d.admitLocked(chat, u)
	if err != nil {
		d.mu.Unlock()
		return err
	}
	if q.running {
		done := make(chan error, 1)
		err := d.enqueueLocked(chat, q, job[U]{ctx: ctx, u: u, done: done})
		d.mu.Unlock()
		if err != nil {
			return err
		}
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	q.running = true
	d.startedLocked()
	d.wg.Add(1) // Close waits for it too
	d.mu.Unlock()
	defer d.wg.Done()
	err = d.work(job[U]{ctx: ctx, u: u})
	// What came for the chat meanwhile goes on in a goroutine of its own.
	d.mu.Lock()
	if len(q.jobs) > 0 {
		d.wg.Add(1)
		go d.run(chat, q)
	} else {
		d.idleLocked(chat, q)
	}
	d.finishedLocked()
	d.mu.Unlock()
	return err
}

// Enqueue queues u on chat and returns: u is handled in the dispatcher's
// context, which ends when Close does. It returns the error that kept u
// out (ErrClosed, ErrBusy, a *Throttled).
func (d *Dispatcher[U]) Enqueue(chat string, u U) error {
	return d.put(chat, job[U]{ctx: d.life, u: u})
}

func (d *Dispatcher[U]) put(chat string, j job[U]) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	q, err := d.admitLocked(chat, j.u)
	if err != nil {
		return err
	}
	return d.enqueueLocked(chat, q, j)
}

// enqueueLocked queues an admitted job on chat's queue, starting the
// chat's goroutine if none runs. The caller holds d.mu.
func (d *Dispatcher[U]) enqueueLocked(chat string, q *chatQueue[U], j job[U]) error {
	if len(q.jobs) >= d.opts.QueueLen {
		return ErrBusy
	}
	d.startedLocked()
	q.jobs = append(q.jobs, j)
	if !q.running {
		q.running = true
		d.wg.Add(1)
		go d.run(chat, q)
	}
	return nil
}

// admitLocked finds chat's queue and counts u against its limit: it
// refuses u when the dispatcher is closing or the chat floods. The caller
// holds d.mu.
func (d *Dispatcher[U]) admitLocked(chat string, u U) (*chatQueue[U], error) {
	if d.closed {
		return nil, ErrClosed
	}
	d.puts++
	if d.puts%sweepEvery == 0 {
		d.sweepLocked()
	}
	q := d.chats[chat]
	if q == nil {
		q = &chatQueue[U]{}
		if d.opts.Rate > 0 {
			q.limit = rate.NewLimiter(rate.Limit(d.opts.Rate), d.opts.Burst)
		}
		d.chats[chat] = q
	}
	if q.limit != nil {
		var id string
		if d.opts.ID != nil {
			id = d.opts.ID(u)
		}
		if !q.takenBefore(id) {
			if !q.limit.AllowN(d.opts.Now(), 1) {
				first := !q.refused
				q.refused = true
				return nil, &Throttled{Chat: chat, First: first}
			}
			q.took(id)
		}
	}
	q.refused = false
	return q, nil
}

// startedLocked counts an update queued or being handled. The caller
// holds d.mu.
func (d *Dispatcher[U]) startedLocked() {
	if d.pending == 0 {
		d.idle = make(chan struct{})
	}
	d.pending++
}

// run handles chat's updates, one after the other, until none is left.
func (d *Dispatcher[U]) run(chat string, q *chatQueue[U]) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		if len(q.jobs) == 0 {
			d.idleLocked(chat, q)
			d.mu.Unlock()
			return
		}
		j := q.jobs[0]
		q.jobs[0] = job[U]{}
		q.jobs = q.jobs[1:]
		d.mu.Unlock()

		err := d.work(j)
		if j.done != nil {
			j.done <- err
		}
		d.finished()
	}
}

// work handles one update once a worker is free, unless its context ends
// first (a webhook's deadline passed while it waited).
func (d *Dispatcher[U]) work(j job[U]) error {
	select {
	case d.workers <- struct{}{}:
	case <-j.ctx.Done():
		return j.ctx.Err()
	}
	defer func() { <-d.workers }()
	if err := j.ctx.Err(); err != nil {
		return err
	}
	return d.handle(j.ctx, j.u)
}

// sweepLocked forgets the chats with nothing waiting whose limit has
// filled up again: remembering them would change nothing. The caller
// holds d.mu.
func (d *Dispatcher[U]) sweepLocked() {
	now := d.opts.Now()
	for chat, q := range d.chats {
		if q.running {
			continue
		}
		if q.limit == nil || q.limit.TokensAt(now) >= float64(d.opts.Burst) {
			delete(d.chats, chat)
		}
	}
}

// idleLocked marks chat's queue idle, forgetting the chat when there is
// nothing to remember about it. The caller holds d.mu.
func (d *Dispatcher[U]) idleLocked(chat string, q *chatQueue[U]) {
	q.running = false
	if q.limit == nil && d.chats[chat] == q {
		delete(d.chats, chat)
	}
}

func (d *Dispatcher[U]) finished() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.finishedLocked()
}

// finishedLocked counts an update done. The caller holds d.mu.
func (d *Dispatcher[U]) finishedLocked() {
	d.pending--
	if d.pending == 0 {
		close(d.idle)
	}
}

// Waiting is how many updates of chat wait in its queue.
func (d *Dispatcher[U]) Waiting(chat string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if q := d.chats[chat]; q != nil {
		return len(q.jobs)
	}
	return 0
}

// Settled is closed once no update is queued or being handled: the
// moment a test of an adapter that answers before handling may look.
func (d *Dispatcher[U]) Settled() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.idle
}

// Close takes no more updates and waits until the queued ones are
// handled, or until ctx ends: then it returns ctx's error, and the
// dispatcher's context ends, so that an enqueued update still being tried
// is given up. Either way the dispatcher's context has ended on return.
func (d *Dispatcher[U]) Close(ctx context.Context) error {
	defer d.stop()
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	finished := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
