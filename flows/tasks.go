package flows

import (
	"slices"
	"strconv"
	"strings"
)

// A tasks step is a list the citizen ticks as she does each thing ("công
// dân số": VNeID level 2, a public-service account, a bank app…). Pressing
// an item (or typing its number) ticks it or unticks it; the last option
// saves and goes on. What is ticked is kept beyond the conversation's flow:
// the bot remembers her progress for the next time (see Engine.Kept).
//
// The value saved is the ids of the ticked items, comma-separated, in the
// order of the list. In a condition an item id holds when the item is
// ticked, and AllDone when every item is.

// Values special to tasks.
const (
	// AllDone in a condition holds when every item of a tasks step is
	// ticked.
	AllDone = "tat_ca"
	// tasksDone is the option that saves the list and goes on.
	tasksDone = "xong"
)

// ticked reads a tasks value.
func ticked(value string) []string {
	if value == "" {
		return nil
	}
	return strings.Split(value, ",")
}

// toggle ticks or unticks id, keeping the list's order.
func toggle(s *Step, value, id string) string {
	done := ticked(value)
	if i := slices.Index(done, id); i >= 0 {
		done = slices.Delete(done, i, i+1)
	} else {
		done = append(done, id)
	}
	var out []string
	for _, it := range s.Items {
		if slices.Contains(done, it.ID) {
			out = append(out, it.ID)
		}
	}
	return strings.Join(out, ",")
}

// taskOptions are the items as typed or pressed (labels without marks),
// then the option that saves.
func (r *run) taskOptions(s *Step) []Option {
	opts := make([]Option, 0, len(s.Items)+1)
	for _, it := range s.Items {
		opts = append(opts, Option{ID: it.ID, Label: it.Text})
	}
	return append(opts, Option{ID: tasksDone, Label: r.e.msg.TasksDone})
}

// taskButtons are the options as shown: each item marked ticked or not.
func (r *run) taskButtons(s *Step) []Option {
	done := ticked(r.st.Vars[s.SaveName()])
	opts := r.taskOptions(s)
	for i, it := range s.Items {
		mark := r.e.msg.TaskOpen
		if slices.Contains(done, it.ID) {
			mark = r.e.msg.TaskDone
		}
		opts[i].Label = mark + " " + it.Text
	}
	return opts
}

// tick applies a press to a tasks step: it returns whether the citizen is
// done with the list, and false with a hint when the input named nothing.
func (r *run) tick(s *Step, in Input) (done bool, hint string) {
	opts := r.taskOptions(s)
	i := pickOption(opts, in)
	if i < 0 {
		switch Normalize(in.Text) {
		case "luu", "luu lai", "xong roi", "tiep", "di tiep", "tiep tuc":
			return true, ""
		}
		return false, Fill(r.e.msg.ChooseHint, "range", r.numbers(len(opts)))
	}
	if opts[i].ID == tasksDone {
		return true, ""
	}
	name := s.SaveName()
	r.st.Vars[name] = toggle(s, r.st.Vars[name], opts[i].ID)
	return false, ""
}

// progress reads a tasks value as "2/5".
func progress(s *Step, value string) string {
	return strconv.Itoa(len(ticked(value))) + "/" + strconv.Itoa(len(s.Items))
}

// tasksHold reports whether a tasks value satisfies want: an item id that is
// ticked, or AllDone.
func tasksHold(s *Step, value, want string) bool {
	done := ticked(value)
	if want == AllDone {
		return len(done) == len(s.Items)
	}
	return slices.Contains(done, want)
}
