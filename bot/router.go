package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/flows"
)

// router sends an update to the room that answers it. The rooms declare
// what they answer (register); the order in which the router looks is in
// one place, handle, and nowhere else.
type router struct {
	// commands by name, and typed words that act as one, as Normalize
	// reads them: the command's name ("nhac nho" is nhacnho).
	commands map[string]func(t *turn, arg string)
	words    map[string]string
	// items are buttons about one thing, not tied to a turn
	// ("r:<id>:<what>"), by their kind; they work whenever pressed, and
	// as entries of a numbered list.
	items map[string]func(t *turn, id, what string)
	// actions are buttons of a turn ("<turn>:<kind>:<arg>"), by kind.
	actions map[string]func(t *turn, arg string)
	// entries are what a numbered list's lines stand for, by the prefix
	// of the entry; "" (the procedures room) takes the rest.
	entries []entry
	// waits read what she types when the bot asked a room's question
	// (conversation.Pending "<kind>" or "<kind>:<arg>"), by kind; a wait
	// that does not take the text returns false and the router goes on.
	waits map[string]func(t *turn, arg, text string) bool
	// photoWaits are the waits that take a photo.
	photoWaits map[string]bool
	// open take free text while something of theirs is open (a question
	// to a person), in order.
	open []func(t *turn, text string) bool
	// first run on every update of a private chat before it is routed
	// (her visit of the day).
	first []func(t *turn)
	// events and groups are the rooms' handlers of a chat's events and of
	// group chats, in order; the first that takes the update ends it.
	events []func(t *turn) bool
	groups []func(t *turn) bool
	// cancel and back, in order, are the rooms' answers to "hủy" and
	// "quay lại"; the first that has something to cancel or go back to
	// takes it.
	cancel, back []func(t *turn) bool
	// free is the procedures room: the procedure under way, or what she
	// typed understood.
	free func(t *turn, text string)
	// group is the answer in a group no room took.
	group func(t *turn)
	// prereads are what rooms need read before an update that gives
	// their command (said), since the turn does no I/O (see
	// Service.Handle).
	prereads []preread
	// help are the rooms' lines of /trogiup, in order; a room that is off
	// in this commune says "".
	help []func(t *turn) string
	// actors carry out the effects, by the prefix of their action; the
	// longest prefix wins, "" (the procedures' actions, such as setting a
	// reminder) takes the rest. erasers are every actor that keeps
	// something of a person, for /xoadulieu. quiet are the actions whose
	// failure is the bot's business only: no apology to her.
	actors  []actorRoute
	erasers []func(s *Service) Effects
	quiet   map[string]bool
}

// actorRoute is who carries out the effects whose action starts with
// prefix: an actor of the Service, nil when that part is off.
type actorRoute struct {
	prefix string
	actor  func(s *Service) Effects
}

// actor declares who carries out the effects whose action starts with
// prefix, and whether it keeps something of a person (erase).
func (r *router) actor(prefix string, a func(s *Service) Effects, erases bool) {
	r.actors = append(r.actors, actorRoute{prefix, a})
	if erases {
		r.erasers = append(r.erasers, a)
	}
}

// actorOf is who carries out action, nil when nobody was given.
func (r *router) actorOf(s *Service, action string) Effects {
	best := -1
	var found Effects
	for _, ar := range r.actors {
		if strings.HasPrefix(action, ar.prefix) && len(ar.prefix) > best {
			best, found = len(ar.prefix), ar.actor(s)
		}
	}
	return found
}

// entry is a kind of line of a numbered list: entries starting with
// prefix go to take, the rest of the entry as its argument.
type entry struct {
	prefix string
	take   func(t *turn, rest string)
}

// preread is something a room needs read before an update of a private
// chat that gives command, as the router reads it (said): the command
// named, or words that act as it. When on says the room is on, read
// gives it, and the turn finds it under name (turn.read).
type preread struct {
	name    string
	command string
	on      func(s *Service) bool
	read    func(ctx context.Context, s *Service, u Update) (any, error)
}

// A room is one feature of the bot: what it answers, declared by
// register, with its code and its part of the conversation in one file.
type room interface {
	register(r *router)
}

func newRouter(rooms ...room) *router {
	r := &router{
		commands:   map[string]func(*turn, string){},
		words:      map[string]string{},
		items:      map[string]func(*turn, string, string){},
		actions:    map[string]func(*turn, string){},
		waits:      map[string]func(*turn, string, string) bool{},
		photoWaits: map[string]bool{},
		quiet:      map[string]bool{},
	}
	for _, rm := range rooms {
		rm.register(r)
	}
	for w, cmd := range r.words {
		if r.commands[cmd] == nil {
			panic("bot: the words " + w + " act as /" + cmd + ", which no room declares")
		}
	}
	// The longest prefix first: "nb:" before "n".
	slices.SortStableFunc(r.entries, func(a, b entry) int { return len(b.prefix) - len(a.prefix) })
	return r
}

// command declares a command ("/thongke") and its other names.
func (r *router) command(fn func(t *turn, arg string), names ...string) {
	for _, n := range names {
		r.commands[n] = fn
	}
}

// word declares typed words that act as the command cmd without an
// argument, as Normalize reads them ("nhac nho" is /nhacnho).
func (r *router) word(cmd string, words ...string) {
	for _, w := range words {
		r.words[w] = cmd
	}
}

func (r *router) item(kind string, fn func(t *turn, id, what string)) { r.items[kind] = fn }
func (r *router) action(fn func(t *turn, arg string), kinds ...string) {
	for _, k := range kinds {
		r.actions[k] = fn
	}
}
func (r *router) entry(prefix string, take func(t *turn, rest string)) {
	r.entries = append(r.entries, entry{prefix, take})
}
func (r *router) wait(kind string, fn func(t *turn, arg, text string) bool) { r.waits[kind] = fn }

