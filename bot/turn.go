package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/stats"
)

// turn is the handling of one update: it reads and changes the
// conversation and collects the reply. It does no I/O, so it may run again
// when the store reports a concurrent change.
type turn struct {
	s    *Service
	u    Update
	conv conversation
	now  time.Time
	out  []Message
	err  error
	// effects are what the procedure asked for, carried out after commit.
	effects []flows.Effect
	// listed are the chat's reminders, read before the update when it
	// asks for them.
	listed []reminders.Reminder
	// counts are the figures of use this update adds (stats fields).
	counts map[string]string
	// staff is set when the update begins a notice and its author is
	// staff (read before the update).
	staff bool

	bumped bool
}

func (t *turn) say(text string) { t.out = append(t.out, Message{Text: text}) }

// turnNo returns the turn that buttons sent now carry, moving the
// conversation's turn on once per update so that older buttons go stale.
func (t *turn) turnNo() int {
	if !t.bumped {
		t.conv.Turn++
		t.bumped = true
	}
	return t.conv.Turn
}

func (t *turn) button(label, kind, arg string) Button {
	return Button{Label: label, Data: buttonData(t.turnNo(), kind, arg)}
}

func (t *turn) handle() {
	if t.u.Event != "" {
		t.event()
		return
	}
	if !t.u.Chat.Private {
		if t.groupTicket() {
			return
		}
		t.group()
		return
	}
	t.visit()
	if id, what, ok := parseTicketData(t.u.Data); ok {
		t.ticketPress(id, what)
		return
	}
	if id, what, ok := parseReminderData(t.u.Data); ok {
		t.pressReminder(id, what)
		return
	}
	if id, what, ok := parseItemData(noticeButton, t.u.Data); ok && what == ntCancel {
		t.cancelNotice(id)
		return
	}
	if t.u.Data != "" {
		t.press(t.u.Data)
		return
	}
	text := strings.TrimSpace(t.u.Text)
	if t.conv.Draft != nil && t.u.Photo != nil {
		t.noticeTyped(text) // a photo for the notice, its caption the text
		return
	}
	if text == "" {
		t.say(t.s.msg.NotText)
		return
	}
	if asksReminders(text) {
		t.reminderList()
		return
	}
	if cmd, arg, ok := command(text); ok {
		t.command(cmd, arg)
		return
	}
	if t.conv.Draft != nil {
		switch flows.Normalize(text) {
		case "huy", "huy bo", "thoat":
			t.cancel()
		case "quay lai", "tro lai":
			t.back()
		default:
			t.noticeTyped(text)
		}
		return
	}
	if id, ok := strings.CutPrefix(t.conv.Pending, pendingRenew); ok {
		t.renewDate(id, text)
		return
	}
	if t.conv.Pending == pendingAsk {
		t.confirmAsk(text)
		return
	}
	if t.confirmingAsk(text) {
		return
	}
	if t.itemChosen(text) {
		return
	}
	if t.relayed(text) {
		return
	}
	switch flows.Normalize(text) {
	case "huy", "huy bo", "thoat":
		t.cancel()
		return
	case "quay lai", "tro lai", "sua lai", "sua":
		t.back()
		return
	case "menu", "danh sach":
		t.menu(t.s.msg.MenuTitle)
		return
	}
	switch {
	case t.conv.Pending == pendingVillage || t.conv.Pending == pendingVillageStart:
		t.villageTyped(text)
	case t.conv.Flow == nil && isGreeting(text):
		t.command("start", "")
	case t.conv.Pending == pendingErase:
		// The buttons read 1. erase, 2. keep.
		switch yes, ok := flows.ParseYesNo(text); {
		case ok:
			t.erase(yes)
			return
		case text == "1" || text == "2":
			t.erase(text == "1")
			return
		}
		t.conv.Pending = ""
		t.typed(text)
	default:
		t.typed(text)
	}
}

