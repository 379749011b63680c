package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/bot/zalo/zalotest"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/store/redistest"
)

// zlPerson is someone writing to the bot on the fake Zalo Bot Platform.
type zlPerson struct {
	t    *testing.T
	api  *zalotest.Server
	chat string
	// send hands her update to the bot: nil queues it for getUpdates.
	send func(zalotest.Update)
	seen int
}

// say sends text and waits for a message with want, returning the new
// messages to her chat.
func (p *zlPerson) say(text, want string) []zalotest.Message {
	p.t.Helper()
	u := zalotest.Text(p.chat, zalotest.Private, p.chat, text)
	if p.send != nil {
		p.send(u)
	} else {
		p.api.PushUpdate(u)
	}
	return p.await(want)
}

// await waits for a new message to her chat that contains want, and
// returns the new messages up to it; those after it are left for the next
// await.
func (p *zlPerson) await(want string) []zalotest.Message {
	p.t.Helper()
	return awaitNew(p.t, func() []zalotest.Message { return p.api.SentTo(p.chat) },
		func(m zalotest.Message) string { return m.Text }, &p.seen, want)
}

// markup is what HTML or Markdown parse modes would read: Zalo gets plain
// text.
var markup = regexp.MustCompile(`</?[a-zA-Z][^>]*>|&(amp|lt|gt|quot|#[0-9]+);|\*\*|__`)

// plainZalo checks that every message is Zalo's plain text: within 2000
// UTF-16 units, without markup.
func plainZalo(t *testing.T, msgs []zalotest.Message) {
	t.Helper()
	for _, m := range msgs {
		if n := len(utf16.Encode([]rune(m.Text))); n > zalotest.MaxText || n == 0 {
			t.Errorf("a message of %d UTF-16 units: %.80q", n, m.Text)
		}
		if loc := markup.FindStringIndex(m.Text); loc != nil {
			t.Errorf("markup %q in %q", m.Text[loc[0]:loc[1]], m.Text)
		}
	}
}

var numberedLine = regexp.MustCompile(`(?m)^\s*([0-9]+)\. (.+)$`)

// choices are the numbered lines of a message ("  1. Có rồi"), which must
// count 1, 2, 3…
func choices(t *testing.T, text string) []string {
	t.Helper()
	var out []string
	for i, m := range numberedLine.FindAllStringSubmatch(text, -1) {
		if m[1] != strconv.Itoa(i+1) {
			t.Errorf("choice %s numbered out of order in %q", m[1], text)
		}
		out = append(out, m[2])
	}
	return out
}

// withText is the last message that holds want.
func withText(t *testing.T, msgs []zalotest.Message, want string) string {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains(msgs[i].Text, want) {
			return msgs[i].Text
		}
	}
	t.Fatalf("no message with %q in %+v", want, msgs)
	return ""
}

