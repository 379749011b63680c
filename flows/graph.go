package flows

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// edge is a way from one step to another. auto edges are taken without the
// citizen typing anything; sets reports whether the step's answer or computed
// value is saved on the way.
type edge struct {
	to   *Step
	auto bool
	sets bool
}

// next returns the step that follows s when it names none: the one after
// it in the file.
func (f *Flow) next(s *Step) *Step {
	if s.Next != "" {
		return f.byID[s.Next]
	}
	return f.after(s)
}

func (f *Flow) choiceNext(s *Step, c *Choice) *Step {
	if c.Next != "" {
		return f.byID[c.Next]
	}
	if c.Flow != "" {
		return nil
	}
	return f.after(s)
}

// edges lists where a step can lead within its flow (handovers leave it).
func (f *Flow) edges(s *Step) []edge {
	var out []edge
	add := func(to *Step, auto, sets bool) {
		if to != nil {
			out = append(out, edge{to: to, auto: auto, sets: sets})
		}
	}
	if f.details[s] {
		return nil // shown on request after an end; it leads nowhere
	}
	if !s.When.Empty() {
		add(f.next(s), true, false) // skipped
	}
	switch s.Kind {
	case KindSay, KindChecklist, KindAction:
		if s.Flow == "" {
			add(f.next(s), true, false)
		}
	case KindCompute:
		add(f.next(s), true, true)
	case KindInput, KindTasks:
		add(f.next(s), false, true)
	case KindAsk:
		for _, c := range s.Choices {
			add(f.choiceNext(s, c), false, true)
		}
	case KindEnd:
		for _, id := range s.Details {
			add(f.byID[id], false, false) // when she asks for them
		}
	case KindBranch:
		for _, r := range s.Routes {
			if r.Next != "" {
				add(f.byID[r.Next], true, false)
			}
		}
		if s.Flow == "" {
			add(f.next(s), true, false)
		}
	}
	return out
}

// graph checks what needs the whole flow: reachability, loops that would
// never wait for the citizen, and names used before any step sets them.
func (l *linter) graph() {
	f := l.f
	start := f.StartStep()
	if start == nil {
		return
	}

	// Reachability, and the names that may be set on arrival at each step.
	known := map[*Step]map[string]bool{start: {}}
	queue := []*Step{start}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, e := range f.edges(s) {
			in := known[e.to]
			grew := false
			if in == nil {
				in = map[string]bool{}
				known[e.to] = in
				grew = true
			}
			for name := range known[s] {
				if !in[name] {
					in[name], grew = true, true
				}
			}
			if name := s.SaveName(); e.sets && name != "" && !in[name] {
				in[name], grew = true, true
			}
			if grew {
				queue = append(queue, e.to)
			}
		}
	}
	for i, s := range f.Steps {
		if _, ok := known[s]; !ok && s != nil {
			l.add(s.pos.line, fmt.Sprintf("steps[%d] (%s)", i, s.ID), "unreachable: no step leads here")
		}
	}

	l.loops(start)
	l.deadEnds(known)
	for s := range known {
		if s.Kind == KindEnd {
			continue
		}
		for _, e := range f.edges(s) {
			if f.details[e.to] {
				l.add(e.to.pos.line, "steps ("+e.to.ID+")", "shown as an end's details, so no other step may lead here (step %q does)", s.ID)
			}
		}
	}

	for i, s := range f.Steps {
		in, ok := known[s]
		if !ok {
			continue
		}
		field := fmt.Sprintf("steps[%d] (%s)", i, s.ID)
		l.cond(s.When, in, field+".when")
		textIn := in
		if s.Kind == KindTasks {
			// A tasks list may show its own progress: "{viec} việc".
			textIn = maps.Clone(in)
			textIn[s.SaveName()] = true
		}
		l.placeholders(s.Text, textIn, s.pos.at("text"), field+".text")
		for j, c := range s.Choices {
			l.cond(c.When, in, fmt.Sprintf("%s.choices[%d].when", field, j))
		}
		for j, it := range s.Items {
			f := fmt.Sprintf("%s.items[%d]", field, j)
			l.cond(it.When, in, f+".when")
			l.placeholders(it.Text, in, it.pos.at("text"), f+".text")
		}
		for j, r := range s.Routes {
			l.cond(r.When, in, fmt.Sprintf("%s.routes[%d].when", field, j))
		}
		if s.Kind == KindAction {
			l.lintAction(s, in, field)
		}
		if s.Kind == KindCompute && s.Premium != nil {
			s.Premium.lint(l, f.vars, in, field+".premium")
		}
		if s.Kind == KindCompute && s.From != "" {
			switch v, ok := f.vars[s.From]; {
			case !in[s.From]:
				l.add(s.pos.at("from"), field+".from", "%q is not set by any step before this one", s.From)
			case ok && v.kind != InputDate:
				l.add(s.pos.at("from"), field+".from", "%q is not a date answer", s.From)
			}
		}
	}
}

