package flows

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// An action step asks the bot to do something for the citizen once the
// step is passed — set a reminder before her BHYT card expires — without Go
// knowing the procedure: the step names the action and what it takes from
// the answers.
//
//	- id: dat_nhac
//	  type: action
//	  action: reminder
//	  with: {label: nguoi, expiry: ngay_het_han}
//	  text: Mình sẽ nhắc bạn trước ngày {ngay_het_han}.
//
// A value of with that names an answer set earlier takes that answer
// (dates as yyyy-mm-dd); any other value is taken as written ("Bé").

// Actions lists the actions the bot knows and the values each takes.
var Actions = map[string][]string{
	"reminder": {"label", "expiry"},
}

// Effect is an action a step asked for, with its values, for the bot to
// carry out after the step is saved.
type Effect struct {
	Action string
	Args   map[string]string
}

var answerName = regexp.MustCompile(`^[a-z0-9_]+$`)

// effect builds the effect of an action step from the answers.
func (r *run) effect(s *Step) Effect {
	e := Effect{Action: s.Action, Args: make(map[string]string, len(s.With))}
	for k, v := range s.With {
		if answer, ok := r.st.Vars[v]; ok {
			e.Args[k] = answer
		} else {
			e.Args[k] = v
		}
	}
	return e
}

// lintAction checks an action step: a known action, every value it takes,
// and answers set before it.
func (l *linter) lintAction(s *Step, in map[string]bool, field string) {
	want, ok := Actions[s.Action]
	if !ok {
		known := make([]string, 0, len(Actions))
		for a := range Actions {
			known = append(known, a)
		}
		slices.Sort(known)
		l.add(s.pos.at("action"), field+".action", "%q is not an action the bot knows (%s)", s.Action, strings.Join(known, ", "))
		return
	}
	for _, k := range want {
		if _, ok := s.With[k]; !ok {
			l.add(s.pos.at("with"), field+".with", "missing %s: the %s action takes %s", k, s.Action, strings.Join(want, ", "))
		}
	}
	for k, v := range s.With {
		if !slices.Contains(want, k) {
			l.add(s.pos.at("with"), field+".with."+k, "the %s action takes no %s", s.Action, k)
			continue
		}
		// A lower-case word is an answer's name: it must be set before.
		if answerName.MatchString(v) && !in[v] {
			l.add(s.pos.at("with"), field+".with."+k, "%q is not set by any step before this one (write a text with capitals or spaces to use it as written)", v)
		}
	}
	if k, v := "expiry", s.With["expiry"]; v != "" {
		if info, ok := l.f.vars[v]; !ok || info.kind != InputDate {
			l.add(s.pos.at("with"), fmt.Sprintf("%s.with.%s", field, k), "%q must be a date answer", v)
		}
	}
}
