package reminders

import (
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/flows"
)

// Reminder is one BHYT card someone asked to be reminded of.
type Reminder struct {
	// Chat is who is reminded, across channels: "tg:123".
	Chat string
	// ID names the reminder within its chat: 1 to 8 of A-Z, a-z, 0-9,
	// '_' and '-', so that it fits in a button's callback data.
	ID string
	// Label says whose card it is: "Tôi", "Mẹ", "Bé An"; 1 to 30
	// characters on one line.
	Label string
	// Expiry is the last day the card is valid.
	Expiry flows.Date
	// Sent counts the stages already sent or skipped: stages are the
	// schedule's leads in order, then the day after expiry.
	Sent int
	// SnoozedUntil is when a snoozed reminder comes back ("Nhắc lại
	// sau"); zero when it is not snoozed. Stores keep it to the second.
	SnoozedUntil time.Time
	// Paused is set while the chat blocks the bot (Telegram's 403).
	Paused bool
}

// Schedule says when the reminders of a card fall due: Leads days before
// its expiry, then After days after it if the card was not renewed, each
// at Hour:Minute in Location.
type Schedule struct {
	// Leads are days before expiry, in decreasing order: 30, 7, 1. A lead
	// of 0 is the expiry day itself.
	Leads []int
	// After is the day after expiry of the last reminder, sent unless the
	// card was renewed: 1. Zero for none.
	After int
	// Hour and Minute are the time of day every stage falls due: 8:00.
	Hour, Minute int
	// Location is where Hour:Minute and the days are counted
	// (Asia/Ho_Chi_Minh when nil).
	Location *time.Location
	// Snooze is how many days "Nhắc lại sau" waits: 3.
	Snooze int
}

// DefaultSchedule is the issue's: 30, 7 and 1 days before expiry and the
// day after, at 08:00 in Asia/Ho_Chi_Minh; a snooze waits 3 days.
func DefaultSchedule() Schedule {
	return Schedule{Leads: []int{30, 7, 1}, After: 1, Hour: 8, Location: flows.Vietnam(), Snooze: 3}
}

// Validate reports every problem of s at once.
func (s Schedule) Validate() error {
	var errs []error
	for i, lead := range s.Leads {
		if lead < 0 || lead > 366 {
			errs = append(errs, fmt.Errorf("lead %d days: not between 0 and 366", lead))
		}
		if i > 0 && lead >= s.Leads[i-1] {
			errs = append(errs, fmt.Errorf("leads %v: not in decreasing order", s.Leads))
		}
	}
	if s.After < 0 || s.After > 366 {
		errs = append(errs, fmt.Errorf("after %d days: not between 0 and 366", s.After))
	}
	if s.stages() == 0 {
		errs = append(errs, errors.New("no stages: give leads or after"))
	}
	if s.Hour < 0 || s.Hour > 23 || s.Minute < 0 || s.Minute > 59 {
		errs = append(errs, fmt.Errorf("time %02d:%02d: not a time of day", s.Hour, s.Minute))
	}
	if s.Snooze < 1 || s.Snooze > 366 {
		errs = append(errs, fmt.Errorf("snooze %d days: not between 1 and 366", s.Snooze))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("reminders: schedule: %w", err)
	}
	return nil
}

// At is Hour:Minute on day d in the schedule's location.
func (s Schedule) At(d flows.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, s.Hour, s.Minute, 0, 0, s.location())
}

// Stages returns when each stage of r falls due, in order: the leads,
// then the day after expiry.
func (s Schedule) Stages(r Reminder) []time.Time {
	out := make([]time.Time, s.stages())
	for i := range out {
		out[i] = s.stage(r, i)
	}
	return out
}

// Next returns when r next falls due: the time of its next unsent stage,
// or the end of its snooze if that is later. It is false when r is paused,
// or when every stage was sent and r is not snoozed.
func (s Schedule) Next(r Reminder) (time.Time, bool) {
	if r.Paused {
		return time.Time{}, false
	}
	var next time.Time
	switch {
	case r.Sent < s.stages():
		next = s.stage(r, max(r.Sent, 0))
	case r.SnoozedUntil.IsZero():
		return time.Time{}, false
	}
	if r.SnoozedUntil.After(next) {
		next = r.SnoozedUntil
	}
	return next, true
}

// Due returns the stage of r to send at now: the latest unsent stage whose
// time has come, so that after a downtime only the latest missed stage is
// sent, late, and the earlier ones are skipped. It is false while r is
// paused or snoozed, or when no unsent stage has come.
func (s Schedule) Due(r Reminder, now time.Time) (stage int, ok bool) {
	if r.Paused || now.Before(r.SnoozedUntil) {
		return 0, false
	}
	for i := s.stages() - 1; i >= max(r.Sent, 0); i-- {
		if !s.stage(r, i).After(now) {
			return i, true
		}
	}
	return 0, false
}

// Begin starts the cycle of r at now, for a new card or a renewed one
// ("Đã gia hạn" with the new expiry in r.Expiry): the stages whose time
// has already come are skipped, not sent late, and any snooze ends. A
// card expiring in 5 days gets the 1-day reminder and the day after, not
// the 30- and 7-day ones.
func (s Schedule) Begin(r Reminder, now time.Time) Reminder {
	r.Sent = 0
	for r.Sent < s.stages() && !s.stage(r, r.Sent).After(now) {
		r.Sent++
	}
	r.SnoozedUntil = time.Time{}
	return r
}

// SnoozeEnd returns when a reminder snoozed at now comes back: Snooze
// days later, at the schedule's time of day, so that it never lands in
// the night.
func (s Schedule) SnoozeEnd(now time.Time) time.Time {
	return s.At(flows.DateOf(now.In(s.location())).AddDays(s.Snooze))
}

// Snoozed returns r snoozed until the given time. The last stage sent
// comes again then (or a later one if its time has come by then); a
// reminder already snoozed keeps its place in the series and only moves
// its end, so that pressing "Nhắc lại sau" twice is like pressing it once.
func (r Reminder) Snoozed(until time.Time) Reminder {
	if r.SnoozedUntil.IsZero() && r.Sent > 0 {
		r.Sent--
	}
	r.SnoozedUntil = until
	return r
}

// sent returns r after stage was sent: the series moves past it and a
// snooze ends.
func (r Reminder) sent(stage int) Reminder {
	r.Sent = max(r.Sent, stage+1)
	r.SnoozedUntil = time.Time{}
	return r
}

// stages counts the stages of every series.
func (s Schedule) stages() int {
	if s.After > 0 {
		return len(s.Leads) + 1
	}
	return len(s.Leads)
}

// stage returns when stage i of r falls due; i is in [0, s.stages()).
func (s Schedule) stage(r Reminder, i int) time.Time {
	if i < len(s.Leads) {
		return s.At(r.Expiry.AddDays(-s.Leads[i]))
	}
	return s.At(r.Expiry.AddDays(s.After))
}

// location is s.Location or Asia/Ho_Chi_Minh.
func (s Schedule) location() *time.Location {
	if s.Location != nil {
		return s.Location
	}
	return flows.Vietnam()
}
