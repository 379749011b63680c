package zalo_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/zalo"
	"github.com/motcua/motcua/bot/zalo/zalotest"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/procedures"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/redistest"
)

const (
	token  = "1459232241454765289:TEST-secret-never-logged"
	secret = "s3cret_webhook-token"
)

var ict = time.FixedZone("ICT", 7*3600)

func now() time.Time { return time.Date(2026, time.November, 23, 9, 0, 0, 0, ict) }

func service(t testing.TB, st store.Conversations) *bot.Service {
	t.Helper()
	cat, iss := flows.Load(procedures.FS, "procedures", nil, "")
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	return bot.New(flows.NewEngine(cat, flows.DefaultMessages()), st, bot.Options{
		Location: ict, Now: now, Retries: []time.Duration{},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
}

// pauses records the waits of the bot instead of sleeping; while hold is
// set, a wait lasts until release.
type pauses struct {
	mu      sync.Mutex
	d       []time.Duration
	gate    chan struct{}
	changed chan struct{} // closed and replaced at every wait
}

func (p *pauses) wait(ctx context.Context, d time.Duration) error {
	p.mu.Lock()
	p.d = append(p.d, d)
	gate := p.gate
	if p.changed != nil {
		close(p.changed)
	}
	p.changed = make(chan struct{})
	p.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
		}
	}
	return ctx.Err()
}

func (p *pauses) hold() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gate = make(chan struct{})
}

func (p *pauses) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gate != nil {
		close(p.gate)
		p.gate = nil
	}
}

// releaseOne lets the waiting retry go and waits for the next pause
// beyond n, which then holds.
func (p *pauses) releaseOne(t *testing.T, n int) {
	t.Helper()
	p.mu.Lock()
	old := p.gate
	p.gate = make(chan struct{})
	p.mu.Unlock()
	close(old)
	p.waitMore(t, n)
}

func (p *pauses) all() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.d)
}

// rig is a bot on a fake Bot Platform, reachable by webhook.
type rig struct {
	t      *testing.T
	api    *zalotest.Server
	bot    *zalo.Bot
	hook   *httptest.Server
	pauses *pauses
	logs   *lockedBuffer
}

func newRig(t *testing.T, api *zalotest.Server, h zalo.Handler) *rig {
	t.Helper()
	r := &rig{t: t, api: api, pauses: &pauses{}, logs: &lockedBuffer{}}
	logger := slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b, err := zalo.New(context.Background(), h, zalo.Options{
		Token: token, APIURL: api.URL(), Workers: 4, Logger: logger, Wait: r.pauses.wait,
		MentionNames: []string{"Trợ lý Một Cửa"},
	})
	if err != nil {
		t.Fatal(err)
	}
	r.bot = b
	r.hook = httptest.NewServer(b.Webhook(secret))
	t.Cleanup(func() {
		r.hook.Close()
		r.pauses.release()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := b.Close(ctx); err != nil {
			t.Error(err)
		}
		if strings.Contains(r.logs.String(), "TEST-secret") {
			t.Errorf("the token appears in the logs:\n%s", r.logs.String())
		}
	})
	return r
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// deliver posts an update to the bot's webhook, waits until it is
// handled, and returns the webhook's status.
func (r *rig) deliver(u zalotest.Update, wrapped bool) int {
	r.t.Helper()
	return r.deliverWith(secret, u, wrapped)
}

func (r *rig) deliverWith(secret string, u zalotest.Update, wrapped bool) int {
	r.t.Helper()
	resp, err := zalotest.Deliver(context.Background(), r.hook.URL, secret, u, wrapped)
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	r.settle()
	return resp.StatusCode
}

func (r *rig) settle() {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.bot.Settle(ctx); err != nil {
		r.t.Fatal(err)
	}
}

const citizen = "6ede9afa3c2bd575c3a"

// say sends text as the citizen, the webhook's body alternately wrapped
// and bare, and returns what the bot sent back.
func say(r *rig, text string) []zalotest.Message {
	r.t.Helper()
	before := len(r.api.SentTo(citizen))
	wrapped := before%2 == 0
	if code := r.deliver(zalotest.Text(citizen, zalotest.Private, citizen, text), wrapped); code != http.StatusOK {
		r.t.Fatalf("webhook answered %d to %q", code, text)
	}
	return r.api.SentTo(citizen)[before:]
}

// start begins the birth procedure as a citizen would: she types its
// name, and 1 to confirm the procedure found.
func start(r *rig, text string) {
	r.t.Helper()
	has(r.t, say(r, text), "Có phải bạn cần: Đăng ký khai sinh", "  1. Đăng ký khai sinh")
	has(r.t, say(r, "1"), "“3 trong 1”", "Ai sẽ đi làm khai sinh cho bé?", "  1. Cha hoặc mẹ của bé", "Gõ số để chọn")
}

func has(t *testing.T, msgs []zalotest.Message, want ...string) {
	t.Helper()
	var all strings.Builder
	for _, m := range msgs {
		all.WriteString(m.Text + "\n---\n")
	}
	for _, w := range want {
		if !strings.Contains(all.String(), w) {
			t.Errorf("missing %q in:\n%s", w, all.String())
		}
	}
}

func texts(ms []zalotest.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Text
	}
	return out
}

