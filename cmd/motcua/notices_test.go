package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/store/redistest"
)

// tgPerson is someone writing to the bot on the fake Bot API.
type tgPerson struct {
	t    *testing.T
	api  *telegramtest.Server
	chat int64
	seen int
	last []telegramtest.Message
}

// say sends text and waits for a message with want, returning the new
// messages to her chat.
func (p *tgPerson) say(text, want string) []telegramtest.Message {
	p.t.Helper()
	p.api.PushUpdate(telegramtest.TextUpdate(p.chat, "private", p.chat, text))
	return p.await(want)
}

// press presses a button of the messages she last got.
func (p *tgPerson) press(label, want string) []telegramtest.Message {
	p.t.Helper()
	for _, m := range p.last {
		for _, row := range m.Keyboard {
			for _, b := range row {
				if b.Text == label {
					p.api.PushUpdate(telegramtest.CallbackUpdate(p.chat, m.MessageID, p.chat, b.CallbackData))
					return p.await(want)
				}
			}
		}
	}
	p.t.Fatalf("no button %q in %+v", label, p.last)
	return nil
}

// await waits for a new message to her chat that contains want, and
// returns the new messages up to it; those after it are left for the next
// await.
func (p *tgPerson) await(want string) []telegramtest.Message {
	p.t.Helper()
	p.last = awaitNew(p.t, func() []telegramtest.Message { return p.api.SentTo(p.chat) },
		func(m telegramtest.Message) string { return m.Text }, &p.seen, want)
	return p.last
}

// awaitNew waits until one of the messages of sent after the first seen
// contains want, and returns those up to it, moving seen past it.
func awaitNew[M any](t *testing.T, sent func() []M, text func(M) string, seen *int, want string) []M {
	t.Helper()
	var got []M
	eventually(t, func() bool {
		all := sent()
		for i := *seen; i < len(all); i++ {
			if strings.Contains(text(all[i]), want) {
				got = all[*seen : i+1]
				*seen = i + 1
				return true
			}
		}
		return false
	})
	return got
}

// TestServeNotice: citizens choose their village at the greeting; staff
// write a notice to one village in a dialogue, preview the count,
// confirm; each citizen of that village gets it once, the others none;
// staff see one progress message edited into the final report; /thongke
// shows the figures and a chart.
func TestServeNotice(t *testing.T) {
	const (
		token = "46:notices-token"
		staff = int64(900)
	)
	api := telegramtest.New(t, token)
	redisSrv := redistest.Start(t)
	env := envOf(map[string]string{
		"MOTCUA_TELEGRAM_TOKEN":       token,
		"MOTCUA_TELEGRAM_API_URL":     api.URL(),
		"MOTCUA_REDIS_URL":            "redis://" + redisSrv.Addr() + "/0",
		"MOTCUA_HTTP_LISTEN":          freeAddr(t),
		"MOTCUA_LOG_LEVEL":            "info",
		"MOTCUA_COMMUNE_VILLAGES":     "[Thôn 1, Thôn Đắk Lư]",
		"MOTCUA_VOLUNTEERS_STAFF":     "[tg:900]",
		"MOTCUA_REMINDERS_QUIET_FROM": "00:00",
		"MOTCUA_REMINDERS_QUIET_TO":   "00:00",
		"MOTCUA_NOTICES_REPORT_EVERY": "50ms",
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logs := &syncBuffer{}
	go func() { done <- run(ctx, []string{"serve"}, nil, &bytes.Buffer{}, logs, env) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("logs:\n%s", logs.String())
			for _, m := range api.SentTo(staff) {
				cur, _ := api.Current(staff, m.MessageID)
				t.Logf("to staff %d: %q → %q", m.MessageID, m.Text, cur.Text)
			}
		}
	}()

	const citizens = 12
	for i := range citizens {
		p := &tgPerson{t: t, api: api, chat: int64(1000 + i)}
		p.say("/start", "Bạn ở thôn nào?")
		village := "1"
		if i%3 == 0 {
			village = "dak lu"
		}
		p.say(village, "Đã ghi: bạn ở")
	}
	s := &tgPerson{t: t, api: api, chat: staff}
	s.say("/thongbao", "Gửi cho ai?")
	s.say("2", "Chọn thôn")
	s.press("Thôn Đắk Lư", "Chọn thôn")
	s.press("Xong", "Gõ nội dung thông báo") // "✓ Thôn Đắk Lư" ticked before it
	s.say("Sáng thứ Bảy tiêm vắc-xin sởi cho trẻ tại nhà văn hóa thôn.", "thông báo khẩn")
	s.say("1", "Gửi khi nào?")
	preview := s.say("1", "Xem lại trước khi gửi")
	if !strings.Contains(preview[0].Text, "Số người nhận: 4 người") || !strings.Contains(preview[0].Text, "người dân Thôn Đắk Lư") {
		t.Fatalf("preview: %q", preview[0].Text)
	}
	s.press("✅ Gửi", "Đã xếp thông báo vào hàng gửi")
	// One progress message, edited in place into the report.
	// It may come before or after "Đã xếp…": the worker does not wait
	// for the reply.
	var final telegramtest.Message
	eventually(t, func() bool {
		for _, m := range api.SentTo(staff) {
			if strings.HasPrefix(m.Text, "📢 Thông báo 1:") {
				final, _ = api.Current(staff, m.MessageID)
				return strings.Contains(final.Text, "đã gửi xong")
			}
		}
		return false
	})
	s.seen = len(api.SentTo(staff))
	list := s.say("/dsthongbao", "Các thông báo gần đây")
	if text := list[len(list)-1].Text; !strings.Contains(text, "• Mã 1 · đã gửi 4/4 · gửi người dân Thôn Đắk Lư") {
		t.Errorf("the list of notices: %q", text)
	}
	if !strings.Contains(final.Text, "Đã nhận: 4") || !strings.Contains(final.Text, "Đã chặn trợ lý: 0") {
		t.Fatalf("report: %q", final.Text)
	}
	for i := range citizens {
		chat := int64(1000 + i)
		got := 0
		for _, m := range api.SentTo(chat) {
			if strings.Contains(m.Text, "tiêm vắc-xin sởi") {
				got++
			}
		}
		if want := map[bool]int{true: 1, false: 0}[i%3 == 0]; got != want {
			t.Errorf("citizen %d of %s got the notice %d times, want %d", chat, map[bool]string{true: "Đắk Lư", false: "Thôn 1"}[i%3 == 0], got, want)
		}
	}
	// Figures, with the chart as a photo; the staff member is one of the
	// people, without a village.
	api.PushUpdate(telegramtest.TextUpdate(staff, "private", staff, "/thongke"))
	eventually(t, func() bool { return len(api.Photos(staff)) == 1 })
	chart := api.Photos(staff)[0]
	text := chart.Text // the figures are the chart's caption
	for _, want := range []string{"Người dùng: 13 người", "chưa chọn thôn: 1", "Thôn 1: 8", "Thôn Đắk Lư: 4", "1 thông báo, 4 tin"} {
		if !strings.Contains(text, want) {
			t.Errorf("figures miss %q:\n%s", want, text)
		}
	}
	if png := chart.Upload; !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("the chart is not a PNG: %q", fmt.Sprintf("%.8q", png))
	}
}
