package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const (
	// DefaultUsername is the bot's username when Server.Username is empty.
	DefaultUsername = "motcua_test_bot"
	// BotID is the bot's user id, as getMe reports it.
	BotID int64 = 1000
	// maxPollWait caps a getUpdates long poll, whatever timeout it asks for,
	// so that a test never waits long for an empty answer.
	maxPollWait = 2 * time.Second
)

// Server is a fake Telegram Bot API server. Its exported fields are
// settings: set them before the first request and leave them alone after.
type Server struct {
	// Username is the bot's username without "@"; empty means
	// DefaultUsername.
	Username string
	// EditReturnsMessage makes editMessageText and editMessageReplyMarkup
	// answer the edited Message, as api.telegram.org does for messages the
	// bot sent, instead of true, as some self-hosted servers do.
	EditReturnsMessage bool
	// Limits is flood control for sends; the zero value imposes none.
	Limits Limits
	// DiscardHistory keeps no calls and no messages, only their counts, so
	// that a long load run does not grow. Calls, Sent and Current then
	// answer nothing, and a repeated edit is never "not modified".
	DiscardHistory bool
	// Now is the clock for message dates, Call.At and the windows of
	// Limits; nil means time.Now. Long polls wait on real timers whatever
	// it says.
	Now func() time.Time
	// Latency delays the answer to every call but getUpdates by this
	// much, as Telegram's servers far away do (about 50–100 ms). Unlike
	// the other settings it may change while the server runs: set it
	// with SetLatency then.
	Latency time.Duration

	token string
	http  *httptest.Server

	mu sync.Mutex
	// changed is closed, and replaced, whenever something a waiter may be
	// waiting for happens: a call recorded, an update queued, a webhook
	// set, another poll begun, the server closed.
	changed chan struct{}
	closed  bool

	calls   []Call
	counts  map[string]int // by lower-case method name
	sent    []Message
	photos  []Message
	current map[messageKey]*stored
	lastID  map[int64]int // the last message id used in each chat
	stats   Stats

	queue      []queued
	lastUpdate int
	polls      int // getUpdates requests begun; a newer one ends an older
	webhook    webhook
	allowed    map[string]bool // allowed_updates; nil allows every kind
	commands   []tgbotapi.BotCommand

	faults   []fault
	blocked  map[int64]bool
	migrated map[int64]int64
	flood    flood
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
	s := &Server{
		token:    token,
		changed:  make(chan struct{}),
		counts:   map[string]int{},
		current:  map[messageKey]*stored{},
		lastID:   map[int64]int{},
		blocked:  map[int64]bool{},
		migrated: map[int64]int64{},
	}
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// SetLatency sets Latency while the server runs.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Latency = d
}

// Close ends waiting long polls with an empty answer and shuts the server
// down. It may be called more than once.
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
// "https://api.telegram.org".
func (s *Server) URL() string { return s.http.URL }

// Endpoint is the format of a method's URL, with the token and the method
// name to fill in, as tgbotapi.NewBotAPIWithAPIEndpoint takes it.
func (s *Server) Endpoint() string { return s.http.URL + "/bot%s/%s" }

// Token is the token the server accepts.
func (s *Server) Token() string { return s.token }

// signalLocked wakes everyone waiting for a change.
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

func (s *Server) username() string {
	if s.Username != "" {
		return s.Username
	}
	return DefaultUsername
}

// serveHTTP answers /bot<token>/<method> as the Bot API does: any HTTP
// method, parameters in the query string or in a form, multipart or JSON
// body.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	a := s.answer(r)
	s.mu.Lock()
	s.stats.Requests++
	switch {
	case a.status == http.StatusTooManyRequests:
		s.stats.RateLimited++
	case a.status != http.StatusOK:
		s.stats.Errors++
	}
	latency := s.Latency
	s.mu.Unlock()
	if latency > 0 && !strings.HasSuffix(strings.ToLower(r.URL.Path), "/getupdates") {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
		t.Stop()
	}
	a.write(w)
}

