package procedures_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/console"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/store"
)

// What a villager on a cheap phone can read: at about 36 characters a line,
// 900 characters are some 25 lines, one screen and a bit; 1,200 are the
// most one thing she types may bring back, all messages together.
const (
	maxReply   = 1200
	maxMessage = flows.MaxMessage
)

// TestWalkEveryChoice walks every procedure along every choice, through the
// bot's service on the memory store (so the closing lines the bot adds
// count), and holds every reply — everything the bot sends in answer to
// one input — to maxReply characters and every message to maxMessage; each
// way through must reach an end, and say at most once what is to be
// confirmed at the desk (a hedge). After the end it also opens what the
// closing offers (details, sources), since that is one tap away.
//
// Typed answers are tried from a fixed set: every button by its number,
// and for a date a spread of days around today, for a number a few counts.
// Paths that reach the same question with answers of the same kind (the
// same choices, dates on the same side of today and as far) are walked
// once.
func TestWalkEveryChoice(t *testing.T) {
	var (
		mu   sync.Mutex
		rows []string
	)
	t.Cleanup(func() {
		slices.Sort(rows)
		t.Logf("procedure          reply message  nodes   ends\n%s", strings.Join(rows, "\n"))
	})
	for _, f := range catalog(t).Flows() {
		t.Run(f.ID, func(t *testing.T) {
			t.Parallel()
			st := newWalker(t).walk(t, f.ID)
			if st.ends == 0 {
				t.Errorf("no way through %s reaches its end", f.ID)
			}
			if st.longestReply > maxReply {
				t.Errorf("longest reply is %d characters (over %d), after %s:\n%s", st.longestReply, maxReply, st.replyPath, st.reply)
			}
			if st.longestMessage > maxMessage {
				t.Errorf("longest message is %d characters (over %d), after %s:\n%s", st.longestMessage, maxMessage, st.messagePath, st.message)
			}
			mu.Lock()
			rows = append(rows, fmt.Sprintf("%-18s %6d %6d %6d %6d", f.ID, st.longestReply, st.longestMessage, st.nodes, st.ends))
			mu.Unlock()
		})
	}
}

type walker struct {
	eng   *flows.Engine
	svc   *bot.Service
	conv  *store.Memory
	msg   *bot.Messages
	today flows.Date
	chats int
}

func newWalker(t *testing.T) *walker {
	cat := catalog(t)
	eng := flows.NewEngine(cat, flows.DefaultMessages())
	loc := time.FixedZone("ICT", 7*3600)
	now := time.Date(defaultToday.Year, defaultToday.Month, defaultToday.Day, 9, 0, 0, 0, loc)
	clock := func() time.Time { return now }
	sched := reminders.DefaultSchedule()
	f, _ := cat.Flow("bhyt-gia-han")
	rem := &bot.Reminders{
		Store: reminders.NewMemory(sched), Schedule: sched, Texts: f.Reminder,
		Messages: bot.DefaultMessages(), Engine: eng.Messages(), Now: clock,
	}
	conv := store.NewMemory(store.Options{Now: clock})
	svc := bot.New(eng, conv, bot.Options{Location: loc, Now: clock, Reminders: rem, ReminderFlow: "nhac-nho"})
	return &walker{eng: eng, svc: svc, conv: conv, msg: bot.DefaultMessages(), today: defaultToday}
}

// walkStats is what a walk of one procedure found.
type walkStats struct {
	longestReply, longestMessage int
	reply, message               string
	replyPath, messagePath       string
	nodes, ends                  int
	// sources is set once the sources were paged through: they read the
	// same at every end of the procedure.
	sources bool
}

// node is a conversation the walk has reached: a chat of its own in the
// store, the path that led there, and the last message the bot sent.
type node struct {
	chat string
	path []string
	last bot.Message
	// hedges counts the lines that said what is to be confirmed, on the
	// way here.
	hedges int
}

func (w *walker) newChat() string {
	w.chats++
	return "walk" + strconv.Itoa(w.chats)
}

