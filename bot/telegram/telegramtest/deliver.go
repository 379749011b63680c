package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// SecretHeader is the header Telegram sends a webhook's secret token in.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Deliver posts u to a webhook as Telegram does: a JSON body, and the
// secret token in SecretHeader unless secret is "". u goes as it is, with
// its UpdateID. The caller closes the response's body.
func Deliver(ctx context.Context, webhookURL, secret string, u tgbotapi.Update) (*http.Response, error) {
	if webhookURL == "" {
		return nil, errors.New("telegramtest: deliver an update: no webhook URL")
	}
	body, err := json.Marshal(u)
	if err != nil {
		return nil, fmt.Errorf("telegramtest: deliver an update: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("telegramtest: deliver an update: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	return http.DefaultClient.Do(req)
}
