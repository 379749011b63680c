package flows

import (
	"errors"
	"strconv"
	"strings"
)

// render fills {name} and {name.con_lai} in a text with the answers so far.
func (r *run) render(text string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 32)
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(text[:i])
		b.WriteString(r.show(strings.TrimSpace(text[i+1 : i+j])))
		text = text[i+j+1:]
	}
	b.WriteString(text)
	return b.String()
}

// show is how an answer reads in a sentence.
func (r *run) show(ref string) string {
	name, attr, _ := strings.Cut(ref, ".")
	v, ok := r.st.Vars[name]
	info := r.f.vars[name]
	if !ok && info.kind != KindTasks { // an untouched list has nothing ticked
		return "…"
	}
	switch info.kind {
	case KindAsk:
		for _, c := range info.step.Choices {
			if c.ID == v {
				return c.Label
			}
		}
	case InputDate:
		d, err := ParseISODate(v)
		if err != nil {
			return v
		}
		if attr == AttrDaysLeft {
			return r.daysLeft(d)
		}
		return d.String()
	case InputYesNo:
		if v == YesValue {
			return strings.ToLower(r.e.msg.Yes)
		}
		return strings.ToLower(r.e.msg.No)
	case InputNumber:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return FormatNumber(n)
		}
	case InputPhone:
		return FormatPhone(v)
	case KindTasks:
		return progress(info.step, v)
	}
	return v
}

// daysLeft reads a deadline as seen today; see Messages.DaysLeftText.
func (r *run) daysLeft(d Date) string { return r.e.msg.DaysLeftText(r.today, d) }

// DaysLeftText reads a deadline d as seen on today: "còn 12 ngày", "hôm nay
// là ngày cuối", "đã quá hạn 3 ngày"; past two months, days are hard to
// read, so "còn khoảng 5 tháng", "còn khoảng 6 năm" (to the nearest), "đã
// quá hạn khoảng 3 tháng", "đã quá hạn hơn 2 năm" (whole ones).
func (m *Messages) DaysLeftText(today, d Date) string {
	n := today.DaysUntil(d)
	switch {
	case n > 60:
		months := wholeMonths(today, d)
		if today.AddMonths(months).DaysUntil(d) >= 15 {
			months++ // to the nearest month
		}
		if months < 24 {
			return Fill(m.DaysLeftMonths, "n", strconv.Itoa(months))
		}
		return Fill(m.DaysLeftYears, "n", strconv.Itoa((months+6)/12))
	case n > 0:
		return Fill(m.DaysLeft, "n", strconv.Itoa(n))
	case n == 0:
		return m.DueToday
	case n >= -60:
		return Fill(m.Overdue, "n", strconv.Itoa(-n))
	}
	// Past two months, days are hard to read: count whole months.
	months := wholeMonths(d, today)
	if months < 24 {
		return Fill(m.OverdueMonths, "n", strconv.Itoa(months))
	}
	return Fill(m.OverdueYears, "n", strconv.Itoa(months/12))
}

// checklist renders the heading and the items whose condition holds.
func (r *run) checklist(s *Step) string {
	var b strings.Builder
	b.WriteString(r.render(s.Text))
	for _, it := range s.Items {
		if r.holds(it.When) {
			b.WriteString("\n• ")
			b.WriteString(r.render(it.Text))
		}
	}
	return b.String()
}

// shift moves a date by a duration such as "60d", "72m" or "6y", forward
// for sign 1 and back for sign -1.
func shift(d Date, dur string, sign int) (Date, bool) {
	if rest, ok := strings.CutPrefix(dur, "-"); ok {
		dur, sign = rest, -sign
	}
	m := durationPattern.FindStringSubmatch(dur)
	if m == nil {
		return d, false
	}
	n, _ := strconv.Atoi(m[1])
	switch m[2] {
	case "d":
		return d.AddDays(sign * n), true
	case "m":
		return d.AddMonths(sign * n), true
	default:
		return d.AddYears(sign * n), true
	}
}

var errBound = errors.New("not a date bound")

// parseBound reads a date bound: "today", "today-6y", "today+60d" or a date
// written dd/mm/yyyy.
func parseBound(s string, today Date) (Date, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	rest, ok := strings.CutPrefix(s, "today")
	if !ok {
		d, err := ParseDate(s, today)
		if err != nil {
			return Date{}, errBound
		}
		return d, nil
	}
	if rest == "" {
		return today, nil
	}
	sign := 1
	if rest[0] == '-' {
		sign = -1
	} else if rest[0] != '+' {
		return Date{}, errBound
	}
	d, ok := shift(today, rest[1:], sign)
	if !ok {
		return Date{}, errBound
	}
	return d, nil
}