// handle routes an update. Which room wins when several could take it is
// this order, and only this:
//
//  1. something happened to the chat (the bot added to a group) — events;
//  2. a group chat — the rooms' group handlers, else a short answer;
//  3. a button — one about a thing (a reminder, a ticket, a notice) by
//     its kind, else one of the turn's, by its kind (stale when the
//     conversation moved on);
//  4. a photo — the question that takes one (a notice's text);
//  5. a command, or words that act as one ("nhắc nhở");
//  6. a typed number — the line of the last numbered list shown: every
//     message that asks something decides what a number means (a list
//     makes it its lines; a question without one, its answer);
//  7. the question the bot asked last (conversation.Pending) — its room
//     reads the text, or lets it go on;
//  8. something open that takes free text — a question to a person;
//  9. "hủy", "quay lại", "menu" — the first room with something to
//     cancel or go back to;
//  10. anything else — the procedure under way, or understanding what
//     she typed.
func (r *router) handle(t *turn) {
	if t.u.Event != "" {
		for _, ev := range r.events {
			if ev(t) {
				return
			}
		}
		return
	}
	if !t.u.Chat.Private {
		for _, g := range r.groups {
			if g(t) {
				return
			}
		}
		r.group(t)
		return
	}
	for _, f := range r.first {
		f(t)
	}
	if t.u.Data != "" {
		r.press(t, t.u.Data)
		return
	}
	text := strings.TrimSpace(t.u.Text)
	if t.u.Photo != nil {
		if kind, arg := t.pending(); r.photoWaits[kind] {
			r.waits[kind](t, arg, text)
			return
		}
	}
	if text == "" {
		t.say(t.s.msg.NotText)
		return
	}
	cmd, arg, norm, ok := r.said(text)
	if ok {
		if fn, ok := r.commands[cmd]; ok {
			fn(t, arg)
			return
		}
		t.say(r.helpText(t))
		return
	}
	if n, err := strconv.Atoi(norm); err == nil && n >= 1 && n <= len(t.conv.Menu) {
		r.chose(t, t.conv.Menu[n-1])
		return
	}
	if kind, arg := t.pending(); kind != "" {
		if w, ok := r.waits[kind]; ok && w(t, arg, text) {
			return
		}
	}
	for _, o := range r.open {
		if o(t, text) {
			return
		}
	}
	switch norm {
	case "huy", "huy bo", "thoat":
		r.doCancel(t)
		return
	case "quay lai", "tro lai", "sua lai", "sua":
		r.doBack(t)
		return
	}
	r.free(t, text)
}

// said reads a typed text (trimmed) for the command it gives: the one
// it names, with its argument, or the one its words act as ("nhắc nhở"
// is nhacnho); otherwise norm is the text as Normalize reads it, for what
// comes after the commands. handle routes by it, and Service.Handle reads
// a command's prereads by it (commandOf), so what is read before is what
// the command uses.
func (r *router) said(text string) (cmd, arg, norm string, ok bool) {
	if cmd, arg, ok = command(text); ok {
		return cmd, arg, "", true
	}
	norm = flows.Normalize(text)
	cmd, ok = r.words[norm]
	return cmd, "", norm, ok
}

// commandOf is the command a typed text gives (said), "" for none.
func (r *router) commandOf(text string) string {
	cmd, _, _, _ := r.said(strings.TrimSpace(text))
	return cmd
}

// press routes a button: a thing's by its kind, a turn's by its kind.
func (r *router) press(t *turn, data string) {
	if r.takeItem(t, data) {
		return
	}
	a, ok := parseAction(data)
	if !ok || a.turn != t.conv.Turn {
		t.say(t.s.msg.StaleButton)
		return
	}
	if a.kind == actMenu {
		i, err := strconv.Atoi(a.arg)
		if err != nil || i < 0 || i >= len(t.conv.Menu) {
			t.say(t.s.msg.StaleButton)
			return
		}
		r.chose(t, t.conv.Menu[i])
		return
	}
	if fn, ok := r.actions[a.kind]; ok {
		fn(t, a.arg)
		return
	}
	t.say(t.s.msg.StaleButton)
}

// chose acts on a line of a numbered list, pressed or typed: a thing's
// button, or an entry, by its prefix.
func (r *router) chose(t *turn, e string) {
	if r.takeItem(t, e) {
		return
	}
	for _, en := range r.entries {
		if rest, ok := strings.CutPrefix(e, en.prefix); ok {
			en.take(t, rest)
			return
		}
	}
}

// takeItem gives data, when it is a button about a thing (itemData), to
// the room of its kind, and reports whether it did.
func (r *router) takeItem(t *turn, data string) bool {
	kind, id, what, ok := cutItem(data)
	if !ok {
		return false
	}
	fn, ok := r.items[kind]
	if !ok {
		return false
	}
	fn(t, id, what)
	return true
}

// helpText is /trogiup: what every chat can do, then each room's lines
// where it is on in this commune, then the way back and out.
func (r *router) helpText(t *turn) string {
	lines := []string{t.s.msg.HelpIntro}
	for _, h := range r.help {
		if line := h(t); line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(append(lines, t.s.msg.HelpOutro), "\n")
}

// doCancel gives "hủy" to the first room with something to cancel.
func (r *router) doCancel(t *turn) {
	for _, c := range r.cancel {
		if c(t) {
			return
		}
	}
	t.conv.Pending = ""
	t.say(t.s.msg.NothingToCancel)
}

// doBack gives "quay lại" to the first room with something to go back to.
func (r *router) doBack(t *turn) {
	for _, b := range r.back {
		if b(t) {
			return
		}
	}
	t.say(t.s.msg.NothingToGoBack)
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
