package bot

import (
	"unicode/utf8"

	"github.com/motcua/motcua/flows"
)

// endedPrefix marks, in the menu after a procedure's end, what the end
// still offers: "#chi_tiet" (the details), "#nguon" (the sources).
const endedPrefix = "#"

// outputs turns the engine's outputs into messages: choices as buttons, and
// on the question that waits, the way back, out, and to a volunteer. A
// question of the procedure is the last thing asked: typed numbers are its
// answers, not the lines of a list shown before.
func (t *turn) outputs(out []flows.Output) {
	for _, o := range out {
		m := Message{Text: o.Text}
		for _, opt := range o.Options {
			m.Buttons = append(m.Buttons, t.button(opt.Label, actChoice, opt.ID))
		}
		if o.Prompt {
			t.conv.Menu = nil
			m.Nav = []Button{t.button(t.s.msg.Back, actBack, ""), t.button(t.s.msg.Cancel, actCancel, "")}
			if t.s.vol != nil {
				m.Nav = append(m.Nav, t.button(t.s.msg.AskVolunteer, actAsk, ""))
				// The 🙋 of channels without buttons: a word to type.
				m.Hint = t.s.msg.TypedHintInputAsk
				if len(m.Buttons) > 0 {
					m.Hint = t.s.msg.TypedHintAsk
				}
			} else {
				m.Hint = t.s.msg.TypedHintInput
				if len(m.Buttons) > 0 {
					m.Hint = t.s.msg.TypedHint
				}
			}
		}
		t.out = append(t.out, m)
	}
}

// closing ends a reply that leaves a procedure at its end: one line with
// what the end still offers (details, sources) and the list of all
// procedures, numbered so that a typed number picks them, and the way to
// change the last answer.
func (t *turn) closing(st flows.State) {
	t.conv.Ended = &st
	t.conv.Menu = nil
	m := Message{Text: t.s.msg.AfterEnd, Hint: t.s.msg.AfterEndHint}
	for _, o := range t.s.eng.Ending(st, t.now) {
		m.Buttons = append(m.Buttons, t.choice(o.Label, endedPrefix+o.ID))
	}
	m.Buttons = append(m.Buttons, t.otherProcedures())
	m.Nav = []Button{t.button(t.s.msg.FixLast, actBack, "")}
	// One message rather than two when the end's last one has room: a
	// send saved, and the choices sit under what they follow.
	if n := len(t.out); n > 0 && joinable(t.out[n-1], m) {
		last := &t.out[n-1]
		m.Text = last.Text + "\n\n" + m.Text
		*last = m
		return
	}
	t.out = append(t.out, m)
}

// maxJoined bounds a message made of two: about 25 lines of a phone.
const maxJoined = 900

// joinable reports whether m, a plain message of text, can take next
// under it and still fit a phone's screen, next's choices counted as the
// channels without buttons show them (a numbered line each, the hint).
func joinable(m, next Message) bool {
	if m.To != "" || m.Photo != nil || len(m.Buttons) > 0 || len(m.Nav) > 0 || m.Hint != "" {
		return false
	}
	n := utf8.RuneCountInString(m.Text) + 2 + utf8.RuneCountInString(next.Text) + utf8.RuneCountInString(next.Hint) + 1
	for _, b := range next.Buttons {
		n += utf8.RuneCountInString(b.Label) + 7 // "\n  12. "
	}
	return n <= maxJoined
}

// ending shows what she chose of what the ended procedure offers.
func (t *turn) ending(what string) {
	if t.conv.Ended == nil {
		t.say(t.s.msg.StaleButton)
		return
	}
	res, err := t.s.eng.Step(*t.conv.Ended, flows.Input{Choice: what, Now: t.now})
	if err != nil {
		t.err = err
		return
	}
	t.outputs(res.Out)
	t.closing(res.State)
}

// reopen goes back from the end of the procedure that ended to its last
// question, to change the answer ("sửa lại", "quay lại").
func (t *turn) reopen() {
	st := *t.conv.Ended
	t.conv.Ended = nil
	res, err := t.s.eng.Step(st, flows.Input{Back: true, Now: t.now})
	if err != nil {
		t.err = err
		return
	}
	t.result(res)
}
