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
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/stats"
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

// waitFor polls cond, which looks at another goroutine's or process's
// state, until it holds, failing with what was awaited once within
// passes.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(within)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("%s: not within %v", what, within)
		}
	}
}

// eventually is waitFor for 10 s, for a condition that needs no name.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	waitFor(t, 10*time.Second, "condition", cond)
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

// TestServeSendsDueReminders: a reminder due now (the 1-day stage of a card
// expiring today, due since yesterday 08:00 whatever the hour the test
// runs) reaches the citizen on Telegram, once, with its buttons, through
// the job, the outbox and the bot.
func TestServeSendsDueReminders(t *testing.T) {
	const token = "43:serve-reminder-token"
	api := telegramtest.New(t, token)
	redisSrv := redistest.Start(t)
	loc := time.FixedZone("ICT", 7*3600)
	sched := reminders.DefaultSchedule()
	sched.Location = loc
	rs := reminders.NewRedis(redisSrv.Client(t), sched, reminders.Options{Prefix: "mc"})
	now := time.Now().In(loc)
	today := flows.DateOf(now)
	rem := sched.Begin(reminders.Reminder{Chat: "tg:88", ID: "r1", Label: "Mẹ", Expiry: today}, now.Add(-72*time.Hour))
	if err := rs.Save(context.Background(), rem); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	env := envOf(map[string]string{
		"MOTCUA_TELEGRAM_TOKEN":       token,
		"MOTCUA_TELEGRAM_API_URL":     api.URL(),
		"MOTCUA_REDIS_URL":            "redis://" + redisSrv.Addr() + "/0",
		"MOTCUA_HTTP_LISTEN":          addr,
		"MOTCUA_LOG_LEVEL":            "warn",
		"MOTCUA_TIMEZONE":             "Asia/Ho_Chi_Minh",
		"MOTCUA_REMINDERS_SPEC":       "@every 1s",
		"MOTCUA_REMINDERS_QUIET_FROM": "00:00", // no quiet hours: the test runs at any hour
		"MOTCUA_REMINDERS_QUIET_TO":   "00:00",
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() { done <- run(ctx, []string{"serve"}, nil, &out, &syncBuffer{}, env) }()
	eventually(t, func() bool { return len(api.SentTo(88)) > 0 })
	// A second tick must not send it again.
	polls := len(api.CallsOf("getUpdates"))
	api.WaitCalls(t, "getUpdates", polls+2)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sent := api.SentTo(88)
	if len(sent) != 1 {
		t.Fatalf("%d reminders sent, want 1", len(sent))
	}
	if !strings.Contains(sent[0].Text, "thẻ của Mẹ hết hạn ngày "+today.String()) || len(sent[0].Keyboard) != 2 {
		t.Errorf("reminder: %q %+v", sent[0].Text, sent[0].Keyboard)
	}
}

// TestServeWritesTheFiguresAtStop: an update still being answered when
// serve is told to stop (SIGTERM) is finished, and its figures of use —
// held between writes — reach Redis before serve returns.
func TestServeWritesTheFiguresAtStop(t *testing.T) {
	const token = "45:serve-figures-token"
	api := telegramtest.New(t, token)
	api.SetLatency(time.Second) // the reply is still on its way at the stop
	redisSrv := redistest.Start(t)
	env := envOf(map[string]string{
		"MOTCUA_TELEGRAM_TOKEN":   token,
		"MOTCUA_TELEGRAM_API_URL": api.URL(),
		"MOTCUA_REDIS_URL":        "redis://" + redisSrv.Addr() + "/0",
		"MOTCUA_HTTP_LISTEN":      freeAddr(t),
		"MOTCUA_LOG_LEVEL":        "warn",
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logs := &syncBuffer{}
	go func() { done <- run(ctx, []string{"serve"}, nil, &bytes.Buffer{}, logs, env) }()
	api.PushUpdate(telegramtest.TextUpdate(79, "private", 79, "/start"))
	api.WaitCalls(t, "sendMessage", 1) // the reply is being sent
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if sent := api.SentTo(79); len(sent) != 1 {
		t.Fatalf("%d replies sent, want the one in flight at the stop finished:\n%s", len(sent), logs.String())
	}
	today := flows.DateOf(time.Now().In(flows.Vietnam()))
	figures := stats.NewRedis(redisSrv.Client(t), stats.Options{Prefix: "mc"})
	if n, err := figures.Reach(context.Background(), today.AddDays(-1), today); err != nil || n != 1 {
		t.Errorf("%d people in the figures after the stop (%v), want the one who wrote:\n%s", n, err, logs.String())
	}
}