// TestBirthRegistrationByTyping walks the birth "3 trong 1" on Zalo,
// typing numbers, labels with and without diacritics, and dates.
func TestBirthRegistrationByTyping(t *testing.T) {
	for _, tc := range []struct{ name, first, choice string }{
		{"numbers", "dang ky khai sinh", "1"},
		{"label with diacritics", "Đăng ký khai sinh", "Cha hoặc mẹ của bé"},
		{"label without diacritics", "khai sinh", "cha hoac me cua be"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := zalotest.New(t, token)
			r := newRig(t, api, service(t, store.NewMemory(store.Options{Now: now})))
			start(r, tc.first)
			has(t, say(r, tc.choice), "Bé sinh ngày nào?")
			has(t, say(r, "31/02/2026"), "không có trên lịch")
			has(t, say(r, "10/11/2026"), "09/01/2027 (còn 47 ngày)")
			for step := 0; step < 40; step++ {
				sent := api.SentTo(citizen)
				last := sent[len(sent)-1]
				if strings.Contains(last.Text, bot.DefaultMessages().AfterEnd) {
					break
				}
				if strings.Contains(last.Text, "\n  1. ") {
					say(r, "1")
					continue
				}
				say(r, "10/11/2026")
			}
			sent := api.SentTo(citizen)
			has(t, sent[len(sent)-1:], bot.DefaultMessages().AfterEnd, ". 📋 Thủ tục khác")
			for _, c := range api.CallsOf("sendMessage") {
				if _, ok := c.Params["parse_mode"]; ok {
					t.Errorf("a message sent with a parse_mode: %v", c.Params)
				}
			}
		})
	}
}

func TestPollingThroughIdlePolls(t *testing.T) {
	api := zalotest.New(t, token)
	api.PollWait = 20 * time.Millisecond
	r := newRig(t, api, service(t, store.NewMemory(store.Options{Now: now})))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.bot.Poll(ctx) }()
	api.WaitCalls(t, "getUpdates", 3) // two have ended in 408
	if first := api.Calls()[1]; first.Method != "deleteWebhook" {
		t.Errorf("the first call after getMe is %s, want deleteWebhook", first.Method)
	}
	if p := r.pauses.all(); len(p) != 0 {
		t.Errorf("an idle poll is no error, nothing to back off from: %v", p)
	}
	for i, text := range []string{"khai sinh", "1", "1"} {
		api.PushUpdate(zalotest.Text(citizen, zalotest.Private, citizen, text))
		api.WaitSent(t, citizen, []int{1, 3, 4}[i])
	}
	has(t, api.SentTo(citizen)[3:], "Bé sinh ngày nào?")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := api.CallsOf("getUpdates")[0].Params["timeout"]; got != "30" {
		t.Errorf("getUpdates timeout %q, want 30", got)
	}
}

