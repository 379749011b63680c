package bot

import (
	"strings"

	"github.com/motcua/motcua/flows"
)

// understand answers text typed outside a procedure by what the catalogue
// makes of it (flows.Catalog.Understand, the same reading `motcua eval`
// measures): a procedure or a question to offer, the commune's own
// information, a person, a greeting or thanks, something the bot does not
// guide, or text that asks nothing.
func (p procedureRoom) understand(t *turn, text string) {
	u := t.s.eng.Catalog().Understand(text)
	switch u.Class {
	case flows.ClassProcedure, flows.ClassFAQ:
		t.offer(text, u.Matches)
	case flows.ClassCommune:
		p.communeTopic(t, u.Intent)
	case flows.ClassPerson:
		t.person()
	case flows.ClassSocial:
		if u.ID == socialGreeting {
			p.startCommand(t, "")
			return
		}
		t.say(t.s.msg.SocialThanks)
	case flows.ClassOutOfScope:
		p.outOfScope(t, text, u.Intent)
	default:
		p.notQuestion(t, text, u.ID)
	}
}

// socialGreeting is the social intent that says hello
// (procedures/intents); the others (thanks, goodbye) get a short reply.
const socialGreeting = "chao"

// stepTyped gives typed text to the procedure under way; if the step
// refuses it and it asks for a person ("cho tôi gặp cán bộ"), she gets a
// person instead of the step's hint, and the procedure waits.
func (p procedureRoom) stepTyped(t *turn, text string) {
	res, err := t.s.eng.Step(*t.conv.Flow, flows.Input{Text: text, Now: t.now})
	if err != nil {
		t.err = err
		return
	}
	if res.Rejected && t.s.eng.Catalog().Understand(text).Class == flows.ClassPerson {
		t.person()
		return
	}
	t.result(res)
}

// person puts her in touch with a person: the volunteers' question when
// the commune has volunteers; otherwise the commune's phone, desk and
// hours when it set them; otherwise the one-stop desk and the national
// hotline. Never "not configured" alone, and never /xa or /hoi, which
// would say the same.
func (t *turn) person() {
	if t.s.vol != nil {
		volunteerRoom{}.ask(t, "")
		return
	}
	t.say(t.contacts())
}

// contacts is how to reach a person without the bot: what the commune set
// of its phone, address, hours and volunteers, or the one-stop desk and
// the national hotline.
func (t *turn) contacts() string {
	var lines []string
	for _, id := range []string{communePhone, communeAddress, communeHours, communeVolunteers} {
		if q, ok := t.s.eng.Catalog().FAQ(id); ok {
			lines = append(lines, "• "+q.Answer)
		}
	}
	if len(lines) == 0 {
		return t.s.msg.PersonNone
	}
	return t.s.msg.PersonContacts + "\n" + strings.Join(lines, "\n")
}

// The commune's questions (bot/commune.yaml) that tell how to reach people.
const (
	communePhone      = "xa-dien-thoai"
	communeAddress    = "xa-dia-chi"
	communeHours      = "xa-gio-lam-viec"
	communeVolunteers = "xa-to-cong-nghe-so"
)

// communeTopic answers a question about the commune itself: from the
// commune's configuration (an answer with the intent's id), or, when the
// commune has not set it, says so, where to ask, and what it did set.
func (p procedureRoom) communeTopic(t *turn, it *flows.Intent) {
	if q, ok := t.s.eng.Catalog().FAQ(it.ID); ok {
		t.answer(q)
		return
	}
	t.say(flows.Fill(t.s.msg.CommuneMissing, "topic", it.Title))
	if card := communeCard(t.s.eng.Catalog()); card != "" {
		t.say(card) // what the commune did set
	}
}

// outOfScope says the bot does not guide what she asked, and where to ask;
// the volunteers may take it as a question. When nothing the bot knows
// matched at all, she gets the list of procedures too.
func (p procedureRoom) outOfScope(t *turn, text string, it *flows.Intent) {
	if it == nil {
		t.offer(text, nil)
		return
	}
	m := Message{Text: flows.Fill(t.s.msg.OutOfScope, "topic", it.Title)}
	t.conv.Menu = nil
	if t.s.vol != nil {
		m.Buttons = append(m.Buttons, t.askButton(text))
	}
	m.Buttons = append(m.Buttons, t.otherProcedures())
	t.out = append(t.out, m)
}

// notQuestion answers text that asks nothing, by what it is; a foreign
// language gets, in Vietnamese, that the bot reads only Vietnamese, and
// how to reach a person.
func (p procedureRoom) notQuestion(t *turn, text, kind string) {
	switch kind {
	case flows.NotQuestionDate:
		t.say(t.s.msg.NotQuestionDate)
	case flows.NotQuestionNumber:
		t.say(t.s.msg.NotQuestionNumber)
	case flows.NotQuestionForeign:
		m := Message{Text: t.s.msg.NotQuestionForeign}
		if t.s.vol != nil {
			t.conv.Menu = nil
			m.Buttons = []Button{t.askButton(text)}
		} else {
			m.Text += "\n\n" + t.contacts()
		}
		t.out = append(t.out, m)
	default:
		t.say(t.s.msg.NotQuestionText)
	}
}

// askButton offers to ask the volunteers what she typed, text: a line of
// the numbered list being shown.
func (t *turn) askButton(text string) Button {
	t.conv.Question = text
	return t.choice(t.s.msg.AskVolunteer, askTyped)
}

// offer lists the procedures and questions found for what she typed: one
// is offered with its summary (a question is answered), several are
// listed, none shows every procedure and, when the commune has
// volunteers, a way to ask them.
func (t *turn) offer(text string, found []flows.Match) {
	switch len(found) {
	case 0:
		t.menu(flows.Fill(t.s.msg.SearchNone, "text", cut(text, maxEcho)))
		if t.s.vol != nil {
			// What found nothing may be a question for a person.
			last := &t.out[len(t.out)-1]
			last.Buttons = append(last.Buttons, t.askButton(text))
		}
		return
	case 1:
		if q := found[0].FAQ; q != nil {
			t.answer(q)
			return
		}
		f := found[0].Flow
		t.conv.Menu = nil
		t.out = append(t.out, Message{
			Text:    flows.Fill(t.s.msg.SearchFound, "title", f.Title, "summary", f.Summary),
			Buttons: []Button{t.choice(f.Title, f.ID), t.otherProcedures()},
		})
		return
	}
	m := Message{Text: t.s.msg.SearchMore}
	t.conv.Menu = nil
	for _, x := range found {
		var entry string
		if x.FAQ != nil {
			entry = faqPrefix + x.FAQ.ID
		} else {
			entry = x.Flow.ID
		}
		m.Buttons = append(m.Buttons, t.choice(x.Title(), entry))
	}
	m.Buttons = append(m.Buttons, t.otherProcedures())
	t.out = append(t.out, m)
}
