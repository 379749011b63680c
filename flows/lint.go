package flows

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits the channels put on what a flow may contain.
const (
	// MaxText is Telegram's limit on one message, in characters.
	MaxText = 4096
	// MaxMessage is the longest message a procedure should send, in
	// characters: about 25 lines of a cheap phone at 36 characters a line.
	// Longer texts are warned about; the details belong one tap away.
	MaxMessage = 900
	// MaxChoiceID keeps a choice id, with the version and step around it,
	// inside Telegram's 64-byte callback data.
	MaxChoiceID = 32
	// MaxLabel is the longest button label accepted, in bytes.
	MaxLabel = 64
	// MaxFlowID keeps a flow id usable as a Telegram deep-link payload.
	MaxFlowID = 64
)

var (
	flowIDPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	stepIDPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)
	choiceIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)
	durationPattern = regexp.MustCompile(`^(\d{1,4})([dmy])$`)
	placeholder     = regexp.MustCompile(`\{([^{}]*)\}`)
)

// varInfo says what kind of value an answer name holds.
type varInfo struct {
	kind string // KindAsk (a choice id), or an input kind, or InputDate for computed
	step *Step  // the first step that saves it
}

// linter checks one flow. Handover targets are checked by the catalog, which
// knows the other flows.
type linter struct {
	f   *Flow
	iss Issues
}

func lintFlow(f *Flow) Issues {
	l := &linter{f: f}
	l.dropEmpty()
	l.header()
	if len(f.Steps) == 0 {
		l.iss.add(f.File, f.pos.at("steps"), "steps", "a procedure needs at least one step")
		return l.iss
	}
	l.details()
	l.steps()
	f.vars = l.vars()
	if len(f.byID) == len(f.Steps) {
		// With duplicate or missing step ids the graph is ambiguous: those
		// are reported, and the graph is checked once they are fixed.
		l.graph()
	}
	l.checklistLengths()
	return l.iss
}

// checklistLengths checks the longest each checklist can be: its heading
// and the longest set of items that can be shown together. Two items
// whose conditions ask one answer for values it cannot hold at once (a
// choice, yes or no, a date's side of today) never show together.
func (l *linter) checklistLengths() {
	for i, s := range l.f.Steps {
		if s == nil || s.Kind != KindChecklist {
			continue
		}
		field := fmt.Sprintf("steps[%d] (%s).items", i, s.ID)
		var items int
		if len(s.Items) <= maxItemsWeighed {
			items = l.longestItems(s.Items)
		} else {
			for _, it := range s.Items { // too many to weigh: all of them
				items += utf8.RuneCountInString(it.Text) + 3
			}
		}
		total := utf8.RuneCountInString(s.Text) + items
		if total > MaxText {
			l.add(s.pos.line, field, "the checklist can be %d characters, over Telegram's %d: split it in two steps", total, MaxText)
		} else if total > MaxMessage {
			l.iss.warn(l.f.File, s.pos.line, field, "the checklist can be %d characters, over %d (one phone screen): shorten it or move the details to the end's details", total, MaxMessage)
		}
	}
}

// maxItemsWeighed bounds the checklists whose sets of items shown together
// are weighed one by one (the work doubles with each item under a
// condition).
const maxItemsWeighed = 24

// longestItems is the most characters the items can show together, each
// on its own line ("\n• "). An item without a condition excludes none, so
// it is always among them: only the others are weighed, set by set.
func (l *linter) longestItems(items []*Item) int {
	n := 0
	var conditional []*Item
	for _, it := range items {
		if len(it.When.Terms) == 0 {
			n += utf8.RuneCountInString(it.Text) + 3
		} else {
			conditional = append(conditional, it)
		}
	}
	return n + l.longestTogether(conditional, nil, 0)
}

// longestTogether is the most characters items[i:] can add to those
// already shown together.
func (l *linter) longestTogether(items []*Item, shown []*Item, i int) int {
	if i == len(items) {
		return 0
	}
	best := l.longestTogether(items, shown, i+1) // without items[i]
	for _, o := range shown {
		if l.exclusive(o.When, items[i].When) {
			return best
		}
	}
	with := utf8.RuneCountInString(items[i].Text) + 3 + l.longestTogether(items, append(shown, items[i]), i+1)
	return max(best, with)
}

