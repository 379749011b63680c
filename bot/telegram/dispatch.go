package telegram

import (
	"context"
	"errors"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// dispatcher runs updates on a fixed set of workers, the updates of one chat
// always on the same worker, so that they are handled in order while
// different chats go in parallel.
type dispatcher struct {
	queues []chan job
	fn     func(context.Context, tgbotapi.Update) error
	wg     sync.WaitGroup

	mu     sync.RWMutex
	closed bool
}

type job struct {
	ctx  context.Context
	upd  tgbotapi.Update
	done chan error
}

// errClosed refuses updates once the bot is shutting down; the update is
// delivered again later.
var errClosed = errors.New("telegram: shutting down")

func newDispatcher(workers int, fn func(context.Context, tgbotapi.Update) error) *dispatcher {
	d := &dispatcher{queues: make([]chan job, workers), fn: fn}
	for i := range d.queues {
		d.queues[i] = make(chan job, 64)
		d.wg.Go(func() {
			for j := range d.queues[i] {
				j.done <- d.fn(j.ctx, j.upd)
			}
		})
	}
	return d
}

// submit queues an update on its chat's worker; the channel returned gives
// the result of handling it.
func (d *dispatcher) submit(ctx context.Context, upd tgbotapi.Update) <-chan error {
	done := make(chan error, 1)
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		done <- errClosed
		return done
	}
	q := d.queues[int(uint64(chatOf(upd))%uint64(len(d.queues)))]
	select {
	case q <- job{ctx: ctx, upd: upd, done: done}:
	case <-ctx.Done():
		done <- ctx.Err()
	}
	return done
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

// chatOf is the chat an update belongs to, for ordering.
func chatOf(upd tgbotapi.Update) int64 {
	switch {
	case upd.Message != nil && upd.Message.Chat != nil:
		return upd.Message.Chat.ID
	case upd.CallbackQuery != nil && upd.CallbackQuery.Message != nil && upd.CallbackQuery.Message.Chat != nil:
		return upd.CallbackQuery.Message.Chat.ID
	case upd.MyChatMember != nil:
		return upd.MyChatMember.Chat.ID
	}
	return int64(upd.UpdateID)
}
