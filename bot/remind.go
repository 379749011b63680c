package bot

import (
	"context"
	"strings"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/reminders"
)

// reminderRoom is the BHYT reminders as she sees them in the chat: her
// list (/nhacnho, or "nhắc nhở" typed), their buttons — those of the list
// and those of a reminder the scheduler sent, which work whenever pressed
// — and the new expiry date of a renewed card. What is stored and sent is
// Reminders' (reminders.go). It keeps nothing in the conversation but the
// question of the date (Pending "renew:<id>").
type reminderRoom struct{}

// The reminders' question: the new expiry date of reminder <id>.
const pendingRenew = "renew"

// maxYearsAhead bounds a card's expiry date, as the procedure that sets a
// reminder does (nhac-nho's "today+20y").
const maxYearsAhead = 20

// readReminders names the chat's reminders, read before /nhacnho.
const readReminders = "reminders"

func (reminderRoom) register(r *router) {
	m := reminderRoom{}
	r.command(m.list, "nhacnho")
	r.word("nhacnho", "nhac nho", "loi nhac")
	r.item(reminderButton, m.press)
	r.wait(pendingRenew, m.renewDate)
	r.cancel = append(r.cancel, m.keepDate)
	r.help = append(r.help, func(t *turn) string {
		if t.s.rem == nil {
			return ""
		}
		return t.s.msg.HelpReminders
	})
	// Reminders carry out the buttons' effects, and erase hers; a
	// procedure's "reminder" step goes to them too (Options.Effects).
	r.actor("reminder", func(s *Service) Effects { return s.effects }, true)
	r.prereads = append(r.prereads, preread{
		name:    readReminders,
		command: "nhacnho",
		on:      func(s *Service) bool { return s.rem != nil },
		read: func(ctx context.Context, s *Service, u Update) (any, error) {
			return s.rem.Store.List(ctx, u.Chat.ID)
		},
	})
}

// list shows the chat's reminders, with a button to delete each and one
// to add another.
func (reminderRoom) list(t *turn, _ string) {
	if t.s.rem == nil {
		t.say(t.s.msg.ReminderOff)
		return
	}
	listed, _ := t.read[readReminders].([]reminders.Reminder)
	m := Message{Text: t.s.msg.ReminderNone}
	if len(listed) > 0 {
		lines := []string{t.s.msg.ReminderListTitle}
		today := flows.DateOf(t.now)
		for _, r := range listed {
			lines = append(lines, flows.Fill(t.s.msg.ReminderLine, "label", r.Label, "expiry", r.Expiry.String(), "days", t.s.eng.Messages().DaysLeftText(today, r.Expiry)))
			m.Buttons = append(m.Buttons,
				Button{Label: flows.Fill(t.s.msg.ReminderEditButton, "label", r.Label), Data: reminderData(r.ID, actEdit)},
				Button{Label: flows.Fill(t.s.msg.ReminderDeleteButton, "label", r.Label), Data: reminderData(r.ID, actDelete)})
		}
		m.Text = strings.Join(lines, "\n")
	}
	m.Buttons = append(m.Buttons, Button{Label: t.s.msg.ReminderAdd, Data: reminderData("", actAdd)})
	// Typed numbers act as these buttons (Zalo, the terminal): the list
	// holds their data.
	t.conv.Menu = choicesOf(m)
	t.show(m)
}

// press handles the buttons of reminders and of their list. They are not
// tied to the conversation's turn: a reminder sent days ago can still be
// answered.
func (reminderRoom) press(t *turn, id, what string) {
	if t.s.rem == nil {
		t.say(t.s.msg.ReminderOff)
		return
	}
	switch what {
	case actRenew:
		t.wait(pendingRenew, id)
		t.say(t.s.msg.ReminderAskExpiry)
	case actEdit:
		t.wait(pendingRenew, id)
		t.say(t.s.msg.ReminderAskDate)
	case actSnooze:
		// Said by the effect: "done", or "not found" for a button whose
		// reminder is gone, or not hers.
		t.act(effectSnooze, map[string]string{"id": id})
	case actDelete:
		t.act(effectDelete, map[string]string{"id": id})
		t.conv.Pending = ""
	case actAdd:
		t.conv.Pending = ""
		t.start(t.s.remFlow)
	default:
		t.say(t.s.msg.StaleButton)
	}
}

// renewDate reads the new expiry date of a renewed card; "hủy" (or
// "thôi") keeps the old date.
func (m reminderRoom) renewDate(t *turn, id, text string) bool {
	switch flows.Normalize(text) {
	case "huy", "huy bo", "thoi", "thoat":
		return m.keepDate(t)
	}
	today := flows.DateOf(t.now)
	d, err := flows.ParseDate(text, today)
	switch {
	case err != nil:
		t.say(t.s.msg.ReminderDateHint)
		return true
	case d.Before(today):
		t.say(t.s.msg.ReminderDatePast)
		return true
	case d.After(today.AddYears(maxYearsAhead)):
		t.say(t.s.msg.ReminderDateFar) // as when a reminder is set
		return true
	}
	t.conv.Pending = ""
	t.act(effectRenew, map[string]string{"id": id, "expiry": d.ISO()})
	return true
}

// keepDate drops the question of a new date ("hủy", /huy), the reminder
// as it was. It reports whether that question was asked.
func (reminderRoom) keepDate(t *turn) bool {
	if kind, _ := t.pending(); kind != pendingRenew {
		return false
	}
	t.conv.Pending = ""
	t.say(t.s.msg.ReminderDateKept)
	return true
}