func TestPollingFailsWhileAWebhookIsSetThenGoesOn(t *testing.T) {
	api := zalotest.New(t, token)
	api.PollWait = 20 * time.Millisecond
	r := newRig(t, api, service(t, store.NewMemory(store.Options{Now: now})))
	if err := r.bot.SetWebhook(context.Background(), "https://xa.example/zalo", "short"); err == nil {
		t.Error("a secret under 8 characters is refused before it reaches Zalo")
	}
	if err := r.bot.SetWebhook(context.Background(), "https://xa.example/zalo", secret); err != nil {
		t.Fatal(err)
	}
	if url, s := api.Webhook(); url != "https://xa.example/zalo" || s != secret {
		t.Errorf("webhook %q %q", url, s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.bot.Poll(ctx) }()
	api.PushUpdate(zalotest.Text(citizen, zalotest.Private, citizen, "khai sinh"))
	api.WaitSent(t, citizen, 1) // Poll removed the webhook first
	if url, _ := api.Webhook(); url != "" {
		t.Errorf("webhook still set: %q", url)
	}
	cancel()
	<-done
}

func TestWebhookWrappedAndBare(t *testing.T) {
	api := zalotest.New(t, token)
	r := newRig(t, api, service(t, store.NewMemory(store.Options{Now: now})))
	for i, text := range []string{"khai sinh", "1", "1"} {
		if code := r.deliver(zalotest.Text(citizen, zalotest.Private, citizen, text), i%2 == 0); code != http.StatusOK {
			t.Fatal(code)
		}
	}
	has(t, api.SentTo(citizen), "Có phải bạn cần", "Ai sẽ đi làm khai sinh cho bé?", "Bé sinh ngày nào?")
}

func TestWrongSecretIsRefused(t *testing.T) {
	api := zalotest.New(t, token)
	r := newRig(t, api, service(t, store.NewMemory(store.Options{Now: now})))
	for _, s := range []string{"", "wrong", secret + "x", secret[:len(secret)-1]} {
		if code := r.deliverWith(s, zalotest.Text(citizen, zalotest.Private, citizen, "khai sinh"), false); code != http.StatusUnauthorized && code != http.StatusForbidden {
			t.Errorf("secret %q: %d, want 401", s, code)
		}
	}
	if n := len(api.CallsOf("sendMessage")); n != 0 {
		t.Errorf("%d messages sent for refused requests", n)
	}
	// A bot given no secret accepts nothing.
	open := httptest.NewServer(r.bot.Webhook(""))
	defer open.Close()
	resp, err := zalotest.Deliver(context.Background(), open.URL, "", zalotest.Text(citizen, zalotest.Private, citizen, "x"), false)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no secret configured: %d", resp.StatusCode)
	}
}

func TestDuplicateDeliveryIsHandledOnce(t *testing.T) {
	api := zalotest.New(t, token)
	r := newRig(t, api, service(t, store.NewMemory(store.Options{Now: now})))
	u := zalotest.Text(citizen, zalotest.Private, citizen, "khai sinh")
	first := len(say(r, "xin chào"))
	for i := range 3 {
		if code := r.deliver(u, i%2 == 0); code != http.StatusOK {
			t.Fatal(code)
		}
	}
	if n := len(api.SentTo(citizen)) - first; n != 1 {
		t.Errorf("%d replies to one update delivered three times: %q", n, texts(api.SentTo(citizen)))
	}
}

func TestBotsAndSelfAreIgnored(t *testing.T) {
	api := zalotest.New(t, token)
	r := newRig(t, api, service(t, store.NewMemory(store.Options{Now: now})))
	other := zalotest.Text(citizen, zalotest.Private, "another-bot", "khai sinh")
	other.Message.From.IsBot = true
	self := zalotest.Text(citizen, zalotest.Private, zalotest.BotID, "khai sinh")
	r.deliver(other, false)
	r.deliver(self, true)
	if n := len(api.CallsOf("sendMessage")); n != 0 {
		t.Errorf("%d answers to bots", n)
	}
}

func TestGroupMentionIsStripped(t *testing.T) {
	api := zalotest.New(t, token)
	got := make(chan bot.Update, 4)
	r := newRig(t, api, handlerFunc(func(_ context.Context, u bot.Update) (bot.Reply, error) {
		got <- u
		return bot.Reply{}, nil
	}))
	r.deliver(zalotest.Text("grp-1", zalotest.Group, "u-7", "@Trợ lý Một Cửa  khai sinh"), false)
	r.deliver(zalotest.Text("grp-1", zalotest.Group, "u-7", "hỏi @bot.motcua khai tử"), false)
	for _, want := range []string{"khai sinh", "hỏi khai tử"} {
		u := <-got
		if u.Text != want || u.Chat.Private || u.Chat.ID != "zl:grp-1" || u.From.ID != "zl:u-7" || !strings.HasPrefix(u.ID, "zl:u:") {
			t.Errorf("group update %+v, want text %q", u, want)
		}
	}
}

