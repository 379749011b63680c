package bot_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/store"
)

const nhacFlow = `id: nhac-nho
title: Nhắc gia hạn thẻ BHYT
summary: Đặt nhắc.
keywords: [nhắc]
sources: [{title: Thử, checked: 23/11/2026}]
reminder:
  before: "Thẻ BHYT của {label} hết hạn ngày {expiry} ({days}). Gia hạn trên VssID."
  after: "Thẻ BHYT của {label} đã hết hạn ngày {expiry} ({days})."
steps:
  - id: nguoi
    type: input
    text: Thẻ của ai?
    save: nguoi
    input: {kind: text, max_len: 30}
  - id: han
    type: input
    text: Hết hạn ngày nào?
    save: han
    input: {kind: date, min: today}
  - id: dat
    type: action
    action: reminder
    with: {label: nguoi, expiry: han}
    text: Mình sẽ nhắc trước ngày {han}.
  - id: het
    type: end
    text: Xong.
`

func reminderService(t *testing.T) (*bot.Service, reminders.Store, *bot.Reminders) {
	t.Helper()
	return reminderServiceOn(t, store.NewMemory(store.Options{Now: now}))
}

func reminderServiceOn(t *testing.T, conv store.Conversations) (*bot.Service, reminders.Store, *bot.Reminders) {
	t.Helper()
	cat, iss := flows.Load(fstest.MapFS{"nhac-nho.yaml": {Data: []byte(nhacFlow)}}, "mem", nil, "")
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	eng := flows.NewEngine(cat, flows.DefaultMessages())
	f, _ := cat.Flow("nhac-nho")
	rs := reminders.NewMemory(reminders.DefaultSchedule())
	rem := &bot.Reminders{Store: rs, Schedule: reminders.DefaultSchedule(), Texts: f.Reminder, Messages: bot.DefaultMessages(), Engine: eng.Messages(), Now: now, Conversations: conv}
	svc := bot.New(eng, conv, bot.Options{Location: ict, Now: now, Reminders: rem, ReminderFlow: "nhac-nho"})
	return svc, rs, rem
}

func TestRemindersFromProcedureToButtons(t *testing.T) {
	svc, rs, rem := reminderService(t)
	c := newChat(t, svc)
	contains(t, c.say("/nhacnho"), "Bạn chưa đặt lời nhắc", "1. ➕ Thêm lời nhắc")
	contains(t, c.say("1"), "Thẻ của ai?")
	c.say("Mẹ")
	contains(t, c.say("31/12/2026"), "Mình sẽ nhắc trước ngày 31/12/2026.")
	list, err := rs.List(context.Background(), c.id)
	if err != nil || len(list) != 1 || list[0].Label != "Mẹ" || list[0].Expiry.String() != "31/12/2026" {
		t.Fatalf("stored: %+v %v", list, err)
	}
	// 23/11 is past the 30-day stage (01/12 is 8 days away): the series
	// starts at the 7-day one.
	if list[0].Sent != 0 {
		t.Errorf("sent = %d: on 23/11 the 30-day reminder (01/12) is still ahead", list[0].Sent)
	}
	contains(t, c.say("/nhacnho"), "• Mẹ: thẻ hết hạn 31/12/2026 (còn 38 ngày)", "1. ✏️ Đổi ngày: Mẹ", "2. 🗑 Xóa: Mẹ", "3. ➕ Thêm lời nhắc")

	// The reminder as the scheduler sends it, and its buttons.
	msg := rem.Render(reminders.Claimed{Reminder: list[0]}, now())
	if msg.Text != "Thẻ BHYT của Mẹ hết hạn ngày 31/12/2026 (còn 38 ngày). Gia hạn trên VssID." || len(msg.Buttons) != 2 {
		t.Fatalf("render: %+v", msg)
	}
	after := rem.Render(reminders.Claimed{Reminder: list[0]}, time.Date(2027, 1, 1, 8, 0, 0, 0, ict))
	if !strings.HasPrefix(after.Text, "Thẻ BHYT của Mẹ đã hết hạn ngày 31/12/2026 (đã quá hạn 1 ngày)") {
		t.Errorf("after: %q", after.Text)
	}
	c.last = bot.Reply{Messages: []bot.Message{msg}}
	contains(t, c.press("⏰ Nhắc lại sau"), "nhắc lại sau 3 ngày")
	c.last = bot.Reply{Messages: []bot.Message{msg}}
	contains(t, c.press("✅ Đã gia hạn"), "Thẻ mới hết hạn ngày nào?")
	contains(t, c.say("hôm qua"), "Mình chưa đọc được ngày này")
	contains(t, c.say("01/01/2020"), "Ngày này đã qua")
	contains(t, c.say("31/12/2027"), "Đã ghi ngày hết hạn mới: 31/12/2027 (còn khoảng 13 tháng).")
	list, _ = rs.List(context.Background(), c.id)
	if len(list) != 1 || list[0].Expiry.String() != "31/12/2027" || list[0].Sent != 0 {
		t.Fatalf("renewed: %+v", list)
	}

	c.say("/nhacnho")
	contains(t, c.say("1"), "Bạn gõ ngày hết hạn mới của thẻ")
	contains(t, c.say("30/6/2028"), "Đã ghi ngày hết hạn mới: 30/06/2028 (còn khoảng 19 tháng).", "Mình sẽ nhắn bạn ngày 31/05/2028, 23/06/2028 và 29/06/2028, lúc 08:00.")
	c.say("/nhacnho")
	contains(t, c.say("2"), "Đã xóa lời nhắc.")
	if list, _ = rs.List(context.Background(), c.id); len(list) != 0 {
		t.Errorf("deleted: %+v", list)
	}
}

