package telegramtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// waitCallsWithin is how long WaitCalls waits before it fails the test:
// long enough for a loaded CI machine, short of the test binary's timeout.
const waitCallsWithin = 10 * time.Second

// Call is one request the server accepted the token of, whatever it
// answered.
type Call struct {
	// Method is the method's name as the Bot API documentation spells it
	// (or as the request spelled it, for a method the fake does not know).
	Method string
	// Params are the request's parameters. A JSON value other than a
	// string is its compact JSON text (reply_markup, commands), as
	// tgbotapi sends it in a form field; an uploaded file is "@" and its
	// file name.
	Params map[string]string
	// Files are the contents of the uploaded files, by parameter name
	// (photo); nil when nothing was uploaded.
	Files map[string][]byte
	// At is when the server received the call, by Server.Now.
	At time.Time
}

// Stats counts what the server answered. A request is counted before its
// answer is written, so the counts include every call a client has had an
// answer to.
type Stats struct {
	// Requests is every request, with any token.
	Requests int
	// Sent is the messages sendMessage and sendPhoto accepted.
	Sent int
	// RateLimited is the answers with 429: Limits, RateLimitNext, or a
	// FailNext with that status.
	RateLimited int
	// Errors is the other answers that were not 200.
	Errors int
}

func (s *Server) recordLocked(method string, p params, f files) {
	s.counts[strings.ToLower(method)]++
	if !s.DiscardHistory {
		s.calls = append(s.calls, Call{Method: method, Params: p, Files: f, At: s.now()})
	}
	s.signalLocked()
}

// Calls are the calls received so far, oldest first.
func (s *Server) Calls() []Call {
	return s.CallsOf("")
}

// CallsOf are the calls of method (in any case) received so far, oldest
// first; "" means every method.
func (s *Server) CallsOf(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || strings.EqualFold(c.Method, method) {
			c.Params = maps.Clone(c.Params)
			if c.Files != nil {
				files := make(map[string][]byte, len(c.Files))
				for k, v := range c.Files {
					files[k] = slices.Clone(v)
				}
				c.Files = files
			}
			out = append(out, c)
		}
	}
	return out
}

// Stats are the counts so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Sent are the messages sendMessage accepted, oldest first, as they were
// sent: later edits do not change them (see Current).
func (s *Server) Sent() []Message {
	return s.SentTo(0)
}

// SentTo are the messages sendMessage accepted for chatID, oldest first; 0
// means every chat.
func (s *Server) SentTo(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.sent {
		if chatID == 0 || m.ChatID == chatID {
			out = append(out, m.clone())
		}
	}
	return out
}

// Current is the message the bot sent to chatID under messageID, as its
// edits left it.
func (s *Server) Current(chatID int64, messageID int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, found := s.current[messageKey{chatID, messageID}]
	if !found {
		return Message{}, false
	}
	return m.msg.clone(), true
}

// WaitCalls waits until the server has received at least n calls of method
// ("" for any), and returns the calls of method. After 10 seconds it fails
// the test, listing the calls it did receive. Call it from the test's
// goroutine.
func (s *Server) WaitCalls(t testing.TB, method string, n int) []Call {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitCallsWithin)
	defer cancel()
	if err := s.AwaitCalls(ctx, method, n); err != nil {
		t.Fatalf("%v; calls so far:\n%s", err, formatCalls(s.Calls()))
	}
	return s.CallsOf(method)
}

// AwaitCalls waits until the server has received at least n calls of
// method ("" for any), or ctx ends, or the server is closed. It works with
// DiscardHistory too: it counts.
func (s *Server) AwaitCalls(ctx context.Context, method string, n int) error {
	for {
		s.mu.Lock()
		seen := s.countLocked(method)
		closed := s.closed
		changed := s.changed
		s.mu.Unlock()
		switch {
		case seen >= n:
			return nil
		case closed:
			return fmt.Errorf("telegramtest: server closed after %d of %d %s calls", seen, n, describe(method))
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("telegramtest: %d of %d %s calls before %w", seen, n, describe(method), context.Cause(ctx))
		}
	}
}

func (s *Server) countLocked(method string) int {
	if method != "" {
		return s.counts[strings.ToLower(method)]
	}
	total := 0
	for _, n := range s.counts {
		total += n
	}
	return total
}

func describe(method string) string {
	if method == "" {
		return "(any)"
	}
	return method
}

// formatCalls lists calls one a line, parameters sorted, for a failure
// message.
func formatCalls(calls []Call) string {
	if len(calls) == 0 {
		return "\t(none)"
	}
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "\t%s %s", c.At.Format("15:04:05.000"), c.Method)
		for _, k := range slices.Sorted(maps.Keys(c.Params)) {
			fmt.Fprintf(&b, " %s=%q", k, c.Params[k])
		}
		b.WriteByte('\n')
	}
	return b.String()
}