// startServe runs motcua serve with vars until the test ends; the logs
// are shown when it failed.
func startServe(t *testing.T, vars map[string]string) {
	t.Helper()
	base := map[string]string{
		"MOTCUA_LOG_LEVEL":            "warn",
		"MOTCUA_REMINDERS_QUIET_FROM": "00:00", // no quiet hours: the test runs at any hour
		"MOTCUA_REMINDERS_QUIET_TO":   "00:00",
	}
	for k, v := range vars {
		base[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logs := &syncBuffer{}
	go func() { done <- run(ctx, []string{"serve"}, nil, &bytes.Buffer{}, logs, envOf(base)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("logs:\n%s", logs.String())
		}
	})
}

// TestServeZaloBirth: on Zalo, by long polling, a citizen says hello,
// picks her village by number, and goes through the birth "3 in 1" to its
// end by typing numbers, labels without diacritics and the child's birth
// date; every message is plain text of at most 2000 UTF-16 units with its
// choices as numbered lines. She accepts the reminder for the child's free
// BHYT card; once that reminder is due, the scheduler sends it to her Zalo
// chat.
func TestServeZaloBirth(t *testing.T) {
	const (
		token = "1459232241454765289:birth-secret"
		chat  = "6ede9afa1a4b1c2d"
	)
	api := zalotest.New(t, token)
	redisSrv := redistest.Start(t)
	startServe(t, map[string]string{
		"MOTCUA_ZALO_TOKEN":       token,
		"MOTCUA_ZALO_API_URL":     api.URL(),
		"MOTCUA_REDIS_URL":        "redis://" + redisSrv.Addr() + "/0",
		"MOTCUA_HTTP_LISTEN":      freeAddr(t),
		"MOTCUA_COMMUNE_VILLAGES": "[Thôn 1, Thôn Đắk Lư]",
		"MOTCUA_REMINDERS_SPEC":   "@every 1s",
	})
	loc := flows.Vietnam()
	today := flows.DateOf(time.Now().In(loc))
	born := today.AddDays(-5)

	p := &zlPerson{t: t, api: api, chat: chat}
	ask := withText(t, p.say("xin chào", "Bạn ở thôn nào?"), "Bạn ở thôn nào?")
	if got := choices(t, ask); strings.Join(got, "|") != "Thôn 1|Thôn Đắk Lư|Bỏ qua" {
		t.Errorf("village choices %q in %q", got, ask)
	}
	menu := withText(t, p.say("2", "Các thủ tục mình hướng dẫn được:"), "Các thủ tục")
	if got := choices(t, menu); len(got) < 5 || !strings.HasPrefix(got[0], "Đăng ký khai sinh") {
		t.Errorf("menu %q", got)
	}
	found := withText(t, p.say("khai sinh", "Có phải bạn cần"), "Có phải bạn cần")
	if got := choices(t, found); len(got) == 0 || !strings.HasPrefix(got[0], "Đăng ký khai sinh") {
		t.Errorf("search found %q", got)
	}
	who := withText(t, p.say("1", "Ai sẽ đi làm khai sinh cho bé?"), "Ai sẽ đi")
	if got := choices(t, who); strings.Join(got, "|") != "Cha hoặc mẹ của bé|Ông bà hoặc người thân|Người khác được nhờ" {
		t.Errorf("who files %q", got)
	}
	p.say("1", "Bé sinh ngày nào?")
	// Typed with dashes, as some do.
	typed := fmt.Sprintf("%02d-%02d-%d", born.Day, born.Month, born.Year)
	deadline := born.AddDays(60)
	msgs := p.say(typed, "Bé có thuộc trường hợp đặc biệt")
	wantDeadline := fmt.Sprintf("Hạn khai sinh là ngày %s (còn %d ngày)", deadline, today.DaysUntil(deadline))
	withText(t, msgs, wantDeadline)
	p.say("khong, truong hop binh thuong", "Bệnh viện hoặc trạm y tế nơi bé sinh")
	p.say("co roi", "Bé sẽ đăng ký thường trú ở đâu?")
	p.say("1", "thẻ căn cước cho bé không?")
	p.say("2", "Bạn muốn nộp hồ sơ ở đâu?")
	expiry := born.AddMonths(72)
	offer := withText(t, p.say("3", "Bạn có muốn mình nhắc trước ngày đó"), "nhắc trước ngày đó")
	if !strings.Contains(offer, "dùng đến khoảng ngày "+expiry.String()) || strings.Join(choices(t, offer), "|") != "Có, nhắc giúp mình|Không cần" {
		t.Errorf("reminder offer: %q", offer)
	}
	p.say("1", "Đã đặt lời nhắc cho thẻ BHYT của bé")
	summary := withText(t, p.await("Chúc bé luôn khỏe mạnh!"), "Tóm tắt cho bạn:")
	for _, want := range []string{fmt.Sprintf("Hạn: %s", deadline), "Mang theo: thẻ căn cước của người đi khai; giấy chứng sinh của bé (bản chính)."} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary misses %q:\n%s", want, summary)
		}
	}
	// The details, by their number: Zalo shows no buttons.
	papers := withText(t, p.say("1", "Giấy tờ, nói kỹ hơn:"), "Giấy tờ, nói kỹ hơn:")
	for _, want := range []string{"• Tờ khai liên thông, điền tại xã.", "• Giấy chứng sinh bản chính."} {
		if !strings.Contains(papers, want) {
			t.Errorf("the details miss %q:\n%s", want, papers)
		}
	}
	plainZalo(t, api.SentTo(chat))

	// The reminder is kept for her Zalo chat, to the day the child turns 6.
	sched := reminders.DefaultSchedule()
	rs := reminders.NewRedis(redisSrv.Client(t), sched, reminders.Options{Prefix: "mc"})
	ctx := context.Background()
	list, err := rs.List(ctx, "zl:"+chat)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Label != "Bé" || list[0].Expiry != expiry {
		t.Fatalf("reminders of zl:%s: %+v, want Bé to %s", chat, list, expiry)
	}
	// Years pass in a line: the card now ends today, and the reminder was
	// set three days ago, so its 1-day stage (yesterday 08:00) is due.
	// Stages fall at a time of day and a new series skips those past, so
	// the dialogue alone cannot make one due within a test.
	r := list[0]
	r.Expiry = today
	if err := rs.Save(ctx, sched.Begin(r, time.Now().Add(-72*time.Hour))); err != nil {
		t.Fatal(err)
	}
	remind := withText(t, p.await("⏰ Nhắc gia hạn thẻ BHYT"), "⏰ Nhắc gia hạn thẻ BHYT")
	if !strings.Contains(remind, "thẻ của Bé hết hạn ngày "+today.String()) {
		t.Errorf("reminder: %q", remind)
	}
	if got := choices(t, remind); strings.Join(got, "|") != "✅ Đã gia hạn|⏰ Nhắc lại sau" {
		t.Errorf("reminder choices %q in %q", got, remind)
	}
	// She answers it by number, though her last menu was the procedures':
	// once it is recorded sent, the reminder's choices become her menu.
	convKey, client := "mc:{zl:"+chat+"}:conv", redisSrv.Client(t)
	eventually(t, func() bool {
		v, _ := client.Get(ctx, convKey).Result()
		return strings.Contains(v, `"r:`)
	})
	p.say("2", "nhắc lại sau 3 ngày")
	plainZalo(t, api.SentTo(chat))
}