func (w *walker) walk(t *testing.T, id string) *walkStats {
	st := &walkStats{}
	seen := map[string]bool{}
	start := node{chat: w.newChat()}
	stack := []node{w.send(t, st, start, "/start "+id)}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		flow, ended := w.state(t, n.chat)
		if ended {
			st.ends++
		}
		key := w.key(flow, n)
		if seen[key] {
			continue
		}
		seen[key] = true
		st.nodes++
		if st.nodes > 20000 {
			t.Fatalf("more than 20000 states: the walk does not end (last path %s)", strings.Join(n.path, " › "))
		}
		inputs := w.inputs(st, flow, n)
		if len(inputs) == 0 && !ended {
			t.Errorf("stuck after %s: the bot asks nothing and the procedure did not end", strings.Join(n.path, " › "))
		}
		for _, in := range inputs {
			next := w.send(t, st, w.clone(t, n), in)
			stack = append(stack, next)
		}
	}
	return st
}

// send types in into n's chat, measures the reply, and returns the node it
// leads to.
func (w *walker) send(t *testing.T, st *walkStats, n node, in string) node {
	t.Helper()
	reply, err := w.svc.Handle(context.Background(), bot.Update{
		Chat: bot.Chat{ID: n.chat, Private: true}, From: bot.User{ID: n.chat}, Text: in,
	})
	if err != nil {
		t.Fatalf("> %s: %v", in, err)
	}
	path := append(n.path[:len(n.path):len(n.path)], in)
	all := console.RenderReply(reply)
	if l := utf8.RuneCountInString(all); l > st.longestReply {
		st.longestReply, st.reply, st.replyPath = l, all, strings.Join(path, " › ")
	}
	for _, m := range reply.Messages {
		text := console.Render(m)
		if l := utf8.RuneCountInString(text); l > st.longestMessage {
			st.longestMessage, st.message, st.messagePath = l, text, strings.Join(path, " › ")
		}
	}
	out := node{chat: n.chat, path: path, hedges: n.hedges}
	for _, m := range reply.Messages {
		if strings.HasPrefix(m.Text, "📚") {
			continue // the sources say what is not verified, by design
		}
		for _, line := range strings.Split(m.Text, "\n") {
			if isHedge(line) {
				out.hedges++
			}
		}
	}
	if out.hedges > 1 {
		t.Errorf("more than one line of what to confirm at the desk, after %s:\n%s", strings.Join(path, " › "), all)
	}
	if len(reply.Messages) > 0 {
		out.last = reply.Messages[len(reply.Messages)-1]
	}
	return out
}

// clone copies n's conversation into a chat of its own, so that each
// answer is tried from the same point.
func (w *walker) clone(t *testing.T, n node) node {
	ctx := context.Background()
	snap, err := w.conv.Load(ctx, n.chat, "")
	if err != nil {
		t.Fatal(err)
	}
	c := node{chat: w.newChat(), path: n.path, last: n.last, hedges: n.hedges}
	if snap.Data != nil {
		if err := w.conv.Commit(ctx, c.chat, "", 0, store.Change{Data: snap.Data}); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// state reads where n's conversation is: the procedure under way, or the
// one that just ended.
func (w *walker) state(t *testing.T, chat string) (flows.State, bool) {
	snap, err := w.conv.Load(context.Background(), chat, "")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Flow  *flows.State `json:"s"`
		Ended *flows.State `json:"e"`
	}
	if snap.Data != nil {
		if err := json.Unmarshal(snap.Data, &c); err != nil {
			t.Fatalf("decode conversation: %v", err)
		}
	}
	switch {
	case c.Flow != nil:
		return *c.Flow, false
	case c.Ended != nil:
		return *c.Ended, true
	}
	return flows.State{}, true
}

// key says which nodes behave alike: the same question with answers of the
// same kind, and the same choices offered.
func (w *walker) key(st flows.State, n node) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s/%s|", st.Flow, st.Step)
	names := make([]string, 0, len(st.Vars))
	for k := range st.Vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := st.Vars[k]
		if d, err := flows.ParseISODate(v); err == nil {
			v = w.dateClass(d)
		}
		fmt.Fprintf(&b, "%s=%s,", k, v)
	}
	b.WriteString("|")
	for _, btn := range n.last.Buttons {
		b.WriteString(btn.Label + ";")
	}
	return b.String()
}

