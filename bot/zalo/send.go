package zalo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/bot/channel"
)

// Reasons a call failed, as metrics labels and for callers to act on.
const (
	ReasonOK      = "ok"
	ReasonQuota   = "quota"   // 429: the month's quota of messages is spent
	ReasonAuth    = "auth"    // 401: the token is wrong
	ReasonClient  = "client"  // another 4xx: our request is wrong
	ReasonServer  = "server"  // 5xx, or Zalo's 403 (a server error), after retries
	ReasonNetwork = "network" // no answer after retries
)

// SendError says why a call to the Bot Platform failed, with what the
// caller needs to act on it. Its text never holds the token.
type SendError struct {
	Method string
	Reason string
	// Code is the Bot Platform's error code, or the HTTP status; 0 for a
	// network error.
	Code int
	Err  error
}

// QuotaSpent reports that Zalo refused the message because the bot's
// monthly quota of messages is spent (its 429): nothing more can be sent
// until the month ends or the plan changes. It is not a rate limit:
// waiting a second mends nothing.
func (e *SendError) QuotaSpent() bool { return e.Reason == ReasonQuota }

// RateLimited is never true on Zalo: its 429 is the monthly quota (see
// QuotaSpent), not a pause of a few seconds. It is here so that the
// outbox, which asks every channel, reads Zalo's errors the same way.
func (e *SendError) RateLimited() (time.Duration, bool) { return 0, false }

// Blocked is never true on Zalo: its 403 is documented as a server error,
// and a citizen who blocked the bot is not told apart.
func (e *SendError) Blocked() bool { return false }

// Permanent reports an error that sending again cannot mend: the request
// is wrong for the Bot Platform (400, 404), or the token is (401).
func (e *SendError) Permanent() bool { return e.Reason == ReasonClient || e.Reason == ReasonAuth }

func (e *SendError) Error() string {
	return fmt.Sprintf("zalo %s: %s: %v", e.Method, e.Reason, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// maxAttempts bounds the attempts at one call whose failures are
// transient (network errors, 5xx, 403).
const maxAttempts = 4

// send makes a Bot Platform call through the one path every send takes: a
// timeout per call, network errors, 5xx and 403 retried with backoff, the
// rest final.
func (b *Bot) send(ctx context.Context, method string, params any) (json.RawMessage, error) {
	var serr *SendError
	for attempt := 0; ; attempt++ {
		res, err := b.api.call(ctx, b.timeout, method, params)
		if err == nil {
			b.metrics.Sent(method, ReasonOK)
			return res, nil
		}
		serr = classify(method, err)
		transient := serr.Reason == ReasonServer || serr.Reason == ReasonNetwork
		if !transient || attempt == maxAttempts-1 || ctx.Err() != nil {
			break
		}
		pause := channel.Backoff(attempt)
		b.log.Debug("zalo call retried", "method", method, "reason", serr.Reason, "pause", pause)
		if err := b.wait(ctx, pause); err != nil {
			serr = &SendError{Method: method, Reason: ReasonNetwork, Err: err}
			break
		}
	}
	b.metrics.Sent(method, serr.Reason)
	return nil, serr
}

// classify sorts an error of the client into a SendError.
func classify(method string, err error) *SendError {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return &SendError{Method: method, Reason: ReasonNetwork, Err: err}
	}
	e := &SendError{Method: method, Code: apiErr.Code, Err: err}
	switch {
	case apiErr.Code == 429:
		e.Reason = ReasonQuota
	case apiErr.Code == 401:
		e.Reason = ReasonAuth
	case apiErr.Code == 403, apiErr.Code == 408, apiErr.Code >= 500:
		e.Reason = ReasonServer
	default:
		e.Reason = ReasonClient
	}
	return e
}
