package bot

import (
	"strings"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/stats"
	"github.com/motcua/motcua/tickets"
)

// volunteerRoom is the questions to the commune's volunteers, as the bot
// relays them: a citizen's /hoi (or "🙋 Hỏi tình nguyện viên", or the
// offer when nothing was found), what will be shared and her
// confirmation; a volunteer's claim ("✋ Nhận" in the group, or /nhan),
// his answer from his private chat or by replying to the post, her
// follow-ups; /phieu, /moi and /thamgia. What is stored is Volunteers'
// (volunteers.go). Its part of the conversation is askState.
type volunteerRoom struct{}

// askState is the volunteers' part of the conversation.
type askState struct {
	// Ticket is her question to the volunteers under way: her free text
	// goes to it.
	Ticket string `json:"q,omitempty"`
	// Serving is the ticket a volunteer holds: his free text answers it.
	Serving string `json:"sv,omitempty"`
	// Question is what she typed to ask, awaiting her confirmation.
	Question string `json:"qt,omitempty"`
}

func (s askState) empty() bool { return s.Ticket == "" && s.Serving == "" && s.Question == "" }

// The volunteers' question: the citizen's question, to type.
const pendingAsk = "ask"

func (volunteerRoom) register(r *router) {
	v := volunteerRoom{}
	r.command(v.ask, "hoi")
	r.word("hoi", "hoi nguoi", "hoi tinh nguyen vien", "gap nguoi")
	r.help = append(r.help, func(t *turn) string {
		if t.s.vol == nil {
			return ""
		}
		return t.s.msg.HelpVolunteers
	})
	r.command(v.invite, "moi")
	r.command(v.join, "thamgia")
	r.command(v.tickets, "phieu")
	r.action(func(t *turn, _ string) { v.ask(t, "") }, actAsk)
	r.item(ticketButton, v.press)
	r.entry(askSend, func(t *turn, _ string) { v.send(t) })
	r.entry(askCancel, func(t *turn, _ string) {
		t.conv.Question, t.conv.Menu = "", nil
		t.say(t.s.msg.TicketNotSent)
	})
	r.entry(askTyped, func(t *turn, _ string) { v.ask(t, t.conv.Question) })
	r.wait(pendingAsk, func(t *turn, _, text string) bool {
		v.confirm(t, text)
		return true
	})
	r.open = append(r.open, v.relayed)
	r.groups = append(r.groups, v.group)
	r.actor("ticket_", func(s *Service) Effects {
		if s.vol == nil {
			return nil
		}
		return s.vol
	}, true)
}

// Menu entries of the confirmation before a question is sent.
const (
	askSend   = "ask:send"
	askCancel = "ask:cancel"
	askTyped  = "ask:typed" // ask what she typed, which search did not find
)

// ask starts a question to the volunteers: the question now, or a
// request to type it. Without volunteers, she is told how to reach a
// person otherwise.
func (v volunteerRoom) ask(t *turn, question string) {
	if t.s.vol == nil {
		t.say(t.contacts()) // a person all the same
		return
	}
	if t.conv.Ticket != "" {
		t.say(t.s.msg.TicketActive)
		return
	}
	if strings.TrimSpace(question) == "" {
		t.wait(pendingAsk, "")
		t.say(t.s.msg.TicketTypeQuestion)
		return
	}
	v.confirm(t, question)
}

// confirm shows what will be shared and asks to send it.
func (v volunteerRoom) confirm(t *turn, question string) {
	if r := []rune(strings.TrimSpace(question)); len(r) > 1000 {
		question = string(r[:1000])
	}
	t.conv.Pending, t.conv.Question = "", strings.TrimSpace(question)
	where := t.s.msg.TicketNowhere
	if flow, step := flowStep(t); flow != "" {
		where = describeWhere(t.s.eng.Catalog(), t.s.msg, flow, step)
	}
	t.conv.Menu = nil
	t.out = append(t.out, Message{
		Text: flows.Fill(t.s.msg.TicketConfirm, "question", cut(t.conv.Question, maxEcho), "where", where, "name", t.name()),
		Buttons: []Button{
			t.choice(t.s.msg.TicketSend, askSend),
			t.choice(t.s.msg.TicketDontSend, askCancel),
		},
	})
}