// exclusive reports whether two conditions can never hold together.
func (l *linter) exclusive(a, b Cond) bool {
	for _, ta := range a.Terms {
		for _, tb := range b.Terms {
			if ta.Name != tb.Name {
				continue
			}
			kind := l.f.vars[ta.Name].kind
			if kind == KindTasks {
				continue // several items may be ticked at once
			}
			overlap := false
			for _, va := range ta.Values {
				for _, vb := range tb.Values {
					if va == vb || kind == InputDate && (va == NotDue && vb == DueToday || va == DueToday && vb == NotDue) {
						overlap = true
					}
				}
			}
			if !overlap {
				return true
			}
		}
	}
	return false
}

// dropEmpty reports and removes empty list entries ("- " with nothing
// after it), so that no later check meets a nil.
func (l *linter) dropEmpty() {
	f := l.f
	for i, s := range f.Steps {
		if s == nil {
			continue
		}
		field := fmt.Sprintf("steps[%d]", i)
		s.Choices = compact(l, s.Choices, s.pos.at("choices"), field+".choices")
		s.Items = compact(l, s.Items, s.pos.at("items"), field+".items")
		s.Routes = compact(l, s.Routes, s.pos.at("routes"), field+".routes")
	}
}

func compact[T any](l *linter, list []*T, line int, field string) []*T {
	out := list[:0]
	for i, x := range list {
		if x == nil {
			l.add(line, fmt.Sprintf("%s[%d]", field, i), "an empty entry: remove the lone '-'")
			continue
		}
		out = append(out, x)
	}
	return out
}

func (l *linter) add(line int, field, format string, args ...any) {
	l.iss.add(l.f.File, line, field, format, args...)
}

func (l *linter) header() {
	f := l.f
	switch {
	case f.ID == "":
		l.add(f.pos.line, "id", "missing: every procedure needs an id, e.g. khai-sinh")
	case len(f.ID) > MaxFlowID || !flowIDPattern.MatchString(f.ID):
		l.add(f.pos.at("id"), "id", "%q must be lower-case letters a-z, digits and '-', at most %d characters (it is used in links)", f.ID, MaxFlowID)
	}
	if f.Order < 0 {
		l.add(f.pos.at("order"), "order", "%d: the place in the menu is 1 or more (or leave it out)", f.Order)
	}
	if strings.TrimSpace(f.Title) == "" {
		l.add(f.pos.line, "title", "missing: the name citizens see in the menu")
	}
	if strings.TrimSpace(f.Summary) == "" {
		l.add(f.pos.line, "summary", "missing: one or two sentences on what the procedure is for")
	}
	if len(f.Keywords) == 0 {
		l.iss.warn(f.File, f.pos.line, "keywords", "no keywords: citizens will only find this procedure by its title")
	}
	if len(f.Sources) == 0 {
		l.add(f.pos.line, "sources", "missing: cite the legal basis and the date it was checked")
	}
	for i, s := range f.Sources {
		field := fmt.Sprintf("sources[%d]", i)
		if strings.TrimSpace(s.Title) == "" {
			l.add(s.pos.line, field+".title", "missing: the name of the legal text or page")
		}
		if _, err := ParseDate(s.Checked, Date{Year: 2100}); err != nil {
			l.add(s.pos.at("checked"), field+".checked", "%q is not a date dd/mm/yyyy: write when this source was last checked", s.Checked)
		}
	}
	if rt := f.Reminder; rt != nil {
		for _, t := range []struct{ name, text string }{{"before", rt.Before}, {"after", rt.After}} {
			field := "reminder." + t.name
			if strings.TrimSpace(t.text) == "" {
				l.add(rt.pos.line, field, "missing: the text of the reminder")
			}
			l.text(t.text, rt.pos.at(t.name), field)
			l.onlyPlaceholders(t.text, rt.pos.at(t.name), field, "a reminder shows only {label}, {expiry} and {days}", "label", "expiry", "days")
		}
	}
	if f.Start != "" {
		if _, ok := f.byID[f.Start]; !ok {
			l.add(f.pos.at("start"), "start", "no step has id %q", f.Start)
		}
	}
}

// allowed lists the fields each step kind uses, beyond id, type, when, next.
var allowed = map[string][]string{
	KindSay:       {"text", "flow"},
	KindAsk:       {"text", "choices", "save"},
	KindInput:     {"text", "input", "save"},
	KindChecklist: {"text", "items"},
	KindCompute:   {"save", "from", "add", "premium"},
	KindBranch:    {"routes", "flow"},
	KindEnd:       {"text", "details"},
	KindTasks:     {"text", "items", "save"},
	KindAction:    {"text", "action", "with"},
}

var stepFields = yamlFields(reflect.TypeOf(Step{}))

