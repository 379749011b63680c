package zalotest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// Call is one request the server accepted the token of, whatever it
// answered.
type Call struct {
	Method string
	// Params are the JSON body's fields, a value other than a string as
	// its JSON text.
	Params map[string]string
	At     time.Time
}

// Message is a message a send accepted.
type Message struct {
	ChatID    string
	MessageID string
	// Text is the text, or the caption of a photo.
	Text string
	// Photo is the URL of the photo sent by sendPhoto.
	Photo string
}

// Calls are the calls received so far, oldest first.
func (s *Server) Calls() []Call { return s.CallsOf("") }

// CallsOf are the calls of method received so far, oldest first; ""
// means every method.
func (s *Server) CallsOf(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			c.Params = maps.Clone(c.Params)
			out = append(out, c)
		}
	}
	return out
}

// Sent are the messages accepted, oldest first.
func (s *Server) Sent() []Message { return s.SentTo("") }

// SentTo are the messages accepted for chatID, oldest first; "" means
// every chat.
func (s *Server) SentTo(chatID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentToLocked(chatID)
}

// Webhook is the URL and secret setWebhook set, empty when none is.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook, s.secret
}

// WaitCalls waits until the server has received at least n calls of method
// ("" for any), and returns the calls of method. After 10 seconds it fails
// the test, listing the calls it did receive.
func (s *Server) WaitCalls(t testing.TB, method string, n int) []Call {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.AwaitCalls(ctx, method, n); err != nil {
		t.Fatalf("%v; calls so far:\n%s", err, formatCalls(s.Calls()))
	}
	return s.CallsOf(method)
}

// WaitSent waits until at least n messages were accepted for chatID (""
// for any) and returns them; after 10 seconds it fails the test.
func (s *Server) WaitSent(t testing.TB, chatID string, n int) []Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.await(ctx, func() bool { return len(s.sentToLocked(chatID)) >= n }); err != nil {
		t.Fatalf("%d of %d messages to %q: %v; calls so far:\n%s", len(s.SentTo(chatID)), n, chatID, err, formatCalls(s.Calls()))
	}
	return s.SentTo(chatID)
}

func (s *Server) sentToLocked(chatID string) []Message {
	var out []Message
	for _, m := range s.sent {
		if chatID == "" || m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// AwaitCalls waits until the server has received at least n calls of
// method ("" for any), or ctx ends, or the server is closed.
func (s *Server) AwaitCalls(ctx context.Context, method string, n int) error {
	return s.await(ctx, func() bool {
		seen := 0
		for _, c := range s.calls {
			if method == "" || c.Method == method {
				seen++
			}
		}
		return seen >= n
	})
}

// await waits until cond, called with the lock held, is true.
func (s *Server) await(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, closed, changed := cond(), s.closed, s.changed
		s.mu.Unlock()
		switch {
		case ok:
			return nil
		case closed:
			return fmt.Errorf("zalotest: server closed")
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("zalotest: %w", context.Cause(ctx))
		}
	}
}

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
