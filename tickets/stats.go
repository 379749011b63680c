package tickets

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Stats are the figures on tickets over a span of time, overall and per
// village. They hold no content: they outlive retention and /xoadulieu.
type Stats struct {
	Figures
	// Villages holds the figures of the tickets whose village was known,
	// by village; the overall figures count every ticket.
	Villages map[string]Figures
}

// Figures count what happened in a span of time. Each event counts in
// the span in which it happened: a ticket asked on Monday and answered on
// Tuesday counts as asked on Monday and as answered on Tuesday.
type Figures struct {
	// Asked counts the tickets created; Claimed those claimed for the
	// first time; Answered those first answered; Closed those closed.
	Asked, Claimed, Answered, Closed int
	// ToClaim is the median wait from asking to the first claim, over the
	// first claims of the span; ToAnswer the median wait from asking to
	// the first answer, over the first answers of the span. Zero when
	// there were none.
	ToClaim, ToAnswer time.Duration
}

// event is one figure: something that happened to a ticket, with no
// content. Both backends keep events as members of a sorted set scored by
// when they happened (Unix ms):
//
//	"<kind> <ticket id> <wait, ms> <village>"
//
// kind is a (asked), c (first claimed), f (first answer) or x (closed);
// wait is from the ticket's creation, 0 for a and x; village is last, as
// it may hold spaces. The ticket id makes each member unique, and makes
// a write that is run twice (a retry after a lost reply) count once.
type event struct {
	at     int64 // Unix ms
	member string
}

// Kinds of events.
const (
	evAsked    = 'a'
	evClaimed  = 'c'
	evAnswered = 'f'
	evClosed   = 'x'
)

// newEvent records that kind happened to t at at.
func newEvent(kind byte, t Ticket, at time.Time) event {
	var wait int64
	if kind == evClaimed || kind == evAnswered {
		wait = max(0, at.UnixMilli()-t.Created.UnixMilli())
	}
	m := string(kind) + " " + t.ID + " " + strconv.FormatInt(wait, 10) + " " + t.Village
	return event{at: at.UnixMilli(), member: m}
}

// tally adds up events, given as their members.
func tally(members []string) (Stats, error) {
	type waits struct{ claim, answer []time.Duration }
	var all waits
	byVillage := make(map[string]*waits)
	st := Stats{Villages: make(map[string]Figures)}
	for _, m := range members {
		f := strings.SplitN(m, " ", 4)
		if len(f) != 4 || len(f[0]) != 1 {
			return Stats{}, fmt.Errorf("figure %q: malformed", m)
		}
		ms, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return Stats{}, fmt.Errorf("figure %q: %w", m, err)
		}
		wait := time.Duration(ms) * time.Millisecond
		village := f[3]
		vf := st.Villages[village]
		vw := byVillage[village]
		if vw == nil {
			vw = &waits{}
			byVillage[village] = vw
		}
		switch f[0][0] {
		case evAsked:
			st.Asked++
			vf.Asked++
		case evClaimed:
			st.Claimed++
			vf.Claimed++
			all.claim = append(all.claim, wait)
			vw.claim = append(vw.claim, wait)
		case evAnswered:
			st.Answered++
			vf.Answered++
			all.answer = append(all.answer, wait)
			vw.answer = append(vw.answer, wait)
		case evClosed:
			st.Closed++
			vf.Closed++
		default:
			return Stats{}, fmt.Errorf("figure %q: unknown kind", m)
		}
		st.Villages[village] = vf
	}
	st.ToClaim, st.ToAnswer = median(all.claim), median(all.answer)
	for village, w := range byVillage {
		if village == "" {
			continue
		}
		vf := st.Villages[village]
		vf.ToClaim, vf.ToAnswer = median(w.claim), median(w.answer)
		st.Villages[village] = vf
	}
	delete(st.Villages, "")
	return st, nil
}

// median returns the middle of ds, the mean of the two middle ones for an
// even count, 0 for none. It sorts ds.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	mid := len(ds) / 2
	if len(ds)%2 == 1 {
		return ds[mid]
	}
	return ds[mid-1] + (ds[mid]-ds[mid-1])/2
}
