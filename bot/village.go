package bot

import (
	"strconv"
	"strings"

	"github.com/motcua/motcua/flows"
)

// villageRoom is where she lives and what she hears of the commune: her
// village, asked at the greeting (she may skip it) and by /thon; /tatthongbao
// and /batthongbao; her visit of the day; in a village group, the bot
// joining, leaving or moving and staff tying the group to its village
// (/thon <số>). What is stored is the Community's people. Its part of the
// conversation is visitState.
type villageRoom struct{}

// visitState is the villages' part of the conversation.
type visitState struct {
	// Day is the day (yyyy-mm-dd) she was last recorded as seen.
	Day string `json:"d,omitempty"`
	// VillageAsked is set once the bot asked her village.
	VillageAsked bool `json:"va,omitempty"`
}

func (s visitState) empty() bool { return s.Day == "" && !s.VillageAsked }

// The villages' question: her village, asked at the greeting (arg
// "start": the menu follows the answer) or by /thon.
const (
	pendingVillage = "village"
	villageAtStart = "start"
)

func (villageRoom) register(r *router) {
	v := villageRoom{}
	r.first = append(r.first, v.visit)
	r.command(func(t *turn, _ string) { v.ask(t, "") }, "thon")
	r.command(func(t *turn, _ string) { v.setNotices(t, false) }, "tatthongbao")
	r.command(func(t *turn, _ string) { v.setNotices(t, true) }, "batthongbao")
	r.entry(villagePrefix, func(t *turn, id string) {
		if t.s.com == nil {
			return
		}
		v.choose(t, id)
	})
	r.wait(pendingVillage, v.typed)
	r.help = append(r.help, func(t *turn) string {
		if t.s.com == nil || len(t.s.com.Villages) == 0 {
			return ""
		}
		return t.s.msg.HelpVillages
	}, func(t *turn) string {
		if t.s.com == nil || t.s.com.Notices == nil {
			return ""
		}
		return t.s.msg.HelpNotices
	})
	r.events = append(r.events, v.event)
	r.groups = append(r.groups, v.group)
	r.actor("people_", community, true)
	// Her visit and the figures are the bot's business: no apology when
	// they cannot be recorded.
	r.quiet[effectSeen], r.quiet[effectCount] = true, true
}

// community is the Community as an actor, nil when it is off.
func community(s *Service) Effects {
	if s.com == nil {
		return nil
	}
	return s.com
}

// villagePrefix marks a village among the entries of a menu; the entry of
// "skip" has no id.
const villagePrefix = "thon:"

// greetings are what people type to begin, on channels without a /start
// button (Zalo).
var greetings = map[string]bool{
	"xin chao": true, "chao": true, "chao ban": true, "chao em": true, "chao bot": true,
	"hello": true, "hi": true, "alo": true, "bat dau": true,
}

// visit records, once a day, that she wrote: the audience of notices is
// the people seen, and their last day. Once a day, not every message,
// keeps it off the path of a message (one round trip a person a day).
func (villageRoom) visit(t *turn) {
	if t.s.com == nil {
		return
	}
	day := flows.DateOf(t.now).ISO()
	if t.conv.Day == day {
		return
	}
	t.conv.Day = day
	t.act(effectSeen, nil)
}

// greet says hello and, the first time, asks her village before showing
// the procedures.
func (t *turn) greet() {
	if c := t.s.com; c != nil && len(c.Villages) > 0 && !t.conv.VillageAsked {
		t.say(c.Texts.VillageGreeting)
		villageRoom{}.ask(t, villageAtStart)
		return
	}
	t.menu(t.s.msg.Greeting)
}

// ask lists the villages as choices, with "skip"; at is villageAtStart at
// the greeting.
func (villageRoom) ask(t *turn, at string) {
	c := t.s.com
	if c == nil || len(c.Villages) == 0 {
		t.say(c.textsOr().VillageNone)
		return
	}
	m := Message{Text: c.Texts.VillageAsk}
	t.wait(pendingVillage, at)
	for _, v := range c.Villages {
		m.Buttons = append(m.Buttons, t.choice(v.Name, villagePrefix+v.ID))
	}
	m.Buttons = append(m.Buttons, t.choice(c.Texts.VillageSkip, villagePrefix))
	m.Hint = c.Texts.VillageTypedHint // neither "quay lại" nor "hủy" apply
	t.conv.VillageAsked = true
	t.out = append(t.out, m)
}

// typed reads an answer to the village question. Anything else she types
// is not lost: the question is dropped and the text goes on.
func (v villageRoom) typed(t *turn, at, text string) bool {
	if t.s.com == nil {
		t.conv.Pending = ""
		return false
	}
	if isGreeting(text) {
		t.say(t.s.com.Texts.VillageGreeting)
		v.ask(t, at)
		return true
	}
	n := flows.Normalize(text)
	if n == "bo qua" || n == "khong" || n == "thoi" {
		v.choose(t, "")
		return true
	}
	if village, ok := t.s.com.findVillage(text); ok {
		v.choose(t, village.ID)
		return true
	}
	if _, err := strconv.Atoi(n); err == nil {
		t.say(t.s.com.Texts.VillageHint) // a number not on the list
		return true
	}
	t.conv.Pending, t.conv.Menu = "", nil
	return false
}

// choose records her answer ("" skips) and, after the greeting, goes on
// to the procedures.
func (villageRoom) choose(t *turn, id string) {
	c := t.s.com
	start := t.conv.Pending == pendingVillage+":"+villageAtStart
	t.conv.Pending, t.conv.Menu = "", nil
	if v, ok := c.village(id); ok {
		t.act(effectVillage, map[string]string{"village": v.ID})
		t.say(flows.Fill(c.Texts.VillageSet, "village", v.Name))
	} else {
		t.say(c.Texts.VillageSkipped)
	}
	if start {
		t.menu(t.s.msg.MenuTitle)
	}
}

// setNotices starts or stops ordinary notices for her.
func (villageRoom) setNotices(t *turn, on bool) {
	if t.s.com == nil {
		t.say(t.s.com.textsOr().NoticesNone)
		return
	}
	arg := "0"
	if on {
		arg = "1"
	}
	t.act(effectNotices, map[string]string{"on": arg})
}

// group ties a village group to its village: staff type /thon and the
// village's number in the group. It reports whether the update was that.
func (villageRoom) group(t *turn) bool {
	cmd, arg, ok := command(strings.TrimSpace(t.u.Text))
	if !ok || cmd != "thon" {
		return false
	}
	c := t.s.com
	if c == nil || len(c.Villages) == 0 {
		return true
	}
	v, ok := c.findVillage(arg)
	if !ok {
		t.say(flows.Fill(c.Texts.GroupVillageList, "list", c.villageList()))
		return true
	}
	t.act(effectGroup, map[string]string{"user": t.user(), "village": v.ID})
	return true
}

// event handles what happened to a chat: the bot added to a group, taken
// out of one, or a group moving to a new id.
func (villageRoom) event(t *turn) bool {
	if t.s.com == nil {
		return true
	}
	switch t.u.Event {
	case EventJoined:
		t.say(t.s.com.Texts.GroupJoined)
	case EventLeft:
		t.act(effectGroupLeft, nil)
	case EventMoved:
		if t.u.MovedTo != "" {
			t.act(effectGroupMoved, map[string]string{"to": t.u.MovedTo})
		}
	}
	return true
}

// isGreeting reports a text that only says hello.
func isGreeting(text string) bool {
	return greetings[strings.TrimRight(flows.Normalize(text), " !.")]
}
