package zalo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/channel"
)

// SecretHeader is the header Zalo sends a webhook's secret token in.
const SecretHeader = "X-Bot-Api-Secret-Token"

// maxUpdate bounds the body of a webhook request.
const maxUpdate = 1 << 20

// Webhook returns the handler Zalo posts updates to. A request without the
// secret (SecretHeader, compared in constant time; an empty secret accepts
// nothing) is refused with 401 and not read. The body may be the update or
// {"ok":true,"result":update}. The update is queued for its chat's worker
// and answered 200 at once: Zalo wants a fast answer and documents no
// retry, so the bot retries an update itself while the store is
// unreachable, and a delivery seen twice is recognised by its message id.
// A queue full until the request ends, or a bot shutting down, answers
// 503.
func (b *Bot) Webhook(secret string) http.Handler {
	return channel.Webhook(SecretHeader, secret, b.metrics, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxUpdate))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		updates, err := decodeUpdates(body)
		if err != nil {
			// The same bytes would come again: take them, and log.
			b.metrics.Update("undecodable")
			b.log.Warn("zalo: undecodable webhook update", "err", err)
			w.WriteHeader(http.StatusOK)
			return
		}
		for _, u := range updates {
			if err := b.enqueue(u); err != nil {
				b.log.Warn("zalo: webhook update not queued", "err", err)
				http.Error(w, "try again", http.StatusServiceUnavailable)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	}))
}

// enqueue queues an update for its chat. An update of a chat that floods
// is dropped, no error, the citizen told once to slow down; the error of
// a chat with too many updates waiting, or a bot shutting down, is
// returned.
func (b *Bot) enqueue(u update) error {
	err := b.disp.Enqueue(chatOf(u), u)
	var th *channel.Throttled
	if !errors.As(err, &th) {
		return err
	}
	b.metrics.Throttled()
	if th.First && b.tooFast != "" && u.Message != nil && strings.EqualFold(u.Message.Chat.ChatType, "PRIVATE") {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
			defer cancel()
			if _, err := b.post(ctx, u.Message.Chat.ID, bot.Message{Text: b.tooFast}); err != nil {
				b.log.Debug("zalo: tell a flooding chat to slow down", "err", err)
			}
		}()
	}
	return nil
}

// SetWebhook tells Zalo to post updates to url (https) with secret (8 to
// 256 characters) in SecretHeader. Polling stops working until
// Poll removes the webhook.
func (b *Bot) SetWebhook(ctx context.Context, url, secret string) error {
	if n := len(secret); n < 8 || n > 256 {
		return fmt.Errorf("zalo: set webhook: the secret must have 8 to 256 characters, not %d", n)
	}
	if _, err := b.send(ctx, "setWebhook", map[string]string{"url": url, "secret_token": secret}); err != nil {
		return fmt.Errorf("zalo: set webhook: %w", err)
	}
	return nil
}

// DeleteWebhook tells Zalo to stop posting updates, for polling.
func (b *Bot) DeleteWebhook(ctx context.Context) error {
	if _, err := b.send(ctx, "deleteWebhook", struct{}{}); err != nil {
		return fmt.Errorf("zalo: delete webhook: %w", err)
	}
	return nil
}