// send creates the ticket, after the update is saved.
func (volunteerRoom) send(t *turn) {
	if t.conv.Question == "" {
		t.say(t.s.msg.StaleButton)
		return
	}
	id := tickets.NewID()
	flow, step := flowStep(t)
	t.count(stats.Asked)
	t.act(effectAsk, map[string]string{
		"id": id, "question": t.conv.Question, "flow": flow, "step": step, "name": t.name(),
	})
	t.conv.Ticket, t.conv.Question, t.conv.Menu = id, "", nil
	t.say(flows.Fill(t.s.msg.TicketSent, "id", id))
}

// flowStep is the procedure and step she is on (ids), if any.
func flowStep(t *turn) (flow, step string) {
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

// press handles a ticket's button in a private chat, or its number.
func (volunteerRoom) press(t *turn, id, what string) {
	user := t.user()
	switch what {
	case tkClaim:
		t.act(effectClaim, map[string]string{"id": id, "user": user, "name": t.name()})
	case tkClose:
		if t.conv.Ticket == id {
			t.conv.Ticket = ""
		}
		t.act(effectClose, map[string]string{"id": id, "user": user})
	case tkRelease:
		t.act(effectRelease, map[string]string{"id": id, "user": user})
	case tkStaff:
		t.act(effectStaff, map[string]string{"id": id, "user": user})
	default:
		t.say(t.s.msg.StaleButton)
	}
}

// relayed sends free text to the ticket under way, when there is one: a
// volunteer's answer, or the citizen's follow-up. It reports whether it did.
func (v volunteerRoom) relayed(t *turn, text string) bool {
	if t.s.vol == nil {
		return false
	}
	switch {
	case t.conv.Serving != "":
		t.act(effectAnswer, map[string]string{"id": t.conv.Serving, "user": t.user(), "text": text})
		t.say(t.s.msg.TicketRelayed)
		return true
	case t.conv.Ticket != "":
		switch flows.Normalize(text) {
		case "da ro cam on", "da ro", "cam on", "xong roi cam on":
			v.press(t, t.conv.Ticket, tkClose)
			return true
		}
		t.act(effectFollowUp, map[string]string{"id": t.conv.Ticket, "text": text})
		t.say(t.s.msg.TicketRelayed)
		return true
	}
	return false
}

// group handles, in the volunteers' group, a press of "Nhận" and a
// reply to a ticket's post. It reports whether the update was one.
func (volunteerRoom) group(t *turn) bool {
	if t.s.vol == nil {
		return false
	}
	if id, what, ok := parseTicketData(t.u.Data); ok && what == tkClaim {
		t.act(effectClaim, map[string]string{"id": id, "user": t.user(), "name": t.name()})
		return true
	}
	// "/nhan 7KQ2M4XA": a claim typed, where there are no buttons (Zalo).
	if cmd, arg, ok := command(strings.TrimSpace(t.u.Text)); ok && cmd == "nhan" {
		if id, ok := ticketIn("#" + strings.ToUpper(strings.TrimPrefix(arg, "#"))); ok {
			t.act(effectClaim, map[string]string{"id": id, "user": t.user(), "name": t.name()})
			return true
		}
	}
	if id, ok := ticketIn(t.u.ReplyTo); ok && strings.TrimSpace(t.u.Text) != "" {
		t.act(effectAnswer, map[string]string{"id": id, "user": t.user(), "text": strings.TrimSpace(t.u.Text)})
		return true
	}
	return false
}

// invite makes a one-time code for a role (/moi); the staff check is in
// the effect.
func (volunteerRoom) invite(t *turn, role string) {
	if t.s.vol == nil {
		t.say(t.s.msg.TicketOff)
		return
	}
	t.act(effectInvite, map[string]string{"user": t.user(), "role": role})
}

// join takes a role with a code (/thamgia); the code is checked, and the
// tries counted, in the effect.
func (volunteerRoom) join(t *turn, code string) {
	if t.s.vol == nil {
		t.say(t.s.msg.TicketOff)
		return
	}
	t.act(effectJoin, map[string]string{"user": t.user(), "code": code})
}

// tickets lists the open questions (/phieu).
func (volunteerRoom) tickets(t *turn, _ string) {
	if t.s.vol == nil {
		t.say(t.s.msg.TicketOff)
		return
	}
	t.act(effectList, map[string]string{"user": t.user()})
}
