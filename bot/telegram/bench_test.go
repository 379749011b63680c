package telegram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/telegram"
	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/redistest"
)

// BenchmarkWebhookUpdate is one update through the webhook, the service on
// Redis and the reply sent to the fake Bot API: a citizen opening the
// menu, over and over, each update a new one. Its allocations are those of
// an update on the hot path.
func BenchmarkWebhookUpdate(b *testing.B) {
	api := telegramtest.New(b, token)
	api.DiscardHistory = true
	client := redistest.Start(b).Client(b)
	svc := service(b, store.NewRedis(client, store.Options{}))
	bt, err := telegram.New(context.Background(), svc, telegram.Options{
		Token: token, APIURL: api.URL(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	hook := bt.Webhook(secret)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		chat := int64(1000 + i%500)
		body, _ := json.Marshal(telegramtest.TextUpdate(chat, "private", chat, "menu"))
		req := httptest.NewRequest(http.MethodPost, "/tg", bytes.NewReader(body))
		req.Header.Set(telegramtest.SecretHeader, secret)
		rec := httptest.NewRecorder()
		hook.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(fmt.Sprint("webhook answered ", rec.Code))
		}
	}
	b.StopTimer()
	_ = bt.Close(context.Background())
	_ = svc.Close(context.Background())
	_ = bot.Update{}
}
