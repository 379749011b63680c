package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot/channel"
)

// httpClient is what the library calls for every request. It carries the
// call's context, keeps the token out of errors, and turns the answers of Bot
// API servers that do not speak JSON on failure (a proxy's HTML 502, a
// self-hosted server's plain-text 500) into an ordinary API error, so that
// the sender can decide on a retry by the status.
type httpClient struct {
	ctx   context.Context
	base  *http.Client
	token string
}

func (c httpClient) Do(req *http.Request) (*http.Response, error) {
	if c.ctx != nil && req.Context() != c.ctx {
		req = req.WithContext(c.ctx)
	}
	resp, err := c.base.Do(req)
	if err != nil {
		return nil, channel.Redact(err, c.token)
	}
	if resp.StatusCode < 400 {
		return resp, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if err != nil {
		return nil, channel.Redact(fmt.Errorf("read the answer of %s: %w", req.URL.Path, err), c.token)
	}
	var probe struct {
		Ok *bool `json:"ok"`
	}
	if json.Unmarshal(body, &probe) != nil || probe.Ok == nil {
		desc := strings.TrimSpace(string(body))
		if len(desc) > 120 {
			desc = desc[:120] + "…"
		}
		body, _ = json.Marshal(map[string]any{
			"ok":          false,
			"error_code":  resp.StatusCode,
			"description": fmt.Sprintf("HTTP %d: %s", resp.StatusCode, desc),
		})
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// request is one call of the library.
type request func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error)

// config calls the Bot API with one of the library's configs.
func config(c tgbotapi.Chattable) request {
	return func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return api.Request(c) }
}

// request calls the Bot API with c: the two calls of nearly every update
// as JSON (a text message, the answer to a button), any other config
// through the library.
func (b *Bot) request(c tgbotapi.Chattable) request {
	switch c := c.(type) {
	case tgbotapi.MessageConfig:
		return b.message(c)
	case tgbotapi.CallbackConfig:
		return b.jsonRequest("answerCallbackQuery", callbackAnswer{
			ID: c.CallbackQueryID, Text: c.Text, ShowAlert: c.ShowAlert, URL: c.URL, CacheTime: c.CacheTime,
		})
	}
	return config(c)
}

// callbackAnswer is answerCallbackQuery's JSON body.
type callbackAnswer struct {
	ID        string `json:"callback_query_id"`
	Text      string `json:"text,omitempty"`
	ShowAlert bool   `json:"show_alert,omitempty"`
	URL       string `json:"url,omitempty"`
	CacheTime int    `json:"cache_time,omitempty"`
}

// jsonRequest calls method with body as JSON (postJSON).
func (b *Bot) jsonRequest(method string, body any) request {
	return func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return b.postJSON(api, method, body) }
}

// textMessage is sendMessage's JSON body for the text messages render.go
// builds: the fields it sets, under the names the library sends them.
type textMessage struct {
	ChatID      int64  `json:"chat_id"`
	Text        string `json:"text"`
	ParseMode   string `json:"parse_mode,omitempty"`
	NoPreview   bool   `json:"disable_web_page_preview,omitempty"`
	ReplyMarkup any    `json:"reply_markup,omitempty"`
}

// message sends a text message as a JSON body, which the Bot API takes as
// well as a form. It is the call of nearly every update, and the
// library's way (api.Request) costs it a Params map, the keyboard
// marshalled to JSON and then escaped byte by byte into a form, and a
// json.Decoder growing its own buffer for the answer. The answer is the
// library's APIResponse, and a refusal its *Error, as from api.Request.
func (b *Bot) message(m tgbotapi.MessageConfig) request {
	return b.jsonRequest("sendMessage", textMessage{
		ChatID: m.ChatID, Text: m.Text, ParseMode: m.ParseMode,
		NoPreview: m.DisableWebPagePreview, ReplyMarkup: m.ReplyMarkup,
	})
}

// postJSON calls method with body as JSON through api's client (which
// carries the call's context and keeps the token out of errors).
func (b *Bot) postJSON(api *tgbotapi.BotAPI, method string, body any) (*tgbotapi.APIResponse, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	ctx := context.Background()
	if c, ok := api.Client.(httpClient); ok && c.ctx != nil {
		ctx = c.ctx // made with it, the request need not be copied to carry it
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.apiURL+"/bot"+api.Token+"/"+method, bytes.NewReader(payload))
	if err != nil {
		return nil, channel.Redact(fmt.Errorf("%s: %w", method, err), api.Token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := api.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	buf := bodies.Get().(*bytes.Buffer)
	defer putBody(buf)
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, maxUpdate)); err != nil {
		return nil, fmt.Errorf("%s: read the answer: %w", method, err)
	}
	var answer tgbotapi.APIResponse // Unmarshal copies what it keeps out of buf
	if err := json.Unmarshal(buf.Bytes(), &answer); err != nil {
		return nil, fmt.Errorf("%s: decode the answer: %w", method, err)
	}
	if !answer.Ok {
		var params tgbotapi.ResponseParameters
		if answer.Parameters != nil {
			params = *answer.Parameters
		}
		return &answer, &tgbotapi.Error{Code: answer.ErrorCode, Message: answer.Description, ResponseParameters: params}
	}
	return &answer, nil
}

// raw calls a method with parameters the library's configs lack (the
// secret_token of setWebhook).
func raw(method string, params tgbotapi.Params) request {
	return func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return api.MakeRequest(method, params) }
}

// call makes one request with ctx, bounded by timeout, through a copy of
// the library's client: the library takes no context of its own.
func (b *Bot) call(ctx context.Context, timeout time.Duration, r request) (*tgbotapi.APIResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	api := *b.api
	api.Client = httpClient{ctx: ctx, base: b.http, token: b.api.Token}
	resp, err := r(&api)
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) && apiErr.Code == 0 && resp != nil {
		// The library's uploads (UploadFiles) leave the code out of their
		// errors: without it a 403 or a 429 would read as a bad request.
		apiErr.Code = resp.ErrorCode
	}
	return resp, channel.Redact(err, b.api.Token)
}
