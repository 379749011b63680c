package telegram

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot/channel"
)

// Reasons a send failed, as metrics labels and for callers to act on.
const (
	ReasonOK          = "ok"
	ReasonRateLimited = "rate_limited" // 429, waited and gave up
	ReasonBlocked     = "blocked"      // 403: the citizen blocked the bot
	ReasonMigrated    = "migrated"     // the group became a supergroup
	ReasonClient      = "client"       // another 4xx: our request is wrong
	ReasonServer      = "server"       // 5xx after retries
	ReasonNetwork     = "network"      // no answer after retries
)

// SendError says why a call to the Bot API failed, with what the caller
// needs to act on it. Its text never holds the token.
type SendError struct {
	Method string
	Reason string
	Code   int
	// MigratedTo is the supergroup a group became, for ReasonMigrated.
	MigratedTo int64
	// RetryAfter is how long Telegram asked to wait, for ReasonRateLimited.
	RetryAfter time.Duration
	Err        error
}

// RateLimited reports how long to wait before any further send, when the
// Bot API answered 429.
func (e *SendError) RateLimited() (time.Duration, bool) {
	return e.RetryAfter, e.Reason == ReasonRateLimited
}

// Blocked reports that the recipient blocked the bot: sending again is
// useless until she writes.
func (e *SendError) Blocked() bool { return e.Reason == ReasonBlocked }

// Permanent reports an error that sending again cannot mend: the request
// itself is wrong for the Bot API (a 4xx other than 429 and 403).
func (e *SendError) Permanent() bool { return e.Reason == ReasonClient || e.Reason == ReasonMigrated }

func (e *SendError) Error() string {
	return fmt.Sprintf("telegram %s: %s: %v", e.Method, e.Reason, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// Retry policy of the sender.
const (
	maxAttempts = 4
	// maxRetryAfter caps a 429's wait: beyond it the call fails and the
	// caller (or Telegram, re-delivering the update) tries later.
	maxRetryAfter = 60 * time.Second
)

// send makes a Bot API call through the one path every call takes: a
// timeout per call, network errors and 5xx retried with backoff, a 429
// waited out for its retry_after, a 403 recorded as final. method names the
// call for errors and metrics.
func (b *Bot) send(ctx context.Context, method string, r request) (*tgbotapi.APIResponse, error) {
	return b.sendWith(ctx, method, r, true)
}

// sendWith is send; with waitRateLimit false a 429 is returned at once, for
// a caller that paces many chats and must pause them all (the outbox).
func (b *Bot) sendWith(ctx context.Context, method string, r request, waitRateLimit bool) (*tgbotapi.APIResponse, error) {
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		var resp *tgbotapi.APIResponse
		resp, err = b.call(ctx, b.timeout, r)
		if err == nil {
			b.metrics.Sent(method, ReasonOK)
			return resp, nil
		}
		serr := classify(method, err)
		var pause time.Duration
		switch serr.Reason {
		case ReasonRateLimited:
			var apiErr *tgbotapi.Error
			errors.As(err, &apiErr)
			pause = time.Duration(max(1, apiErr.RetryAfter)) * time.Second
			serr.RetryAfter = pause
			if pause > maxRetryAfter || !waitRateLimit {
				b.metrics.Sent(method, serr.Reason)
				return nil, serr
			}
		case ReasonServer, ReasonNetwork:
			pause = channel.Backoff(attempt)
		default:
			b.metrics.Sent(method, serr.Reason)
			return nil, serr
		}
		if attempt == maxAttempts-1 {
			b.metrics.Sent(method, serr.Reason)
			return nil, serr
		}
		b.log.Debug("telegram call retried", "method", method, "reason", serr.Reason, "pause", pause)
		if err := b.wait(ctx, pause); err != nil {
			b.metrics.Sent(method, ReasonNetwork)
			return nil, &SendError{Method: method, Reason: ReasonNetwork, Err: err}
		}
	}
	return nil, classify(method, err)
}

// classify sorts an error of the library into a SendError.
func classify(method string, err error) *SendError {
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) {
		if strings.Contains(err.Error(), "invalid character") || strings.Contains(err.Error(), "unexpected end of JSON") {
			return &SendError{Method: method, Reason: ReasonServer, Err: err}
		}
		return &SendError{Method: method, Reason: ReasonNetwork, Err: err}
	}
	e := &SendError{Method: method, Code: apiErr.Code, Err: err}
	switch {
	case apiErr.MigrateToChatID != 0:
		e.Reason, e.MigratedTo = ReasonMigrated, apiErr.MigrateToChatID
	case apiErr.Code == 429:
		e.Reason = ReasonRateLimited
	case apiErr.Code == 403:
		e.Reason = ReasonBlocked
	case apiErr.Code >= 500:
		e.Reason = ReasonServer
	default:
		e.Reason = ReasonClient
	}
	return e
}
