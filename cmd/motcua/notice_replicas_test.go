package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/notices"
	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/store/redistest"
)

// replica is one motcua serve of several on one Redis and one bot.
type replica struct {
	name   string
	addr   string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// startReplica runs motcua serve with env and listen as its address;
// stop ends it, and the test's end does too.
func startReplica(t *testing.T, name, listen string, env map[string]string) *replica {
	t.Helper()
	vars := map[string]string{"MOTCUA_HTTP_LISTEN": listen}
	for k, v := range env {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &replica{name: name, addr: listen, logs: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- run(ctx, []string{"serve"}, nil, &bytes.Buffer{}, r.logs, envOf(vars)) }()
	t.Cleanup(func() {
		if err := r.stop(); err != nil {
			t.Errorf("replica %s: %v", name, err)
		}
		if t.Failed() {
			t.Logf("replica %s logs:\n%s", name, r.logs.String())
		}
	})
	waitHTTP(t, "http://"+listen+"/healthz", http.StatusOK)
	return r
}

// stop cancels the replica, as SIGTERM does, and waits for serve to
// return. A second call returns nil.
func (r *replica) stop() error {
	r.cancel()
	err, ok := <-r.done
	if ok {
		close(r.done)
	}
	return err
}

// hookPerson is someone writing to the bot, her updates posted to one
// replica's webhook as Telegram posts them.
type hookPerson struct {
	*tgPerson
	hook, secret string
}

func (p *hookPerson) deliver(u tgbotapi.Update) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := telegramtest.Deliver(ctx, p.hook, p.secret, u)
	if err != nil {
		p.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		p.t.Fatalf("the webhook answered %d", resp.StatusCode)
	}
}

// say sends text and waits for a message with want.
func (p *hookPerson) say(text, want string) []telegramtest.Message {
	p.t.Helper()
	p.deliver(telegramtest.TextUpdate(p.chat, "private", p.chat, text))
	return p.await(want)
}

// press presses a button of the messages she last got.
func (p *hookPerson) press(label, want string) []telegramtest.Message {
	p.t.Helper()
	for _, m := range p.last {
		for _, row := range m.Keyboard {
			for _, b := range row {
				if b.Text == label {
					p.deliver(telegramtest.CallbackUpdate(p.chat, m.MessageID, p.chat, b.CallbackData))
					return p.await(want)
				}
			}
		}
	}
	p.t.Fatalf("no button %q in %+v", label, p.last)
	return nil
}

// queueNotice is staff's dialogue of /thongbao: text to everyone, not
// urgent, sent now, confirmed. It returns the preview she confirmed.
func (p *hookPerson) queueNotice(text string) (preview []telegramtest.Message) {
	p.t.Helper()
	p.say("/thongbao", "Gửi cho ai?")
	p.say("1", "Gõ nội dung thông báo")
	p.say(text, "thông báo khẩn")
	p.press("Thông báo thường", "Gửi khi nào?")
	preview = p.press("Gửi ngay", "Xem lại trước khi gửi")
	p.press("✅ Gửi", "Đã xếp thông báo vào hàng gửi")
	return preview
}

// noticeDone reports whether staff's progress message of the first
// notice reads that it was sent to all.
func noticeDone(api *telegramtest.Server, staff int64) bool {
	for _, m := range api.SentTo(staff) {
		if cur, _ := api.Current(staff, m.MessageID); strings.HasPrefix(m.Text, "📢 Thông báo 1:") && strings.Contains(cur.Text, "đã gửi xong") {
			return true
		}
	}
	return false
}

// noticeCounts counts the messages of text each chat got.
func noticeCounts(api *telegramtest.Server, text string) map[int64]int {
	counts := map[int64]int{}
	for _, m := range api.Sent() {
		if m.Text == text {
			counts[m.ChatID]++
		}
	}
	return counts
}

// TestServeNoticeSurvivesAKilledReplica: two replicas of motcua serve as
// processes, in webhook mode on one Redis and one bot, with the
// configuration's defaults (a job's lease of 10 s renewed while sending,
// 8 senders) and a Bot API answering in 100 ms and counting Telegram's
// limits (30 a second, 1 a second to a chat). Staff send a notice to
// everyone; once about a quarter have it, the replica sending it gets
// SIGKILL. The other takes the job over within seconds and finishes it:
// everyone gets the notice, at most the sends in flight at the kill
// (notices.workers) twice; the one progress message, edited in place,
// ends with the exact count. The first recipient does not wait for the
// staff's progress message, which Telegram holds a second behind the
// bot's answer to the confirmation.
func TestServeNoticeSurvivesAKilledReplica(t *testing.T) {
	const (
		token    = "48:notice-replicas-token"
		secret   = "notice-replicas_s3cret"
		hook     = "https://bot.example.vn/tg"
		staff    = int64(900)
		citizens = 300
		workers  = notices.DefaultWorkers
		text     = "Thứ Hai tuần sau, xã phun thuốc diệt muỗi phòng sốt xuất huyết ở mọi thôn."
	)
	api := telegramtest.New(t, token)
	api.Limits = telegramtest.Limits{PerSecond: 30, PerChatPerSecond: 1}
	api.Latency = 100 * time.Millisecond
	redisSrv := redistest.Start(t)

	// The citizens, as the greeting registers them.
	ctx := context.Background()
	registry := people.NewRedis(redisSrv.Client(t), people.Options{Prefix: "mc"})
	for i := range citizens {
		if err := registry.Seen(ctx, fmt.Sprintf("tg:%d", 10000+i), time.Now()); err != nil {
			t.Fatal(err)
		}
	}

	env := func() map[string]string {
		return map[string]string{
			"MOTCUA_HTTP_LISTEN":             freeAddr(t),
			"MOTCUA_TELEGRAM_TOKEN":          token,
			"MOTCUA_TELEGRAM_API_URL":        api.URL(),
			"MOTCUA_TELEGRAM_WEBHOOK_URL":    hook,
			"MOTCUA_TELEGRAM_WEBHOOK_SECRET": secret,
			"MOTCUA_REDIS_URL":               "redis://" + redisSrv.Addr() + "/0",
			"MOTCUA_LOG_LEVEL":               "info",
			"MOTCUA_VOLUNTEERS_STAFF":        "[tg:900]",
			"MOTCUA_REMINDERS_QUIET_FROM":    "00:00", // no quiet hours: the test runs at any hour
			"MOTCUA_REMINDERS_QUIET_TO":      "00:00",
			"MOTCUA_NOTICES_REPORT_EVERY":    "500ms",
		}
	}
	replicas := []*proc{startProc(t, env()), startProc(t, env())}
	eventually(t, func() bool {
		url, got := api.Webhook()
		return url == hook && got == secret
	})
	defer func() {
		if t.Failed() {
			for _, m := range api.SentTo(staff) {
				cur, _ := api.Current(staff, m.MessageID)
				t.Logf("to staff %d: %q → %q", m.MessageID, m.Text, cur.Text)
			}
		}
	}()

	// Staff write to replica a; the dialogue lives in Redis, and the job
	// goes to whichever worker reads the stream first.
	s := &hookPerson{tgPerson: &tgPerson{t: t, api: api, chat: staff}, hook: replicas[0].url("/tg"), secret: secret}
	preview := s.queueNotice(text)
	recipients := citizens + 1 // the staff member is one of the people
	if want := fmt.Sprintf("Số người nhận: %d người", recipients); !strings.Contains(preview[len(preview)-1].Text, want) {
		t.Fatalf("preview: %q, want %q", preview[len(preview)-1].Text, want)
	}
	var holder, survivor *proc
	eventually(t, func() bool {
		for i, p := range replicas {
			if strings.Contains(p.logs.String(), "notices: sending") {
				holder, survivor = p, replicas[1-i]
				return true
			}
		}
		return false
	})
	// A quarter have it, and the staff's progress message is posted and
	// kept in the notice. (A replica killed between that post and its
	// keeping leaves a message the next one does not know of: it posts
	// another, as any send in flight at a crash may go twice.)
	ns := notices.NewStore(redisSrv.Client(t), notices.Options{Prefix: "mc"})
	var atKill int
	waitFor(t, time.Minute, "a quarter have the notice, staff their progress message", func() bool {
		atKill = len(noticeCounts(api, text))
		n, err := ns.Get(ctx, "1")
		return atKill >= recipients/4 && err == nil && n.Progress != ""
	})
	killed := time.Now()
	holder.kill()
	afterKill := len(noticeCounts(api, text))
	if k := outboxSent(t, survivor); k != 0 {
		t.Fatalf("the other replica sent %d while the job was the first's", k)
	}

	var tookOver time.Duration
	waitFor(t, time.Minute, "the other replica sends", func() bool {
		if outboxSent(t, survivor) > 0 {
			tookOver = time.Since(killed)
			return true
		}
		return false
	})
	if !strings.Contains(survivor.logs.String(), "notices: took over a job") {
		t.Errorf("the other replica sent without taking the job over")
	}
	var final telegramtest.Message
	var progress []telegramtest.Message
	waitFor(t, time.Minute, "the final report", func() bool {
		progress = progress[:0]
		for _, m := range api.SentTo(staff) {
			if strings.HasPrefix(m.Text, "📢 Thông báo 1:") {
				progress = append(progress, m)
			}
		}
		if len(progress) == 0 {
			return false
		}
		final, _ = api.Current(staff, progress[0].MessageID)
		return strings.Contains(final.Text, "đã gửi xong")
	})
	finished := time.Since(killed)
	if len(progress) != 1 {
		t.Errorf("%d progress messages to staff, want one edited in place", len(progress))
	}
	for _, want := range []string{
		fmt.Sprintf("Đã nhận: %d\n", recipients), "Đã chặn trợ lý: 0", "Gửi không được sau nhiều lần thử: 0", "Không gửi (hết lượt Zalo trong tháng): 0",
	} {
		if !strings.Contains(final.Text, want) {
			t.Errorf("report misses %q:\n%s", want, final.Text)
		}
	}

	counts := noticeCounts(api, text)
	twice := 0
	for i := range citizens + 1 {
		chat := staff
		if i < citizens {
			chat = int64(10000 + i)
		}
		switch n := counts[chat]; {
		case n == 2:
			twice++
		case n != 1:
			t.Errorf("chat %d got the notice %d times, want once (twice if in flight when its replica was killed)", chat, n)
		}
	}
	if len(counts) != recipients {
		t.Errorf("%d chats got the notice, want %d", len(counts), recipients)
	}
	if twice > workers {
		t.Errorf("%d chats got the notice twice, want at most notices.workers (%d): the sends in flight when the replica was killed", twice, workers)
	}

	// When the first citizen got it, and the staff's progress message
	// was accepted, after the notice was queued: after the first try of
	// the bot's answer to the confirmation (that answer, too, may meet
	// Telegram's second between two messages to a chat and wait).
	var answered, first, posted time.Time
	calls := api.CallsOf("sendMessage")
	for _, c := range calls {
		switch chat, msg := c.Params["chat_id"], c.Params["text"]; {
		case answered.IsZero() && strings.Contains(msg, "Đã xếp thông báo vào hàng gửi"):
			answered = c.At
		case chat == "900" && strings.HasPrefix(msg, "📢 Thông báo 1:"):
			posted = c.At // the last try is the one accepted
		}
	}
	for _, c := range calls {
		if c.At.After(answered) && c.Params["chat_id"] != "900" && c.Params["text"] == text {
			first = c.At
			break
		}
	}
	t.Logf("first recipient %v after the notice was queued, the progress message %v after it; killed at %d/%d sent (%d once it was gone); the other replica sent %v after the kill and finished %v after it; %d sent twice; %d answers 429",
		first.Sub(answered).Round(time.Millisecond), posted.Sub(answered).Round(time.Millisecond), atKill, recipients, afterKill,
		tookOver.Round(10*time.Millisecond), finished.Round(10*time.Millisecond), twice, api.Stats().RateLimited)
}
