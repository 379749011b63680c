package outbox_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/telegram"
	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/outbox"
)

const token = "123:TEST-token"

// noHandler answers no update: SendTo never asks it.
type noHandler struct{}

func (noHandler) Handle(context.Context, bot.Update) (bot.Reply, error) { return bot.Reply{}, nil }

func (noHandler) Delivered(context.Context, bot.Update, bot.Reply, int) error { return nil }

// telegramBot is a real *telegram.Bot on api.
func telegramBot(tb testing.TB, api *telegramtest.Server) *telegram.Bot {
	tb.Helper()
	b, err := telegram.New(context.Background(), noHandler{}, telegram.Options{
		Token: token, APIURL: api.URL(), Logger: discard,
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = b.Close(context.Background()) })
	return b
}

// telegramLimits are Telegram's, counted strictly.
var telegramLimits = telegramtest.Limits{PerSecond: 30, PerChatPerSecond: 1, PerGroupPerMinute: 20}

func TestOnTelegram(t *testing.T) {
	api := telegramtest.New(t, token)
	api.Limits = telegramLimits
	api.Block(999)
	var (
		mu      sync.Mutex
		blocked []string
	)
	ob := outbox.New(telegramBot(t, api), outbox.Options{
		// The test runs at any hour.
		Quiet:  &outbox.QuietHours{},
		Logger: discard,
		OnBlocked: func(_ context.Context, chat string) {
			mu.Lock()
			defer mu.Unlock()
			blocked = append(blocked, chat)
		},
	})
	msgs := repeat(40, func(i int) outbox.Message {
		return outbox.Message{Chat: fmt.Sprintf("tg:%d", 1000+i), Body: bot.Message{Text: fmt.Sprintf("Nhắc %d", i)}}
	})
	// Two to one private chat and two to one group: their limits too.
	msgs = append(msgs,
		outbox.Message{Chat: "tg:77", Body: bot.Message{Text: "Nhắc 1"}},
		outbox.Message{Chat: "tg:77", Body: bot.Message{Text: "Nhắc 2"}},
		outbox.Message{Chat: "tg:-77", Group: true, Body: bot.Message{Text: "Thông báo 1"}},
		outbox.Message{Chat: "tg:-77", Group: true, Body: bot.Message{Text: "Thông báo 2"}},
		outbox.Message{Chat: "tg:999", Body: bot.Message{Text: "Nhắc"}},
	)
	rep := ob.SendAll(context.Background(), msgs, 8, nil)
	if want := (outbox.Report{Sent: 44, Blocked: 1}); rep != want {
		t.Errorf("report %+v, want %+v", rep, want)
	}
	if len(blocked) != 1 || blocked[0] != "tg:999" {
		t.Errorf("OnBlocked for %v", blocked)
	}
	seen := map[string]int{}
	for _, m := range api.Sent() {
		seen[fmt.Sprintf("tg:%d %s", m.ChatID, m.Text)]++
	}
	for _, m := range msgs[:44] {
		if n := seen[m.Chat+" "+m.Body.Text]; n != 1 {
			t.Errorf("%s %q delivered %d times", m.Chat, m.Body.Text, n)
		}
	}
	// The default limits leave room for sends late on the wire, so there
	// should be no 429; on a loaded machine one may still happen, which
	// pauses every send and sends the message again: not a failure.
	t.Logf("fake: %+v", api.Stats())
}

// BenchmarkOutboxRate sends 300 messages to distinct chats through a real
// *telegram.Bot against a fake Bot API that answers 429 past 30 sends in
// any second, and reports the rate in msg/s, the sends that failed and the
// 429s met. It runs in real time: 300 messages take ten seconds or more,
// so each case runs once.
func BenchmarkOutboxRate(b *testing.B) {
	for _, bb := range []struct {
		name      string
		perSecond rate.Limit
	}{
		{"default_29", 0},
		// Exactly the fake's limit: sends late on the wire meet 429s.
		{"at_30", 30},
	} {
		b.Run(bb.name, func(b *testing.B) {
			api := telegramtest.New(b, token)
			api.Limits = telegramLimits
			api.DiscardHistory = true
			ob := outbox.New(telegramBot(b, api), outbox.Options{PerSecond: bb.perSecond, Quiet: &outbox.QuietHours{}, Logger: discard})
			const n = 300
			var sent, failed, runs int
			var took time.Duration
			next := 1000
			for b.Loop() {
				msgs := repeat(n, func(i int) outbox.Message {
					return outbox.Message{Chat: fmt.Sprintf("tg:%d", next+i), Body: bot.Message{Text: "Nhắc: thẻ BHYT sắp hết hạn."}}
				})
				next += n
				start := time.Now()
				rep := ob.SendAll(context.Background(), msgs, 8, nil)
				took += time.Since(start)
				sent += rep.Sent
				runs++
				failed += n - rep.Sent
			}
			// The first send of a run waits for nothing: the rate is that of
			// the sends after it.
			b.ReportMetric(float64(sent-runs)/took.Seconds(), "msg/s")
			b.ReportMetric(float64(failed), "failed")
			b.ReportMetric(float64(api.Stats().RateLimited), "429s")
		})
	}
}
