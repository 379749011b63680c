package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/channel"
)

// maxUpdate bounds the body of a webhook request.
const maxUpdate = 1 << 20

// secretHeader is the header Telegram sends the webhook's secret in.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Webhook returns the handler Telegram posts updates to. A request without
// the secret (X-Telegram-Bot-Api-Secret-Token, compared in constant time) is
// refused with 401 and not processed. The update is handled before the
// answer, within the deadline: 200 when its reply got through, 503 when it
// must be delivered again (the store was unreachable, a message could not
// be sent yet, the deadline passed, or the bot is shutting down), so
// nothing is lost. An update of a chat that floods is dropped with 200.
func (b *Bot) Webhook(secret string) http.Handler {
	return channel.Webhook(secretHeader, secret, b.metrics, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upd, err := decodeUpdate(io.LimitReader(r.Body, maxUpdate))
		if err != nil {
			// Telegram would send the same bytes again: take it and log.
			b.log.Warn("telegram: undecodable webhook update", "err", err)
			w.WriteHeader(http.StatusOK)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), b.deadline)
		defer cancel()
		if err := b.take(ctx, inbound{upd: upd, webhook: true}); err != nil {
			b.log.Warn("telegram: update to be delivered again", "update", upd.UpdateID, "err", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		if edit, ok := keyboardOff(upd); ok {
			// The keyboard comes off in the answer: Telegram makes the call.
			if err := tgbotapi.WriteToHTTPResponse(w, edit); err == nil {
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	}))
}

// take hands an update to its chat — handled in this goroutine when the
// chat is idle, the common case — and returns once it is handled or ctx
// ends. It returns an error when the update must be delivered again; an
// update dropped because its chat floods is no error, the citizen told
// once to slow down. Every call below heeds ctx (go-redis bounds commands
// by their context, the Bot API calls run on ctx), so the answer comes
// by the deadline.
func (b *Bot) take(ctx context.Context, in inbound) error {
	err := b.disp.Do(ctx, chatOf(in.upd), in)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return fmt.Errorf("update %d: %w: %w", in.upd.UpdateID, bot.ErrTryLater, err)
	}
	return b.taken(in.upd, err)
}

// taken reads the result of handling upd, as take says.
func (b *Bot) taken(upd tgbotapi.Update, err error) error {
	var th *channel.Throttled
	if errors.As(err, &th) {
		b.metrics.Throttled()
		if th.First {
			b.slowDown(upd)
		}
		return nil
	}
	return err
}

// slowDown tells a chat that floods, once a burst, that its messages are
// dropped for a moment. It does not hold the webhook: it goes on its own,
// waiting out the chat's 429 if its replies spent its limit, for as long
// as one call may take.
func (b *Bot) slowDown(upd tgbotapi.Update) {
	u, chatID, kind := b.convert(upd)
	if b.tooFast == "" || kind == kindIgnored || !u.Chat.Private {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
		defer cancel()
		if _, err := b.post(ctx, chatID, bot.Message{Text: b.tooFast}, true); err != nil {
			b.log.Debug("telegram: tell a flooding chat to slow down", "err", err)
		}
	}()
}

// bodies holds the buffers updates and the Bot API's answers are read
// into: a json.Decoder would grow a new one for each, the largest
// allocation of the webhook.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putBody empties buf and gives it back to bodies, unless an outsized body
// grew it.
func putBody(buf *bytes.Buffer) {
	if buf.Cap() <= 64<<10 {
		buf.Reset()
		bodies.Put(buf)
	}
}

// decodeUpdate reads one update as Telegram sends it.
func decodeUpdate(r io.Reader) (tgbotapi.Update, error) {
	buf := bodies.Get().(*bytes.Buffer)
	defer putBody(buf)
	if _, err := buf.ReadFrom(r); err != nil {
		return tgbotapi.Update{}, fmt.Errorf("decode update: %w", err)
	}
	var upd tgbotapi.Update // Unmarshal copies what it keeps out of buf
	if err := json.Unmarshal(buf.Bytes(), &upd); err != nil {
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