func TestGroupGetsAPrivateInvitationWithoutLink(t *testing.T) {
	api := zalotest.New(t, token)
	r := newRig(t, api, service(t, store.NewMemory(store.Options{Now: now})))
	r.deliver(zalotest.Text("grp-1", zalotest.Group, "u-7", "@Trợ lý Một Cửa khai sinh"), false)
	sent := api.SentTo("grp-1")
	if len(sent) != 1 {
		t.Fatalf("%d group messages: %q", len(sent), texts(sent))
	}
	has(t, sent, "👉 Nhắn riêng: Đăng ký khai sinh")
	if strings.Contains(sent[0].Text, "1.") || strings.Contains(sent[0].Text, "http") {
		t.Errorf("an invitation is neither a numbered choice nor a made-up link: %q", sent[0].Text)
	}
}

type handlerFunc func(context.Context, bot.Update) (bot.Reply, error)

func (f handlerFunc) Handle(ctx context.Context, u bot.Update) (bot.Reply, error) { return f(ctx, u) }

func (handlerFunc) Delivered(context.Context, bot.Update, bot.Reply, int) error { return nil }

func TestPicturesInAndOut(t *testing.T) {
	api := zalotest.New(t, token)
	got := make(chan bot.Update, 4)
	r := newRig(t, api, handlerFunc(func(_ context.Context, u bot.Update) (bot.Reply, error) {
		got <- u
		return bot.Reply{Messages: []bot.Message{
			{Text: "Thông báo có ảnh", Photo: &bot.Photo{URL: "https://xa.example/bao.jpg"}},
			{Text: "Ảnh của kênh khác", Photo: &bot.Photo{ID: "tg:AgACAgIAAxk"}},
			{Text: "Biểu đồ", Photo: &bot.Photo{PNG: []byte{0x89, 'P', 'N', 'G'}}},
		}}, nil
	}))
	r.deliver(zalotest.Image(citizen, "https://zalo.example/p.jpg", "bão số 3"), false)
	r.deliver(zalotest.Sticker(citizen), true)
	if u := <-got; u.Photo == nil || u.Photo.URL != "https://zalo.example/p.jpg" || u.Text != "bão số 3" {
		t.Errorf("image update %+v", u)
	}
	if u := <-got; u.Text != "" || u.Photo != nil {
		t.Errorf("a sticker is an update with no text: %+v", u)
	}
	sent := api.SentTo(citizen)[:3]
	if sent[0].Photo != "https://xa.example/bao.jpg" || sent[0].Text != "Thông báo có ảnh" {
		t.Errorf("photo: %+v", sent[0])
	}
	if sent[1].Photo != "" || sent[1].Text != "Ảnh của kênh khác" || sent[2].Text != "Biểu đồ" {
		t.Errorf("pictures Zalo cannot take leave the text alone: %+v", sent[1:])
	}
}

func TestLongTextIsSplit(t *testing.T) {
	para := strings.Repeat("Giấy tờ cần mang 📄 theo. ", 30) // emoji count 2 UTF-16 units
	long := strings.TrimSpace(strings.Repeat(para+"\n\n", 6))
	api := zalotest.New(t, token)
	newRig(t, api, handlerFunc(func(context.Context, bot.Update) (bot.Reply, error) {
		return bot.Reply{Messages: []bot.Message{{Text: long, Buttons: []bot.Button{{Label: "Xong", Data: "x"}}}}}, nil
	})).deliver(zalotest.Text(citizen, zalotest.Private, citizen, "x"), false)
	sent := api.SentTo(citizen)
	if len(sent) < 3 {
		t.Fatalf("%d parts", len(sent))
	}
	var joined []string
	for _, m := range sent {
		if n := len(utf16.Encode([]rune(m.Text))); n > 2000 {
			t.Errorf("a part of %d UTF-16 units", n)
		}
		if !strings.HasSuffix(m.Text, ".") && !strings.HasSuffix(m.Text, "1. Xong") {
			t.Errorf("a part cut mid-paragraph: …%q", m.Text[max(0, len(m.Text)-20):])
		}
		joined = append(joined, m.Text)
	}
	if !strings.HasSuffix(sent[len(sent)-1].Text, "\n  1. Xong") {
		t.Errorf("the choices end the last part: %q", sent[len(sent)-1].Text)
	}
	if strings.Join(strings.Fields(strings.Join(joined, " ")), " ") != strings.Join(strings.Fields(long+" 1. Xong"), " ") {
		t.Error("the parts do not add up to the text")
	}
}

