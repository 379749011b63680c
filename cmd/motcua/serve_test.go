package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/store/redistest"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitHTTP polls url until it answers want, for at most 10 s.
func waitHTTP(t *testing.T, url string, want int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == want {
				return string(body)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer %d: %v", url, want, err)
		}
		<-tick.C
	}
}

// eventually polls cond, which looks at another process's state over the
// network, until it holds or 10 s pass.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatal("condition not met within 10 s")
		}
	}
}

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

func TestServeWithoutTokenPointsToChat(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve"}, nil, &out, &errOut, envOf(nil))
	var exit exitError
	if !errors.As(err, &exit) || exit != 1 {
		t.Fatalf("err = %v", err)
	}
	if lines := strings.Count(strings.TrimSpace(errOut.String()), "\n"); lines != 0 || !strings.Contains(errOut.String(), "go run ./cmd/motcua chat") {
		t.Errorf("want one line pointing to chat, got %q", errOut.String())
	}
}

func TestServeWebhookNeedsASecret(t *testing.T) {
	var out, errOut bytes.Buffer
	env := envOf(map[string]string{"MOTCUA_TELEGRAM_TOKEN": "1:x", "MOTCUA_TELEGRAM_WEBHOOK_URL": "https://bot.example/tg"})
	err := run(context.Background(), []string{"serve"}, nil, &out, &errOut, env)
	if err == nil || !strings.Contains(errOut.String(), "MOTCUA_TELEGRAM_WEBHOOK_SECRET") {
		t.Fatalf("err = %v, %s", err, errOut.String())
	}
}

// TestServePolling runs motcua serve against a fake Bot API and a private
// Redis: it answers a citizen, reports health and metrics, and stops
// cleanly, confirming its polling offset.
func TestServePolling(t *testing.T) {
	const token = "42:serve-test-token"
	api := telegramtest.New(t, token)
	redisSrv := redistest.Start(t)
	addr := freeAddr(t)
	env := envOf(map[string]string{
		"MOTCUA_TELEGRAM_TOKEN":   token,
		"MOTCUA_TELEGRAM_API_URL": api.URL(),
		"MOTCUA_REDIS_URL":        "redis://" + redisSrv.Addr() + "/0",
		"MOTCUA_HTTP_LISTEN":      addr,
		"MOTCUA_LOG_FORMAT":       "json",
	})
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	errOut := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, nil, &out, errOut, env) }()

	waitHTTP(t, "http://"+addr+"/healthz", http.StatusOK)
	waitHTTP(t, "http://"+addr+"/readyz", http.StatusOK)
	api.WaitCalls(t, "setMyCommands", 1)

	api.PushUpdate(telegramtest.TextUpdate(77, "private", 77, "/start"))
	api.WaitCalls(t, "sendMessage", 1)
	eventually(t, func() bool { return len(api.SentTo(77)) > 0 })
	if sent := api.SentTo(77); len(sent) != 1 || !strings.HasPrefix(sent[0].Text, "Xin chào!") {
		t.Errorf("reply: %+v", sent)
	}
	// The reply reaches the fake before the bot counts it.
	wants := []string{`motcua_telegram_updates_total{kind="command"} 1`, `motcua_telegram_sends_total{method="sendMessage",result="ok"} 1`, "motcua_telegram_handle_seconds_count 1"}
	eventually(t, func() bool {
		metrics := waitHTTP(t, "http://"+addr+"/metrics", http.StatusOK)
		for _, want := range wants {
			if !strings.Contains(metrics, want) {
				return false
			}
		}
		return true
	})

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	calls := api.CallsOf("getUpdates")
	if last := calls[len(calls)-1]; last.Params["offset"] != "2" {
		t.Errorf("the offset reached is confirmed on stop: %v", last.Params)
	}
	logs := errOut.String()
	if strings.Contains(logs, token) || strings.Contains(logs, "Xin chào") {
		t.Errorf("logs hold the token or message text:\n%s", logs)
	}
	if !strings.Contains(logs, `"msg":"motcua serving"`) {
		t.Errorf("structured logs: %s", logs)
	}
}
