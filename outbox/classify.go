package outbox

import (
	"errors"
	"time"
)

// Reasons an attempt or a message ended, as metrics labels.
const (
	reasonOK          = "ok"
	reasonRateLimited = "rate_limited" // the channel asked every send to wait
	reasonBlocked     = "blocked"      // the recipient blocked the bot
	reasonFailed      = "failed"       // anything else the channel answered
	reasonPermanent   = "permanent"    // an error no retry mends; counted as failed
	reasonQuiet       = "quiet"        // refused in quiet hours
	reasonCanceled    = "canceled"     // the caller's context ended
	reasonQuota       = "quota"        // the month's quota is spent (see Quota)
)

// rateLimited is an error of a channel that asks every send to wait
// (Telegram's 429 with retry_after); *telegram.SendError is one.
type rateLimited interface {
	RateLimited() (time.Duration, bool)
}

// blocked is an error of a channel saying the recipient blocked the bot
// (Telegram's 403); *telegram.SendError is one.
type blocked interface {
	Blocked() bool
}

// permanent is an error that sending again cannot mend (Telegram's 400:
// chat not found, a group that became a supergroup); *telegram.SendError is
// one.
type permanent interface {
	Permanent() bool
}

// classify sorts the error of one attempt. For reasonRateLimited it also
// returns how long every send must wait, at least a second when the
// channel did not say.
func classify(err error) (reason string, pause time.Duration) {
	if err == nil {
		return reasonOK, 0
	}
	var q quotaSpent
	if errors.As(err, &q) && q.QuotaSpent() {
		return reasonQuota, 0
	}
	var rl rateLimited
	if errors.As(err, &rl) {
		if d, ok := rl.RateLimited(); ok {
			return reasonRateLimited, max(d, time.Second)
		}
	}
	var b blocked
	if errors.As(err, &b) && b.Blocked() {
		return reasonBlocked, 0
	}
	var p permanent
	if errors.As(err, &p) && p.Permanent() {
		return reasonPermanent, 0
	}
	return reasonFailed, 0
}