func TestSendErrors(t *testing.T) {
	api := zalotest.New(t, token)
	api.Quota = 2
	r := newRig(t, api, handlerFunc(func(context.Context, bot.Update) (bot.Reply, error) { return bot.Reply{}, nil }))
	ctx := context.Background()
	msg := bot.Message{Text: "Nhắc: thẻ BHYT của Mẹ hết hạn ngày 23/12/2026."}

	// 500 HTML and Zalo's 403 are retried; the message goes.
	api.FailNext("sendMessage", http.StatusInternalServerError, "<html>500 Internal Server Error</html>")
	api.FailNextAPI("sendMessage", http.StatusForbidden, "Forbidden")
	ref, err := r.bot.Post(ctx, "zl:700", msg)
	if err != nil || ref == "" {
		t.Fatalf("Post = %q, %v", ref, err)
	}
	if p := r.pauses.all(); len(p) != 2 {
		t.Errorf("pauses %v, want two backoffs", p)
	}

	// 400 is final.
	api.CamelErrors = true
	api.FailNextAPI("sendMessage", http.StatusBadRequest, "Bad Request: chat not found")
	var serr *zalo.SendError
	if err := r.bot.SendTo(ctx, "zl:701", msg); !errors.As(err, &serr) || !serr.Permanent() || serr.Code != 400 || serr.QuotaSpent() {
		t.Errorf("400: %v", err)
	}
	api.CamelErrors = false

	// The quota: the second message goes, the third is refused for the
	// month — not a rate limit, not retried.
	if err := r.bot.SendTo(ctx, "zl:702", msg); err != nil {
		t.Fatal(err)
	}
	before := len(r.pauses.all())
	err = r.bot.SendTo(ctx, "zl:703", msg)
	if !errors.As(err, &serr) || !serr.QuotaSpent() || serr.Permanent() || serr.Blocked() {
		t.Fatalf("429: %v", err)
	}
	if _, limited := serr.RateLimited(); limited {
		t.Error("Zalo's 429 is the monthly quota, not a rate limit")
	}
	if len(r.pauses.all()) != before {
		t.Error("a spent quota is not retried")
	}
	if err := r.bot.Edit(ctx, "zl:700", ref, msg); !errors.Is(err, bot.ErrCannotEdit) {
		t.Errorf("Edit = %v", err)
	}
	for _, chat := range []string{"tg:700", "zl:", "700"} {
		if err := r.bot.SendTo(ctx, chat, msg); err == nil {
			t.Errorf("%q is not a Zalo chat", chat)
		}
	}
}

// TestTokenNeverInErrorsOrLogs: an unreachable server, a refused token and
// an answer echoing the URL leave no token in errors or logs.
func TestTokenNeverInErrorsOrLogs(t *testing.T) {
	api := zalotest.New(t, token)
	r := newRig(t, api, handlerFunc(func(context.Context, bot.Update) (bot.Reply, error) {
		return bot.Reply{Messages: []bot.Message{{Text: "x"}}}, nil
	}))
	api.FailNext("sendMessage", http.StatusBadGateway, "<html>bad gateway for /bot"+token+"/sendMessage</html>")
	api.FailNextAPI("sendMessage", http.StatusBadRequest, "no such route /bot"+token+"/sendMessage")
	err := r.bot.SendTo(context.Background(), "zl:1", bot.Message{Text: "x"})
	if err == nil || strings.Contains(err.Error(), "TEST-secret") {
		t.Errorf("error holds the token: %v", err)
	}

	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	_, err = zalo.New(context.Background(), nil, zalo.Options{Token: token, APIURL: dead.URL, Timeout: time.Second})
	if err == nil || strings.Contains(err.Error(), "TEST-secret") {
		t.Errorf("connection error holds the token: %v", err)
	}
	_, err = zalo.New(context.Background(), nil, zalo.Options{Token: "1:wrong-TEST-secret", APIURL: api.URL()})
	if err == nil || strings.Contains(err.Error(), "TEST-secret") || !strings.Contains(err.Error(), "401") {
		t.Errorf("refused token: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = r.bot.SendTo(ctx, "zl:1", bot.Message{Text: "x"})
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "TEST-secret") {
		t.Errorf("canceled: %v", err)
	}
}

// redisRig is a bot on a Redis that the test can stop.
func redisRig(t *testing.T) (*rig, *redistest.Server) {
	srv := redistest.StartPersistent(t)
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { client.Close() })
	api := zalotest.New(t, token)
	return newRig(t, api, service(t, store.NewRedis(client, store.Options{}))), srv
}

