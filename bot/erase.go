package bot

import "github.com/motcua/motcua/flows"

// eraseRoom is /xoadulieu: it asks first, then erases the conversation at
// once and, after the commit, everything each room keeps of her (the
// erase effect goes to every room's actor that keeps something: her
// reminders, her questions, her village, the notices' record of her). It
// keeps only its question in the conversation (Pending "erase").
type eraseRoom struct{}

// The erase room's question: erase everything, yes or no.
const pendingErase = "erase"

func (eraseRoom) register(r *router) {
	e := eraseRoom{}
	r.command(e.ask, "xoadulieu")
	r.action(func(t *turn, _ string) { e.answer(t, true) }, actErase)
	r.action(func(t *turn, _ string) { e.answer(t, false) }, actKeep)
	r.wait(pendingErase, e.typed)
}

func (eraseRoom) ask(t *turn, _ string) {
	t.wait(pendingErase, "")
	t.show(Message{Text: t.s.msg.EraseConfirm, Buttons: []Button{
		t.button(t.s.msg.EraseYes, actErase, ""),
		t.button(t.s.msg.EraseNo, actKeep, ""),
	}})
}

// typed reads the answer typed: yes or no, or the number of a button (1
// erases, 2 keeps). Anything else drops the question and goes on.
func (e eraseRoom) typed(t *turn, _, text string) bool {
	switch yes, ok := flows.ParseYesNo(text); {
	case ok:
		e.answer(t, yes)
		return true
	case text == "1" || text == "2":
		e.answer(t, text == "1")
		return true
	}
	t.conv.Pending = ""
	return false
}

func (eraseRoom) answer(t *turn, yes bool) {
	if t.conv.Pending != pendingErase {
		t.say(t.s.msg.StaleButton)
		return
	}
	if !yes {
		t.conv.Pending = ""
		t.say(t.s.msg.EraseKept)
		return
	}
	// The conversation record is dropped when the update commits; what
	// the rooms keep is erased after it.
	t.conv = conversation{}
	t.bumped = true
	t.act(effectErase, nil)
	t.say(t.s.msg.EraseDone)
}
