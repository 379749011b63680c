package bot

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/flows"
)

// Errors of parseWhen.
var (
	errWhenUnread = errors.New("bot: not a time")
	errWhenPast   = errors.New("bot: a time gone")
)

var (
	// clockRe finds "7:00", "07h30", "7h", "7 giờ 30", "7 gio".
	clockRe = regexp.MustCompile(`(?:^|\D)([01]?\d|2[0-3])\s*(?::|h|giờ|gio)\s*([0-5]\d)?(?:\D|$)`)
	// dayRe finds "25/11", "25-11-2026", "25.11.26".
	dayRe = regexp.MustCompile(`(?:^|\D)(\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?)(?:\D|$)`)
)

// maxAhead bounds how far ahead a notice may be set.
const maxAhead = 60 * 24 * time.Hour

// parseWhen reads when staff want a notice sent: a time of day ("07:00",
// "7h30", "7 giờ") and a day ("hôm nay", "ngày mai", "ngày kia", "25/11",
// "25/11/2026"); "chiều" and "tối" move 1–11 o'clock past noon. Without a
// day it is the next such time. It must be after now and within 60 days.
func parseWhen(text string, now time.Time) (time.Time, error) {
	lower := strings.ToLower(text)
	var d string
	if dm := dayRe.FindStringSubmatch(lower); dm != nil {
		d = dm[1]
		lower = strings.Replace(lower, d, " ", 1)
	}
	n := flows.Normalize(lower)
	m := clockRe.FindStringSubmatch(lower)
	if m == nil {
		return time.Time{}, errWhenUnread
	}
	hour, _ := strconv.Atoi(m[1])
	minute := 0
	if m[2] != "" {
		minute, _ = strconv.Atoi(m[2])
	}
	if hour >= 1 && hour < 12 && (strings.Contains(n, "chieu") || strings.Contains(n, "toi")) {
		hour += 12
	}
	today := flows.DateOf(now)
	day, dayGiven := today, true
	switch {
	case strings.Contains(n, "ngay kia"):
		day = today.AddDays(2)
	case strings.Contains(n, "mai"):
		day = today.AddDays(1)
	case strings.Contains(n, "hom nay") || strings.Contains(n, "nay"):
	default:
		if d == "" {
			dayGiven = false
			break
		}
		noYear := strings.Count(d, "/")+strings.Count(d, "-")+strings.Count(d, ".") == 1
		if noYear {
			d += "/" + strconv.Itoa(today.Year)
		}
		var err error
		if day, err = flows.ParseDate(d, today.AddDays(400)); err != nil {
			return time.Time{}, errWhenUnread
		}
		if noYear && day.Before(today) {
			day = day.AddYears(1) // "5/1" typed in November
		}
	}
	at := time.Date(day.Year, time.Month(day.Month), day.Day, hour, minute, 0, 0, now.Location())
	if !dayGiven && !at.After(now) {
		at = at.AddDate(0, 0, 1)
	}
	if !at.After(now) {
		return time.Time{}, errWhenPast
	}
	if at.Sub(now) > maxAhead {
		return time.Time{}, errWhenUnread
	}
	return at, nil
}
