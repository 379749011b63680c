package stats

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/flows"
)

// ErrInvalid means an argument cannot be counted or asked for: a date
// that does not exist, a period that ends before it starts or is longer
// than MaxDays, an empty field, a negative count, an empty chat. A Redis
// that cannot be reached gives errors matching store.ErrUnavailable.
var ErrInvalid = errors.New("stats: invalid")

// Retention is how many days the figures of a day are kept after it; Days
// may ask for at most MaxDays at once.
const (
	Retention = 400
	MaxDays   = Retention
)

// Store keeps the daily figures of use. Days are civil dates in the
// commune's zone: the caller turns a time into one with
// flows.DateOf(now.In(loc)), so that a count at 23:30 in Vietnam lands on
// that day and not on UTC's.
type Store interface {
	// Add increments the counters of day by counts, in one round trip and
	// all together (another reader sees all of them or none). Field names
	// are opaque to the store; Started, Done, Quit and the Field constants
	// make those the bot uses. A zero count is ignored; an empty map does
	// nothing.
	Add(ctx context.Context, day flows.Date, counts map[string]int64) error
	// Active records that chat used the bot on day. It is idempotent: a
	// person counts once a day however often she writes.
	Active(ctx context.Context, day flows.Date, chat string) error
	// Days returns one Day for each date from from to to, both included,
	// in order; a day with no figures has empty Counts and Active 0. One
	// round trip.
	Days(ctx context.Context, from, to flows.Date) ([]Day, error)
	// Reach counts the distinct people active on any day from from to to,
	// both included: a person active on ten days counts once.
	Reach(ctx context.Context, from, to flows.Date) (int, error)
}

// Day is the figures of one day.
type Day struct {
	// Date is the day, in the commune's zone.
	Date flows.Date
	// Counts holds the counters of the day by field; never nil. A field
	// never added is absent, which reads as 0.
	Counts map[string]int64
	// Active is how many distinct people used the bot that day;
	// approximate in Redis (see the package doc).
	Active int
}

// checkDay returns ErrInvalid for a day that is not a date.
func checkDay(day flows.Date) error {
	if day.IsZero() {
		return fmt.Errorf("%w: no date", ErrInvalid)
	}
	// A day that does not exist (31/02) comes back from time.Date as
	// another; a year must fit the 4 digits of a key.
	t := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, time.UTC)
	if flows.DateOf(t) != day || day.Year < 1 || day.Year > 9999 {
		return fmt.Errorf("%w: no such date %d-%d-%d", ErrInvalid, day.Year, day.Month, day.Day)
	}
	return nil
}

// checkAdd returns ErrInvalid for arguments Add refuses.
func checkAdd(day flows.Date, counts map[string]int64) error {
	if err := checkDay(day); err != nil {
		return err
	}
	for field, n := range counts {
		if field == "" {
			return fmt.Errorf("%w: empty field", ErrInvalid)
		}
		if n < 0 {
			return fmt.Errorf("%w: count %s is %d, below 0", ErrInvalid, field, n)
		}
	}
	return nil
}

// checkActive returns ErrInvalid for arguments Active refuses.
func checkActive(day flows.Date, chat string) error {
	if err := checkDay(day); err != nil {
		return err
	}
	if chat == "" {
		return fmt.Errorf("%w: empty chat", ErrInvalid)
	}
	return nil
}

// period checks from and to and returns how many days they span.
func period(from, to flows.Date) (int, error) {
	if err := checkDay(from); err != nil {
		return 0, err
	}
	if err := checkDay(to); err != nil {
		return 0, err
	}
	if to.Before(from) {
		return 0, fmt.Errorf("%w: period from %s to %s ends before it starts", ErrInvalid, from.ISO(), to.ISO())
	}
	n := from.DaysUntil(to) + 1
	if n > MaxDays {
		return 0, fmt.Errorf("%w: period from %s to %s is %d days, more than %d", ErrInvalid, from.ISO(), to.ISO(), n, MaxDays)
	}
	return n, nil
}
