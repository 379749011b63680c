package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/store/redistest"
	"github.com/motcua/motcua/tickets"
)

// TestServeVolunteers: a citizen asks from the middle of the birth
// procedure, the group gets the ticket, two volunteers press "Nhận" (one
// wins), the winner answers in his private chat, the citizen's follow-up
// reaches him, she closes it — all through motcua serve on the fake Bot API.
func TestServeVolunteers(t *testing.T) {
	const (
		token   = "45:volunteers-token"
		citizen = int64(301)
		an      = int64(401)
		binh    = int64(402)
		group   = int64(-100777)
	)
	api := telegramtest.New(t, token)
	redisSrv := redistest.Start(t)
	env := envOf(map[string]string{
		"MOTCUA_TELEGRAM_TOKEN":        token,
		"MOTCUA_TELEGRAM_API_URL":      api.URL(),
		"MOTCUA_REDIS_URL":             "redis://" + redisSrv.Addr() + "/0",
		"MOTCUA_HTTP_LISTEN":           freeAddr(t),
		"MOTCUA_LOG_LEVEL":             "warn",
		"MOTCUA_VOLUNTEERS_GROUP":      "tg:-100777",
		"MOTCUA_VOLUNTEERS_VOLUNTEERS": "[tg:401, tg:402]",
		"MOTCUA_REMINDERS_QUIET_FROM":  "00:00",
		"MOTCUA_REMINDERS_QUIET_TO":    "00:00",
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, nil, &bytes.Buffer{}, &syncBuffer{}, env) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	sent := 0
	waitSent := func(n int) []telegramtest.Message {
		t.Helper()
		sent += n
		api.WaitCalls(t, "sendMessage", sent)
		eventually(t, func() bool { return len(api.Sent()) >= sent })
		return api.Sent()[sent-n : sent]
	}
	say := func(chat int64, text string, replies int) []telegramtest.Message {
		t.Helper()
		api.PushUpdate(telegramtest.TextUpdate(chat, "private", chat, text))
		return waitSent(replies)
	}
	find := func(msgs []telegramtest.Message, label string) (telegramtest.Message, telegramtest.Button) {
		t.Helper()
		for _, m := range msgs {
			for _, row := range m.Keyboard {
				for _, b := range row {
					if b.Text == label {
						return m, b
					}
				}
			}
		}
		t.Fatalf("no button %q in %+v", label, msgs)
		return telegramtest.Message{}, telegramtest.Button{}
	}

	intro := say(citizen, "/start khai-sinh", 2)
	m, ask := find(intro, "🙋 Hỏi tình nguyện viên")
	api.PushUpdate(telegramtest.CallbackUpdate(citizen, m.MessageID, citizen, ask.CallbackData))
	waitSent(1)
	confirm := say(citizen, "Bé sinh ở nhà thì giấy chứng sinh xin ở đâu?", 1)
	m, send := find(confirm, "✉️ Gửi câu hỏi")
	api.PushUpdate(telegramtest.CallbackUpdate(citizen, m.MessageID, citizen, send.CallbackData))
	posted := waitSent(2) // "Đã gửi" to her, the ticket to the group
	var post telegramtest.Message
	for _, p := range posted {
		if p.ChatID == group {
			post = p
		}
	}
	if !strings.Contains(post.Text, "hỏi:\nBé sinh ở nhà") || !strings.Contains(post.Text, "Đăng ký khai sinh") {
		t.Fatalf("the group's post: %+v", post)
	}
	claim := post.Keyboard[0][0].CallbackData

	// Two volunteers press at once: one wins.
	api.PushUpdate(telegramtest.CallbackUpdate(group, post.MessageID, an, claim))
	api.PushUpdate(telegramtest.CallbackUpdate(group, post.MessageID, binh, claim))
	claimed := waitSent(4) // group: taken + already taken; citizen; the winner
	var text []string
	for _, c := range claimed {
		text = append(text, c.Text)
	}
	joined := strings.Join(text, "\n")
	if strings.Count(joined, "✋ ") != 1 || !strings.Contains(joined, "đã có") || !strings.Contains(joined, "đã nhận câu hỏi của bạn") {
		t.Fatalf("claims: %q", text)
	}
	// The winner answers in his private chat.
	var winnerChat int64
	for _, c := range claimed {
		if strings.HasPrefix(c.Text, "Bạn đã nhận phiếu") {
			winnerChat = c.ChatID
		}
	}
	answer := say(winnerChat, "Chị xin giấy xác nhận của trạm y tế xã.", 2)
	if answer[1].ChatID != citizen || !strings.Contains(answer[1].Text, "trả lời:\nChị xin giấy xác nhận") {
		t.Fatalf("the answer: %+v", answer)
	}
	follow := say(citizen, "Trạm y tế có làm thứ bảy không?", 2)
	if follow[1].ChatID != winnerChat || !strings.Contains(follow[1].Text, "nhắn thêm:\nTrạm y tế có làm thứ bảy không?") {
		t.Fatalf("the follow-up: %+v", follow)
	}
	closed := say(citizen, "Đã rõ, cảm ơn", 3)
	var closedText []string
	for _, c := range closed {
		closedText = append(closedText, c.Text)
	}
	if !strings.Contains(strings.Join(closedText, "\n"), "Câu hỏi đã đóng") {
		t.Fatalf("closing: %q", closedText)
	}
	// The figures, kept without content.
	ts := tickets.NewRedis(redisSrv.Client(t), tickets.Options{Prefix: "mc"})
	st, err := ts.Stats(context.Background(), time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil || st.Asked != 1 || st.Claimed != 1 || st.Answered != 1 || st.Closed != 1 {
		t.Errorf("figures: %+v %v", st, err)
	}
}