func (l *linter) steps() {
	seen := map[string]int{}
	for i, s := range l.f.Steps {
		field := fmt.Sprintf("steps[%d]", i)
		if s == nil {
			l.add(0, field, "an empty step")
			continue
		}
		switch {
		case s.ID == "":
			l.add(s.pos.line, field+".id", "missing: every step needs an id")
		case !stepIDPattern.MatchString(s.ID):
			l.add(s.pos.at("id"), field+".id", "%q must be lower-case letters a-z, digits and '_'", s.ID)
		}
		if first, dup := seen[s.ID]; dup && s.ID != "" {
			l.add(s.pos.at("id"), field+".id", "duplicate step id %q (first on line %d)", s.ID, first)
		}
		seen[s.ID] = s.pos.at("id")
		field = fmt.Sprintf("steps[%d] (%s)", i, s.ID)
		kinds, ok := allowed[s.Kind]
		if !ok {
			l.add(s.pos.at("type"), field+".type", "%q is not a step type (say, ask, input, checklist, compute, branch, tasks, action, end)", s.Kind)
			continue
		}
		for _, name := range sortedKeys(s.pos.fields) {
			switch _, known := stepFields[name]; {
			case !known, name == "id", name == "type", name == "when", name == "next":
				continue // unknown fields are reported by the decoder
			}
			if !slices.Contains(kinds, name) {
				l.add(s.pos.at(name), field+"."+name, "a step of type %s has no %s (it uses %s)", s.Kind, name, strings.Join(kinds, ", "))
			}
		}
		l.step(s, field)
	}
}

func (l *linter) step(s *Step, field string) {
	needText := s.Kind != KindCompute && s.Kind != KindBranch && s.Kind != KindAction
	if needText && strings.TrimSpace(s.Text) == "" {
		l.add(s.pos.line, field+".text", "missing: what the citizen reads at this step")
	}
	l.text(s.Text, s.pos.at("text"), field+".text")
	if s.Next != "" {
		l.target(s.Next, s.pos.at("next"), field+".next")
	}
	if s.Next != "" && s.Flow != "" {
		l.add(s.pos.at("flow"), field+".flow", "write next or flow, not both")
	}
	if s.Kind == KindEnd && s.Next != "" {
		l.add(s.pos.at("next"), field+".next", "an end step has no next")
	}
	switch s.Kind {
	case KindAsk:
		l.choices(s, field)
	case KindInput:
		l.input(s, field)
	case KindChecklist:
		if len(s.Items) == 0 {
			l.add(s.pos.line, field+".items", "missing: the papers to bring")
		}
		for j, it := range s.Items {
			f := fmt.Sprintf("%s.items[%d].text", field, j)
			if strings.TrimSpace(it.Text) == "" {
				l.add(it.pos.line, f, "missing")
			}
			l.text(it.Text, it.pos.at("text"), f)
		}
		// The length is checked with the answers (checklistLengths): items
		// whose conditions exclude each other are never shown together.
	case KindTasks:
		l.tasks(s, field)
	case KindCompute:
		if s.Save == "" {
			l.add(s.pos.line, field+".save", "missing: the name the result is saved under")
		}
		switch {
		case s.Premium != nil && (s.From != "" || s.Add != ""):
			l.add(s.pos.at("premium"), field+".premium", "a compute step works out a date (from, add) or a premium, not both")
		case s.Premium != nil:
			// checked with the graph, which knows the answers before it
		case s.From == "":
			l.add(s.pos.line, field+".from", "missing: the date answer to start from")
		case !durationPattern.MatchString(strings.TrimPrefix(s.Add, "-")):
			l.add(s.pos.at("add"), field+".add", "%q is not a duration: write e.g. 60d (days), 72m (months), 6y (years), or -5y to go back", s.Add)
		}
	case KindBranch:
		if len(s.Routes) == 0 {
			l.add(s.pos.line, field+".routes", "missing: a branch needs at least one route")
		}
		for j, r := range s.Routes {
			f := fmt.Sprintf("%s.routes[%d]", field, j)
			if r.When.Empty() {
				l.add(r.pos.line, f+".when", "missing: a route needs a condition (the branch's next is the default)")
			}
			switch {
			case r.Next == "" && r.Flow == "":
				l.add(r.pos.line, f+".next", "missing: where the route goes")
			case r.Next != "" && r.Flow != "":
				l.add(r.pos.at("flow"), f+".flow", "write next or flow, not both")
			case r.Next != "":
				l.target(r.Next, r.pos.at("next"), f+".next")
			}
		}
	}
	if s.Kind != KindEnd && s.Next == "" && s.Flow == "" && l.f.after(s) == nil && !l.allChoicesLead(s) && !l.f.details[s] {
		l.add(s.pos.line, field+".next", "the last step in the file must be an end step or say where to go next")
	}
}

