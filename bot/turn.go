package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/flows"
)

// turn is the handling of one update: what came, the conversation it
// changes, what the bot answers, and what must be done once the
// conversation is saved. It does no I/O, so it may run again when the
// store reports a concurrent change; what a room needs read for it was
// read before (read). The rooms act through its few helpers.
type turn struct {
	s    *Service
	u    Update
	conv conversation
	now  time.Time
	out  []Message
	err  error
	// effects are what the update asks to be done once the conversation
	// is saved (set a reminder, post a question), by the rooms' actors.
	effects []flows.Effect
	// counts are the figures of use this update adds (stats fields).
	counts map[string]string
	// read holds what the rooms' prereads read before the update, by name.
	read map[string]any

	bumped bool
}

// say adds a message of text alone.
func (t *turn) say(text string) { t.out = append(t.out, Message{Text: text}) }

// show adds a message.
func (t *turn) show(m Message) { t.out = append(t.out, m) }

// act asks for an effect, carried out once the conversation is saved.
func (t *turn) act(action string, args map[string]string) {
	t.effects = append(t.effects, flows.Effect{Action: action, Args: args})
}

// turnNo returns the turn that buttons sent now carry, moving the
// conversation's turn on once per update so that older buttons go stale.
func (t *turn) turnNo() int {
	if !t.bumped {
		t.conv.Turn++
		t.bumped = true
	}
	return t.conv.Turn
}

// button is a button of this turn: stale once the conversation moves on.
func (t *turn) button(label, kind, arg string) Button {
	return Button{Label: label, Data: buttonData(t.turnNo(), kind, arg)}
}

// choice is a line of the numbered list being shown: its entry added to
// the list (conversation.Menu), and the button that stands for its number.
func (t *turn) choice(label, entry string) Button {
	t.conv.Menu = append(t.conv.Menu, entry)
	return t.button(label, actMenu, strconv.Itoa(len(t.conv.Menu)-1))
}

// wait records the question a room asks, to read her next text
// ("<kind>" or "<kind>:<arg>"): the last thing asked decides what she
// types next, so the last numbered list is forgotten. A room that asks
// with a list sets it after.
func (t *turn) wait(kind, arg string) {
	t.conv.Pending, t.conv.Menu = kind, nil
	if arg != "" {
		t.conv.Pending += ":" + arg
	}
}

// pending is the question the bot waits an answer to: its kind and arg.
func (t *turn) pending() (kind, arg string) {
	kind, arg, _ = strings.Cut(t.conv.Pending, ":")
	return kind, arg
}

// count adds one to a figure of use.
func (t *turn) count(field string) {
	if t.counts == nil {
		t.counts = map[string]string{}
	}
	t.counts[field] = ""
}

// user is who sent the update: a private chat's id is its user's.
func (t *turn) user() string { return userOf(t.u) }

// userOf names who sent an update: the user, or the chat for channels
// that do not say (the terminal).
func userOf(u Update) string {
	if u.From.ID != "" {
		return u.From.ID
	}
	return u.Chat.ID
}

// name is how she appears to others (the volunteers).
func (t *turn) name() string {
	if n := strings.TrimSpace(t.u.From.Name); n != "" {
		return n
	}
	return t.s.msg.TicketNoName
}
