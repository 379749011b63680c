package bot

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/store"
)

// Reminders connects the bot to the BHYT reminders: it carries out what
// procedures and buttons ask (set, renew, snooze, delete, erase) and words
// the reminders the scheduler sends, from the texts of one procedure's YAML.
type Reminders struct {
	Store    reminders.Store
	Schedule reminders.Schedule
	// Texts are the words of a reminder (the BHYT procedure's `reminder:`).
	Texts *flows.ReminderTexts
	// Messages are the bot's own words (buttons).
	Messages *Messages
	// Engine words the days left ("còn 7 ngày").
	Engine *flows.Messages
	Now    func() time.Time
	// Conversations, when set, lets a reminder sent unasked be answered
	// by typed numbers (Offered).
	Conversations store.Conversations
}

// maxReminders bounds the reminders of one chat.
const maxReminders = 10

// errTooMany refuses an eleventh reminder.
var errTooMany = errors.New("bot: too many reminders for one chat")

// Effects the service asks of Reminders besides the procedures' "reminder".
const (
	effectRenew  = "reminder_renew"  // id, expiry
	effectSnooze = "reminder_snooze" // id
	effectDelete = "reminder_delete" // id
	effectErase  = "erase"           // everything of the chat
	effectResume = "reminder_resume" // she writes again after a block
)

// Apply carries out an effect for chat. A button's effect says what came
// of it: done, or that the reminder is not found — it was deleted, or the
// button was made up with another chat's reminder, which is left alone.
// A reminder set or renewed says the days it will be sent.
func (r *Reminders) Apply(ctx context.Context, chat Chat, e flows.Effect) ([]Message, error) {
	saved, err := r.apply(ctx, chat, e)
	if errors.Is(err, reminders.ErrNotFound) {
		return []Message{{Text: r.Messages.ReminderNotFound}}, nil
	}
	if err != nil {
		return nil, err
	}
	switch e.Action {
	case effectSnooze:
		return []Message{{Text: r.Messages.ReminderSnoozed}}, nil
	case effectDelete:
		return []Message{{Text: r.Messages.ReminderDeleted}}, nil
	case effectRenew:
		today := flows.DateOf(r.Now().In(r.Schedule.Location))
		done := flows.Fill(r.Messages.ReminderRenewDone, "date", saved.Expiry.String(), "days", r.Engine.DaysLeftText(today, saved.Expiry))
		return []Message{{Text: done + " " + r.when(saved)}}, nil
	}
	return nil, nil
}

// whenSet says the days a reminder set now, expiring on expiry, will be
// sent: the turn says it (the schedule is known without I/O), before the
// procedure's closing line.
func (r *Reminders) whenSet(expiry flows.Date, now time.Time) string {
	return r.when(r.Schedule.Begin(reminders.Reminder{Expiry: expiry}, now))
}

// when says the days a reminder will be sent, from its next stage on.
func (r *Reminders) when(rem reminders.Reminder) string {
	stages := r.Schedule.Stages(rem)
	var days []string
	for i := max(rem.Sent, 0); i < len(stages) && i < len(r.Schedule.Leads); i++ {
		days = append(days, flows.DateOf(stages[i]).String())
	}
	text := r.Messages.ReminderWhenNone
	if len(days) > 0 {
		list := days[len(days)-1]
		if len(days) > 1 {
			list = strings.Join(days[:len(days)-1], ", ") + r.Messages.ReminderWhenAnd + list
		}
		text = flows.Fill(r.Messages.ReminderWhen, "days", list, "time", fmt.Sprintf("%02d:%02d", r.Schedule.Hour, r.Schedule.Minute))
	}
	if r.Schedule.After > 0 && len(stages) > len(r.Schedule.Leads) {
		text += " " + flows.Fill(r.Messages.ReminderWhenAfter, "day", flows.DateOf(stages[len(stages)-1]).String())
	}
	return text
}

// effectSet is a procedure's step that sets a reminder.
const effectSet = "reminder"

