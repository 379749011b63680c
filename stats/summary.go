package stats

import (
	"cmp"
	"slices"
	"strings"
)

// FlowTotals are the figures of one procedure over a period.
type FlowTotals struct {
	// Flow is the procedure's id.
	Flow string
	// Started, Done and Quit count the procedures started, completed and
	// given up in the period.
	Started, Done, Quit int64
}

// Rate is the share of started procedures that were completed, from 0 to
// 1; 0 when none was started. A procedure started before the period and
// completed in it counts as done but not as started, so Done may exceed
// Started on a short period: Rate is then 1.
func (f FlowTotals) Rate() float64 {
	if f.Started == 0 {
		return 0
	}
	return min(1, float64(f.Done)/float64(f.Started))
}

// GaveUp counts the people who gave up a procedure at one step.
type GaveUp struct {
	Flow, Step string
	Count      int64
}

// Procedures adds up the procedures started and completed on d, all
// procedures together.
func (d Day) Procedures() (started, done int64) {
	for field, n := range d.Counts {
		switch {
		case strings.HasPrefix(field, startPrefix):
			started += n
		case strings.HasPrefix(field, donePrefix):
			done += n
		}
	}
	return started, done
}

// Total adds up field over days.
func Total(days []Day, field string) int64 {
	var n int64
	for _, d := range days {
		n += d.Counts[field]
	}
	return n
}

// Flows totals each procedure over days: those most started first, then
// by id. A procedure appears when any of its figures is above 0.
func Flows(days []Day) []FlowTotals {
	byFlow := make(map[string]*FlowTotals)
	for _, d := range days {
		for field, n := range d.Counts {
			kind, flow, _, ok := parseField(field)
			if !ok || n == 0 {
				continue
			}
			f := byFlow[flow]
			if f == nil {
				f = &FlowTotals{Flow: flow}
				byFlow[flow] = f
			}
			switch kind {
			case "start":
				f.Started += n
			case "done":
				f.Done += n
			case "quit":
				f.Quit += n
			}
		}
	}
	out := make([]FlowTotals, 0, len(byFlow))
	for _, f := range byFlow {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b FlowTotals) int {
		return cmp.Or(cmp.Compare(b.Started, a.Started), cmp.Compare(a.Flow, b.Flow))
	})
	return out
}

// TopQuits returns the n places where most people gave up over days,
// most first, then by procedure and step; all of them when n <= 0.
func TopQuits(days []Day, n int) []GaveUp {
	type place struct{ flow, step string }
	counts := make(map[place]int64)
	for _, d := range days {
		for field, c := range d.Counts {
			kind, flow, step, ok := parseField(field)
			if ok && kind == "quit" && c > 0 {
				counts[place{flow, step}] += c
			}
		}
	}
	out := make([]GaveUp, 0, len(counts))
	for p, c := range counts {
		out = append(out, GaveUp{Flow: p.flow, Step: p.step, Count: c})
	}
	slices.SortFunc(out, func(a, b GaveUp) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Flow, b.Flow), cmp.Compare(a.Step, b.Step))
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}
