package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// fault is an answer prepared for the next call of a method.
type fault struct {
	method string // "" for any
	answer answer
}

// FailNext makes the next call of method ("" for any method) answer the
// HTTP status and body as they are: an HTML page from a proxy, a JSON the
// Bot API would not send. The body is labelled JSON when it is valid JSON,
// HTML otherwise. Faults queue: each takes the first call that matches it,
// in the order they were set.
func (s *Server) FailNext(method string, status int, body string) {
	contentType := "text/html; charset=utf-8"
	if json.Valid([]byte(body)) {
		contentType = "application/json"
	}
	s.addFault(method, answer{status: status, contentType: contentType, body: []byte(body)})
}

// RateLimitNext makes the next call of method ("" for any method) answer
// 429 with retry_after, as Telegram's flood control does. It queues with
// FailNext.
func (s *Server) RateLimitNext(method string, retryAfter int) {
	s.addFault(method, tooManyRequests(retryAfter))
}

func tooManyRequests(retryAfter int) answer {
	return apiError(http.StatusTooManyRequests, fmt.Sprintf("Too Many Requests: retry after %d", retryAfter),
		&tgbotapi.ResponseParameters{RetryAfter: retryAfter})
}

func (s *Server) addFault(method string, a answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{method: method, answer: a})
}

// takeFaultLocked removes and returns the first fault for method.
func (s *Server) takeFaultLocked(method string) (fault, bool) {
	for i, f := range s.faults {
		if f.method == "" || strings.EqualFold(f.method, method) {
			s.faults = slices.Delete(s.faults, i, i+1)
			return f, true
		}
	}
	return fault{}, false
}

// Block makes every method addressed to chatID (sends, edits) answer 403,
// as when a user blocks the bot or a group removes it, until Unblock.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// Unblock undoes Block.
func (s *Server) Unblock(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, chatID)
}

// Migrate makes every method addressed to oldChatID answer 400 with
// migrate_to_chat_id newChatID, as after a group became a supergroup.
// Push MigrateUpdate too, to tell the bot the way Telegram does.
func (s *Server) Migrate(oldChatID, newChatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.migrated[oldChatID] = newChatID
}
