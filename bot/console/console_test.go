package console

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/bot"
)

// echo answers every line with what it read, and the opening with a
// greeting; it records what it was given.
type echo struct {
	mu   sync.Mutex
	got  []string
	gate chan struct{} // when set, Handle waits for it or for ctx
}

func (e *echo) Handle(ctx context.Context, u bot.Update) (bot.Reply, error) {
	e.mu.Lock()
	e.got = append(e.got, u.Text)
	e.mu.Unlock()
	if e.gate != nil {
		select {
		case <-e.gate:
		case <-ctx.Done():
			return bot.Reply{Messages: []bot.Message{{Text: "xin lỗi"}}}, ctx.Err()
		}
	}
	return bot.Reply{Messages: []bot.Message{{Text: "đã đọc " + strings.Repeat("x", 3) + ": " + u.Text}}}, nil
}

func (e *echo) Resume(ctx context.Context, chat bot.Chat, from bot.User) (bot.Reply, error) {
	return bot.Reply{Messages: []bot.Message{{Text: "Xin chào!"}}}, nil
}

func (e *echo) lines() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.got...)
}

func TestLongLineIsReadAndTheChatGoesOn(t *testing.T) {
	long := strings.Repeat("khai sinh ", 7000) // 70,000 characters
	in := strings.NewReader(long + "\n1\n")
	var out bytes.Buffer
	e := &echo{}
	if err := Chat(context.Background(), e, in, &out, "cli:t"); err != nil {
		t.Fatal(err)
	}
	got := e.lines()
	if len(got) != 2 || got[1] != "1" {
		t.Fatalf("the bot read %d lines, want the long one and then 1", len(got))
	}
	if n := len([]rune(got[0])); n > MaxLine || !strings.HasPrefix(long, got[0]) || n < MaxLine-10 {
		t.Errorf("the long line reached the bot as %d characters, want its first %d", n, MaxLine)
	}
	if !strings.HasPrefix(out.String(), "Xin chào!\n> ") || !strings.Contains(out.String(), ": 1\n> ") {
		t.Errorf("output: %.200q … %.200q", out.String(), out.String()[max(0, out.Len()-200):])
	}
}

func TestControlCharactersNeverReachTheTerminal(t *testing.T) {
	in := strings.NewReader("\x1b[31mkhai\x07 sinh\x1b[0m\tnhé\n")
	var out bytes.Buffer
	e := &echo{}
	if err := Chat(context.Background(), e, in, &out, "cli:t"); err != nil {
		t.Fatal(err)
	}
	if got := e.lines(); len(got) != 1 || got[0] != "[31mkhai sinh[0m nhé" {
		t.Errorf("the bot read %q", got)
	}
	if strings.ContainsAny(out.String(), "\x1b\x07") {
		t.Errorf("a control character reached the terminal: %q", out.String())
	}
	// A reply carrying one (from data the bot holds) is shown harmless.
	if got := printable("a\x1b[2Jb\nc"); got != "a\uFFFD[2Jb\nc" {
		t.Errorf("printable: %q", got)
	}
}

// TestQuitsWhenTheContextEnds: Ctrl-C (or SIGTERM) cancels the context; the
// chat ends at once, whether it waits for a line that never comes or for
// the bot's answer, and says nothing more.
func TestQuitsWhenTheContextEnds(t *testing.T) {
	for _, tc := range []struct {
		name string
		gate bool
	}{{"waiting for a line", false}, {"waiting for the bot", true}} {
		t.Run(tc.name, func(t *testing.T) {
			inR, inW := io.Pipe()
			defer inW.Close()
			e := &echo{}
			if tc.gate {
				e.gate = make(chan struct{})
			}
			out := &syncBuffer{}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- Chat(ctx, e, inR, out, "cli:t") }()
			if tc.gate {
				go inW.Write([]byte("khai sinh\n"))
				waitFor(t, func() bool { return len(e.lines()) == 1 })
			} else {
				waitFor(t, func() bool { return strings.HasSuffix(out.String(), "> ") })
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("err = %v, want a quiet end", err)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("the chat did not end within 2 s of the context")
			}
			if strings.Contains(out.String(), "xin lỗi") {
				t.Errorf("an apology after quitting: %q", out.String())
			}
		})
	}
}

func TestReadLine(t *testing.T) {
	r := bufio.NewReaderSize(strings.NewReader("một\r\nhai\n"+strings.Repeat("ă", MaxLine+5)+"\nba"), 16)
	for _, want := range []string{"một", "hai", strings.Repeat("ă", MaxLine), "ba"} {
		got, err := readLine(r)
		if err != nil || got != want {
			t.Fatalf("readLine = %.40q, %v; want %.40q", got, err, want)
		}
	}
	if _, err := readLine(r); err != io.EOF {
		t.Errorf("after the last line: %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe to read while the chat writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond until it holds, failing after a generous deadline.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