// itemChosen acts on a typed number that chooses a button of a ticket's
// message the bot sent from the other side (channels without buttons):
// that choice comes before relaying her text to the other side. A
// procedure under way keeps typed numbers for its own question.
func (t *turn) itemChosen(text string) bool {
	n, err := strconv.Atoi(flows.Normalize(text))
	if err != nil || n < 1 || n > len(t.conv.Menu) || t.conv.Flow != nil {
		return false
	}
	entry := t.conv.Menu[n-1]
	if _, _, ok := parseTicketData(entry); !ok {
		return false
	}
	t.offered(entry)
	return true
}

// command splits "/thutuc khai sinh" into "thutuc" and "khai sinh". A
// command addressed to a bot ("/start@motcua_bot") loses the address.
func command(text string) (cmd, arg string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	cmd, arg, _ = strings.Cut(text[1:], " ")
	cmd, _, _ = strings.Cut(cmd, "@")
	return strings.ToLower(cmd), strings.TrimSpace(arg), true
}

func (t *turn) command(cmd, arg string) {
	switch cmd {
	case "start":
		// A fresh start, but what she ticked on her lists stays, and
		// what the bot knows of her day and village.
		t.quit()
		t.conv = conversation{Turn: t.conv.Turn, Kept: t.conv.Kept, Day: t.conv.Day, VillageAsked: t.conv.VillageAsked}
		if arg != "" {
			t.start(arg)
			return
		}
		t.greet()
	case "thon":
		t.askVillage(pendingVillage)
	case "tatthongbao", "batthongbao":
		t.setNotices(cmd == "batthongbao")
	case "thongbao":
		t.beginNotice()
	case "huythongbao":
		t.cancelNotice(arg)
	case "dsthongbao":
		t.listNotices()
	case "thongke":
		t.figures()
	case "thutuc":
		if arg != "" {
			t.search(arg)
			return
		}
		t.menu(t.s.msg.MenuTitle)
	case "huy":
		t.cancel()
	case "quaylai":
		t.back()
	case "trogiup", "help":
		t.say(t.s.msg.Help)
		if t.s.com != nil {
			// Staff read their own commands after everyone's.
			t.effects = append(t.effects, flows.Effect{Action: effectStaffHelp, Args: map[string]string{"user": t.user()}})
		}
	case "xa":
		t.commune()
	case "hoi":
		t.askVolunteer(arg)
	case "moi", "thamgia":
		if t.s.vol == nil {
			t.say(t.s.msg.TicketOff)
			return
		}
		if cmd == "moi" {
			t.effects = append(t.effects, flows.Effect{Action: effectInvite, Args: map[string]string{"user": t.user(), "role": arg}})
		} else {
			t.effects = append(t.effects, flows.Effect{Action: effectJoin, Args: map[string]string{"user": t.user(), "code": arg}})
		}
	case "phieu":
		if t.s.vol == nil {
			t.say(t.s.msg.TicketOff)
			return
		}
		t.effects = append(t.effects, flows.Effect{Action: effectList, Args: map[string]string{"user": t.user()}})
	case "xoadulieu":
		t.conv.Pending = pendingErase
		t.out = append(t.out, Message{Text: t.s.msg.EraseConfirm, Buttons: []Button{
			t.button(t.s.msg.EraseYes, actErase, ""),
			t.button(t.s.msg.EraseNo, actKeep, ""),
		}})
	default:
		t.say(t.s.msg.Help)
	}
}

// press handles a button.
func (t *turn) press(data string) {
	a, ok := parseAction(data)
	if !ok || a.turn != t.conv.Turn {
		t.say(t.s.msg.StaleButton)
		return
	}
	switch a.kind {
	case actChoice:
		if t.conv.Flow == nil {
			t.say(t.s.msg.StaleButton)
			return
		}
		t.step(flows.Input{Choice: a.arg})
	case actBack:
		t.back()
	case actAsk:
		t.askVolunteer("")
	case actCancel:
		t.cancel()
	case actMenu:
		i, err := strconv.Atoi(a.arg)
		if err != nil || i < 0 || i >= len(t.conv.Menu) {
			t.say(t.s.msg.StaleButton)
			return
		}
		t.offered(t.conv.Menu[i])
	case actErase, actKeep:
		if t.conv.Pending != pendingErase {
			t.say(t.s.msg.StaleButton)
			return
		}
		t.erase(a.kind == actErase)
	default:
		t.say(t.s.msg.StaleButton)
	}
}

