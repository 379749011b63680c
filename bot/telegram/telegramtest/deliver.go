package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

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

// Answered does what Telegram does with a webhook's answer: a 2xx answer
// may carry one Bot API call (the "method" field of a form, as
// tgbotapi.WriteToHTTPResponse writes it), which Telegram makes on the
// bot's behalf. The server makes it on itself, recorded as any call. It
// reads and closes resp's body.
func (s *Server) Answered(resp *http.Response) error {
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("telegramtest: read a webhook's answer: %w", err)
	}
	form, err := url.ParseQuery(string(body))
	method := form.Get("method")
	if err != nil || method == "" {
		return nil // no call in the answer
	}
	form.Del("method")
	call, err := http.PostForm(s.URL()+"/bot"+s.token+"/"+method, form)
	if err != nil {
		return fmt.Errorf("telegramtest: the call in a webhook's answer: %w", err)
	}
	call.Body.Close()
	return nil
}
