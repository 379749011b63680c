package bot

import (
	"maps"
	"strings"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/stats"
)

// procedureRoom is the procedures: the list of them, starting one, its
// steps (flows.Engine), going back and stopping, the answers to short
// questions, and what she types outside a procedure, understood
// (understand.go). In a group it answers briefly, with a way to a private
// chat. Its part of the conversation is procState.
type procedureRoom struct{}

// procState is the procedures' part of the conversation.
type procState struct {
	// Flow is the procedure under way, if any.
	Flow *flows.State `json:"s,omitempty"`
	// Ended is the procedure that ended last, at its end: its details and
	// sources are still offered, and "sửa lại" reopens its last question.
	Ended *flows.State `json:"e,omitempty"`
	// Kept is what outlives a procedure — the ticks of a tasks list — by
	// "flow/name", so the next time starts where she left off.
	Kept map[string]string `json:"k,omitempty"`
}

func (s procState) empty() bool { return s.Flow == nil && s.Ended == nil && s.Kept == nil }

func (procedureRoom) register(r *router) {
	p := procedureRoom{}
	r.command(p.startCommand, "start")
	r.command(func(t *turn, arg string) {
		if arg != "" {
			t.offer(arg, t.s.eng.Catalog().Search(arg))
			return
		}
		t.menu(t.s.msg.MenuTitle)
	}, "thutuc")
	r.command(func(t *turn, _ string) { r.doCancel(t) }, "huy")
	r.command(func(t *turn, _ string) { r.doBack(t) }, "quaylai")
	r.word("thutuc", "menu", "danh sach")
	r.action(func(t *turn, choice string) {
		if t.conv.Flow == nil {
			t.say(t.s.msg.StaleButton)
			return
		}
		p.step(t, flows.Input{Choice: choice})
	}, actChoice)
	r.action(func(t *turn, _ string) { r.doBack(t) }, actBack)
	r.action(func(t *turn, _ string) { r.doCancel(t) }, actCancel)
	r.entry(endedPrefix, func(t *turn, what string) { t.ending(what) })
	r.entry(sourcesPrefix, func(t *turn, id string) { t.faqSources(id) })
	r.entry(faqPrefix, func(t *turn, id string) {
		q, ok := t.s.eng.Catalog().FAQ(id)
		if !ok {
			t.say(t.s.msg.StaleButton)
			return
		}
		t.answer(q)
	})
	r.entry("", func(t *turn, id string) {
		if id == "" {
			t.menu(t.s.msg.MenuTitle)
			return
		}
		t.start(id)
	})
	r.cancel = append(r.cancel, p.cancel)
	r.back = append(r.back, p.back)
	r.free = p.typed
	r.group = p.group
	// A procedure's own actions (a step that sets a reminder): Options.Effects.
	r.actor("", func(s *Service) Effects { return s.effects }, false)
}

// startCommand is /start: a fresh start — but what she ticked on her
// lists stays, and what the bot knows of her day and village — at the
// procedure named, or the greeting.
func (p procedureRoom) startCommand(t *turn, arg string) {
	t.quit()
	t.conv = conversation{Turn: t.conv.Turn, procState: procState{Kept: t.conv.Kept}, visitState: t.conv.visitState}
	if arg != "" {
		t.start(arg)
		return
	}
	t.greet()
}

// typed is free text: the procedure under way takes it; outside one, a
// greeting is a start, anything else is understood.
func (p procedureRoom) typed(t *turn, text string) {
	switch {
	case t.conv.Flow != nil:
		p.stepTyped(t, text)
	case isGreeting(text):
		p.startCommand(t, "")
	default:
		p.understand(t, text)
	}
}

func (p procedureRoom) step(t *turn, in flows.Input) {
	in.Now = t.now
	res, err := t.s.eng.Step(*t.conv.Flow, in)
	if err != nil {
		t.err = err
		return
	}
	t.result(res)
}

func (p procedureRoom) back(t *turn) bool {
	if t.conv.Flow == nil && t.conv.Ended != nil {
		t.reopen()
		return true
	}
	if t.conv.Flow == nil {
		return false
	}
	p.step(t, flows.Input{Back: true})
	return true
}

func (p procedureRoom) cancel(t *turn) bool {
	if t.conv.Flow == nil {
		return false
	}
	t.conv.Pending = ""
	title := flowTitle(t.s.eng.Catalog(), t.conv.Flow.Flow)
	t.quit()
	t.menu(flows.Fill(t.s.msg.Cancelled, "title", title))
	return true
}

// flowTitle names a procedure by its title, or by its id when the
// catalogue has it no more (or there is none).
func flowTitle(cat *flows.Catalog, id string) string {
	if cat != nil {
		if f, ok := cat.Flow(id); ok {
			return f.Title
		}
	}
	return id
}

