package bot

import (
	"strconv"
	"strings"

	"github.com/motcua/motcua/flows"
)

// Pending questions about the village: asked at the greeting (the menu
// follows the answer) or by /thon.
const (
	pendingVillage      = "village"
	pendingVillageStart = "village:start"
)

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
func (t *turn) visit() {
	if t.s.com == nil {
		return
	}
	day := flows.DateOf(t.now).ISO()
	if t.conv.Day == day {
		return
	}
	t.conv.Day = day
	t.effects = append(t.effects, flows.Effect{Action: effectSeen})
}

// greet says hello and, the first time, asks her village before showing
// the procedures.
func (t *turn) greet() {
	if c := t.s.com; c != nil && len(c.Villages) > 0 && !t.conv.VillageAsked {
		t.say(c.Texts.VillageGreeting)
		t.askVillage(pendingVillageStart)
		return
	}
	t.menu(t.s.msg.Greeting)
}

// askVillage lists the villages as choices, with "skip".
func (t *turn) askVillage(pending string) {
	c := t.s.com
	if c == nil || len(c.Villages) == 0 {
		t.say(c.textsOr().VillageNone)
		return
	}
	m := Message{Text: c.Texts.VillageAsk}
	t.conv.Menu = nil
	for _, v := range c.Villages {
		t.conv.Menu = append(t.conv.Menu, villagePrefix+v.ID)
		m.Buttons = append(m.Buttons, t.button(v.Name, actMenu, strconv.Itoa(len(t.conv.Menu)-1)))
	}
	t.conv.Menu = append(t.conv.Menu, villagePrefix)
	m.Buttons = append(m.Buttons, t.button(c.Texts.VillageSkip, actMenu, strconv.Itoa(len(t.conv.Menu)-1)))
	m.Hint = c.Texts.VillageTypedHint // neither "quay lại" nor "hủy" apply
	t.conv.Pending = pending
	t.conv.VillageAsked = true
	t.out = append(t.out, m)
}

// villageTyped reads an answer to the village question. Anything else
// she types is not lost: the question is dropped and the text handled.
func (t *turn) villageTyped(text string) {
	if isGreeting(text) {
		t.say(t.s.com.Texts.VillageGreeting)
		t.askVillage(t.conv.Pending)
		return
	}
	n := flows.Normalize(text)
	if n == "bo qua" || n == "khong" || n == "thoi" {
		t.chooseVillage("")
		return
	}
	if v, ok := t.s.com.findVillage(text); ok {
		t.chooseVillage(v.ID)
		return
	}
	if i, err := strconv.Atoi(n); err == nil && i == len(t.s.com.Villages)+1 {
		t.chooseVillage("") // the number of "skip"
		return
	}
	if _, err := strconv.Atoi(n); err == nil {
		t.say(t.s.com.Texts.VillageHint)
		return
	}
	t.conv.Pending, t.conv.Menu = "", nil
	t.typed(text)
}

// chooseVillage records her answer ("" skips) and, after the greeting,
// goes on to the procedures.
func (t *turn) chooseVillage(id string) {
	c := t.s.com
	start := t.conv.Pending == pendingVillageStart
	t.conv.Pending, t.conv.Menu = "", nil
	if v, ok := c.village(id); ok {
		t.effects = append(t.effects, flows.Effect{Action: effectVillage, Args: map[string]string{"village": v.ID}})
		t.say(flows.Fill(c.Texts.VillageSet, "village", v.Name))
	} else {
		t.say(c.Texts.VillageSkipped)
	}
	if start {
		t.menu(t.s.msg.MenuTitle)
	}
}

// setNotices starts or stops ordinary notices for her.
func (t *turn) setNotices(on bool) {
	if t.s.com == nil {
		t.say(t.s.com.textsOr().NoticesNone)
		return
	}
	arg := "0"
	if on {
		arg = "1"
	}
	t.effects = append(t.effects, flows.Effect{Action: effectNotices, Args: map[string]string{"on": arg}})
}

// groupVillage ties a village group to its village: staff type /thon and
// the village's number in the group.
func (t *turn) groupVillage(arg string) {
	c := t.s.com
	if c == nil || len(c.Villages) == 0 {
		return
	}
	v, ok := c.findVillage(arg)
	if !ok {
		t.say(flows.Fill(c.Texts.GroupVillageList, "list", c.villageList()))
		return
	}
	t.effects = append(t.effects, flows.Effect{Action: effectGroup, Args: map[string]string{"user": t.user(), "village": v.ID}})
}

// event handles what happened to a chat: the bot added to a group, taken
// out of one, or a group moving to a new id.
func (t *turn) event() {
	if t.s.com == nil {
		return
	}
	switch t.u.Event {
	case EventJoined:
		t.say(t.s.com.Texts.GroupJoined)
	case EventLeft:
		t.effects = append(t.effects, flows.Effect{Action: effectGroupLeft})
	case EventMoved:
		if t.u.MovedTo != "" {
			t.effects = append(t.effects, flows.Effect{Action: effectGroupMoved, Args: map[string]string{"to": t.u.MovedTo}})
		}
	}
}

// isGreeting reports a text that only says hello.
func isGreeting(text string) bool {
	return greetings[strings.TrimRight(flows.Normalize(text), " !.")]
}
