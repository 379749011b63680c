package telegramtest_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
)

// TestSlow: through a Slow front, the real library's call takes the
// latency and reaches the server; a request whose client gave up before
// it arrived still arrives, as it would at Telegram.
func TestSlow(t *testing.T) {
	const latency = 200 * time.Millisecond
	srv := telegramtest.New(t, token)
	slow := telegramtest.NewSlow(t, srv, latency)
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(token, slow.URL()+"/bot%s/%s")
	if err != nil {
		t.Fatalf("NewBotAPIWithAPIEndpoint: %v", err)
	}
	start := time.Now()
	if _, err := api.Send(tgbotapi.NewMessage(42, "chào")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if took := time.Since(start); took < latency {
		t.Errorf("a send took %v through a front of %v", took, latency)
	}
	if got := srv.SentTo(42); len(got) != 1 || got[0].Text != "chào" {
		t.Errorf("the server got %+v", got)
	}
	calls := slow.CallsOf("sendMessage")
	if len(calls) != 1 || calls[0].At.Before(start) {
		t.Errorf("the front recorded %+v", calls)
	}
	if n := len(slow.CallsOf("")); n != 2 { // getMe, sendMessage
		t.Errorf("%d calls in all, want getMe's and sendMessage's", n)
	}

	// A client that gives up while its request is on the way.
	ctx, cancel := context.WithTimeout(context.Background(), latency/10)
	defer cancel()
	form := url.Values{"chat_id": {"43"}, "text": {"sent, then gone"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, slow.URL()+"/bot"+token+"/sendMessage", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the client got an answer before its deadline")
	}
	srv.WaitCalls(t, "sendMessage", 2)
	if got := srv.SentTo(43); len(got) != 1 {
		t.Errorf("the abandoned request reached the server %d times, want once", len(got))
	}
}
