package telegramtest_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
)

func ids(updates []tgbotapi.Update) []int {
	var out []int
	for _, u := range updates {
		out = append(out, u.UpdateID)
	}
	return out
}

func TestGetUpdatesOffset(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	push := func(n int) {
		for range n {
			srv.PushUpdate(telegramtest.TextUpdate(1, "private", 1, "a"))
		}
	}
	steps := []struct {
		name          string
		push          int
		offset, limit int
		want          []int
	}{
		{name: "everything queued", push: 3, want: []int{1, 2, 3}},
		{name: "from 2, at most 1", offset: 2, limit: 1, want: []int{2}},
		{name: "1 was confirmed by offset 2", want: []int{2, 3}},
		{name: "offset past the last", offset: 4},
		{name: "negative offset keeps the newest", push: 3, offset: -1, want: []int{6}},
		{name: "the older were forgotten", want: []int{6}},
	}
	for _, st := range steps {
		push(st.push)
		cfg := tgbotapi.NewUpdate(st.offset)
		cfg.Limit = st.limit
		got, err := api.GetUpdates(cfg)
		if err != nil {
			t.Fatalf("%s: GetUpdates: %v", st.name, err)
		}
		if !slices.Equal(ids(got), st.want) {
			t.Errorf("%s: update ids %v, want %v", st.name, ids(got), st.want)
		}
	}
	if srv.Pending() != 1 {
		t.Errorf("Pending = %d, want 1", srv.Pending())
	}
}

func TestGetUpdatesWaitsForAPush(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	type polled struct {
		updates []tgbotapi.Update
		err     error
	}
	done := make(chan polled, 1)
	go func() {
		cfg := tgbotapi.NewUpdate(0)
		cfg.Timeout = 60 // capped at 2 s; a push ends it sooner
		u, err := api.GetUpdates(cfg)
		done <- polled{u, err}
	}()
	srv.WaitCalls(t, "getUpdates", 1)
	id := srv.PushUpdate(telegramtest.TextUpdate(3, "private", 3, "/start"))
	p := <-done
	if p.err != nil || len(p.updates) != 1 || p.updates[0].UpdateID != id || p.updates[0].Message.Text != "/start" {
		t.Errorf("GetUpdates = %+v, %v; want the pushed update", p.updates, p.err)
	}
}

func TestGetUpdatesTimesOut(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	cfg := tgbotapi.NewUpdate(0)
	cfg.Timeout = 1
	got, err := api.GetUpdates(cfg)
	if err != nil || len(got) != 0 {
		t.Errorf("GetUpdates = %v, %v; want none after the timeout", got, err)
	}
}

// TestNewerPollEndsOlder: two instances polling one bot, as Telegram
// answers them.
func TestNewerPollEndsOlder(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	type polled struct {
		updates []tgbotapi.Update
		err     error
	}
	done := make(chan polled, 2)
	poll := func() {
		cfg := tgbotapi.NewUpdate(0)
		cfg.Timeout = 60
		u, err := api.GetUpdates(cfg)
		done <- polled{u, err}
	}
	go poll()
	srv.WaitCalls(t, "getUpdates", 1)
	go poll()
	srv.WaitCalls(t, "getUpdates", 2)

	first := <-done // whichever began first ends, the other waits on
	if e := apiError(t, first.err); e.Code != 409 || !strings.Contains(e.Message, "terminated by other getUpdates request") {
		t.Errorf("older poll: %d %q, want 409 terminated by other getUpdates request", e.Code, e.Message)
	}
	srv.PushUpdate(telegramtest.TextUpdate(3, "private", 3, "a"))
	if second := <-done; second.err != nil || len(second.updates) != 1 {
		t.Errorf("newer poll = %+v, %v; want the update", second.updates, second.err)
	}
}

func TestWebhook(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	srv.PushUpdate(telegramtest.TextUpdate(3, "private", 3, "a"))

	// tgbotapi v5.5.1's WebhookConfig has no secret_token: send it raw.
	if _, err := api.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://bot.example.vn/tg", "secret_token": "s3cret-Token_1"}); err != nil {
		t.Fatalf("setWebhook: %v", err)
	}
	if u, s := srv.Webhook(); u != "https://bot.example.vn/tg" || s != "s3cret-Token_1" {
		t.Errorf("Webhook() = %q, %q", u, s)
	}
	info, err := api.GetWebhookInfo()
	if err != nil || !info.IsSet() || info.URL != "https://bot.example.vn/tg" || info.PendingUpdateCount != 1 {
		t.Errorf("GetWebhookInfo = %+v, %v", info, err)
	}
	_, err = api.GetUpdates(tgbotapi.NewUpdate(0))
	if e := apiError(t, err); e.Code != 409 || e.Message != "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" {
		t.Errorf("GetUpdates with a webhook: %d %q", e.Code, e.Message)
	}

	resp, err := api.Request(tgbotapi.DeleteWebhookConfig{DropPendingUpdates: true})
	if err != nil || resp.Description != "Webhook was deleted" {
		t.Fatalf("deleteWebhook = %+v, %v", resp, err)
	}
	if got, err := api.GetUpdates(tgbotapi.NewUpdate(0)); err != nil || len(got) != 0 {
		t.Errorf("GetUpdates after deleteWebhook(drop) = %v, %v; want none", got, err)
	}

	hook, _ := url.Parse("https://bot.example.vn/tg")
	if _, err := api.Request(tgbotapi.WebhookConfig{URL: hook}); err != nil {
		t.Errorf("setWebhook without a secret: %v", err)
	}
	_, err = api.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://bot.example.vn/tg", "secret_token": "a+b/c="})
	if e := apiError(t, err); e.Code != 400 {
		t.Errorf("secret with base64 characters: %v, want 400", err)
	}
}

