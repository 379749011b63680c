package telegram_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/telegram"
	"github.com/motcua/motcua/bot/telegram/telegramtest"
)

// recorder is a Handler that keeps the updates it is given and answers
// each with reply.
type recorder struct {
	reply bot.Reply

	mu      sync.Mutex
	updates []bot.Update
	got     chan struct{} // a value per update
}

func newRecorder(reply bot.Reply) *recorder {
	return &recorder{reply: reply, got: make(chan struct{}, 100)}
}

func (r *recorder) Handle(_ context.Context, u bot.Update) (bot.Reply, error) {
	r.mu.Lock()
	r.updates = append(r.updates, u)
	r.mu.Unlock()
	r.got <- struct{}{}
	return r.reply, nil
}

func (r *recorder) Delivered(context.Context, bot.Update, bot.Reply, int) error { return nil }

// wait waits for n more updates and returns all so far.
func (r *recorder) wait(t *testing.T, n int) []bot.Update {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for range n {
		select {
		case <-r.got:
		case <-timeout:
			t.Fatalf("the handler was not given %d updates", n)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.updates)
}

func (r *recorder) all() []bot.Update {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.updates)
}

// newBot is a bot handing updates to h on the fake api; the sender's
// waits are recorded in p instead of slept.
func newBot(t *testing.T, api *telegramtest.Server, h telegram.Handler, p *pauses) (*telegram.Bot, *httptest.Server) {
	t.Helper()
	if p == nil {
		p = &pauses{}
	}
	b, err := telegram.New(context.Background(), h, telegram.Options{
		Token: token, APIURL: api.URL(), Workers: 2, Wait: p.wait,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hook := httptest.NewServer(b.Webhook(secret))
	t.Cleanup(func() {
		hook.Close()
		if err := b.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return b, hook
}

var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR biểu đồ")

func TestPostPhoto(t *testing.T) {
	buttons := []bot.Button{{Label: "Đã hiểu", Data: "n1:ok"}}
	tests := []struct {
		name       string
		photo      *bot.Photo
		wantFile   string
		wantUpload []byte
	}{
		{name: "Telegram's file id", photo: &bot.Photo{ID: "tg:AgACAgIAAxkBAAIB"}, wantFile: "AgACAgIAAxkBAAIB"},
		{name: "a URL", photo: &bot.Photo{URL: "https://xa.example.vn/bao-so-3.jpg"}, wantFile: "https://xa.example.vn/bao-so-3.jpg"},
		{name: "a PNG upload", photo: &bot.Photo{PNG: png}, wantFile: "@anh.png", wantUpload: png},
		{name: "a Zalo id and a URL: the URL", photo: &bot.Photo{ID: "zl:abc", URL: "https://xa.example.vn/a.jpg"}, wantFile: "https://xa.example.vn/a.jpg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := telegramtest.New(t, token)
			b, _ := newBot(t, api, newRecorder(bot.Reply{}), nil)
			ref, err := b.Post(context.Background(), "tg:-100777", bot.Message{
				Text: "Bão số 3 <khẩn> & lũ: sơ tán trước 17:00", Photo: tt.photo, Buttons: buttons,
			})
			if err != nil {
				t.Fatal(err)
			}
			photos := api.Photos(-100777)
			if len(photos) != 1 || len(api.SentTo(-100777)) != 0 {
				t.Fatalf("photos %+v, texts %+v; want one photo, the text its caption", photos, api.SentTo(-100777))
			}
			p := photos[0]
			if p.Photo != tt.wantFile || !bytes.Equal(p.Upload, tt.wantUpload) {
				t.Errorf("photo %q with %d bytes, want %q with %d", p.Photo, len(p.Upload), tt.wantFile, len(tt.wantUpload))
			}
			if p.Text != "Bão số 3 &lt;khẩn&gt; &amp; lũ: sơ tán trước 17:00" || p.ParseMode != "HTML" {
				t.Errorf("caption %q (%s)", p.Text, p.ParseMode)
			}
			if len(p.Keyboard) != 1 || p.Keyboard[0][0].CallbackData != "n1:ok" {
				t.Errorf("keyboard %+v", p.Keyboard)
			}
			if ref != strconv.Itoa(p.MessageID) {
				t.Errorf("ref %q, want the photo's id %d", ref, p.MessageID)
			}
		})
	}
}

func TestPhotoWithNothingUsableSendsTheText(t *testing.T) {
	api := telegramtest.New(t, token)
	b, _ := newBot(t, api, newRecorder(bot.Reply{}), nil)
	for _, photo := range []*bot.Photo{{ID: "zl:abc"}, {}, {ID: "tg:"}} {
		if err := b.SendTo(context.Background(), "tg:9", bot.Message{Text: "Lịch tiếp dân", Photo: photo}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(api.CallsOf("sendPhoto")); n != 0 {
		t.Errorf("%d sendPhoto calls for photos Telegram cannot have", n)
	}
	if got := texts(api.SentTo(9)); !slices.Equal(got, []string{"Lịch tiếp dân", "Lịch tiếp dân", "Lịch tiếp dân"}) {
		t.Errorf("sent %q", got)
	}
}

// TestLongCaptionGoesAfterThePhoto: a text past 1024 characters follows
// the photo, split as ever, the keyboard on its last part.
func TestLongCaptionGoesAfterThePhoto(t *testing.T) {
	api := telegramtest.New(t, token)
	b, _ := newBot(t, api, newRecorder(bot.Reply{}), nil)
	para := strings.Repeat("Người dân mang theo căn cước và giấy tờ nhà đất. ", 30) // 1,470 characters
	text := para + "\n\n" + para + "\n\n" + para + "\n\n" + para
	ref, err := b.Post(context.Background(), "tg:9", bot.Message{
		Text: text, Photo: &bot.Photo{ID: "tg:AgAC"}, Buttons: []bot.Button{{Label: "Đã hiểu", Data: "n1:ok"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	photos, sent := api.Photos(9), api.SentTo(9)
	if len(photos) != 1 || photos[0].Text != "" || photos[0].Keyboard != nil || photos[0].MessageID != 1 {
		t.Fatalf("photo %+v: want it first, without caption or keyboard", photos)
	}
	if len(sent) != 2 || sent[0].Keyboard != nil || len(sent[1].Keyboard) != 1 {
		t.Fatalf("texts %+v: want two, the keyboard on the last", sent)
	}
	if ref != strconv.Itoa(sent[1].MessageID) {
		t.Errorf("ref %q, want the last part's id %d", ref, sent[1].MessageID)
	}

	// Exactly at the limit it is still a caption; emoji count two.
	at := strings.Repeat("ă", 1022) + "🌀"
	if err := b.SendTo(context.Background(), "tg:10", bot.Message{Text: at, Photo: &bot.Photo{ID: "tg:AgAC"}}); err != nil {
		t.Fatal(err)
	}
	over := strings.Repeat("ă", 1023) + "🌀"
	if err := b.SendTo(context.Background(), "tg:11", bot.Message{Text: over, Photo: &bot.Photo{ID: "tg:AgAC"}}); err != nil {
		t.Fatal(err)
	}
	if p := api.Photos(10); len(p) != 1 || p[0].Text != at || len(api.SentTo(10)) != 0 {
		t.Errorf("1024 UTF-16 units: want a caption, got photos %+v", p)
	}
	if p := api.Photos(11); len(p) != 1 || p[0].Text != "" || len(api.SentTo(11)) != 1 {
		t.Errorf("1025 UTF-16 units: want the photo then the text, got photos %+v", p)
	}
}

// TestReplyWithPhoto: a reply's photo goes out the way a reply's text
// does, in order with the messages around it.
func TestReplyWithPhoto(t *testing.T) {
	api := telegramtest.New(t, token)
	_, hook := newBot(t, api, newRecorder(bot.Reply{Messages: []bot.Message{
		{Text: "Biểu đồ tuần này:"},
		{Text: "Lượt hỏi theo thủ tục", Photo: &bot.Photo{PNG: png}},
		{Text: "Hết."},
	}}), nil)
	deliverTo(t, hook, telegramtest.TextUpdate(citizen, "private", citizen, "/thongke"))
	calls := api.CallsOf("")
	var order []string
	for _, c := range calls {
		if strings.HasPrefix(c.Method, "send") {
			order = append(order, c.Method)
		}
	}
	if !slices.Equal(order, []string{"sendMessage", "sendPhoto", "sendMessage"}) {
		t.Errorf("calls %v", order)
	}
	if p := api.Photos(citizen); len(p) != 1 || p[0].MessageID != 2 || !bytes.Equal(p[0].Upload, png) || p[0].Text != "Lượt hỏi theo thủ tục" {
		t.Errorf("photos %+v", p)
	}
}

// deliverTo posts u to the bot's webhook and wants a 200.
func deliverTo(t *testing.T, hook *httptest.Server, u tgbotapi.Update) {
	t.Helper()
	resp, err := telegramtest.Deliver(context.Background(), hook.URL, secret, u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook answered %d", resp.StatusCode)
	}
}

// TestUploadErrorsAreClassified: the library's uploads lose the error
// code; the sender must still tell a 429, a 403 and a 5xx apart, retry an
// upload whole, and keep the token out of the error.
func TestUploadErrorsAreClassified(t *testing.T) {
	api := telegramtest.New(t, token)
	p := &pauses{}
	b, _ := newBot(t, api, newRecorder(bot.Reply{}), p)
	ctx := context.Background()
	m := bot.Message{Text: "Biểu đồ", Photo: &bot.Photo{PNG: png}}

	api.RateLimitNext("sendPhoto", 4)
	_, err := b.Post(ctx, "tg:9", m)
	var serr *telegram.SendError
	if !errors.As(err, &serr) {
		t.Fatalf("err = %v", err)
	}
	if d, ok := serr.RateLimited(); !ok || d != 4*time.Second {
		t.Errorf("RateLimited = %v, %v; want 4s", d, ok)
	}

	api.FailNext("sendPhoto", http.StatusBadGateway, "<html>Bad Gateway</html>")
	if _, err := b.Post(ctx, "tg:9", m); err != nil {
		t.Fatalf("a 502 is retried: %v", err)
	}
	if got := p.all(); len(got) != 1 {
		t.Errorf("pauses %v, want one backoff", got)
	}
	calls := api.CallsOf("sendPhoto")
	if len(calls) != 3 || !bytes.Equal(calls[2].Files["photo"], png) {
		t.Errorf("%d sendPhoto calls; the retry must carry the whole upload", len(calls))
	}

	api.Block(9)
	_, err = b.Post(ctx, "tg:9", m)
	if !errors.As(err, &serr) || !serr.Blocked() {
		t.Errorf("blocked: %v", err)
	}

	api.Unblock(9)
	api.Close()
	_, err = b.Post(ctx, "tg:9", m)
	if err == nil || strings.Contains(err.Error(), "TEST-token") {
		t.Errorf("upload to a closed server: %v; want an error without the token", err)
	}
}

// TestEditProgress: a notice's progress message, posted then edited in
// place as sends go on.
func TestEditProgress(t *testing.T) {
	api := telegramtest.New(t, token)
	b, _ := newBot(t, api, newRecorder(bot.Reply{}), nil)
	ctx := context.Background()
	const staff = "tg:-100555"
	cancel := []bot.Button{{Label: "Dừng gửi", Data: "n7:stop"}}
	ref, err := b.Post(ctx, staff, bot.Message{Text: "Đã gửi 0/3.000", Buttons: cancel})
	if err != nil {
		t.Fatal(err)
	}
	if ref != "1" {
		t.Errorf("ref %q, want the message id 1", ref)
	}
	if err := b.Edit(ctx, staff, ref, bot.Message{Text: "Đã gửi 1.200/3.000 · 3 lỗi <đang gửi>", Buttons: cancel}); err != nil {
		t.Fatal(err)
	}
	m, _ := api.Current(-100555, 1)
	if m.Text != "Đã gửi 1.200/3.000 · 3 lỗi &lt;đang gửi&gt;" || m.ParseMode != "HTML" || len(m.Keyboard) != 1 {
		t.Errorf("after the edit: %+v", m)
	}
	// The same progress again is no error.
	if err := b.Edit(ctx, staff, ref, bot.Message{Text: "Đã gửi 1.200/3.000 · 3 lỗi <đang gửi>", Buttons: cancel}); err != nil {
		t.Errorf("an edit that changes nothing: %v", err)
	}
	// Done: no more button.
	if err := b.Edit(ctx, staff, ref, bot.Message{Text: "Xong: 2.997/3.000 · 3 lỗi"}); err != nil {
		t.Fatal(err)
	}
	if m, _ := api.Current(-100555, 1); m.Text != "Xong: 2.997/3.000 · 3 lỗi" || m.Keyboard != nil {
		t.Errorf("final: %+v", m)
	}
	if n := len(api.CallsOf("editMessageText")); n != 3 {
		t.Errorf("%d editMessageText calls, want 3", n)
	}
	if n := len(api.CallsOf("sendMessage")); n != 1 {
		t.Errorf("%d messages sent: edits must not send new ones", n)
	}

	// Too long: cut to 4096 characters.
	long := strings.Repeat("Thôn Đông: 120 người. ", 300)
	if err := b.Edit(ctx, staff, ref, bot.Message{Text: long}); err != nil {
		t.Fatal(err)
	}
	m, _ = api.Current(-100555, 1)
	if n := utf8.RuneCountInString(m.Text); n > 4096 || n < 4000 || !strings.HasSuffix(m.Text, "…") {
		t.Errorf("long edit: %d characters, ends %q", n, m.Text[len(m.Text)-12:])
	}

	api.FailNext("editMessageText", http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request: message to edit not found"}`)
	if err := b.Edit(ctx, staff, ref, bot.Message{Text: "x"}); !errors.Is(err, bot.ErrCannotEdit) {
		t.Errorf("a deleted message: %v, want ErrCannotEdit", err)
	}
	api.RateLimitNext("editMessageText", 2)
	var serr *telegram.SendError
	if err := b.Edit(ctx, staff, ref, bot.Message{Text: "y"}); !errors.As(err, &serr) {
		t.Errorf("a 429: %v, want a SendError", err)
	} else if d, ok := serr.RateLimited(); !ok || d != 2*time.Second {
		t.Errorf("RateLimited = %v, %v", d, ok)
	}
	for _, bad := range [][2]string{{"zl:abc", "1"}, {staff, ""}, {staff, "abc"}, {staff, "0"}} {
		if err := b.Edit(ctx, bad[0], bad[1], bot.Message{Text: "x"}); err == nil {
			t.Errorf("Edit(%q, %q) took it", bad[0], bad[1])
		}
	}
}

// TestEditPhotoCaption: a photo's text is its caption; Telegram says which
// a message is.
func TestEditPhotoCaption(t *testing.T) {
	api := telegramtest.New(t, token)
	b, _ := newBot(t, api, newRecorder(bot.Reply{}), nil)
	ctx := context.Background()
	ref, err := b.Post(ctx, "tg:-100555", bot.Message{Text: "Bão số 3: đã gửi 0/800", Photo: &bot.Photo{ID: "tg:AgAC"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Edit(ctx, "tg:-100555", ref, bot.Message{Text: "Bão số 3: đã gửi 800/800"}); err != nil {
		t.Fatal(err)
	}
	id, _ := strconv.Atoi(ref)
	if m, _ := api.Current(-100555, id); m.Text != "Bão số 3: đã gửi 800/800" || m.Photo != "AgAC" {
		t.Errorf("photo after the edit: %+v", m)
	}
	if err := b.Edit(ctx, "tg:-100555", ref, bot.Message{Text: "Bão số 3: đã gửi 800/800"}); err != nil {
		t.Errorf("the same caption again: %v", err)
	}
	if err := b.Edit(ctx, "tg:-100555", ref, bot.Message{Text: strings.Repeat("Bão ", 400)}); err != nil {
		t.Errorf("a long caption is cut: %v", err)
	}
}

func TestReceivedPhoto(t *testing.T) {
	api := telegramtest.New(t, token)
	h := newRecorder(bot.Reply{})
	_, hook := newBot(t, api, h, nil)
	const group = int64(-100321)
	deliverTo(t, hook, telegramtest.PhotoUpdate(citizen, "private", citizen, "AgACbig", "/thongbao Lịch cắt điện"))
	deliverTo(t, hook, telegramtest.PhotoUpdate(group, "", citizen, "AgACgroup", "ảnh họp thôn")) // not to the bot
	deliverTo(t, hook, telegramtest.PhotoUpdate(group, "", citizen, "AgACmention", "@"+telegramtest.DefaultUsername+" đăng giúp"))
	deliverTo(t, hook, telegramtest.PhotoUpdate(citizen, "private", citizen, "AgACbare", ""))
	got := h.wait(t, 3)
	if len(got) != 3 {
		t.Fatalf("%d updates handled, want 3: %+v", len(got), got)
	}
	want := []struct{ chat, photo, text string }{
		{"tg:501", "tg:AgACbig", "/thongbao Lịch cắt điện"},
		{"tg:-100321", "tg:AgACmention", "đăng giúp"},
		{"tg:501", "tg:AgACbare", ""},
	}
	for i, w := range want {
		u := got[i]
		if u.Chat.ID != w.chat || u.Photo == nil || u.Photo.ID != w.photo || u.Text != w.text || u.From.ID != "tg:501" {
			t.Errorf("update %d = %+v (photo %+v), want %+v", i, u, u.Photo, w)
		}
	}
}

// TestChatEventsByPolling: the bot asks for my_chat_member, and being
// added to a group or removed from it reaches the service; a promotion
// does not.
func TestChatEventsByPolling(t *testing.T) {
	api := telegramtest.New(t, token)
	h := newRecorder(bot.Reply{})
	b, _ := newBot(t, api, h, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Poll(ctx) }()

	const group, admin = int64(-100444), int64(42)
	api.PushUpdate(telegramtest.MyChatMemberUpdate(group, "", admin, "left", "member"))
	api.PushUpdate(telegramtest.MyChatMemberUpdate(group, "", admin, "member", "administrator"))
	api.PushUpdate(telegramtest.MyChatMemberUpdate(admin, "private", admin, "member", "kicked")) // a citizen blocked the bot
	api.PushUpdate(telegramtest.MyChatMemberUpdate(group, "", admin, "administrator", "kicked"))
	got := h.wait(t, 2)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(api.AllowedUpdates(), "my_chat_member") {
		t.Errorf("allowed_updates %v: Telegram would not send my_chat_member", api.AllowedUpdates())
	}
	got = h.all()
	if len(got) != 2 {
		t.Fatalf("%d updates handled, want joined and left: %+v", len(got), got)
	}
	for i, want := range []string{bot.EventJoined, bot.EventLeft} {
		u := got[i]
		if u.Event != want || u.Chat.ID != "tg:-100444" || u.Chat.Private || u.From.ID != "tg:42" || u.ID == "" {
			t.Errorf("update %d = %+v, want %s in the group by its admin", i, u, want)
		}
	}
}

func TestGroupMovedIsAnEvent(t *testing.T) {
	api := telegramtest.New(t, token)
	h := newRecorder(bot.Reply{Messages: []bot.Message{{Text: "Nhóm đã được nâng cấp."}}})
	_, hook := newBot(t, api, h, nil)
	const oldGroup, newGroup = int64(-2001), int64(-100200300)
	api.Migrate(oldGroup, newGroup)
	deliverTo(t, hook, telegramtest.MigrateUpdate(oldGroup, newGroup))
	got := h.wait(t, 1)
	if u := got[0]; u.Event != bot.EventMoved || u.Chat.ID != "tg:-2001" || u.MovedTo != "tg:-100200300" {
		t.Errorf("update = %+v", u)
	}
	if n := len(api.SentTo(newGroup)); n != 1 {
		t.Errorf("%d messages in the new group: a reply goes where the group is now", n)
	}
}

func TestSetWebhookAsksForChatEvents(t *testing.T) {
	api := telegramtest.New(t, token)
	b, _ := newBot(t, api, newRecorder(bot.Reply{}), nil)
	if err := b.SetWebhook(context.Background(), "https://bot.example.vn/tg", secret); err != nil {
		t.Fatal(err)
	}
	if got := api.AllowedUpdates(); !slices.Equal(got, []string{"callback_query", "message", "my_chat_member"}) {
		t.Errorf("allowed_updates %v", got)
	}
}

// BenchmarkPost compares a text and a photo upload, each through the
// library and the fake Bot API: the upload streams a multipart body from a
// goroutine.
func BenchmarkPost(b *testing.B) {
	chart := bytes.Repeat(png, 30<<10/len(png)) // a 30 KB chart
	for _, bm := range []struct {
		name string
		m    bot.Message
	}{
		{"text", bot.Message{Text: "Đã gửi 1.200/3.000 · 3 lỗi"}},
		{"photo by id", bot.Message{Text: "Bão số 3", Photo: &bot.Photo{ID: "tg:AgAC"}}},
		{"photo upload 30KB", bot.Message{Text: "Biểu đồ", Photo: &bot.Photo{PNG: chart}}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			api := telegramtest.New(b, token)
			api.DiscardHistory = true
			tb, err := telegram.New(context.Background(), newRecorder(bot.Reply{}), telegram.Options{
				Token: token, APIURL: api.URL(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			})
			if err != nil {
				b.Fatal(err)
			}
			defer tb.Close(context.Background())
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tb.Post(context.Background(), "tg:9", bm.m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