// details checks the steps ends show as their details, and marks them: a
// details step is a message (say or checklist) that leads nowhere, shown
// only when the citizen asks for the details after the end.
func (l *linter) details() {
	f := l.f
	f.details = map[*Step]bool{}
	for i, s := range f.Steps {
		if s == nil || len(s.Details) == 0 {
			continue
		}
		field := fmt.Sprintf("steps[%d] (%s).details", i, s.ID)
		for _, id := range s.Details {
			d, ok := f.byID[id]
			switch {
			case !ok:
				l.add(s.pos.at("details"), field, "no step has id %q", id)
			case d.Kind != KindSay && d.Kind != KindChecklist:
				l.add(s.pos.at("details"), field, "%q is a step of type %s: details are messages (say or checklist)", id, d.Kind)
			case d.Next != "" || d.Flow != "":
				l.add(d.pos.at("next"), fmt.Sprintf("steps (%s)", id), "a step shown as an end's details leads nowhere: no next or flow")
			default:
				f.details[d] = true
			}
		}
	}
}

// allChoicesLead reports whether an ask step's every choice says where it
// goes, so that the step never falls through to the one after it.
func (l *linter) allChoicesLead(s *Step) bool {
	if s.Kind != KindAsk || len(s.Choices) == 0 {
		return false
	}
	for _, c := range s.Choices {
		if c.Next == "" && c.Flow == "" {
			return false
		}
	}
	return true
}

func (l *linter) target(id string, line int, field string) {
	if _, ok := l.f.byID[id]; !ok {
		l.add(line, field, "no step has id %q", id)
	}
}

func (l *linter) text(text string, line int, field string) {
	n := utf8.RuneCountInString(text)
	switch {
	case n > MaxText:
		l.add(line, field, "%d characters, over Telegram's limit of %d: split it", n, MaxText)
	case n > MaxMessage:
		l.iss.warn(l.f.File, line, field, "%d characters, over %d (one phone screen): shorten it or move the details to the end's details", n, MaxMessage)
	}
	if strings.Count(text, "{") != strings.Count(text, "}") {
		l.add(line, field, "unbalanced { }: answers are shown with {name}")
	}
	l.lintWords(text, line, field)
}

func (l *linter) choices(s *Step, field string) {
	if len(s.Choices) < 2 {
		l.add(s.pos.line, field+".choices", "an ask step needs at least two choices")
	}
	ids := map[string]bool{}
	for j, c := range s.Choices {
		f := fmt.Sprintf("%s.choices[%d]", field, j)
		l.buttonID(c.ID, ids, c.pos, f+".id", "cha_me")
		if strings.TrimSpace(c.Label) == "" {
			l.add(c.pos.line, f+".label", "missing: the text on the button")
		} else if len(c.Label) > MaxLabel {
			l.add(c.pos.at("label"), f+".label", "%q is %d bytes, over %d: a button label must be short", c.Label, len(c.Label), MaxLabel)
		}
		if c.Next != "" {
			l.target(c.Next, c.pos.at("next"), f+".next")
		}
		if c.Next != "" && c.Flow != "" {
			l.add(c.pos.at("flow"), f+".flow", "write next or flow, not both")
		}
	}
}

// buttonID checks the id of a choice or a tasks item: it travels in button
// data, so it is short and plain, and unique in its step.
func (l *linter) buttonID(id string, seen map[string]bool, pos positions, field, example string) {
	switch {
	case id == "":
		l.add(pos.line, field, "missing: a short id such as %s", example)
	case !choiceIDPattern.MatchString(id):
		l.add(pos.at("id"), field, "%q must be lower-case letters a-z, digits and '_' (it travels in button data)", id)
	case len(id) > MaxChoiceID:
		l.add(pos.at("id"), field, "%q is %d bytes; button data must fit Telegram's 64 bytes, so keep ids within %d", id, len(id), MaxChoiceID)
	}
	if seen[id] && id != "" {
		l.add(pos.at("id"), field, "duplicate id %q in this step", id)
	}
	seen[id] = true
}

// tasks checks a list the citizen ticks: items with short ids, labels that
// fit a button with their mark.
func (l *linter) tasks(s *Step, field string) {
	if len(s.Items) < 2 {
		l.add(s.pos.line, field+".items", "a tasks list needs at least two items")
	}
	ids := map[string]bool{}
	for j, it := range s.Items {
		f := fmt.Sprintf("%s.items[%d]", field, j)
		l.buttonID(it.ID, ids, it.pos, f+".id", "vneid")
		if it.ID == AllDone || it.ID == tasksDone {
			l.add(it.pos.at("id"), f+".id", "%q is a word tasks lists keep for themselves: choose another id", it.ID)
		}
		if strings.TrimSpace(it.Text) == "" {
			l.add(it.pos.line, f+".text", "missing: the thing to do")
		} else if len(it.Text) > MaxLabel-5 {
			l.add(it.pos.at("text"), f+".text", "%q is %d bytes, over %d: it is shown on a button", it.Text, len(it.Text), MaxLabel-5)
		}
		if !it.When.Empty() {
			l.add(it.When.Line, f+".when", "tasks items are always shown: no when")
		}
	}
}