func TestPushJSON(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	id, err := srv.PushJSON([]byte(`{"message_reaction":{"chat":{"id":1,"type":"private"},"message_id":4}}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := api.GetUpdates(tgbotapi.NewUpdate(0))
	if err != nil || len(got) != 1 || got[0].UpdateID != id || got[0].Message != nil || got[0].CallbackQuery != nil {
		t.Errorf("GetUpdates = %+v, %v; want update %d with nothing the library knows", got, err, id)
	}
	if _, err := srv.PushJSON([]byte(`[1]`)); err == nil {
		t.Error("PushJSON took an array")
	}
}

func TestCloseEndsAPoll(t *testing.T) {
	srv := telegramtest.NewServer(token)
	api := newAPI(t, srv)
	done := make(chan error, 1)
	go func() {
		cfg := tgbotapi.NewUpdate(0)
		cfg.Timeout = 60
		_, err := api.GetUpdates(cfg)
		done <- err
	}()
	srv.WaitCalls(t, "getUpdates", 1)
	srv.Close()
	if err := <-done; err != nil {
		t.Errorf("poll ended by Close: %v, want an empty answer", err)
	}
	srv.Close() // twice is fine
}

// TestAllowedUpdates: updates of kinds the bot did not ask for are never
// sent, as Telegram drops them; asking for none allows every kind again.
func TestAllowedUpdates(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	srv.PushUpdate(telegramtest.MyChatMemberUpdate(-5, "", 7, "left", "member"))
	msg := srv.PushUpdate(telegramtest.TextUpdate(7, "", 7, "a"))
	cfg := tgbotapi.NewUpdate(0)
	cfg.AllowedUpdates = []string{"message", "callback_query"}
	got, err := api.GetUpdates(cfg)
	if err != nil || !slices.Equal(ids(got), []int{msg}) {
		t.Fatalf("GetUpdates(message, callback_query) = %v, %v; want only the message", ids(got), err)
	}
	if a := srv.AllowedUpdates(); !slices.Equal(a, []string{"callback_query", "message"}) {
		t.Errorf("AllowedUpdates = %v", a)
	}

	srv.PushUpdate(telegramtest.MyChatMemberUpdate(-5, "", 7, "member", "kicked"))
	got, err = api.GetUpdates(tgbotapi.NewUpdate(msg + 1)) // the list is remembered
	if err != nil || len(got) != 0 {
		t.Errorf("GetUpdates without allowed_updates = %v, %v; want the remembered list to drop my_chat_member", ids(got), err)
	}
	cfg = tgbotapi.NewUpdate(msg + 1)
	cfg.AllowedUpdates = []string{"message", "my_chat_member"}
	member := srv.PushUpdate(telegramtest.MyChatMemberUpdate(-5, "", 7, "member", "kicked"))
	got, err = api.GetUpdates(cfg)
	if err != nil || !slices.Equal(ids(got), []int{member}) || got[0].MyChatMember.NewChatMember.Status != "kicked" ||
		got[0].MyChatMember.Chat.Type != "group" || got[0].MyChatMember.From.ID != 7 {
		t.Errorf("GetUpdates(my_chat_member) = %+v, %v", got, err)
	}
}

func TestPhotoUpdate(t *testing.T) {
	u := telegramtest.PhotoUpdate(-5, "", 7, "AgACbig", "@motcua_test_bot đăng giúp")
	m := u.Message
	if m == nil || len(m.Photo) != 3 || m.Photo[2].FileID != "AgACbig" || m.Photo[0].Width >= m.Photo[2].Width ||
		m.Caption != "@motcua_test_bot đăng giúp" || m.Text != "" || len(m.Entities) != 0 {
		t.Fatalf("photo update = %+v", m)
	}
	if e := m.CaptionEntities; len(e) != 1 || e[0].Type != "mention" || e[0].Offset != 0 || e[0].Length != 16 {
		t.Errorf("caption entities = %+v", e)
	}
}
