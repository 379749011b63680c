package zalo

import (
	"context"
	"errors"
	"hash/fnv"
	"sync"
)

// dispatcher runs updates on a fixed set of workers, the updates of one chat
// always on the same worker, so that they are handled in order while
// different chats go in parallel. Unlike Telegram's, nobody waits for an
// update's result: Zalo has no offset to hold and wants the webhook
// answered at once, so a worker retries an update itself (see run).
type dispatcher struct {
	queues []chan update
	run    func(update)
	wg     sync.WaitGroup

	mu     sync.RWMutex // held to send on a queue, and to close them
	closed bool

	pmu     sync.Mutex
	pending int           // updates queued or being handled
	idle    chan struct{} // closed while pending is 0
}

// errClosed refuses updates once the bot is shutting down.
var errClosed = errors.New("zalo: shutting down")

// queueLen is each worker's queue: a burst of updates waits there rather
// than holding the webhook's answer or the next poll.
const queueLen = 256

func newDispatcher(workers int, run func(update)) *dispatcher {
	d := &dispatcher{queues: make([]chan update, workers), run: run, idle: make(chan struct{})}
	close(d.idle)
	for i := range d.queues {
		d.queues[i] = make(chan update, queueLen)
		d.wg.Go(func() {
			for u := range d.queues[i] {
				d.run(u)
				d.done()
			}
		})
	}
	return d
}

// submit queues an update on its chat's worker, waiting for room until ctx
// ends.
func (d *dispatcher) submit(ctx context.Context, u update) error {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return errClosed
	}
	d.pmu.Lock()
	if d.pending == 0 {
		d.idle = make(chan struct{})
	}
	d.pending++
	d.pmu.Unlock()
	select {
	case d.queues[d.worker(u)] <- u:
		return nil
	case <-ctx.Done():
		d.done()
		return ctx.Err()
	}
}

func (d *dispatcher) worker(u update) int {
	key := ""
	if u.Message != nil {
		key = u.Message.Chat.ID
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(len(d.queues)))
}

func (d *dispatcher) done() {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	d.pending--
	if d.pending == 0 {
		close(d.idle)
	}
}

// settled is closed once no update is queued or being handled.
func (d *dispatcher) settled() <-chan struct{} {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	return d.idle
}

// close takes no more updates and waits for the queued ones, or for ctx.
func (d *dispatcher) close(ctx context.Context) error {
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
