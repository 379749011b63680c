package outbox

import (
	"fmt"
	"time"
)

// QuietHours is a nightly span of local time in which nothing but urgent
// messages is sent: from From (inclusive) to To (exclusive), both offsets
// from midnight in [0, 24h). From after To spans midnight (21:00 to 07:00);
// From equal to To means no quiet hours at all.
type QuietHours struct {
	From, To time.Duration
}

// DefaultQuietHours are 21:00 to 07:00, the project's default (DESIGN.md,
// invariant 7).
var DefaultQuietHours = QuietHours{From: 21 * time.Hour, To: 7 * time.Hour}

// validate reports an offset outside a day.
func (q QuietHours) validate() error {
	for _, d := range []time.Duration{q.From, q.To} {
		if d < 0 || d >= 24*time.Hour {
			return fmt.Errorf("outbox: quiet hours %v to %v: not times of day", q.From, q.To)
		}
	}
	return nil
}

// Contains reports whether t falls in the quiet hours, by t's wall clock in
// t's location.
func (q QuietHours) Contains(t time.Time) bool {
	if q.From == q.To {
		return false
	}
	tod := sinceMidnight(t)
	if q.From < q.To {
		return q.From <= tod && tod < q.To
	}
	return tod >= q.From || tod < q.To
}

// End is when the quiet hours that hold t end, in t's location; t itself
// when t is not in them.
func (q QuietHours) End(t time.Time) time.Time {
	if !q.Contains(t) {
		return t
	}
	day := 0
	if q.From > q.To && sinceMidnight(t) >= q.From {
		day = 1 // evening: they end tomorrow morning
	}
	// Built from the wall clock, not by adding to midnight, so that a day
	// with a daylight-saving change still ends at To on the clock.
	y, m, d := t.Date()
	to := q.To
	return time.Date(y, m, d+day, int(to/time.Hour), int(to%time.Hour/time.Minute),
		int(to%time.Minute/time.Second), int(to%time.Second), t.Location())
}

// sinceMidnight is t's wall clock as an offset from midnight.
func sinceMidnight(t time.Time) time.Duration {
	h, m, s := t.Clock()
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
}
