package reminders

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/flows"
)

// Limits on what a reminder may hold.
const (
	maxIDLen    = 8
	maxLabelLen = 30 // characters
	maxChatLen  = 64 // bytes
)

// member names a reminder in the due set and among the records:
// "tg:123|1".
func member(chat, id string) string { return chat + "|" + id }

// splitMember is the inverse of member.
func splitMember(name string) (chat, id string, ok bool) {
	i := strings.LastIndexByte(name, '|')
	if i < 0 {
		return "", "", false
	}
	return name[:i], name[i+1:], true
}

// encode writes r's record: what member does not already say, in one
// short string, "<expiry yyyymmdd> <sent> <snoozed until, Unix seconds, 0
// for none> <paused 0|1> <label>", e.g. "20260615 1 0 0 Bé An". Short on
// purpose: a record under about 64 bytes stays in Redis's compact
// listpack encoding (see the package doc on memory).
func encode(r Reminder) string {
	b := make([]byte, 0, 24+len(r.Label))
	b = appendPadded(b, r.Expiry.Year, 4)
	b = appendPadded(b, int(r.Expiry.Month), 2)
	b = appendPadded(b, r.Expiry.Day, 2)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(r.Sent), 10)
	b = append(b, ' ')
	var snooze int64
	if !r.SnoozedUntil.IsZero() {
		snooze = r.SnoozedUntil.Unix()
	}
	b = strconv.AppendInt(b, snooze, 10)
	if r.Paused {
		b = append(b, " 1 "...)
	} else {
		b = append(b, " 0 "...)
	}
	b = append(b, r.Label...)
	return string(b)
}

func appendPadded(b []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for range width - len(s) {
		b = append(b, '0')
	}
	return append(b, s...)
}

// decode reads the record rec of the reminder called name; times are
// given in loc.
func decode(name, rec string, loc *time.Location) (Reminder, error) {
	chat, id, ok := splitMember(name)
	if !ok {
		return Reminder{}, fmt.Errorf("record name %q: no '|'", name)
	}
	f := strings.SplitN(rec, " ", 5)
	if len(f) != 5 || len(f[0]) != 8 || (f[3] != "0" && f[3] != "1") {
		return Reminder{}, fmt.Errorf("record of %s %q: malformed", name, rec)
	}
	y, err1 := strconv.Atoi(f[0][:4])
	m, err2 := strconv.Atoi(f[0][4:6])
	d, err3 := strconv.Atoi(f[0][6:])
	sent, err4 := strconv.Atoi(f[1])
	snooze, err5 := strconv.ParseInt(f[2], 10, 64)
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			return Reminder{}, fmt.Errorf("record of %s %q: %w", name, rec, err)
		}
	}
	r := Reminder{
		Chat:   chat,
		ID:     id,
		Label:  f[4],
		Expiry: flows.Date{Year: y, Month: time.Month(m), Day: d},
		Sent:   sent,
		Paused: f[3] == "1",
	}
	if snooze != 0 {
		r.SnoozedUntil = time.Unix(snooze, 0).In(loc)
	}
	if !validDate(r.Expiry) || sent < 0 {
		return Reminder{}, fmt.Errorf("record of %s %q: malformed", name, rec)
	}
	return r, nil
}

// validDate reports whether d is a day that a record can hold.
func validDate(d flows.Date) bool {
	if d.Year < 1000 || d.Year > 9999 {
		return false
	}
	return flows.DateOf(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)) == d
}

// checkChat reports whether chat can name a chat: up to 64 bytes of
// printable text without '|' (which ends the chat in a member name) or
// spaces.
func checkChat(chat string) error {
	if chat == "" || len(chat) > maxChatLen || !utf8.ValidString(chat) ||
		strings.ContainsFunc(chat, func(r rune) bool { return r == '|' || !unicode.IsPrint(r) || unicode.IsSpace(r) }) {
		return fmt.Errorf("chat %q: %w", chat, ErrInvalid)
	}
	return nil
}

// checkName reports whether chat and id can name a reminder.
func checkName(chat, id string) error {
	if err := checkChat(chat); err != nil {
		return err
	}
	if id == "" || len(id) > maxIDLen || strings.ContainsFunc(id, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-')
	}) {
		return fmt.Errorf("id %q: %w: 1 to %d of A-Z, a-z, 0-9, _ and -", id, ErrInvalid, maxIDLen)
	}
	return nil
}

// checkLabel reports whether label can say whose card it is.
func checkLabel(label string) error {
	n := utf8.RuneCountInString(label)
	if n == 0 || n > maxLabelLen || !utf8.ValidString(label) ||
		strings.ContainsFunc(label, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return fmt.Errorf("label %q: %w: 1 to %d characters on one line", label, ErrInvalid, maxLabelLen)
	}
	return nil
}