// typed handles text that is not a command.
func (t *turn) typed(text string) {
	if t.conv.Flow != nil {
		t.step(flows.Input{Text: text})
		return
	}
	if n, err := strconv.Atoi(flows.Normalize(text)); err == nil && n >= 1 && n <= len(t.conv.Menu) {
		t.offered(t.conv.Menu[n-1])
		return
	}
	t.search(text)
}

// offered acts on an entry of the last menu: a procedure, a question
// ("?" and its id), or "" for the list of all.
func (t *turn) offered(id string) {
	if rid, what, ok := parseReminderData(id); ok {
		t.pressReminder(rid, what)
		return
	}
	if tid, what, ok := parseTicketData(id); ok {
		t.ticketPress(tid, what)
		return
	}
	switch {
	case strings.HasPrefix(id, villagePrefix) && t.s.com != nil:
		t.chooseVillage(strings.TrimPrefix(id, villagePrefix))
	case strings.HasPrefix(id, noticePrefix) && t.s.com != nil:
		t.noticeChoice(strings.TrimPrefix(id, noticePrefix))
	case id == "":
		t.menu(t.s.msg.MenuTitle)
	case id == askSend:
		t.sendAsk()
	case id == askCancel:
		t.conv.Question, t.conv.Menu = "", nil
		t.say(t.s.msg.TicketNotSent)
	case id == askTyped:
		t.askVolunteer(t.conv.Question)
	case strings.HasPrefix(id, endedPrefix):
		t.ending(strings.TrimPrefix(id, endedPrefix))
	case strings.HasPrefix(id, sourcesPrefix):
		t.faqSources(strings.TrimPrefix(id, sourcesPrefix))
	case strings.HasPrefix(id, faqPrefix):
		q, ok := t.s.eng.Catalog().FAQ(strings.TrimPrefix(id, faqPrefix))
		if !ok {
			t.say(t.s.msg.StaleButton)
			return
		}
		t.answer(q)
	default:
		t.start(id)
	}
}

// faqPrefix marks a question among the procedures of a menu.
const faqPrefix = "?"

// answer gives a question's answer and its source, then offers the related
// procedure and the list of all.
func (t *turn) answer(q *flows.FAQ) {
	t.conv.Menu = nil
	m := Message{Text: q.Answer}
	if f, ok := t.s.eng.Catalog().Flow(q.Related); ok {
		t.conv.Menu = []string{f.ID}
		m.Buttons = append(m.Buttons, t.button(f.Title, actMenu, "0"))
	}
	m.Buttons = append(m.Buttons, t.faqSourcesButton(q), t.otherProcedures())
	t.out = append(t.out, m)
}

// otherProcedures is the button that lists every procedure, numbered after
// the menu entries before it.
func (t *turn) otherProcedures() Button {
	t.conv.Menu = append(t.conv.Menu, "")
	return t.button(t.s.msg.OtherProcedures, actMenu, strconv.Itoa(len(t.conv.Menu)-1))
}

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

func (t *turn) step(in flows.Input) {
	in.Now = t.now
	res, err := t.s.eng.Step(*t.conv.Flow, in)
	if err != nil {
		t.err = err
		return
	}
	t.result(res)
}

