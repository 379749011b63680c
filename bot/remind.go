package bot

import (
	"strings"

	"github.com/motcua/motcua/flows"
)

// pendingRenew asks the new expiry date of a reminder: "renew:<id>".
const pendingRenew = "renew:"

// isCommand reports whether text is the command cmd.
func isCommand(text, cmd string) bool {
	c, _, ok := command(strings.TrimSpace(text))
	return ok && c == cmd
}

// asksReminders reports whether a text asks for the list of reminders.
func asksReminders(text string) bool {
	text = strings.TrimSpace(text)
	if cmd, _, ok := command(text); ok {
		return cmd == "nhacnho"
	}
	n := flows.Normalize(text)
	return n == "nhac nho" || n == "loi nhac"
}

// reminderList shows the chat's reminders, with a button to delete each and
// one to add another.
func (t *turn) reminderList() {
	if t.s.rem == nil {
		t.say(t.s.msg.ReminderOff)
		return
	}
	m := Message{Text: t.s.msg.ReminderNone}
	if len(t.listed) > 0 {
		lines := []string{t.s.msg.ReminderListTitle}
		today := flows.DateOf(t.now)
		for _, r := range t.listed {
			lines = append(lines, flows.Fill(t.s.msg.ReminderLine, "label", r.Label, "expiry", r.Expiry.String(), "days", t.s.eng.Messages().DaysLeftText(today, r.Expiry)))
			m.Buttons = append(m.Buttons,
				Button{Label: flows.Fill(t.s.msg.ReminderEditButton, "label", r.Label), Data: reminderData(r.ID, actEdit)},
				Button{Label: flows.Fill(t.s.msg.ReminderDeleteButton, "label", r.Label), Data: reminderData(r.ID, actDelete)})
		}
		m.Text = strings.Join(lines, "\n")
	}
	m.Buttons = append(m.Buttons, Button{Label: t.s.msg.ReminderAdd, Data: reminderData("", actAdd)})
	// Typed numbers act as these buttons (Zalo, the terminal): the menu
	// holds their data.
	t.conv.Menu = nil
	for _, b := range m.Buttons {
		t.conv.Menu = append(t.conv.Menu, b.Data)
	}
	t.out = append(t.out, m)
}

// pressReminder handles the buttons of reminders and of their list. They are
// not tied to the conversation's turn: a reminder sent days ago can still be
// answered.
func (t *turn) pressReminder(id, what string) {
	if t.s.rem == nil {
		t.say(t.s.msg.ReminderOff)
		return
	}
	switch what {
	case actRenew:
		t.conv.Pending = pendingRenew + id
		t.say(t.s.msg.ReminderAskExpiry)
	case actEdit:
		t.conv.Pending = pendingRenew + id
		t.say(t.s.msg.ReminderAskDate)
	case actSnooze:
		// Said by the effect: "done", or "not found" for a button whose
		// reminder is gone, or not hers.
		t.effects = append(t.effects, flows.Effect{Action: effectSnooze, Args: map[string]string{"id": id}})
	case actDelete:
		t.effects = append(t.effects, flows.Effect{Action: effectDelete, Args: map[string]string{"id": id}})
		t.conv.Pending = ""
	case actAdd:
		t.conv.Pending = ""
		t.start(t.s.remFlow)
	default:
		t.say(t.s.msg.StaleButton)
	}
}

// renewDate reads the new expiry date of a renewed card.
func (t *turn) renewDate(id, text string) {
	today := flows.DateOf(t.now)
	d, err := flows.ParseDate(text, today)
	switch {
	case err != nil:
		t.say(t.s.msg.ReminderDateHint)
		return
	case d.Before(today):
		t.say(t.s.msg.ReminderDatePast)
		return
	}
	t.conv.Pending = ""
	t.effects = append(t.effects, flows.Effect{Action: effectRenew, Args: map[string]string{"id": id, "expiry": d.ISO()}})
}
