package flows

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Date is a civil date, such as a birth date or a deadline, with no time of
// day and no location. The zero Date means no date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Errors from ParseDate and ParseISODate, checked with errors.Is.
var (
	// ErrDateShape means the text is not written as a date at all.
	ErrDateShape = errors.New("not a date")
	// ErrDateYearFirst means the text is a date written year first, such as
	// 2026-05-01. It is also an ErrDateShape; a caller may single it out to
	// remind the citizen that Vietnamese dates are written day/month/year.
	ErrDateYearFirst = fmt.Errorf("%w: year written first, not day/month/year", ErrDateShape)
	// ErrDateInvalid means the text is shaped like a date but no such day
	// exists (31/02/2025, month 13), or its year is before 1900 or after 2200.
	ErrDateInvalid = errors.New("no such date")
)

// Years outside these bounds are typing mistakes, not dates that a procedure
// can concern.
const (
	minYear = 1900
	maxYear = 2200
)

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate reads a date as citizens type it, day first: 5/3/2026,
// 05/03/2026, 5-3-2026, 5.3.2026, 5 3 2026 or "ngày 5 tháng 3 năm 2026" (with
// or without diacritics, "mùng" allowed before the day). The text is first
// folded with Normalize, so any punctuation or spacing separates the fields.
// The day and month have one or two digits; the year has four, or two.
//
// A two-digit year yy is read as 20yy when 20yy is no later than the year
// after today's, and as 19yy otherwise: on a day in 2026, 27 is 2027 and 28
// is 1928. today is used for nothing else.
//
// Text that is not a date, a month given by name, and words such as "hôm
// qua" give ErrDateShape; a year written first (2026-05-01) gives
// ErrDateYearFirst, which is also an ErrDateShape. A date that does not
// exist, or whose year is outside 1900–2200, gives ErrDateInvalid.
func ParseDate(s string, today Date) (Date, error) {
	words := strings.Fields(Normalize(s))
	words = cutWord(words, "ngay")
	words = cutWord(words, "mung", "mong")
	var nums [3]string
	for i, label := range [...]string{"", "thang", "nam"} {
		if i > 0 {
			words = cutWord(words, label)
		}
		if len(words) == 0 {
			return Date{}, ErrDateShape
		}
		nums[i], words = words[0], words[1:]
	}
	if len(words) > 0 {
		return Date{}, ErrDateShape
	}
	if len(nums[0]) == 4 && isDigits(nums[0]) {
		return Date{}, ErrDateYearFirst
	}
	day, ok1 := atoiWidth(nums[0], 1, 2)
	month, ok2 := atoiWidth(nums[1], 1, 2)
	year, ok3 := atoiWidth(nums[2], 4, 4)
	if !ok3 {
		if year, ok3 = atoiWidth(nums[2], 2, 2); ok3 {
			year += 2000
			if year > today.Year+1 {
				year -= 100
			}
		}
	}
	if !ok1 || !ok2 || !ok3 {
		return Date{}, ErrDateShape
	}
	if year < minYear || year > maxYear {
		return Date{}, ErrDateInvalid
	}
	d := Date{Year: year, Month: time.Month(month), Day: day}
	if !d.valid() {
		return Date{}, ErrDateInvalid
	}
	return d, nil
}

// ParseISODate reads a date stored as yyyy-mm-dd, the form ISO writes. It
// gives ErrDateShape for text of any other form and ErrDateInvalid for a day
// that does not exist; unlike ParseDate it accepts any year from 0000 to 9999.
func ParseISODate(s string) (Date, error) {
	if len(s) != len("yyyy-mm-dd") || s[4] != '-' || s[7] != '-' {
		return Date{}, ErrDateShape
	}
	year, ok1 := atoiWidth(s[:4], 4, 4)
	month, ok2 := atoiWidth(s[5:7], 2, 2)
	day, ok3 := atoiWidth(s[8:], 2, 2)
	if !ok1 || !ok2 || !ok3 {
		return Date{}, ErrDateShape
	}
	d := Date{Year: year, Month: time.Month(month), Day: day}
	if !d.valid() {
		return Date{}, ErrDateInvalid
	}
	return d, nil
}

// cutWord returns words without its first word if that is one of ws.
func cutWord(words []string, ws ...string) []string {
	if len(words) > 0 && slices.Contains(ws, words[0]) {
		return words[1:]
	}
	return words
}

// isDigits reports whether s is made of ASCII digits only.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoiWidth reads s as a number of min to max ASCII digits.
func atoiWidth(s string, min, max int) (int, bool) {
	if len(s) < min || len(s) > max || !isDigits(s) {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// IsZero reports whether d is the zero Date, meaning no date.
func (d Date) IsZero() bool { return d == Date{} }

// valid reports whether d is a day of the Gregorian calendar.
func (d Date) valid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	// Day 0 of the next month is the last day of this one.
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// String returns d as Vietnamese write it, dd/mm/yyyy (05/03/2026), or ""
// for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}

// ISO returns d as yyyy-mm-dd (2026-03-05), the form in which dates are
// stored, or "" for the zero Date.
func (d Date) ISO() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// utc returns midnight UTC at the start of d. Civil days in UTC all last 24
// hours, so arithmetic on them is free of daylight-saving surprises.
func (d Date) utc() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// AddDays returns the date n days after d (before d when n is negative).
// Adding to the zero Date gives the zero Date.
func (d Date) AddDays(n int) Date {
	if d.IsZero() {
		return d
	}
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// AddMonths returns the date n calendar months after d (before d when n is
// negative). When that month is shorter than d's day, the result is its last
// day: 31/01/2026 plus one month is 28/02/2026, and 29/02/2020 plus 72
// months is 28/02/2026. Adding to the zero Date gives the zero Date.
func (d Date) AddMonths(n int) Date {
	if d.IsZero() {
		return d
	}
	m := d.Year*12 + int(d.Month) - 1 + n
	y, mo := m/12, m%12
	if mo < 0 { // Go's % truncates towards zero; months count from year 0.
		y, mo = y-1, mo+12
	}
	month := time.Month(mo + 1)
	return Date{Year: y, Month: month, Day: min(d.Day, daysIn(y, month))}
}

// AddYears returns the date n years after d, clamped like AddMonths: 29/02
// becomes 28/02 in a year that is not a leap year.
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

// DaysUntil returns the number of whole days from d to e: positive when e is
// after d, negative when it is before, 0 on the same day.
func (d Date) DaysUntil(e Date) int {
	// Unix seconds, not e.utc().Sub(d.utc()): a time.Duration holds only
	// 292 years, and the dates ParseDate accepts span 300.
	return int((e.utc().Unix() - d.utc().Unix()) / (24 * 60 * 60))
}

// wholeMonths counts the calendar months from from to to, to not before
// from: a month is whole once to's day of the month reaches from's.
func wholeMonths(from, to Date) int {
	n := (to.Year-from.Year)*12 + int(to.Month-from.Month)
	if to.Day < from.Day {
		n--
	}
	return n
}

// Compare returns -1 if d is before e, 0 if they are the same day, and +1 if
// d is after e.
func (d Date) Compare(e Date) int {
	if c := cmp.Compare(d.Year, e.Year); c != 0 {
		return c
	}
	if c := cmp.Compare(d.Month, e.Month); c != 0 {
		return c
	}
	return cmp.Compare(d.Day, e.Day)
}

// Before reports whether d is a day before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is a day after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Vietnam is Asia/Ho_Chi_Minh, or UTC+7 where the time zone database is
// missing (Vietnam has no daylight saving time). It is loaded once. Every
// package that needs the commune's default zone uses this one.
var Vietnam = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
})