// apply carries out e and returns the reminder it saved, if any.
func (r *Reminders) apply(ctx context.Context, chat Chat, e flows.Effect) (reminders.Reminder, error) {
	now := r.Now()
	switch e.Action {
	case effectSet:
		expiry, err := flows.ParseISODate(e.Args["expiry"])
		if err != nil {
			return reminders.Reminder{}, fmt.Errorf("reminder: expiry %q: %w", e.Args["expiry"], err)
		}
		list, err := r.Store.List(ctx, chat.ID)
		if err != nil {
			return reminders.Reminder{}, fmt.Errorf("reminder: %w", err)
		}
		// The id the turn gave it, so that the step carried out again
		// (a replica died before its reply was delivered) sets it again
		// rather than a second one.
		id := cmp.Or(e.Args["id"], newID())
		again := slices.ContainsFunc(list, func(x reminders.Reminder) bool { return x.ID == id })
		if len(list) >= maxReminders && !again {
			return reminders.Reminder{}, errTooMany
		}
		rem := r.Schedule.Begin(reminders.Reminder{Chat: chat.ID, ID: id, Label: label(e.Args["label"]), Expiry: expiry}, now)
		return rem, r.Store.Save(ctx, rem)
	case effectRenew:
		expiry, err := flows.ParseISODate(e.Args["expiry"])
		if err != nil {
			return reminders.Reminder{}, fmt.Errorf("renew: expiry %q: %w", e.Args["expiry"], err)
		}
		rem, err := r.find(ctx, chat.ID, e.Args["id"])
		if err != nil {
			return reminders.Reminder{}, err
		}
		rem.Expiry = expiry
		rem = r.Schedule.Begin(rem, now)
		return rem, r.Store.Save(ctx, rem)
	case effectSnooze:
		return reminders.Reminder{}, r.Store.Snooze(ctx, chat.ID, e.Args["id"], r.Schedule.SnoozeEnd(now))
	case effectDelete:
		if _, err := r.find(ctx, chat.ID, e.Args["id"]); err != nil {
			return reminders.Reminder{}, err
		}
		return reminders.Reminder{}, r.Store.Delete(ctx, chat.ID, e.Args["id"])
	case effectErase:
		return reminders.Reminder{}, r.Store.DeleteChat(ctx, chat.ID)
	case effectResume:
		return reminders.Reminder{}, r.Store.SetPaused(ctx, chat.ID, false)
	}
	return reminders.Reminder{}, fmt.Errorf("bot: unknown effect %q", e.Action)
}

func (r *Reminders) find(ctx context.Context, chat, id string) (reminders.Reminder, error) {
	list, err := r.Store.List(ctx, chat)
	if err != nil {
		return reminders.Reminder{}, err
	}
	for _, rem := range list {
		if rem.ID == id {
			return rem, nil
		}
	}
	return reminders.Reminder{}, reminders.ErrNotFound
}

// Render words a claimed reminder, with its buttons: "Đã gia hạn" and
// "Nhắc lại sau". The button data are not tied to a conversation's turn:
// a reminder can be answered whenever she reads it.
func (r *Reminders) Render(c reminders.Claimed, now time.Time) Message {
	text := r.Texts.Before
	if !flows.DateOf(now.In(r.Schedule.Location)).Before(c.Expiry.AddDays(1)) {
		text = r.Texts.After
	}
	today := flows.DateOf(now.In(r.Schedule.Location))
	text = flows.Fill(text, "label", c.Label, "expiry", c.Expiry.String(), "days", r.Engine.DaysLeftText(today, c.Expiry))
	return Message{Text: text, Hint: r.Messages.ChooseHint, Buttons: r.choices(c.ID)}
}

// choices are the buttons of reminder id as it is sent.
func (r *Reminders) choices(id string) []Button {
	return []Button{
		{Label: r.Messages.ReminderRenewed, Data: reminderData(id, actRenew)},
		{Label: r.Messages.ReminderSnooze, Data: reminderData(id, actSnooze)},
	}
}

// Offered makes a reminder just sent answerable by typing the number of
// its choice, as on Zalo, which shows no buttons: its choices become the
// conversation's last numbered list (offerChoices). Without Conversations
// it does nothing.
func (r *Reminders) Offered(ctx context.Context, c reminders.Claimed) error {
	return offerChoices(ctx, r.Conversations, c.Chat, Message{Buttons: r.choices(c.ID)})
}

// Reminder buttons: "r:<id>:<what>".
const (
	reminderButton = "r"
	actRenew       = "renew"
	actSnooze      = "snooze"
	actDelete      = "del"
	actEdit        = "edit"
	actAdd         = "add"
)

func reminderData(id, what string) string { return itemData(reminderButton, id, what) }

// itemData is the data of a button about one thing — a reminder, a
// ticket — rather than a conversation's turn: "<kind>:<id>:<what>". Such
// a button works whenever it is pressed.
func itemData(kind, id, what string) string { return kind + ":" + id + ":" + what }

// cutItem splits itemData into its kind, id and what; ok is false when
// data has no kind (no ':'). A what left out reads as "".
func cutItem(data string) (kind, id, what string, ok bool) {
	kind, rest, ok := strings.Cut(data, ":")
	id, what, _ = strings.Cut(rest, ":")
	return kind, id, what, ok
}

// parseItemData reads itemData of the given kind.
func parseItemData(kind, data string) (id, what string, ok bool) {
	k, id, what, ok := cutItem(data)
	if !ok || k != kind {
		return "", "", false
	}
	return id, what, true
}

// newID makes a short reminder id.
func newID() string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// label keeps a reminder's label short and on one line.
func label(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 30 {
		s = string(r[:30])
	}
	if s == "" {
		s = "?"
	}
	return s
}