// TestReminderWordsListAsTheCommand: the words that act as /nhacnho
// have her reminders read before the turn, as the command has.
func TestReminderWordsListAsTheCommand(t *testing.T) {
	svc, _, _ := reminderService(t)
	c := newChat(t, svc)
	c.say("/start nhac-nho")
	c.say("Bố")
	c.say("31/12/2026")
	for _, text := range []string{"/nhacnho", "Nhắc nhở", "lời nhắc", "/NhacNho@motcua_bot"} {
		contains(t, c.say(text), "• Bố: thẻ hết hạn 31/12/2026", "1. ✏️ Đổi ngày: Bố")
	}
}

func TestEraseRemovesReminders(t *testing.T) {
	svc, rs, _ := reminderService(t)
	c := newChat(t, svc)
	c.say("/start nhac-nho")
	c.say("Bố")
	c.say("31/12/2026")
	c.say("/xoadulieu")
	contains(t, c.say("1"), "Đã xóa mọi thông tin")
	if list, _ := rs.List(context.Background(), c.id); len(list) != 0 {
		t.Errorf("reminders survive /xoadulieu: %+v", list)
	}
}

// TestRenewalDateHints: the bad inputs get a hint and keep the
// question.
func TestRenewalDateHints(t *testing.T) {
	svc, _, _ := reminderService(t)
	c := newChat(t, svc)
	c.say("/start nhac-nho")
	c.say("Mẹ")
	c.say("31/12/2026")
	c.say("/nhacnho")
	contains(t, c.say("1"), "Bạn gõ ngày hết hạn mới")
	for _, in := range []string{"30/2/2026", "hôm qua", "12/13/2025", "2026-05-01", "31/12/1999"} {
		got := c.say(in)
		if !strings.Contains(got, "Mình chưa đọc được ngày này") && !strings.Contains(got, "Ngày này đã qua") {
			t.Errorf("%q: %s", in, got)
		}
	}
	contains(t, c.say("31/12/2027"), "Đã ghi ngày hết hạn mới: 31/12/2027 (còn khoảng 13 tháng).")
}

