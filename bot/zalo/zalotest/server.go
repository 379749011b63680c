package zalotest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

const (
	// BotID is the bot's id, as getMe reports it.
	BotID = "1459232241454765289"
	// AccountName is the bot's account name, as getMe reports it.
	AccountName = "bot.motcua"
	// DefaultPollWait caps a long poll, whatever timeout it asks for, so
	// that a test never waits long for an idle 408.
	DefaultPollWait = 2 * time.Second
	// MaxText is the Bot Platform's limit on a text or a caption, in
	// UTF-16 code units.
	MaxText = 2000
)

// Server is a fake Zalo Bot Platform server. Its exported fields are
// settings: set them before the first request and leave them alone after.
type Server struct {
	// Quota is how many messages (sendMessage, sendPhoto) may be sent; past
	// it sends answer 429. Zero means no quota.
	Quota int
	// CamelErrors spells error codes "errorCode" instead of "error_code".
	CamelErrors bool
	// PollWait caps a long poll (DefaultPollWait when zero).
	PollWait time.Duration
	// Now is the clock for dates and Call.At (time.Now when nil).
	Now func() time.Time

	token string
	http  *httptest.Server

	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever something happens
	closed  bool
	calls   []Call
	sent    []Message
	queue   []Update
	polling bool
	webhook string
	secret  string
	nextID  int
	faults  []fault
}

// New starts a Server for a test that accepts token, and closes it when
// the test ends.
func New(t testing.TB, token string) *Server {
	t.Helper()
	s := NewServer(token)
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a Server that accepts token. Close it when done.
func NewServer(token string) *Server {
	s := &Server{token: token, changed: make(chan struct{})}
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// Close ends waiting long polls and shuts the server down. It may be
// called more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.signalLocked()
	s.mu.Unlock()
	s.http.Close()
}

// URL is the server's base URL, the counterpart of
// "https://bot-api.zaloplatforms.com".
func (s *Server) URL() string { return s.http.URL }

func (s *Server) signalLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// answer is an HTTP response, ready to write.
type answer struct {
	status      int
	contentType string
	body        []byte
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	a := s.answer(r)
	w.Header().Set("Content-Type", a.contentType)
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

func (s *Server) answer(r *http.Request) answer {
	rest, isBot := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok := strings.Cut(rest, "/")
	if !isBot || !ok || method == "" {
		return s.apiError(http.StatusNotFound, "Not Found")
	}
	if token != s.token {
		return s.apiError(http.StatusUnauthorized, "Unauthorized")
	}
	p, err := readParams(r)
	if err != nil {
		return s.apiError(http.StatusBadRequest, "Bad Request: "+err.Error())
	}
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: method, Params: p, At: s.now()})
	s.signalLocked()
	f, faulted := s.takeFaultLocked(method)
	s.mu.Unlock()
	if faulted {
		return f
	}
	switch method {
	case "getMe":
		return result(map[string]any{"id": BotID, "account_name": AccountName, "account_type": "BASIC", "can_join_groups": true})
	case "getUpdates":
		return s.getUpdates(r.Context(), p)
	case "setWebhook":
		return s.setWebhook(p)
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook, s.secret = "", ""
		s.signalLocked()
		s.mu.Unlock()
		return result(map[string]any{"url": "", "updated_at": s.now().UnixMilli()})
	case "getWebhookInfo":
		s.mu.Lock()
		defer s.mu.Unlock()
		return result(map[string]any{"url": s.webhook, "updated_at": s.now().UnixMilli()})
	case "sendMessage":
		return s.sendMessage(p)
	case "sendPhoto":
		return s.sendPhoto(p)
	case "sendChatAction":
		if p["chat_id"] == "" || p["action"] == "" {
			return s.apiError(http.StatusBadRequest, "Bad Request: chat_id and action are required")
		}
		return answer{status: http.StatusOK, contentType: "application/json", body: []byte(`{"ok":true}`)}
	}
	return s.apiError(http.StatusNotFound, "Not Found")
}

// readParams reads a JSON body's fields as strings: a number as its text
// (getUpdates' timeout comes either way). An empty body has none.
func readParams(r *http.Request) (map[string]string, error) {
	p := map[string]string{}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || len(strings.TrimSpace(string(body))) == 0 {
		return p, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("the body is not a JSON object: %w", err)
	}
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
		}
		p[k] = s
	}
	return p, nil
}