// start begins the procedure id.
func (t *turn) start(id string) {
	res, err := t.s.eng.Start(id, t.now, t.conv.Kept)
	if err != nil {
		t.say(flows.Fill(t.s.msg.UnknownFlow, "id", id))
		t.menu(t.s.msg.MenuTitle)
		return
	}
	t.quit() // she leaves the procedure under way for another
	t.count(stats.Started(res.State.Flow))
	t.conv.Menu, t.conv.Pending, t.conv.Ended = nil, "", nil
	t.result(res)
}

// result turns the engine's outputs into messages and keeps its state. A
// question of the procedure is the last thing asked: typed numbers are
// its answers, not the lines of a list shown before.
func (t *turn) result(res flows.Result) {
	// When a reminder set now will be sent is said after the step's
	// outputs.
	var when []string
	for _, e := range res.Effects {
		if e.Action == effectSet {
			if e.Args["id"] == "" {
				// The reminder's id is chosen now and saved with the reply,
				// so that the step carried out again after a crash sets the
				// same one, not a second.
				e.Args = maps.Clone(e.Args)
				if e.Args == nil {
					e.Args = map[string]string{}
				}
				e.Args["id"] = newID()
			}
			if d, err := flows.ParseISODate(e.Args["expiry"]); err == nil && t.s.rem != nil {
				when = append(when, t.s.rem.whenSet(d, t.now))
			}
		}
		t.effects = append(t.effects, e)
	}
	for k, v := range t.s.eng.Kept(res.State) {
		if t.conv.Kept == nil {
			t.conv.Kept = map[string]string{}
		}
		t.conv.Kept[k] = v
	}
	t.outputs(res.Out)
	for _, w := range when {
		t.say(w)
	}
	switch {
	case res.Done:
		t.count(stats.Done(res.State.Flow))
		t.conv.Flow = nil
		t.closing(res.State)
	case !res.Rejected:
		st := res.State
		t.conv.Flow, t.conv.Ended = &st, nil
	}
}

// quit counts the procedure under way, if any, as given up at its step,
// and leaves it.
func (t *turn) quit() {
	if t.conv.Flow == nil {
		return
	}
	t.count(stats.Quit(t.conv.Flow.Flow, t.conv.Flow.Step))
	t.conv.Flow = nil
}

// faqPrefix marks a question among the procedures of a menu.
const faqPrefix = "?"

// answer gives a question's answer, then offers its sources, the related
// procedure and the list of all.
func (t *turn) answer(q *flows.FAQ) {
	t.conv.Menu = nil
	m := Message{Text: q.Answer}
	if f, ok := t.s.eng.Catalog().Flow(q.Related); ok {
		m.Buttons = append(m.Buttons, t.choice(f.Title, f.ID))
	}
	m.Buttons = append(m.Buttons, t.faqSourcesButton(q), t.otherProcedures())
	t.out = append(t.out, m)
}

// otherProcedures is the button that lists every procedure, numbered after
// the menu entries before it.
func (t *turn) otherProcedures() Button {
	return t.choice(t.s.msg.OtherProcedures, "")
}

// menu lists every procedure as numbered choices after the given text.
func (t *turn) menu(text string) {
	flowsList := t.s.eng.Catalog().Flows()
	t.conv.Menu = make([]string, 0, len(flowsList))
	m := Message{Text: text}
	for _, f := range flowsList {
		m.Buttons = append(m.Buttons, t.choice(f.Title, f.ID))
	}
	t.out = append(t.out, m)
}

// group answers in a village group: briefly, with a way to a private chat,
// and without keeping anything.
func (p procedureRoom) group(t *turn) {
	text := strings.TrimSpace(t.u.Text)
	if cmd, arg, ok := command(text); ok {
		switch cmd {
		case "start", "thutuc":
			text = arg
		case "trogiup", "help":
			t.say(t.s.router.helpText(t))
			return
		default:
			return
		}
	}
	cat := t.s.eng.Catalog()
	f, ok := cat.Flow(text)
	if found := cat.Search(text); !ok && len(found) > 0 {
		if q := found[0].FAQ; q != nil {
			t.out = append(t.out, Message{Text: q.Answer, Buttons: []Button{{Label: t.s.msg.OpenPrivateChat, OpenChat: true}}})
			return
		}
		f, ok = found[0].Flow, true
	}
	if ok {
		t.out = append(t.out, Message{
			Text:    flows.Fill(t.s.msg.GroupFound, "title", f.Title),
			Buttons: []Button{{Label: flows.Fill(t.s.msg.OpenPrivate, "title", f.Title), OpenChat: true, OpenFlow: f.ID}},
		})
		return
	}
	t.out = append(t.out, Message{Text: t.s.msg.GroupMenu, Buttons: []Button{{Label: t.s.msg.OpenPrivateChat, OpenChat: true}}})
}