// result turns the engine's outputs into messages and keeps its state.
func (t *turn) result(res flows.Result) {
	t.effects = append(t.effects, res.Effects...)
	for k, v := range t.s.eng.Kept(res.State) {
		if t.conv.Kept == nil {
			t.conv.Kept = map[string]string{}
		}
		t.conv.Kept[k] = v
	}
	t.outputs(res.Out)
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

// count adds one to a figure of use.
func (t *turn) count(field string) {
	if t.counts == nil {
		t.counts = map[string]string{}
	}
	t.counts[field] = ""
}

func (t *turn) back() {
	if t.conv.Draft != nil {
		t.noticeBack()
		return
	}
	if t.conv.Flow == nil && t.conv.Ended != nil {
		t.reopen()
		return
	}
	if t.conv.Flow == nil {
		t.say(t.s.msg.NothingToGoBack)
		return
	}
	t.step(flows.Input{Back: true})
}

func (t *turn) cancel() {
	if t.conv.Draft != nil {
		t.endNotice()
		t.say(t.s.com.Texts.NoticeDiscarded)
		return
	}
	t.conv.Pending = ""
	if t.conv.Flow == nil {
		t.say(t.s.msg.NothingToCancel)
		return
	}
	title := t.conv.Flow.Flow
	if f, ok := t.s.eng.Catalog().Flow(title); ok {
		title = f.Title
	}
	t.quit()
	t.menu(flows.Fill(t.s.msg.Cancelled, "title", title))
}

func (t *turn) erase(yes bool) {
	if !yes {
		t.conv.Pending = ""
		t.say(t.s.msg.EraseKept)
		return
	}
	// The conversation record is dropped when the update commits; the
	// reminders are erased after it.
	t.conv = conversation{}
	t.bumped = true
	t.effects = append(t.effects, flows.Effect{Action: effectErase})
	t.say(t.s.msg.EraseDone)
}

// commune shows everything the commune's configuration tells: its
// questions (ids "xa-…") answered one after the other.
func (t *turn) commune() {
	var parts []string
	for _, q := range t.s.eng.Catalog().FAQs() {
		if strings.HasPrefix(q.ID, communePrefix) {
			parts = append(parts, q.Answer)
		}
	}
	if len(parts) == 0 {
		t.say(t.s.msg.CommuneNone)
		return
	}
	t.say(strings.Join(parts, "\n\n"))
}

// communePrefix starts the ids of the questions made from the commune's
// configuration (bot/commune.yaml).
const communePrefix = "xa-"

// menu lists every procedure as numbered choices after the given text.
func (t *turn) menu(text string) {
	flowsList := t.s.eng.Catalog().Flows()
	ids := make([]string, len(flowsList))
	m := Message{Text: text}
	for i, f := range flowsList {
		ids[i] = f.ID
		m.Buttons = append(m.Buttons, t.button(f.Title, actMenu, strconv.Itoa(i)))
	}
	t.conv.Menu = ids
	t.out = append(t.out, m)
}

// search offers the procedures that match what the citizen typed.
func (t *turn) search(text string) {
	found := t.s.eng.Catalog().Search(text)
	switch len(found) {
	case 0:
		t.menu(flows.Fill(t.s.msg.SearchNone, "text", text))
		if t.s.vol != nil {
			// What found nothing may be a question for a person.
			t.conv.Question = text
			t.conv.Menu = append(t.conv.Menu, askTyped)
			last := &t.out[len(t.out)-1]
			last.Buttons = append(last.Buttons, t.button(t.s.msg.AskVolunteer, actMenu, strconv.Itoa(len(t.conv.Menu)-1)))
		}
		return
	case 1:
		if q := found[0].FAQ; q != nil {
			t.answer(q)
			return
		}
		f := found[0].Flow
		t.conv.Menu = []string{f.ID}
		t.out = append(t.out, Message{
			Text:    flows.Fill(t.s.msg.SearchFound, "title", f.Title, "summary", f.Summary),
			Buttons: []Button{t.button(f.Title, actMenu, "0"), t.otherProcedures()},
		})
		return
	}
	m := Message{Text: t.s.msg.SearchMore}
	t.conv.Menu = nil
	for i, x := range found {
		if x.FAQ != nil {
			t.conv.Menu = append(t.conv.Menu, faqPrefix+x.FAQ.ID)
		} else {
			t.conv.Menu = append(t.conv.Menu, x.Flow.ID)
		}
		m.Buttons = append(m.Buttons, t.button(x.Title(), actMenu, strconv.Itoa(i)))
	}
	m.Buttons = append(m.Buttons, t.otherProcedures())
	t.out = append(t.out, m)
}

// group answers in a village group: briefly, with a way to a private chat,
// and without keeping anything.
func (t *turn) group() {
	text := strings.TrimSpace(t.u.Text)
	if cmd, arg, ok := command(text); ok {
		switch cmd {
		case "start", "thutuc":
			text = arg
		case "trogiup", "help":
			t.say(t.s.msg.Help)
			return
		case "thon":
			t.groupVillage(arg)
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
