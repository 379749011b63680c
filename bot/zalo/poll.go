package zalo

import (
	"context"
	"errors"
	"fmt"

	"github.com/motcua/motcua/bot/channel"
)

// Poll receives updates by long polling until ctx ends. It leaves webhook
// mode first (getUpdates fails while a webhook is set). Each getUpdates
// hands out one update, once — there is no offset to confirm — so the
// update is queued for its chat's worker at once and the next poll made;
// the worker retries it while the store is unreachable. An idle poll ends
// with 408, which is no error. Poll returns nil when ctx ends, or an error
// when the token is refused.
func (b *Bot) Poll(ctx context.Context) error {
	if _, err := b.send(ctx, "deleteWebhook", struct{}{}); err != nil {
		return fmt.Errorf("zalo: leave webhook mode: %w", err)
	}
	failures := 0
	for ctx.Err() == nil {
		updates, err := b.getUpdates(ctx)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			serr := classify("getUpdates", err)
			b.metrics.Sent("getUpdates", serr.Reason)
			if serr.Reason == ReasonAuth {
				return fmt.Errorf("zalo: poll: %w", serr)
			}
			failures++
			b.log.Warn("zalo: getUpdates", "err", err)
			if b.wait(ctx, channel.Backoff(min(failures, 5))) != nil {
				break
			}
			continue
		}
		failures = 0
		for _, u := range updates {
			// The update is ours alone now: nothing can hand it back.
			if err := b.enqueue(u); err != nil {
				b.log.Warn("zalo: update dropped", "update", u.Message.MessageID, "err", err)
			}
		}
	}
	return nil
}

// getUpdates waits up to pollTimeout for an update; an idle poll returns
// none.
func (b *Bot) getUpdates(ctx context.Context) ([]update, error) {
	res, err := b.api.call(ctx, pollTimeout+b.timeout, "getUpdates", map[string]int{"timeout": int(pollTimeout.Seconds())})
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Code == 408 {
		b.metrics.Sent("getUpdates", "idle")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b.metrics.Sent("getUpdates", ReasonOK)
	updates, err := decodeUpdates(res)
	if err != nil {
		b.metrics.Update("undecodable")
		b.log.Warn("zalo: undecodable update from getUpdates", "err", err)
		return nil, nil
	}
	return updates, nil
}