func apologies(ms []zalotest.Message) int {
	n := 0
	for _, m := range ms {
		if strings.HasPrefix(m.Text, "Xin lỗi, hệ thống đang bận") {
			n++
		}
	}
	return n
}

// TestRedisDownWhilePolling: an update handled while Redis is stopped gets
// one apology, is tried again by the bot (Zalo hands it out once), and is
// answered once Redis is back.
func TestRedisDownWhilePolling(t *testing.T) {
	r, srv := redisRig(t)
	api := r.api
	api.PollWait = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.bot.Poll(ctx) }()
	for i, text := range []string{"khai sinh", "1", "1"} {
		api.PushUpdate(zalotest.Text(citizen, zalotest.Private, citizen, text))
		api.WaitSent(t, citizen, []int{1, 3, 4}[i])
	}

	srv.Stop(t)
	r.pauses.hold()
	api.PushUpdate(zalotest.Text(citizen, zalotest.Private, citizen, "10/11/2026"))
	sent := api.WaitSent(t, citizen, 5)
	if apologies(sent) != 1 {
		t.Fatalf("want the apology: %q", texts(sent))
	}
	// Let it fail a few more times while Redis is down.
	for i := 0; i < 3; i++ {
		n := len(r.pauses.all())
		r.pauses.releaseOne(t, n)
	}
	srv.Restart(t)
	r.pauses.release()
	sent = api.WaitSent(t, citizen, 6)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	has(t, sent[5:], "còn 47 ngày")
	if n := apologies(api.SentTo(citizen)); n != 1 {
		t.Errorf("%d apologies, want 1 however often it is tried: %q", n, texts(api.SentTo(citizen)))
	}
}

// TestRedisDownWebhook: the webhook answers 200 at once; the bot keeps the
// update and answers it when Redis is back; a re-delivery by Zalo meanwhile
// changes nothing.
func TestRedisDownWebhook(t *testing.T) {
	r, srv := redisRig(t)
	start(r, "khai sinh")
	has(t, say(r, "1"), "Bé sinh ngày nào?")
	srv.Stop(t)
	r.pauses.hold()
	u := zalotest.Text(citizen, zalotest.Private, citizen, "10/11/2026")
	resp, err := zalotest.Deliver(context.Background(), r.hook.URL, secret, u, false)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook while Redis is down: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = zalotest.Deliver(context.Background(), r.hook.URL, secret, u, true)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("second delivery: %v %v", resp, err)
	}
	resp.Body.Close()
	r.pauses.waitMore(t, 0)
	srv.Restart(t)
	r.pauses.release()
	r.settle()
	sent := r.api.SentTo(citizen)
	if n := apologies(sent); n != 1 {
		t.Errorf("%d apologies: %q", n, texts(sent))
	}
	if n := strings.Count(strings.Join(texts(sent), "\n"), "còn 47 ngày"); n != 1 {
		t.Errorf("the answer %d times, want once: %q", n, texts(sent))
	}
}

// waitMore waits until the bot has paused more than n times.
func (p *pauses) waitMore(t *testing.T, n int) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		p.mu.Lock()
		if p.changed == nil {
			p.changed = make(chan struct{})
		}
		seen, changed := len(p.d), p.changed
		p.mu.Unlock()
		if seen > n {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("%d pauses in 10 s, want more than %d", seen, n)
		}
	}
}
