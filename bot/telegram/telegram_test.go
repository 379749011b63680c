package telegram_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/telegram"
	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/procedures"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/redistest"
)

const (
	token  = "123456:TEST-token-never-logged"
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

// pauses records the waits of the sender instead of sleeping.
type pauses struct {
	mu sync.Mutex
	d  []time.Duration
}

func (p *pauses) wait(ctx context.Context, d time.Duration) error {
	p.mu.Lock()
	p.d = append(p.d, d)
	p.mu.Unlock()
	return ctx.Err()
}

func (p *pauses) all() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.d)
}

// rig is a bot on a fake Bot API, reachable by webhook.
type rig struct {
	t      *testing.T
	api    *telegramtest.Server
	bot    *telegram.Bot
	hook   *httptest.Server
	pauses *pauses
	logs   *strings.Builder
	logMu  *sync.Mutex
}

func newRig(t *testing.T, api *telegramtest.Server, st store.Conversations) *rig {
	t.Helper()
	r := &rig{t: t, api: api, pauses: &pauses{}, logs: &strings.Builder{}, logMu: &sync.Mutex{}}
	mu := r.logMu
	logger := slog.New(slog.NewTextHandler(lockedWriter{mu, r.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b, err := telegram.New(context.Background(), service(t, st), telegram.Options{
		Token: token, APIURL: api.URL(), Workers: 4, Logger: logger,
		Commands: bot.DefaultMessages().Commands, Wait: r.pauses.wait,
		Blocklist: st.(store.Blocklist),
	})
	if err != nil {
		t.Fatal(err)
	}
	r.bot = b
	r.hook = httptest.NewServer(b.Webhook(secret))
	t.Cleanup(func() {
		r.hook.Close()
		if err := b.Close(context.Background()); err != nil {
			t.Error(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if strings.Contains(r.logs.String(), "TEST-token") {
			t.Errorf("the token appears in the logs:\n%s", r.logs.String())
		}
	})
	return r
}

// logText is what the bot logged so far.
func (r *rig) logText() string {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	return r.logs.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// deliver posts an update to the bot's webhook and returns the status.
func (r *rig) deliver(u tgbotapi.Update) int {
	r.t.Helper()
	resp, err := telegramtest.Deliver(context.Background(), r.hook.URL, secret, u)
	if err != nil {
		r.t.Fatal(err)
	}
	// As Telegram, make the call the answer carries (a keyboard taken off).
	if err := r.api.Answered(resp); err != nil {
		r.t.Fatal(err)
	}
	return resp.StatusCode
}

const citizen = int64(501)

func say(r *rig, text string) []telegramtest.Message {
	r.t.Helper()
	before := len(r.api.SentTo(citizen))
	if code := r.deliver(telegramtest.TextUpdate(citizen, "private", citizen, text)); code != http.StatusOK {
		r.t.Fatalf("webhook answered %d to %q", code, text)
	}
	return r.api.SentTo(citizen)[before:]
}

// press presses the button labelled label on the last message that has it.
func press(r *rig, label string) []telegramtest.Message {
	r.t.Helper()
	sent := r.api.SentTo(citizen)
	for i := len(sent) - 1; i >= 0; i-- {
		for _, row := range sent[i].Keyboard {
			for _, b := range row {
				if b.Text == label {
					before := len(sent)
					if code := r.deliver(telegramtest.CallbackUpdate(citizen, sent[i].MessageID, citizen, b.CallbackData)); code != http.StatusOK {
						r.t.Fatalf("webhook answered %d to a press of %q", code, label)
					}
					return r.api.SentTo(citizen)[before:]
				}
			}
		}
	}
	r.t.Fatalf("no button %q was sent", label)
	return nil
}

func labels(m telegramtest.Message) []string {
	var out []string
	for _, row := range m.Keyboard {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

func has(t *testing.T, msgs []telegramtest.Message, want ...string) {
	t.Helper()
	var all strings.Builder
	for _, m := range msgs {
		all.WriteString(m.Text + "\n[" + strings.Join(labels(m), "|") + "]\n")
	}
	for _, w := range want {
		if !strings.Contains(all.String(), w) {
			t.Errorf("missing %q in:\n%s", w, all.String())
		}
	}
}

// TestBirthRegistrationByButtons walks the birth "3 trong 1" on Telegram,
// pressing buttons and typing the date.
func TestBirthRegistrationByButtons(t *testing.T) {
	api := telegramtest.New(t, token)
	r := newRig(t, api, store.NewMemory(store.Options{Now: now}))
	r.bot.SetCommands(context.Background())
	if cmds := api.Commands(); len(cmds) != len(bot.DefaultMessages().Commands) || cmds[0].Command != "start" {
		t.Errorf("command menu: %+v", cmds)
	}

	menu := say(r, "/start")
	if len(menu) != 1 || menu[0].ParseMode != "HTML" {
		t.Fatalf("one HTML message for /start: %+v", menu)
	}
	if got := labels(menu[0]); len(got) < 2 || !strings.HasPrefix(got[0], "Đăng ký khai sinh") {
		t.Fatalf("menu buttons: %v", got)
	}
	intro := press(r, labels(menu[0])[0])
	has(t, intro, "“3 trong 1”", "Ai sẽ đi làm khai sinh cho bé?", "Cha hoặc mẹ của bé", "⬅ Quay lại", "✖ Dừng")
	// The press was answered, and the menu's keyboard taken off.
	if calls := api.CallsOf("answerCallbackQuery"); len(calls) != 1 {
		t.Errorf("answerCallbackQuery calls: %d", len(calls))
	}
	if m, _ := api.Current(citizen, menu[0].MessageID); len(m.Keyboard) != 0 {
		t.Errorf("the answered menu still has buttons: %+v", m.Keyboard)
	}
	for _, m := range intro {
		if strings.Contains(m.Text, "Gõ số để chọn") {
			t.Errorf("Telegram shows buttons, not the typed hint: %q", m.Text)
		}
	}

	has(t, press(r, "Cha hoặc mẹ của bé"), "Bé sinh ngày nào?")
	has(t, say(r, "31/02/2026"), "không có trên lịch")
	has(t, say(r, "10/11/2026"), "09/01/2027 (còn 47 ngày)")

	// Walk on to the end: the first choice of each question, a date when
	// one is asked.
	for step := 0; step < 40; step++ {
		sent := api.SentTo(citizen)
		last := sent[len(sent)-1]
		if strings.Contains(last.Text, bot.DefaultMessages().AfterEnd) {
			break
		}
		if ls := labels(last); len(ls) > 2 {
			press(r, ls[0])
			continue
		}
		say(r, "10/11/2026")
	}
	sent := api.SentTo(citizen)
	has(t, sent[len(sent)-1:], bot.DefaultMessages().AfterEnd, "📋 Thủ tục khác")
	for _, m := range sent {
		if len([]rune(m.Text)) > 4096 {
			t.Errorf("a message of %d characters", len([]rune(m.Text)))
		}
	}
}

func TestStaleButtonAnswersAndActsOnce(t *testing.T) {
	api := telegramtest.New(t, token)
	r := newRig(t, api, store.NewMemory(store.Options{Now: now}))
	say(r, "/start khai-sinh")
	first := api.SentTo(citizen)
	press(r, "Cha hoặc mẹ của bé")
	var q telegramtest.Message
	for _, m := range first {
		if len(m.Keyboard) > 0 {
			q = m
		}
	}
	// The same button again, as from an old message.
	code := r.deliver(telegramtest.CallbackUpdate(citizen, q.MessageID, citizen, q.Keyboard[0][0].CallbackData))
	if code != http.StatusOK {
		t.Fatal(code)
	}
	sent := api.SentTo(citizen)
	has(t, sent[len(sent)-1:], "Nút này thuộc một câu hỏi cũ")
	has(t, say(r, "10/11/2026"), "còn 47 ngày")
}

func TestWrongSecretIsRefused(t *testing.T) {
	api := telegramtest.New(t, token)
	r := newRig(t, api, store.NewMemory(store.Options{Now: now}))
	for _, s := range []string{"", "wrong", secret + "x"} {
		resp, err := telegramtest.Deliver(context.Background(), r.hook.URL, s, telegramtest.TextUpdate(citizen, "private", citizen, "/start"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("secret %q: %d, want 401", s, resp.StatusCode)
		}
	}
	if n := len(api.CallsOf("sendMessage")); n != 0 {
		t.Errorf("%d messages sent for refused requests", n)
	}
}

func TestDuplicateDeliveryIsHandledOnce(t *testing.T) {
	api := telegramtest.New(t, token)
	r := newRig(t, api, store.NewMemory(store.Options{Now: now}))
	u := telegramtest.TextUpdate(citizen, "private", citizen, "/start")
	for range 3 {
		if code := r.deliver(u); code != http.StatusOK {
			t.Fatal(code)
		}
	}
	if n := len(api.SentTo(citizen)); n != 1 {
		t.Errorf("%d replies to one update delivered three times", n)
	}
}

func TestRateLimitWaitsRetryAfter(t *testing.T) {
	api := telegramtest.New(t, token)
	r := newRig(t, api, store.NewMemory(store.Options{Now: now}))
	api.RateLimitNext("sendMessage", 7)
	say(r, "/start")
	if n := len(api.SentTo(citizen)); n != 1 {
		t.Fatalf("%d messages, want the one retried after the 429", n)
	}
	if p := r.pauses.all(); len(p) != 1 || p[0] != 7*time.Second {
		t.Errorf("pauses %v, want [7s]", p)
	}
}

func TestServerErrorsAreRetried(t *testing.T) {
	api := telegramtest.New(t, token)
	r := newRig(t, api, store.NewMemory(store.Options{Now: now}))
	api.FailNext("sendMessage", http.StatusBadGateway, "<html>Bad Gateway</html>")
	api.FailNext("sendMessage", http.StatusInternalServerError, `{"error":"not the Bot API's shape"}`)
	say(r, "/start")
	if n := len(api.SentTo(citizen)); n != 1 {
		t.Fatalf("%d messages, want 1 after two retries", n)
	}
	if p := r.pauses.all(); len(p) != 2 {
		t.Errorf("pauses %v, want two backoffs", p)
	}
}

func TestBlockedChatIsRecorded(t *testing.T) {
	api := telegramtest.New(t, token)
	st := store.NewMemory(store.Options{Now: now})
	r := newRig(t, api, st)
	api.Block(citizen)
	say(r, "/start")
	if blocked, _ := st.Blocked(context.Background(), fmt.Sprintf("tg:%d", citizen)); !blocked {
		t.Error("a 403 must mark the chat as blocked")
	}
	if p := r.pauses.all(); len(p) != 0 {
		t.Errorf("a 403 is final, not retried: pauses %v", p)
	}
	api.Unblock(citizen)
	say(r, "/start")
	if blocked, _ := st.Blocked(context.Background(), fmt.Sprintf("tg:%d", citizen)); blocked {
		t.Error("writing again clears the mark")
	}
}

func TestGroupDeepLinksToPrivateChat(t *testing.T) {
	api := telegramtest.New(t, token)
	r := newRig(t, api, store.NewMemory(store.Options{Now: now}))
	const group = int64(-1001234)
	for _, text := range []string{"/thutuc khai sinh", "@" + telegramtest.DefaultUsername + " khai tu"} {
		if code := r.deliver(telegramtest.TextUpdate(group, "supergroup", citizen, text)); code != http.StatusOK {
			t.Fatal(code)
		}
	}
	// Chatter not addressed to the bot gets nothing.
	r.deliver(telegramtest.TextUpdate(group, "supergroup", citizen, "mai họp thôn lúc 8 giờ"))
	sent := api.SentTo(group)
	if len(sent) != 2 {
		t.Fatalf("%d group messages, want 2: %+v", len(sent), sent)
	}
	link := sent[0].Keyboard[0][0]
	if link.URL != "https://t.me/"+telegramtest.DefaultUsername+"?start=khai-sinh" || link.CallbackData != "" {
		t.Errorf("deep link button: %+v", link)
	}
	if url := sent[1].Keyboard[0][0].URL; !strings.HasSuffix(url, "?start=khai-tu") {
		t.Errorf("a mention finds khai tử: %s", url)
	}
	// The link's /start payload starts the procedure in the private chat.
	has(t, say(r, "/start khai-sinh"), "Ai sẽ đi làm khai sinh cho bé?")
}

func TestMigratedGroupGetsTheReply(t *testing.T) {
	api := telegramtest.New(t, token)
	r := newRig(t, api, store.NewMemory(store.Options{Now: now}))
	const oldGroup, newGroup = int64(-2001), int64(-100200300)
	api.Migrate(oldGroup, newGroup)
	r.deliver(telegramtest.TextUpdate(oldGroup, "group", citizen, "/thutuc khai tu"))
	if n := len(api.SentTo(newGroup)); n != 1 {
		t.Errorf("%d messages in the supergroup, want the reply there", n)
	}
	if code := r.deliver(telegramtest.MigrateUpdate(oldGroup, newGroup)); code != http.StatusOK {
		t.Errorf("migration update: %d", code)
	}
}

// TestTwoReplicasReplyAsOne feeds two bots on one Redis interleaved and
// duplicated deliveries for several chats: every chat gets exactly the
// replies one bot gives.
func TestTwoReplicasReplyAsOne(t *testing.T) {
	script := func(chat int64) []tgbotapi.Update {
		var out []tgbotapi.Update
		for _, text := range []string{"/start khai-tu", "1", "15/11/2026", "quay lại", "16/11/2026", "2", "/huy", "khai sinh"} {
			out = append(out, telegramtest.TextUpdate(chat, "private", chat, text))
		}
		return out
	}
	chats := []int64{601, 602, 603, 604, 605, 606}

	// One process, one delivery each: the reference.
	single := telegramtest.New(t, token)
	one := newRig(t, single, store.NewMemory(store.Options{Now: now}))
	for _, c := range chats {
		for _, u := range script(c) {
			one.deliver(u)
		}
	}

	client := redistest.Start(t).Client(t)
	pair := telegramtest.New(t, token)
	a := newRig(t, pair, store.NewRedis(client, store.Options{}))
	b := newRig(t, pair, store.NewRedis(client, store.Options{}))
	var wg sync.WaitGroup
	for i, c := range chats {
		wg.Go(func() {
			for j, u := range script(c) {
				first, second := a, b
				if (i+j)%2 == 1 {
					first, second = b, a
				}
				// Telegram waits for a chat's update to be answered before
				// the next; a duplicate may arrive at the other replica at
				// the same time.
				var dup sync.WaitGroup
				dup.Go(func() { second.deliver(u) })
				first.deliver(u)
				dup.Wait()
			}
		})
	}
	wg.Wait()

	for _, c := range chats {
		want, got := texts(single.SentTo(c)), texts(pair.SentTo(c))
		if !slices.Equal(want, got) {
			t.Errorf("chat %d: two replicas said\n%s\n--- one process said\n%s", c, strings.Join(got, "\n---\n"), strings.Join(want, "\n---\n"))
		}
	}
}

func texts(ms []telegramtest.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Text
	}
	return out
}

// TestRedisDownWebhookAsksForRedelivery: with Redis stopped the citizen gets
// one apology and Telegram a 503; once Redis is back the re-delivered update
// is answered.
func TestRedisDownWebhookAsksForRedelivery(t *testing.T) {
	srv := redistest.StartPersistent(t)
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { client.Close() })
	api := telegramtest.New(t, token)
	r := newRig(t, api, store.NewRedis(client, store.Options{}))
	say(r, "/start khai-sinh")
	say(r, "1")

	srv.Stop(t)
	u := telegramtest.TextUpdate(citizen, "private", citizen, "10/11/2026")
	for range 2 {
		if code := r.deliver(u); code != http.StatusServiceUnavailable {
			t.Fatalf("webhook answered %d while Redis is down, want 503", code)
		}
	}
	sent := api.SentTo(citizen)
	apologies := 0
	for _, m := range sent {
		if strings.HasPrefix(m.Text, "Xin lỗi, hệ thống đang bận") {
			apologies++
		}
	}
	if apologies != 1 {
		t.Errorf("%d apologies for one update delivered twice, want 1", apologies)
	}

	srv.Restart(t)
	before := len(sent)
	if code := r.deliver(u); code != http.StatusOK {
		t.Fatalf("after the restart: %d\n%s", code, r.logText())
	}
	has(t, api.SentTo(citizen)[before:], "còn 47 ngày")
}

// TestPollingKeepsTheOffsetWhileRedisIsDown: an update that failed is asked
// for again, not skipped; on stop the offset reached is confirmed.
func TestPollingKeepsTheOffsetWhileRedisIsDown(t *testing.T) {
	srv := redistest.StartPersistent(t)
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { client.Close() })
	api := telegramtest.New(t, token)
	r := newRig(t, api, store.NewRedis(client, store.Options{}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.bot.Poll(ctx) }()

	api.PushUpdate(telegramtest.TextUpdate(citizen, "private", citizen, "/start khai-sinh"))
	api.WaitCalls(t, "sendMessage", 2) // the introduction and the first question
	api.PushUpdate(telegramtest.TextUpdate(citizen, "private", citizen, "1"))
	api.WaitCalls(t, "sendMessage", 3)

	srv.Stop(t)
	api.PushUpdate(telegramtest.TextUpdate(citizen, "private", citizen, "10/11/2026"))
	api.WaitCalls(t, "sendMessage", 4) // the apology
	// It is asked for again while Redis is down.
	polls := len(api.CallsOf("getUpdates"))
	for len(api.CallsOf("getUpdates")) < polls+3 {
		api.WaitCalls(t, "getUpdates", polls+3)
	}
	srv.Restart(t)
	api.WaitCalls(t, "sendMessage", 6) // the deadline and the next question
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sent := api.SentTo(citizen)
	var apologies int
	for i, m := range sent {
		if strings.HasPrefix(m.Text, "Xin lỗi, hệ thống đang bận") {
			apologies++
			has(t, sent[i+1:], "còn 47 ngày")
		}
	}
	if apologies != 1 {
		t.Errorf("%d apologies, want 1 however often the update is asked for again: %v", apologies, texts(sent))
	}
	// On return, one getUpdates without a wait confirms offset 4. It is
	// found by its lack of a timeout, not by being the last recorded: a
	// long poll cancelled by the return may reach the fake after it, on
	// its own connection.
	var confirms []map[string]string
	for _, c := range api.CallsOf("getUpdates") {
		if c.Params["timeout"] == "" {
			confirms = append(confirms, c.Params)
		}
	}
	if len(confirms) != 1 || confirms[0]["offset"] != "4" {
		t.Errorf("getUpdates without a wait: %v; want one, confirming offset 4", confirms)
	}
}

func TestSendToReturnsRateLimitsAndBlocks(t *testing.T) {
	api := telegramtest.New(t, token)
	r := newRig(t, api, store.NewMemory(store.Options{Now: now}))
	ctx := context.Background()
	if err := r.bot.SendTo(ctx, "tg:700", bot.Message{Text: "Nhắc: thẻ BHYT của Mẹ hết hạn ngày 23/12/2026."}); err != nil {
		t.Fatal(err)
	}
	api.RateLimitNext("sendMessage", 5)
	err := r.bot.SendTo(ctx, "tg:700", bot.Message{Text: "x"})
	var serr *telegram.SendError
	if !errors.As(err, &serr) {
		t.Fatalf("err = %v", err)
	}
	if d, ok := serr.RateLimited(); !ok || d != 5*time.Second {
		t.Errorf("RateLimited = %v, %v", d, ok)
	}
	if p := r.pauses.all(); len(p) != 0 {
		t.Errorf("SendTo must not wait a 429 out itself: %v", p)
	}
	api.Block(701)
	if err := r.bot.SendTo(ctx, "tg:701", bot.Message{Text: "x"}); !errors.As(err, &serr) || !serr.Blocked() {
		t.Errorf("blocked: %v", err)
	}
	if err := r.bot.SendTo(ctx, "zl:abc", bot.Message{Text: "x"}); err == nil {
		t.Error("a Zalo chat is not Telegram's")
	}
}

// stubHandler answers every update with the same reply.
type stubHandler struct{ reply bot.Reply }

func (s stubHandler) Handle(context.Context, bot.Update) (bot.Reply, error) { return s.reply, nil }

func (stubHandler) Delivered(context.Context, bot.Update, bot.Reply, int) error { return nil }

func TestReplyToOtherChats(t *testing.T) {
	api := telegramtest.New(t, token)
	api.Block(902)
	b, err := telegram.New(context.Background(), stubHandler{bot.Reply{Messages: []bot.Message{
		{Text: "cho người hỏi"},
		{Text: "cho nhóm tình nguyện viên", To: "tg:-100900"},
		{Text: "cho người đã chặn", To: "tg:902"},
		{Text: "lần hai cho người đã chặn", To: "tg:902"},
		{Text: "kênh khác", To: "zl:abc"},
		{Text: "cho người hỏi, lần hai"},
	}}}, telegram.Options{Token: token, APIURL: api.URL(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(context.Background())
	hook := httptest.NewServer(b.Webhook(secret))
	defer hook.Close()
	resp, err := telegramtest.Deliver(context.Background(), hook.URL, secret, telegramtest.TextUpdate(citizen, "private", citizen, "x"))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%v %v", resp, err)
	}
	resp.Body.Close()
	if got := texts(api.SentTo(citizen)); !slices.Equal(got, []string{"cho người hỏi", "cho người hỏi, lần hai"}) {
		t.Errorf("to the citizen: %q", got)
	}
	if got := texts(api.SentTo(-100900)); !slices.Equal(got, []string{"cho nhóm tình nguyện viên"}) {
		t.Errorf("to the group: %q", got)
	}
	if n := len(api.CallsOf("sendMessage")); n != 4 {
		t.Errorf("%d sends: the blocked chat is tried once, the Zalo chat never", n)
	}
}