// TestServeZaloWebhook: in webhook mode serve sets the webhook on Zalo and
// takes updates posted to its path, wrapped or bare; a delivery seen twice
// is answered once; a wrong or missing secret is refused with 401 and
// nothing is answered.
func TestServeZaloWebhook(t *testing.T) {
	const (
		token  = "1459232241454765289:webhook-secret"
		secret = "s3cret_Zalo-hook"
		hook   = "https://example.invalid/zalo"
	)
	api := zalotest.New(t, token)
	redisSrv := redistest.Start(t)
	addr := freeAddr(t)
	startServe(t, map[string]string{
		"MOTCUA_ZALO_TOKEN":          token,
		"MOTCUA_ZALO_API_URL":        api.URL(),
		"MOTCUA_ZALO_WEBHOOK_URL":    hook,
		"MOTCUA_ZALO_WEBHOOK_SECRET": secret,
		"MOTCUA_REDIS_URL":           "redis://" + redisSrv.Addr() + "/0",
		"MOTCUA_HTTP_LISTEN":         addr,
	})
	waitHTTP(t, "http://"+addr+"/healthz", http.StatusOK)
	eventually(t, func() bool {
		url, got := api.Webhook()
		return url == hook && got == secret
	})
	local := "http://" + addr + "/zalo"
	deliver := func(t *testing.T, u zalotest.Update, secret string, wrapped bool) int {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		resp, err := zalotest.Deliver(ctx, local, secret, u, wrapped)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	person := func(t *testing.T, chat string, wrapped bool) *zlPerson {
		return &zlPerson{t: t, api: api, chat: chat, send: func(u zalotest.Update) {
			t.Helper()
			if code := deliver(t, u, secret, wrapped); code/100 != 2 {
				t.Fatalf("webhook answered %d, want 2xx", code)
			}
		}}
	}
	count := func(chat, want string) int {
		n := 0
		for _, m := range api.SentTo(chat) {
			if strings.Contains(m.Text, want) {
				n++
			}
		}
		return n
	}

	t.Run("wrapped and bare", func(t *testing.T) {
		wrapped := person(t, "a1b2c3d4e5f60001", true)
		wrapped.say("xin chào", "Xin chào! Mình là trợ lý")
		wrapped.say("khai sinh", "Có phải bạn cần")
		bare := person(t, "a1b2c3d4e5f60002", false)
		bare.say("xin chào", "Xin chào! Mình là trợ lý")
		bare.say("khai sinh", "Có phải bạn cần")
	})

	t.Run("a delivery seen twice is answered once", func(t *testing.T) {
		const chat = "a1b2c3d4e5f60003"
		u := zalotest.Text(chat, zalotest.Private, chat, "xin chào")
		for range 2 {
			if code := deliver(t, u, secret, false); code/100 != 2 {
				t.Fatalf("webhook answered %d, want 2xx", code)
			}
		}
		// A chat's updates are handled in order: once the next one is
		// answered, the second delivery was handled too.
		p := person(t, chat, false)
		p.say("khai sinh", "Có phải bạn cần")
		if n := count(chat, "Xin chào! Mình là trợ lý"); n != 1 {
			t.Errorf("greeted %d times, want 1", n)
		}
	})

	t.Run("a wrong or missing secret is refused", func(t *testing.T) {
		const chat = "a1b2c3d4e5f60004"
		for _, s := range []string{"wrong-secret", secret + "x", ""} {
			if code := deliver(t, zalotest.Text(chat, zalotest.Private, chat, "xin chào"), s, true); code != http.StatusUnauthorized {
				t.Errorf("secret %q: webhook answered %d, want 401", s, code)
			}
		}
		p := person(t, chat, true)
		p.say("khai sinh", "Có phải bạn cần")
		if n := count(chat, "Xin chào! Mình là trợ lý"); n != 0 {
			t.Errorf("an update with a wrong secret was answered %d times", n)
		}
	})

	plainZalo(t, api.Sent())
	if calls := api.CallsOf("getUpdates"); len(calls) != 0 {
		t.Errorf("%d getUpdates in webhook mode", len(calls))
	}
}

// TestServeMixedNotice: Telegram and Zalo on one Redis; citizens of both
// choose their village; staff on Telegram send a notice to everyone, and
// each citizen gets it once on her own channel; the report, edited in
// place, counts them. With Zalo's monthly quota short, the preview warns
// and the report counts those left out.
func TestServeMixedNotice(t *testing.T) {
	tests := []struct {
		name      string
		quota     string
		zaloGets  int // how many of the 3 Zalo citizens get it
		warning   string
		wantSent  int
		wantSkips int
	}{
		{name: "everyone", quota: "3000", zaloGets: 3, wantSent: 7},
		{
			name: "zalo quota short", quota: "2", zaloGets: 2,
			warning:  "⚠️ Zalo chỉ còn 2 tin trong tháng này, thông báo cần 3: 1 người dùng Zalo sẽ không nhận được.",
			wantSent: 6, wantSkips: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const (
				tgToken = "47:mixed-token"
				zlToken = "1459232241454765289:mixed-secret"
				staff   = int64(900)
				notice  = "Sáng thứ Bảy, xã tổ chức tiêm vắc-xin sởi cho trẻ tại nhà văn hóa thôn."
			)
			tg := telegramtest.New(t, tgToken)
			zl := zalotest.New(t, zlToken)
			redisSrv := redistest.Start(t)
			startServe(t, map[string]string{
				"MOTCUA_TELEGRAM_TOKEN":       tgToken,
				"MOTCUA_TELEGRAM_API_URL":     tg.URL(),
				"MOTCUA_ZALO_TOKEN":           zlToken,
				"MOTCUA_ZALO_API_URL":         zl.URL(),
				"MOTCUA_ZALO_QUOTA":           tt.quota,
				"MOTCUA_REDIS_URL":            "redis://" + redisSrv.Addr() + "/0",
				"MOTCUA_HTTP_LISTEN":          freeAddr(t),
				"MOTCUA_COMMUNE_VILLAGES":     "[Thôn 1, Thôn Đắk Lư]",
				"MOTCUA_VOLUNTEERS_STAFF":     "[tg:900]",
				"MOTCUA_NOTICES_REPORT_EVERY": "50ms",
			})

			var tgChats []int64
			for i := range 3 {
				p := &tgPerson{t: t, api: tg, chat: int64(1000 + i)}
				p.say("/start", "Bạn ở thôn nào?")
				p.say(strconv.Itoa(1+i%2), "Đã ghi: bạn ở")
				tgChats = append(tgChats, p.chat)
			}
			var zlChats []string
			for i := range 3 {
				p := &zlPerson{t: t, api: zl, chat: fmt.Sprintf("7f00aa%010d", i)}
				p.say("xin chào", "Bạn ở thôn nào?")
				p.say([]string{"thon 1", "dak lu", "2"}[i], "Đã ghi: bạn ở")
				zlChats = append(zlChats, p.chat)
			}

			s := &tgPerson{t: t, api: tg, chat: staff}
			t.Cleanup(func() {
				if t.Failed() {
					for _, m := range tg.SentTo(staff) {
						cur, _ := tg.Current(staff, m.MessageID)
						t.Logf("to staff %d: %q → %q", m.MessageID, m.Text, cur.Text)
					}
				}
			})
			s.say("/thongbao", "Gửi cho ai?")
			s.say("1", "Gõ nội dung thông báo")
			s.say(notice, "thông báo khẩn")
			s.say("1", "Gửi khi nào?") // an ordinary notice
			var preview strings.Builder
			for _, m := range s.say("1", "Xem lại trước khi gửi") {
				preview.WriteString(m.Text + "\n")
			}
			if !strings.Contains(preview.String(), "Số người nhận: 7 người") || !strings.Contains(preview.String(), "mọi người dân") {
				t.Errorf("preview: %q", preview.String())
			}
			if got := strings.Contains(preview.String(), "Zalo chỉ còn"); got != (tt.warning != "") || !strings.Contains(preview.String(), tt.warning) {
				t.Errorf("preview, want the warning %q: %q", tt.warning, preview.String())
			}
			s.press("✅ Gửi", "Đã xếp thông báo vào hàng gửi")
			// The worker's progress message may come before the reply
			// that queued the notice, or after it.
			var progress telegramtest.Message
			eventually(t, func() bool {
				for _, m := range tg.SentTo(staff) {
					if strings.HasPrefix(m.Text, "📢 Thông báo ") {
						progress = m
						return true
					}
				}
				return false
			})
			var final telegramtest.Message
			eventually(t, func() bool {
				final, _ = tg.Current(staff, progress.MessageID)
				return strings.Contains(final.Text, "đã gửi xong")
			})
			for _, want := range []string{
				fmt.Sprintf("Đã nhận: %d", tt.wantSent),
				"Đã chặn trợ lý: 0",
				"Gửi không được sau nhiều lần thử: 0",
				fmt.Sprintf("Không gửi (hết lượt Zalo trong tháng): %d", tt.wantSkips),
			} {
				if !strings.Contains(final.Text, want) {
					t.Errorf("report misses %q: %q", want, final.Text)
				}
			}

			for _, chat := range append(tgChats, staff) {
				got := 0
				for _, m := range tg.SentTo(chat) {
					// Staff saw it in the preview too.
					if strings.Contains(m.Text, notice) && !strings.HasPrefix(m.Text, "Xem lại trước khi gửi") {
						got++
					}
				}
				if got != 1 {
					t.Errorf("Telegram chat %d got the notice %d times, want 1", chat, got)
				}
			}
			reached := 0
			for _, chat := range zlChats {
				got := 0
				for _, m := range zl.SentTo(chat) {
					if strings.Contains(m.Text, notice) {
						got++
					}
				}
				if got > 1 {
					t.Errorf("Zalo chat %s got the notice %d times", chat, got)
				}
				reached += got
			}
			if reached != tt.zaloGets {
				t.Errorf("%d Zalo citizens got the notice, want %d", reached, tt.zaloGets)
			}
			plainZalo(t, zl.Sent())
		})
	}
}
