package bot

import (
	"strings"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/stats"
	"github.com/motcua/motcua/tickets"
)

// Pending questions of asking a volunteer.
const pendingAsk = "ask"

// Menu entries of the confirmation before a question is sent.
const (
	askSend   = "ask:send"
	askCancel = "ask:cancel"
	askTyped  = "ask:typed" // ask what she typed, which search did not find
)

// askVolunteer starts a question to the volunteers: the question now, or a
// request to type it. Without volunteers, she is told how to reach a
// person otherwise.
func (t *turn) askVolunteer(question string) {
	if t.s.vol == nil {
		t.say(t.contacts()) // a person all the same
		return
	}
	if t.conv.Ticket != "" {
		t.say(t.s.msg.TicketActive)
		return
	}
	if strings.TrimSpace(question) == "" {
		t.conv.Pending = pendingAsk
		t.say(t.s.msg.TicketTypeQuestion)
		return
	}
	t.confirmAsk(question)
}

// confirmAsk shows what will be shared and asks to send it.
func (t *turn) confirmAsk(question string) {
	if r := []rune(strings.TrimSpace(question)); len(r) > 1000 {
		question = string(r[:1000])
	}
	t.conv.Pending, t.conv.Question = "", strings.TrimSpace(question)
	where := t.s.msg.TicketNowhere
	if flow, step := t.where(); flow != "" {
		where = describeWhere(t.s.eng.Catalog(), t.s.msg, flow, step)
	}
	t.conv.Menu = []string{askSend, askCancel}
	t.out = append(t.out, Message{
		Text: flows.Fill(t.s.msg.TicketConfirm, "question", cut(t.conv.Question, maxEcho), "where", where, "name", t.name()),
		Buttons: []Button{
			t.button(t.s.msg.TicketSend, actMenu, "0"),
			t.button(t.s.msg.TicketDontSend, actMenu, "1"),
		},
	})
}

// confirmingAsk answers the confirmation by a typed "1" (send) or "2",
// even in the middle of a procedure, whose question waits meanwhile.
func (t *turn) confirmingAsk(text string) bool {
	if len(t.conv.Menu) != 2 || t.conv.Menu[0] != askSend {
		return false
	}
	switch strings.TrimSpace(text) {
	case "1":
		t.sendAsk()
	case "2":
		t.offered(askCancel)
	default:
		return false
	}
	return true
}

// sendAsk creates the ticket, after the update is saved.
func (t *turn) sendAsk() {
	if t.conv.Question == "" {
		t.say(t.s.msg.StaleButton)
		return
	}
	id := tickets.NewID()
	flow, step := t.where()
	t.count(stats.Asked)
	t.effects = append(t.effects, flows.Effect{Action: effectAsk, Args: map[string]string{
		"id": id, "question": t.conv.Question, "flow": flow, "step": step, "name": t.name(),
	}})
	t.conv.Ticket, t.conv.Question, t.conv.Menu = id, "", nil
	t.say(flows.Fill(t.s.msg.TicketSent, "id", id))
}

// where is the procedure and step she is on (ids), if any.
func (t *turn) where() (flow, step string) {
	if t.conv.Flow == nil {
		return "", ""
	}
	return t.conv.Flow.Flow, t.conv.Flow.Step
}

// describeWhere words a procedure and step for volunteers: its title and
// the question's first line.
func describeWhere(cat *flows.Catalog, m *Messages, flow, step string) string {
	f, ok := cat.Flow(flow)
	if !ok {
		return m.TicketNowhere
	}
	text := ""
	if s, ok := f.Step(step); ok {
		text = firstLine(s.Text)
	}
	return flows.Fill(m.TicketWhere, "flow", f.Title, "step", text)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	if r := []rune(line); len(r) > 80 {
		line = string(r[:80]) + "…"
	}
	return line
}

// name is how she appears to the volunteers.
func (t *turn) name() string {
	if n := strings.TrimSpace(t.u.From.Name); n != "" {
		return n
	}
	return t.s.msg.TicketNoName
}

// ticketPress handles a ticket's button in a private chat.
func (t *turn) ticketPress(id, what string) {
	user := t.user()
	switch what {
	case tkClaim:
		t.effects = append(t.effects, flows.Effect{Action: effectClaim, Args: map[string]string{"id": id, "user": user, "name": t.name()}})
	case tkClose:
		if t.conv.Ticket == id {
			t.conv.Ticket = ""
		}
		t.effects = append(t.effects, flows.Effect{Action: effectClose, Args: map[string]string{"id": id, "user": user}})
	case tkRelease:
		t.effects = append(t.effects, flows.Effect{Action: effectRelease, Args: map[string]string{"id": id, "user": user}})
	case tkStaff:
		t.effects = append(t.effects, flows.Effect{Action: effectStaff, Args: map[string]string{"id": id, "user": user}})
	default:
		t.say(t.s.msg.StaleButton)
	}
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

// relayed sends free text to the ticket under way, when there is one: a
// volunteer's answer, or the citizen's follow-up. It reports whether it did.
func (t *turn) relayed(text string) bool {
	if t.s.vol == nil {
		return false
	}
	switch {
	case t.conv.Serving != "":
		t.effects = append(t.effects, flows.Effect{Action: effectAnswer, Args: map[string]string{"id": t.conv.Serving, "user": t.user(), "text": text}})
		t.say(t.s.msg.TicketRelayed)
		return true
	case t.conv.Ticket != "":
		switch flows.Normalize(text) {
		case "da ro cam on", "da ro", "cam on", "xong roi cam on":
			t.ticketPress(t.conv.Ticket, tkClose)
			return true
		}
		t.effects = append(t.effects, flows.Effect{Action: effectFollowUp, Args: map[string]string{"id": t.conv.Ticket, "text": text}})
		t.say(t.s.msg.TicketRelayed)
		return true
	}
	return false
}

// groupTicket handles, in the volunteers' group, a press of "Nhận" and a
// reply to a ticket's post. It reports whether the update was one.
func (t *turn) groupTicket() bool {
	if t.s.vol == nil {
		return false
	}
	if id, what, ok := parseTicketData(t.u.Data); ok && what == tkClaim {
		t.effects = append(t.effects, flows.Effect{Action: effectClaim, Args: map[string]string{"id": id, "user": t.user(), "name": t.name()}})
		return true
	}
	// "/nhan 7KQ2M4XA": a claim typed, where there are no buttons (Zalo).
	if cmd, arg, ok := command(strings.TrimSpace(t.u.Text)); ok && cmd == "nhan" {
		if id, ok := ticketIn("#" + strings.ToUpper(strings.TrimPrefix(arg, "#"))); ok {
			t.effects = append(t.effects, flows.Effect{Action: effectClaim, Args: map[string]string{"id": id, "user": t.user(), "name": t.name()}})
			return true
		}
	}
	if id, ok := ticketIn(t.u.ReplyTo); ok && strings.TrimSpace(t.u.Text) != "" {
		t.effects = append(t.effects, flows.Effect{Action: effectAnswer, Args: map[string]string{"id": id, "user": t.user(), "text": strings.TrimSpace(t.u.Text)}})
		return true
	}
	return false
}
