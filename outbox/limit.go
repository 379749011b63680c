package outbox

import (
	"context"
	"math"
	"time"

	"golang.org/x/time/rate"
)

// minSweep is the number of chat limiters below which none is dropped.
const minSweep = 1024

// chatLimiter paces the sends to one chat.
type chatLimiter struct {
	lim   *rate.Limiter
	group bool
	// users counts the Sends holding it, which keep it from being
	// dropped; guarded by Outbox.mu.
	users int
}

// acquire returns chat's limiter, made when the chat has none; release it
// when done. A chat once named a group is paced as a group.
func (o *Outbox) acquire(chat string, group bool) *chatLimiter {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	cl, ok := o.chats[chat]
	if !ok {
		if len(o.chats) >= o.sweepAt {
			o.sweepLocked(now)
		}
		perChat := o.perChat
		if group {
			perChat = o.perGroup
		}
		cl = &chatLimiter{lim: rate.NewLimiter(perChat, 1), group: group}
		o.chats[chat] = cl
	}
	if group && !cl.group {
		cl.lim.SetLimitAt(now, o.perGroup)
		cl.group = true
	}
	cl.users++
	return cl
}

func (o *Outbox) release(cl *chatLimiter) {
	o.mu.Lock()
	defer o.mu.Unlock()
	cl.users--
}

// sweepLocked drops the limiters nobody holds and that are full again: a
// new one would be the same. It runs when the map has doubled since the
// last sweep, so it costs O(1) a send, and the map stays about the size of
// the chats sent to in the last few seconds, however many chats there are.
func (o *Outbox) sweepLocked(now time.Time) {
	for chat, cl := range o.chats {
		if cl.users == 0 && delay(cl.lim, now) == 0 {
			delete(o.chats, chat)
		}
	}
	o.sweepAt = max(minSweep, 2*len(o.chats))
}

// await holds a send back until every send may go (no pause from a rate
// limit), the chat may have one more, and so may the bot; it takes a token
// of both limiters. The chat is waited for before a place in the bot's
// queue is reserved, so that a slow chat does not hold a place others could
// use; the place is used only when the chat is still free when it comes
// (another Send to the same chat may have gone first), else it is lost and
// the loop starts again. Both tokens are taken at the instant of the send,
// so that neither limit is ever exceeded in any window.
func (o *Outbox) await(ctx context.Context, cl *chatLimiter) error {
	for {
		now := o.now()
		if d := o.pausedFor(now); d > 0 {
			if err := o.sleep(ctx, d); err != nil {
				return err
			}
			continue
		}
		if d := delay(cl.lim, now); d > 0 {
			if err := o.sleep(ctx, d); err != nil {
				return err
			}
			continue
		}
		r := o.global.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			if err := o.sleep(ctx, d); err != nil {
				r.CancelAt(o.now())
				return err
			}
			now = o.now()
			if o.pausedFor(now) > 0 {
				continue // a rate limit came while waiting: the place is lost
			}
		}
		if cl.lim.AllowN(now, 1) {
			return nil
		}
	}
}

// delay is how long from now until lim has a token, without taking it.
func delay(lim *rate.Limiter, now time.Time) time.Duration {
	if lim.Limit() == rate.Inf {
		return 0
	}
	missing := 1 - lim.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	// Rounded up, so that after the wait the token is there.
	return time.Duration(math.Ceil(missing / float64(lim.Limit()) * float64(time.Second)))
}
