package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot/channel"
)

// maxUpdate bounds the body of a webhook request.
const maxUpdate = 1 << 20

// secretHeader is the header Telegram sends the webhook's secret in.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Webhook returns the handler Telegram posts updates to. A request without
// the secret (X-Telegram-Bot-Api-Secret-Token, compared in constant time) is
// refused with 401 and not processed. The update is handled before the
// answer: 200 when done, 503 when it must be delivered again (the store was
// unreachable, or the bot is shutting down), so nothing is lost.
func (b *Bot) Webhook(secret string) http.Handler {
	return channel.Webhook(secretHeader, secret, b.metrics, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upd, err := decodeUpdate(io.LimitReader(r.Body, maxUpdate))
		if err != nil {
			// Telegram would send the same bytes again: take it and log.
			b.log.Warn("telegram: undecodable webhook update", "err", err)
			w.WriteHeader(http.StatusOK)
			return
		}
		if err := <-b.disp.Submit(r.Context(), chatOf(upd), upd); err != nil {
			b.log.Warn("telegram: update to be delivered again", "update", upd.UpdateID, "err", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
}

// decodeUpdate reads one update as Telegram sends it.
func decodeUpdate(r io.Reader) (tgbotapi.Update, error) {
	var upd tgbotapi.Update
	if err := json.NewDecoder(r).Decode(&upd); err != nil {
		return tgbotapi.Update{}, fmt.Errorf("decode update: %w", err)
	}
	if upd.UpdateID <= 0 {
		return tgbotapi.Update{}, errors.New("decode update: no update_id")
	}
	return upd, nil
}

// SetWebhook tells Telegram to post updates to url with the secret.
func (b *Bot) SetWebhook(ctx context.Context, url, secret string) error {
	allowed, err := json.Marshal(allowedUpdates)
	if err != nil {
		return fmt.Errorf("telegram: set webhook: %w", err)
	}
	params := tgbotapi.Params{
		"url":             url,
		"secret_token":    secret,
		"allowed_updates": string(allowed),
	}
	if _, err := b.send(ctx, "setWebhook", raw("setWebhook", params)); err != nil {
		return fmt.Errorf("telegram: set webhook: %w", err)
	}
	return nil
}