// dateClass is how a date answer behaves as seen today: its side of today,
// and whether its distance reads in days or in months and years.
func (w *walker) dateClass(d flows.Date) string {
	n := w.today.DaysUntil(d)
	side := "0"
	switch {
	case n < 0:
		side, n = "-", -n
	case n > 0:
		side = "+"
	}
	if n <= 60 {
		return side + "d"
	}
	return side + "far"
}

// dateTries are the dates typed at a date question, in days from today.
var dateTries = []int{0, -1, -10, -20, -45, -70, -100, -200, -400, -800, -2200, -2600, -6600, -7400, -25000, 1, 10, 40, 100, 400, 2200}

// inputs are what the walk types at n: every button by its number, and
// for a typed answer a spread of values.
func (w *walker) inputs(ws *walkStats, st flows.State, n node) []string {
	var out []string
	for i, btn := range n.last.Buttons {
		switch btn.Label {
		case w.msg.OtherProcedures:
			continue // the list of all procedures: out of this one
		case w.eng.Messages().SourcesButton, w.eng.Messages().SourcesMore:
			if ws.sources && btn.Label == w.eng.Messages().SourcesButton {
				continue
			}
			ws.sources = true
		}
		out = append(out, strconv.Itoa(i+1))
	}
	if st.Flow == "" || len(n.last.Buttons) > 0 {
		return out
	}
	f, ok := w.eng.Catalog().Flow(st.Flow)
	if !ok {
		return out
	}
	s, ok := f.Step(st.Step)
	if !ok || s.Kind != flows.KindInput {
		return out
	}
	switch s.Input.Kind {
	case flows.InputDate:
		for _, days := range dateTries {
			out = append(out, w.today.AddDays(days).String())
		}
	case flows.InputNumber:
		out = append(out, "1", "2", "3", "4", "5", "6", "12", "30")
	case flows.InputPhone:
		out = append(out, "0912345678")
	case flows.InputText:
		out = append(out, "Mẹ")
	}
	return out
}

// hedgeWords are the words of a text that says a fact is not certain: a
// procedure says it once, in one line listing what to confirm. (Texts are
// written with diacritics.)
var hedgeWords = []string{"cần hỏi lại", "cần xác nhận", "xác nhận lại", "theo thông tin hiện có", "chắc chắn"}

func isHedge(line string) bool {
	n := strings.ToLower(line)
	for _, w := range hedgeWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// TestEveryAnswerFits holds every question's answer, and its sources one
// tap away, to the same limits as the procedures: typed as a citizen would
// ask it, through the bot's service.
func TestEveryAnswerFits(t *testing.T) {
	w := newWalker(t)
	st := &walkStats{}
	for _, q := range w.eng.Catalog().FAQs() {
		n := w.send(t, st, node{chat: w.newChat()}, q.Question)
		if !strings.Contains(n.last.Text, q.Answer) {
			// Several matches: the question is one of them.
			for i, b := range n.last.Buttons {
				if b.Label == q.Question {
					n = w.send(t, st, n, strconv.Itoa(i+1))
					break
				}
			}
		}
		if !strings.Contains(n.last.Text, q.Answer) {
			t.Errorf("%s: typing the question does not bring its answer: %s", q.ID, n.last.Text)
			continue
		}
		for i, b := range n.last.Buttons {
			if b.Label == w.eng.Messages().SourcesButton {
				w.send(t, st, n, strconv.Itoa(i+1))
			}
		}
	}
	if st.longestReply > maxReply {
		t.Errorf("longest reply is %d characters (over %d), after %s:\n%s", st.longestReply, maxReply, st.replyPath, st.reply)
	}
	if st.longestMessage > maxMessage {
		t.Errorf("longest message is %d characters (over %d), after %s:\n%s", st.longestMessage, maxMessage, st.messagePath, st.message)
	}
	t.Logf("questions: longest reply %d, longest message %d", st.longestReply, st.longestMessage)
}