func (s *Server) getUpdates(ctx context.Context, p map[string]string) answer {
	timeout := 30 * time.Second
	if t, err := strconv.Atoi(p["timeout"]); err == nil {
		timeout = time.Duration(t) * time.Second
	}
	wait := s.PollWait
	if wait == 0 {
		wait = DefaultPollWait
	}
	timer := time.NewTimer(min(timeout, wait))
	defer timer.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhook != "" {
		return s.apiError(http.StatusBadRequest, "Bad Request: getUpdates is not available while a webhook is set")
	}
	if s.polling {
		return s.apiError(http.StatusConflict, "Conflict: another getUpdates request is in progress")
	}
	s.polling = true
	defer func() { s.polling = false }()
	for len(s.queue) == 0 && !s.closed && s.webhook == "" {
		changed := s.changed
		s.mu.Unlock()
		expired := false
		select {
		case <-changed:
		case <-timer.C:
			expired = true
		case <-ctx.Done():
			expired = true
		}
		s.mu.Lock()
		if expired {
			break
		}
	}
	if len(s.queue) == 0 {
		return answer{status: http.StatusRequestTimeout, contentType: "application/json", body: []byte(`{"ok":false,"description":"Request timeout"}`)}
	}
	u := s.queue[0]
	s.queue = s.queue[1:]
	return result(u)
}

func (s *Server) setWebhook(p map[string]string) answer {
	if p["url"] == "" {
		return s.apiError(http.StatusBadRequest, "Bad Request: url is required")
	}
	if n := len(p["secret_token"]); n < 8 || n > 256 {
		return s.apiError(http.StatusBadRequest, "Bad Request: secret_token must have 8 to 256 characters")
	}
	s.mu.Lock()
	s.webhook, s.secret = p["url"], p["secret_token"]
	s.signalLocked()
	s.mu.Unlock()
	return result(map[string]any{"url": p["url"], "updated_at": s.now().UnixMilli()})
}

func (s *Server) sendMessage(p map[string]string) answer {
	if p["chat_id"] == "" {
		return s.apiError(http.StatusBadRequest, "Bad Request: chat_id is required")
	}
	if n := units(p["text"]); n < 1 || n > MaxText {
		return s.apiError(http.StatusBadRequest, fmt.Sprintf("Bad Request: text must have 1 to %d characters, not %d", MaxText, n))
	}
	return s.accept(Message{ChatID: p["chat_id"], Text: p["text"]})
}

func (s *Server) sendPhoto(p map[string]string) answer {
	if p["chat_id"] == "" || p["photo"] == "" {
		return s.apiError(http.StatusBadRequest, "Bad Request: chat_id and photo are required")
	}
	if units(p["caption"]) > MaxText {
		return s.apiError(http.StatusBadRequest, "Bad Request: caption is too long")
	}
	return s.accept(Message{ChatID: p["chat_id"], Text: p["caption"], Photo: p["photo"]})
}

// accept records a message sent, within the quota.
func (s *Server) accept(m Message) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Quota > 0 && len(s.sent) >= s.Quota {
		return s.apiError(http.StatusTooManyRequests, "Quota exceeded: the bot has sent its messages for this month")
	}
	s.nextID++
	m.MessageID = fmt.Sprintf("%020x", s.nextID)
	s.sent = append(s.sent, m)
	s.signalLocked()
	return result(map[string]any{"message_id": m.MessageID, "date": s.now().UnixMilli()})
}

func units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// result is a successful answer carrying v.
func result(v any) answer {
	raw, err := json.Marshal(map[string]any{"ok": true, "result": v})
	if err != nil {
		panic(fmt.Sprintf("zalotest: encode a result: %v", err))
	}
	return answer{status: http.StatusOK, contentType: "application/json", body: raw}
}

// apiError is a failed answer in the Bot Platform's shape, the HTTP status
// equal to the code.
func (s *Server) apiError(code int, description string) answer {
	key := "error_code"
	if s.CamelErrors {
		key = "errorCode"
	}
	raw, _ := json.Marshal(map[string]any{"ok": false, key: code, "description": description})
	return answer{status: code, contentType: "application/json", body: raw}
}
