package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot/channel"
)

// pollTimeout is how long one getUpdates waits for an update.
const pollTimeout = 30 * time.Second

// allowedUpdates are the kinds of update the bot asks for, by polling and
// by webhook. Telegram remembers the last list it was given and sends
// nothing else, so a kind the bot handles must be named here:
// my_chat_member tells it that it joined or left a group.
var allowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// Poll receives updates by long polling until ctx ends. Each batch is
// handled (chats in parallel, each chat in order) before the next is asked
// for; an update that must be handled again (the store was unreachable)
// keeps the offset at it, so Telegram hands it out again: updates already
// handled in the batch are recognised by their id and not handled twice.
// On return the offset reached is confirmed to Telegram, so a restart goes
// on from there.
func (b *Bot) Poll(ctx context.Context) error {
	if _, err := b.send(ctx, "deleteWebhook", config(tgbotapi.DeleteWebhookConfig{})); err != nil {
		return fmt.Errorf("telegram: leave webhook mode: %w", err)
	}
	offset := 0
	failures := 0
	for ctx.Err() == nil {
		updates, err := b.getUpdates(ctx, offset, int(pollTimeout/time.Second))
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			failures++
			b.log.Warn("telegram: getUpdates", "err", err)
			if b.wait(ctx, channel.Backoff(min(failures, 5))) != nil {
				break
			}
			continue
		}
		failures = 0
		next := b.handleBatch(context.WithoutCancel(ctx), updates, offset)
		if next == offset && len(updates) > 0 {
			// The first update must be handled again: give the store time.
			if b.wait(ctx, channel.Backoff(3)) != nil {
				offset = next
				break
			}
		}
		offset = next
	}
	// Confirm what was handled; a zero timeout returns at once.
	confirm, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.timeout)
	defer cancel()
	if offset > 0 {
		if _, err := b.getUpdates(confirm, offset, 0); err != nil {
			b.log.Warn("telegram: confirm the polling offset", "err", err)
		}
	}
	return nil
}

// handleBatch handles a batch and returns the offset to ask for next: past
// the batch, or at the first update that must be handled again.
func (b *Bot) handleBatch(ctx context.Context, updates []tgbotapi.Update, offset int) int {
	// Submitted in order, so that each chat's updates keep theirs; each
	// within its own deadline.
	results := make([]<-chan error, len(updates))
	deadlines := make([]context.Context, len(updates))
	for i, u := range updates {
		ctx, cancel := context.WithTimeout(ctx, b.deadline)
		defer cancel()
		deadlines[i] = ctx
		results[i] = b.disp.Submit(ctx, chatOf(u), inbound{upd: u})
	}
	next := offset
	retry := false
	for i, u := range updates {
		var err error
		select {
		case err = <-results[i]:
			err = b.taken(u, err)
		case <-deadlines[i].Done():
			// A call that does not heed its context (a Redis that hangs)
			// must not hold the poll: ask for the update again.
			err = deadlines[i].Err()
		}
		if err != nil && !retry {
			retry = true
			next = u.UpdateID
			b.log.Warn("telegram: update to be handled again", "update", u.UpdateID, "err", err)
		}
		if !retry {
			next = u.UpdateID + 1
		}
	}
	return next
}

// getUpdates asks for updates from offset, waiting up to timeout seconds.
func (b *Bot) getUpdates(ctx context.Context, offset, timeout int) ([]tgbotapi.Update, error) {
	cfg := tgbotapi.NewUpdate(offset)
	cfg.Timeout = timeout
	cfg.AllowedUpdates = allowedUpdates
	resp, err := b.call(ctx, time.Duration(timeout)*time.Second+b.timeout, config(cfg))
	if err != nil {
		return nil, err
	}
	var updates []tgbotapi.Update
	if err := json.Unmarshal(resp.Result, &updates); err != nil {
		return nil, errors.New("telegram: getUpdates: undecodable result")
	}
	return updates, nil
}
