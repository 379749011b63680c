package channel

import (
	"context"
	"errors"
	"sync"
)

// ErrClosed refuses updates once the dispatcher is closing: the bot is
// shutting down.
var ErrClosed = errors.New("channel: shutting down")

// Dispatcher runs updates on a fixed set of workers, the updates of one
// chat always on the same worker, so that a chat's updates are handled in
// order while different chats go in parallel.
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
	queues []chan job[U]
	handle func(context.Context, U) error
	wg     sync.WaitGroup
	// life is the context of enqueued updates; it ends when Close does.
	life context.Context
	stop context.CancelFunc

	mu     sync.RWMutex // held to send on a queue, and to close them
	closed bool

	pmu     sync.Mutex
	pending int           // updates queued or being handled
	idle    chan struct{} // closed while pending is 0
}

type job[U any] struct {
	ctx  context.Context
	u    U
	done chan<- error // nil for an enqueued update
}

// NewDispatcher starts workers, each with a queue of queueLen updates
// (where a burst waits rather than holding a webhook's answer or the next
// poll), that call handle.
func NewDispatcher[U any](workers, queueLen int, handle func(context.Context, U) error) *Dispatcher[U] {
	d := &Dispatcher[U]{queues: make([]chan job[U], max(1, workers)), handle: handle, idle: make(chan struct{})}
	d.life, d.stop = context.WithCancel(context.Background())
	close(d.idle)
	for i := range d.queues {
		d.queues[i] = make(chan job[U], queueLen)
		d.wg.Go(func() {
			for j := range d.queues[i] {
				err := d.handle(j.ctx, j.u)
				if j.done != nil {
					j.done <- err
				}
				d.finished()
			}
		})
	}
	return d
}

// Submit queues u on chat's worker, to be handled in ctx; the channel
// returned gives the result of handling it, or the error that kept it out
// of the queue (ErrClosed, or ctx's error while waiting for room).
func (d *Dispatcher[U]) Submit(ctx context.Context, chat string, u U) <-chan error {
	done := make(chan error, 1)
	if err := d.put(ctx, chat, job[U]{ctx: ctx, u: u, done: done}); err != nil {
		done <- err
	}
	return done
}

// Enqueue queues u on chat's worker, waiting for room until ctx ends, and
// returns: u is handled in the dispatcher's context, which ends when Close
// does.
func (d *Dispatcher[U]) Enqueue(ctx context.Context, chat string, u U) error {
	return d.put(ctx, chat, job[U]{ctx: d.life, u: u})
}

func (d *Dispatcher[U]) put(ctx context.Context, chat string, j job[U]) error {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return ErrClosed
	}
	d.pmu.Lock()
	if d.pending == 0 {
		d.idle = make(chan struct{})
	}
	d.pending++
	d.pmu.Unlock()
	select {
	case d.queue(chat) <- j:
		return nil
	case <-ctx.Done():
		d.finished()
		return ctx.Err()
	case <-d.life.Done():
		d.finished()
		return ErrClosed
	}
}

// queue is chat's worker's queue, by the chat's FNV-1a hash.
func (d *Dispatcher[U]) queue(chat string) chan job[U] {
	h := uint32(2166136261)
	for i := 0; i < len(chat); i++ {
		h ^= uint32(chat[i])
		h *= 16777619
	}
	return d.queues[h%uint32(len(d.queues))]
}

func (d *Dispatcher[U]) finished() {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	d.pending--
	if d.pending == 0 {
		close(d.idle)
	}
}

// Settled is closed once no update is queued or being handled: the
// moment a test of an adapter that answers before handling may look.
func (d *Dispatcher[U]) Settled() <-chan struct{} {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	return d.idle
}

// Close takes no more updates and waits until the queued ones are
// handled, or until ctx ends: then it returns ctx's error, and the
// dispatcher's context ends, so that an enqueued update still being tried
// is given up. Either way the dispatcher's context has ended on return.
func (d *Dispatcher[U]) Close(ctx context.Context) error {
	defer d.stop()
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		for _, q := range d.queues {
			close(q)
		}
	}
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
