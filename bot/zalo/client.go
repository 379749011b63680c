package zalo

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

	"github.com/motcua/motcua/bot/channel"
)

// maxAnswer bounds the body of an answer of the Bot Platform read into
// memory: an update or a message id, never more than a few kilobytes.
const maxAnswer = 1 << 20

// APIError is an answer of the Bot Platform that is not {"ok":true}: its
// envelope's error code (either spelling, error_code or errorCode) or the
// HTTP status when the body is not the Bot Platform's JSON (a proxy's HTML
// 502).
type APIError struct {
	Code        int
	Description string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("zalo api error %d: %s", e.Code, e.Description)
}

// envelope is every answer of the Bot Platform.
type envelope struct {
	Ok          *bool           `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	ErrorCamel  int             `json:"errorCode"`
	Description string          `json:"description"`
	Message     string          `json:"message"`
}

// client calls the Bot Platform: POST <base>/bot<token>/<method> with a
// JSON body. Its errors never hold the token.
type client struct {
	base  string
	token string
	http  *http.Client
}

// call makes one request bounded by timeout and returns the result of an
// {"ok":true} answer; any other answer is an *APIError.
func (c *client) call(ctx context.Context, timeout time.Duration, method string, params any) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("zalo %s: encode parameters: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/bot"+c.token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return nil, c.scrub(fmt.Errorf("zalo %s: %w", method, err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.scrub(fmt.Errorf("zalo %s: %w", method, err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, c.scrub(fmt.Errorf("zalo %s: read the answer: %w", method, err))
	}
	var env envelope
	if json.Unmarshal(raw, &env) != nil || env.Ok == nil {
		desc := strings.TrimSpace(string(raw))
		if len(desc) > 120 {
			desc = desc[:120] + "…"
		}
		return nil, c.scrub(&APIError{Code: resp.StatusCode, Description: fmt.Sprintf("HTTP %d: %s", resp.StatusCode, desc)})
	}
	if !*env.Ok {
		code := env.ErrorCode
		if code == 0 {
			code = env.ErrorCamel
		}
		if code == 0 {
			code = resp.StatusCode
		}
		desc := env.Description
		if desc == "" {
			desc = env.Message
		}
		return nil, c.scrub(&APIError{Code: code, Description: desc})
	}
	return env.Result, nil
}

// scrub keeps the token out of an error (see channel.Redact). An API
// error's description, which may echo the URL, is cleaned in place, so
// that it stays an *APIError.
func (c *client) scrub(err error) error {
	var apiErr *APIError
	if c.token != "" && errors.As(err, &apiErr) {
		apiErr.Description = strings.ReplaceAll(apiErr.Description, c.token, "<token>")
	}
	return channel.Redact(err, c.token)
}
