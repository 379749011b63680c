package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/console"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/store"
)

// endedFlow ends with a summary, two details and a source.
const endedFlow = `id: ket
title: Thủ tục có chi tiết
summary: Để thử phần sau khi kết thúc.
keywords: [chi tiết]
sources:
  - title: Nguồn thử
    checked: 01/11/2026
steps:
  - id: ai
    type: ask
    text: Ai đi làm?
    choices:
      - {id: cha_me, label: Cha hoặc mẹ}
      - {id: ong_ba, label: Ông bà}
  - id: ngay
    type: input
    save: ngay
    text: Bé sinh ngày nào?
    input: {kind: date, max: today}
  - id: het
    type: end
    text: "Tóm tắt: {ai}, bé sinh {ngay}."
    details: [le_phi, ket_qua]
  - id: le_phi
    type: say
    text: Lệ phí chi tiết.
  - id: ket_qua
    type: say
    text: ` + "Kết quả chi tiết " + `dài.
`

func endedService(t *testing.T) *bot.Service {
	t.Helper()
	cat, iss := flows.Load(fstest.MapFS{"ket.yaml": {Data: []byte(endedFlow)}}, "test", nil, "")
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	return bot.New(flows.NewEngine(cat, flows.DefaultMessages()), store.NewMemory(store.Options{Now: now}), bot.Options{Location: ict, Now: now, Retries: nil})
}

// TestAfterTheEnd: the end's details and sources are one tap (or one typed
// number) away, and "sửa lại" or "quay lại" after the end reopens the last
// question instead of saying no procedure is running.
func TestAfterTheEnd(t *testing.T) {
	c := newChat(t, endedService(t))
	c.say("/start ket")
	c.say("2")
	closing := "Muốn xem thêm, bạn chọn bên dưới. Cần hỏi việc khác, bạn cứ gõ điều bạn cần.\n  1. 📄 Xem chi tiết\n  2. 📚 Nguồn\n  3. 📋 Thủ tục khác\n(Gõ số để chọn · “sửa lại” để sửa câu trả lời cuối)"
	if got := c.say("10/11/2026"); got != "Tóm tắt: Ông bà, bé sinh 10/11/2026.\n\n"+closing {
		t.Fatalf("the end:\n%s", got)
	}
	if nav := c.last.Messages[len(c.last.Messages)-1].Nav; len(nav) != 1 || nav[0].Label != "✏️ Sửa câu trả lời cuối" {
		t.Errorf("the closing's button to change the last answer: %+v", nav)
	}
	if got := c.say("1"); got != "Lệ phí chi tiết.\n\nKết quả chi tiết dài.\n\n"+closing {
		t.Errorf("details by number:\n%s", got)
	}
	contains(t, c.press("📚 Nguồn"), "📚 Nguồn của “Thủ tục có chi tiết”:\n• Nguồn thử (kiểm tra ngày 01/11/2026)", "1. 📄 Xem chi tiết")

	// Changing the last answer after the end, by the button or in words.
	contains(t, c.press("✏️ Sửa câu trả lời cuối"), "Bé sinh ngày nào?")
	contains(t, c.say("12/11/2026"), "Tóm tắt: Ông bà, bé sinh 12/11/2026.")
	for _, words := range []string{"sửa lại", "sua lai", "quay lại"} {
		if got := c.say(words); !strings.HasPrefix(got, "Bé sinh ngày nào?") {
			t.Errorf("%q after the end:\n%s", words, got)
		}
		c.say("13/11/2026")
	}
	// A fresh start forgets the procedure that ended.
	c.say("/start")
	contains(t, c.say("sửa lại"), bot.DefaultMessages().NothingToGoBack)
}

// TestResume: a chat opened again on a kept conversation greets her and
// asks the pending question again, keeping her answers; with nothing under
// way it shows what /start shows.
func TestResume(t *testing.T) {
	st := store.NewMemory(store.Options{Now: now})
	svc := bot.New(engine(t), st, bot.Options{Location: ict, Now: now, Retries: []time.Duration{}})
	c := newChat(t, svc)
	resume := func() string {
		t.Helper()
		reply, err := svc.Resume(context.Background(), bot.Chat{ID: c.id, Private: true}, bot.User{ID: c.id})
		if err != nil {
			t.Fatal(err)
		}
		c.last = reply
		return console.RenderReply(reply)
	}
	contains(t, resume(), "Xin chào!", "1. Thủ tục thử thứ hai")
	c.say("2")
	c.say("2") // Ông bà
	got := resume()
	contains(t, got, "Chào bạn quay lại! Bạn đang làm dở “Thủ tục thử”", "Bé sinh ngày nào?")
	contains(t, c.say("10/11/2026"), "Hạn là 09/01/2027", "Nhà có mấy người?")
}

// loads counts a store's reads.
type loads struct {
	store.Conversations
	n int
}

func (l *loads) Load(ctx context.Context, conv, updateID string) (store.Snapshot, error) {
	l.n++
	return l.Conversations.Load(ctx, conv, updateID)
}

// unreadable is a store whose reads fail for a reason other than being
// unreachable.
type unreadable struct{ store.Conversations }

func (unreadable) Load(context.Context, string, string) (store.Snapshot, error) {
	return store.Snapshot{}, errors.New("WRONGTYPE")
}

// TestResumeReadsOnce: with a procedure under way, Resume reads the
// conversation once, in the update that writes the greeting; a store it
// cannot read, whatever the reason, gets the apology to try again.
func TestResumeReadsOnce(t *testing.T) {
	st := &loads{Conversations: store.NewMemory(store.Options{Now: now})}
	svc := bot.New(engine(t), st, bot.Options{Location: ict, Now: now, Retries: []time.Duration{}})
	c := newChat(t, svc)
	c.say("/start")
	c.say("2")
	c.say("2")
	st.n = 0
	reply, err := svc.Resume(context.Background(), bot.Chat{ID: c.id, Private: true}, bot.User{ID: c.id})
	if err != nil {
		t.Fatal(err)
	}
	contains(t, console.RenderReply(reply), "Chào bạn quay lại!", "Bé sinh ngày nào?")
	if st.n != 1 {
		t.Errorf("Resume read the conversation %d times, want 1", st.n)
	}

	for _, st := range []store.Conversations{failing{}, unreadable{}} {
		svc := bot.New(engine(t), st, bot.Options{Location: ict, Now: now, Retries: []time.Duration{}})
		reply, err := svc.Resume(context.Background(), bot.Chat{ID: "tg:1", Private: true}, bot.User{ID: "tg:1"})
		if err == nil || len(reply.Messages) != 1 || reply.Messages[0].Text != bot.DefaultMessages().StoreDownAgain {
			t.Errorf("%T: reply = %+v, err = %v; want the apology to try again", st, reply, err)
		}
	}
}