func (s *Server) answer(r *http.Request) answer {
	rest, isBot := strings.CutPrefix(r.URL.Path, "/bot")
	token, name, hasMethod := strings.Cut(rest, "/")
	if !isBot || !hasMethod || name == "" || strings.Contains(name, "/") {
		return apiError(http.StatusNotFound, "Not Found", nil)
	}
	if token != s.token {
		return apiError(http.StatusUnauthorized, "Unauthorized", nil)
	}
	p, f, err := readParams(r)
	if err != nil {
		return badRequest(err.Error())
	}
	m, known := methods[strings.ToLower(name)]
	if known {
		name = m.name
	}

	s.mu.Lock()
	s.recordLocked(name, p, f)
	flt, faulted := s.takeFaultLocked(name)
	s.mu.Unlock()
	switch {
	case faulted:
		return flt.answer
	case !known:
		return apiError(http.StatusNotFound, "Not Found", nil)
	case m.upload != nil:
		return m.upload(s, r.Context(), p, f)
	}
	return m.serve(s, r.Context(), p)
}

// method is one Bot API method the fake answers, by serve, or by upload
// for a method that takes files.
type method struct {
	name   string // as the Bot API documentation spells it
	serve  func(s *Server, ctx context.Context, p params) answer
	upload func(s *Server, ctx context.Context, p params, f files) answer
}

// methods are the methods the fake answers, by lower-case name: the Bot API
// takes method names in any case.
var methods = byLowerName(
	method{name: "getMe", serve: (*Server).getMe},
	method{name: "getUpdates", serve: (*Server).getUpdates},
	method{name: "setWebhook", serve: (*Server).setWebhook},
	method{name: "deleteWebhook", serve: (*Server).deleteWebhook},
	method{name: "getWebhookInfo", serve: (*Server).getWebhookInfo},
	method{name: "sendMessage", serve: (*Server).sendMessage},
	method{name: "sendPhoto", upload: (*Server).sendPhoto},
	method{name: "editMessageText", serve: (*Server).editMessageText},
	method{name: "editMessageCaption", serve: (*Server).editMessageCaption},
	method{name: "editMessageReplyMarkup", serve: (*Server).editMessageReplyMarkup},
	method{name: "answerCallbackQuery", serve: (*Server).answerCallbackQuery},
	method{name: "setMyCommands", serve: (*Server).setMyCommands},
	method{name: "getMyCommands", serve: (*Server).getMyCommands},
	method{name: "deleteMyCommands", serve: (*Server).deleteMyCommands},
)

func byLowerName(ms ...method) map[string]method {
	out := make(map[string]method, len(ms))
	for _, m := range ms {
		out[strings.ToLower(m.name)] = m
	}
	return out
}

// getMe answers the bot's own user.
func (s *Server) getMe(context.Context, params) answer {
	return result(struct {
		ID                      int64  `json:"id"`
		IsBot                   bool   `json:"is_bot"`
		FirstName               string `json:"first_name"`
		Username                string `json:"username"`
		CanJoinGroups           bool   `json:"can_join_groups"`
		CanReadAllGroupMessages bool   `json:"can_read_all_group_messages"`
		SupportsInlineQueries   bool   `json:"supports_inline_queries"`
	}{BotID, true, "Một Cửa (test)", s.username(), true, false, false})
}

// answer is an HTTP response, ready to write.
type answer struct {
	status      int
	contentType string
	body        []byte
}

func (a answer) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", a.contentType)
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// result is a successful answer carrying v.
func result(v any) answer {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: encode a result: %v", err))
	}
	return envelope(http.StatusOK, tgbotapi.APIResponse{Ok: true, Result: raw})
}

// apiError is a failed answer in the Bot API's shape; the HTTP status is
// the error code, as Telegram sends it.
func apiError(code int, description string, rp *tgbotapi.ResponseParameters) answer {
	return envelope(code, tgbotapi.APIResponse{ErrorCode: code, Description: description, Parameters: rp})
}

func envelope(status int, r tgbotapi.APIResponse) answer {
	body, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: encode an answer: %v", err))
	}
	return answer{status: status, contentType: "application/json", body: body}
}

// badRequest is the Bot API's 400, whose description always starts so.
func badRequest(what string) answer {
	return apiError(http.StatusBadRequest, "Bad Request: "+what, nil)
}