func (l *linter) input(s *Step, field string) {
	if s.Save == "" {
		l.add(s.pos.line, field+".save", "missing: the name the answer is saved under")
	}
	in := s.Input
	if in == nil {
		l.add(s.pos.line, field+".input", "missing: what kind of answer (date, number, phone, yesno, text)")
		return
	}
	f := field + ".input"
	switch in.Kind {
	case InputDate:
		for _, b := range []struct{ name, v string }{{"min", in.Min}, {"max", in.Max}, {"likely_min", in.LikelyMin}, {"likely_max", in.LikelyMax}} {
			if b.v == "" {
				continue
			}
			if _, err := parseBound(b.v, Date{Year: 2026, Month: 1, Day: 1}); err != nil {
				l.add(in.pos.at(b.name), f+"."+b.name, "%q is not a date bound: write today, today-6y, today+60d or dd/mm/yyyy", b.v)
			}
		}
	case InputNumber:
		for _, b := range []struct{ name, v string }{{"min", in.Min}, {"max", in.Max}, {"likely_min", in.LikelyMin}, {"likely_max", in.LikelyMax}} {
			if b.v == "" {
				continue
			}
			if _, err := ParseNumber(b.v); err != nil {
				l.add(in.pos.at(b.name), f+"."+b.name, "%q is not a whole number", b.v)
			}
		}
	case InputPhone, InputYesNo, InputText:
		if in.Min != "" || in.Max != "" || in.LikelyMin != "" || in.LikelyMax != "" {
			l.add(in.pos.at("min"), f, "min, max and likely_min, likely_max apply to date and number answers only")
		}
	default:
		l.add(in.pos.at("kind"), f+".kind", "%q is not an answer kind (date, number, phone, yesno, text)", in.Kind)
	}
	if in.Unlikely != "" {
		if in.LikelyMin == "" && in.LikelyMax == "" {
			l.add(in.pos.at("unlikely"), f+".unlikely", "asks to confirm an unlikely answer, but no likely_min or likely_max says which")
		}
		l.text(in.Unlikely, in.pos.at("unlikely"), f+".unlikely")
		l.onlyPlaceholders(in.Unlikely, in.pos.at("unlikely"), f+".unlikely", "the question shows only {value} (the answer) and {year} (a date's)", "value", "year")
	}
	if in.MaxLen != 0 && in.Kind != InputText {
		l.add(in.pos.at("max_len"), f+".max_len", "max_len applies to text answers only")
	}
	if in.Words && in.Kind != InputText {
		l.add(in.pos.at("words"), f+".words", "words applies to text answers only")
	}
	if in.MaxLen < 0 || in.MaxLen > MaxText {
		l.add(in.pos.at("max_len"), f+".max_len", "must be between 1 and %d", MaxText)
	}
}

// onlyPlaceholders reports each placeholder of text that is not one of
// names, with what the text shows instead.
func (l *linter) onlyPlaceholders(text string, line int, field, shows string, names ...string) {
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if !slices.Contains(names, m[1]) {
			l.add(line, field, "{%s}: %s", m[1], shows)
		}
	}
}

// vars collects the answer names the flow saves and what each holds.
func (l *linter) vars() map[string]varInfo {
	vars := map[string]varInfo{}
	for _, s := range l.f.Steps {
		if s == nil {
			continue
		}
		name := s.SaveName()
		if name == "" {
			continue
		}
		kind := s.Kind
		switch s.Kind {
		case KindInput:
			if s.Input == nil {
				continue
			}
			kind = s.Input.Kind
		case KindCompute:
			kind = InputDate
			if s.Premium != nil {
				kind = InputNumber
			}
		}
		if prev, ok := vars[name]; ok && prev.kind != kind {
			l.add(s.pos.at("save"), "steps ("+s.ID+").save", "%q is already saved by step %q as another kind of answer", name, prev.step.ID)
			continue
		} else if ok {
			continue
		}
		vars[name] = varInfo{kind: kind, step: s}
	}
	return vars
}

// sortedKeys returns the keys of a set in order, for stable messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