// deadEnds reports reachable steps from which the citizen can never reach
// an end or another procedure: she would go round for ever.
func (l *linter) deadEnds(reachable map[*Step]map[string]bool) {
	f := l.f
	// Walk the graph backwards from the steps that finish: ends and
	// handovers.
	preds := map[*Step][]*Step{}
	var exits []*Step
	for s := range reachable {
		for _, e := range f.edges(s) {
			preds[e.to] = append(preds[e.to], s)
		}
		if s.Kind == KindEnd || s.Flow != "" || hasHandover(s) || f.details[s] {
			exits = append(exits, s)
		}
	}
	finishes := map[*Step]bool{}
	for len(exits) > 0 {
		s := exits[len(exits)-1]
		exits = exits[:len(exits)-1]
		if finishes[s] {
			continue
		}
		finishes[s] = true
		exits = append(exits, preds[s]...)
	}
	for i, s := range f.Steps {
		if _, ok := reachable[s]; ok && !finishes[s] {
			l.add(s.pos.line, fmt.Sprintf("steps[%d] (%s)", i, s.ID), "a dead end: no way from here reaches an end step")
		}
	}
}

// hasHandover reports whether a choice or route of s leads to another
// procedure.
func hasHandover(s *Step) bool {
	for _, c := range s.Choices {
		if c.Flow != "" {
			return true
		}
	}
	for _, r := range s.Routes {
		if r.Flow != "" {
			return true
		}
	}
	return false
}

// loops reports cycles that run without waiting for the citizen: the bot
// would go round them for ever.
func (l *linter) loops(start *Step) {
	const (
		white = iota
		grey
		black
	)
	color := map[*Step]int{}
	reported := map[string]bool{}
	var path []*Step
	var visit func(s *Step)
	visit = func(s *Step) {
		color[s] = grey
		path = append(path, s)
		for _, e := range l.f.edges(s) {
			if !e.auto {
				continue
			}
			switch color[e.to] {
			case white:
				visit(e.to)
			case grey:
				i := slices.Index(path, e.to)
				ids := make([]string, 0, len(path)-i+1)
				for _, p := range path[i:] {
					ids = append(ids, p.ID)
				}
				ids = append(ids, e.to.ID)
				loop := strings.Join(ids, " → ")
				if reported[loop] {
					continue
				}
				reported[loop] = true
				l.add(e.to.pos.line, "steps ("+e.to.ID+")", "a loop that never waits for an answer: %s", loop)
			}
		}
		path = path[:len(path)-1]
		color[s] = black
	}
	for _, s := range append([]*Step{start}, l.f.Steps...) {
		if s != nil && color[s] == white {
			visit(s)
		}
	}
}

// cond checks that a condition names answers set earlier, with values those
// answers can take.
func (l *linter) cond(c Cond, in map[string]bool, field string) {
	for _, t := range c.Terms {
		f := field + "." + t.Name
		v, ok := l.f.vars[t.Name]
		if !ok || !in[t.Name] {
			l.add(t.Line, f, "%q is not set by any step before this one", t.Name)
			continue
		}
		if len(t.Values) == 0 {
			l.add(t.Line, f, "no value to compare with")
		}
		var valid []string
		switch v.kind {
		case KindAsk:
			for _, c := range v.step.Choices {
				valid = append(valid, c.ID)
			}
		case InputYesNo:
			valid = []string{YesValue, NoValue}
		case InputDate:
			valid = []string{Overdue, DueToday, NotDue}
		case KindTasks:
			for _, it := range v.step.Items {
				valid = append(valid, it.ID)
			}
			valid = append(valid, AllDone)
		}
		if valid == nil {
			continue
		}
		for _, val := range t.Values {
			if !slices.Contains(valid, val) {
				l.add(t.Line, f, "%q is not a value of %q (one of: %s)", val, t.Name, strings.Join(valid, ", "))
			}
		}
	}
}

// placeholders checks the {name} and {name.con_lai} in a text.
func (l *linter) placeholders(text string, in map[string]bool, line int, field string) {
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		name, attr, _ := strings.Cut(strings.TrimSpace(m[1]), ".")
		v, ok := l.f.vars[name]
		switch {
		case !ok || !in[name]:
			l.add(line, field, "{%s}: %q is not set by any step before this one", m[1], name)
		case attr == "":
		case attr == AttrDaysLeft && v.kind == InputDate:
		case attr == AttrDaysLeft:
			l.add(line, field, "{%s}: .%s applies to dates only", m[1], AttrDaysLeft)
		default:
			l.add(line, field, "{%s}: unknown .%s (only .%s, on dates)", m[1], attr, AttrDaysLeft)
		}
	}
}