// TestReminderAnsweredByNumber: on a channel without buttons (Zalo) the
// reminder the scheduler sent is answered by typing its choice's number,
// though the conversation's last menu was another.
func TestReminderAnsweredByNumber(t *testing.T) {
	svc, rs, rem := reminderService(t)
	c := newChat(t, svc)
	c.say("/start nhac-nho")
	c.say("Mẹ")
	c.say("31/12/2026") // the menu now offers other procedures
	list, _ := rs.List(context.Background(), c.id)
	claimed := reminders.Claimed{Reminder: list[0]}
	if err := rem.Offered(context.Background(), claimed); err != nil {
		t.Fatal(err)
	}
	contains(t, c.say("2"), "nhắc lại sau 3 ngày")
	if err := rem.Offered(context.Background(), claimed); err != nil {
		t.Fatal(err)
	}
	contains(t, c.say("1"), "Thẻ mới hết hạn ngày nào?")
	contains(t, c.say("31/12/2027"), "Đã ghi ngày hết hạn mới: 31/12/2027 (còn khoảng 13 tháng).")
}

// TestAnotherChatsReminderButton: a made-up button naming another chat's
// reminder leaves it alone and is told the truth, "not found", not "done".
func TestAnotherChatsReminderButton(t *testing.T) {
	svc, rs, _ := reminderService(t)
	owner := newChat(t, svc)
	owner.say("/start nhac-nho")
	owner.say("Mẹ")
	owner.say("31/12/2026")
	list, err := rs.List(context.Background(), owner.id)
	if err != nil || len(list) != 1 {
		t.Fatalf("the owner's reminders: %+v, %v", list, err)
	}
	id := list[0].ID
	other := newChat(t, svc)
	other.id = "tg:2"
	for _, what := range []string{"delete", "snooze"} {
		got := other.send(bot.Update{Data: "r:" + id + ":" + map[string]string{"delete": "del", "snooze": "snooze"}[what]})
		contains(t, got, "Không tìm thấy lời nhắc này")
		if strings.Contains(got, "Đã xóa") || strings.Contains(got, "nhắc lại sau") {
			t.Errorf("a made-up %s button was told it worked: %q", what, got)
		}
	}
	if list, _ := rs.List(context.Background(), owner.id); len(list) != 1 || !list[0].SnoozedUntil.IsZero() {
		t.Errorf("the owner's reminder was changed by another chat's buttons: %+v", list)
	}
}

// TestRenewalCanBeDropped: asked the new date of a renewed card, she may
// change her mind — "hủy" typed, or /huy — and the reminder keeps its
// date; the date question was a dead end before.
func TestRenewalCanBeDropped(t *testing.T) {
	svc, rs, _ := reminderService(t)
	c := newChat(t, svc)
	c.say("/start nhac-nho")
	c.say("Mẹ")
	c.say("31/12/2026")
	for _, word := range []string{"hủy", "/huy", "thoi"} {
		c.say("/nhacnho")
		contains(t, c.say("1"), "Bạn gõ ngày hết hạn mới của thẻ")
		contains(t, c.say(word), "lời nhắc giữ ngày hết hạn cũ")
		contains(t, c.say("31/12/2027"), "Mình chưa rõ bạn cần gì với ngày này")
	}
	list, _ := rs.List(context.Background(), c.id)
	if len(list) != 1 || list[0].Expiry.String() != "31/12/2026" {
		t.Errorf("after dropping the renewals: %+v, want the date kept", list)
	}
}

// TestTypedNumberAfterAList: in the middle of a procedure's date
// question, /nhacnho shows a numbered list; a "1" typed then is the
// list's first line, not an answer to the date (the last list shown wins
// typed numbers). The procedure's next question takes numbers again.
func TestTypedNumberAfterAList(t *testing.T) {
	svc, _, _ := reminderService(t)
	c := newChat(t, svc)
	c.say("/start nhac-nho")
	contains(t, c.say("Mẹ"), "Hết hạn ngày nào?")
	contains(t, c.say("/nhacnho"), "1. ➕ Thêm lời nhắc")
	got := c.say("1")
	contains(t, got, "Thẻ của ai?")
	if strings.Contains(got, "chưa đọc được ngày") {
		t.Errorf("a typed 1 after the list answered the date question:\n%s", got)
	}
}
