package flows

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Values a yes/no answer is saved as, and the states a date compares as.
const (
	YesValue = "co"
	NoValue  = "khong"
	// A date answer compares as Overdue (before today), DueToday, or NotDue
	// (today or later).
	Overdue  = "qua_han"
	DueToday = "hom_nay"
	NotDue   = "con_han"
	// AttrDaysLeft after a date name, {han.con_lai}, shows the days left.
	AttrDaysLeft = "con_lai"
)

// defaultMaxLen is the longest text answer accepted when a step sets none.
const defaultMaxLen = 200

// answer checks the citizen's input against the question. It returns the
// value to save and where to go, or a hint that says what is wrong.
func (r *run) answer(s *Step, in Input) (value string, next target, hint string) {
	if s.Kind == KindAsk {
		c := r.pick(s, in)
		if c == nil {
			return "", target{}, Fill(r.e.msg.ChooseHint, "range", r.numbers(len(r.visible(s))))
		}
		if c.Flow != "" {
			return c.ID, target{flow: c.Flow}, ""
		}
		return c.ID, target{step: r.f.choiceNext(s, c)}, ""
	}
	value, hint = r.validate(s.Input, in)
	return value, target{step: r.f.next(s)}, hint
}

// numbers says which numbers can be typed: "1 hoặc 2", "từ 1 đến 4".
func (r *run) numbers(n int) string {
	if n == 2 {
		return r.e.msg.OneOrTwo
	}
	return Fill(r.e.msg.OneToN, "n", strconv.Itoa(n))
}

// visible returns the choices whose condition holds, in order.
func (r *run) visible(s *Step) []*Choice {
	out := make([]*Choice, 0, len(s.Choices))
	for _, c := range s.Choices {
		if r.holds(c.When) {
			out = append(out, c)
		}
	}
	return out
}

// pick finds the choice the citizen meant; see pickOption.
func (r *run) pick(s *Step, in Input) *Choice {
	cs := r.visible(s)
	opts := make([]Option, len(cs))
	for i, c := range cs {
		opts[i] = Option{ID: c.ID, Label: c.Label}
	}
	if i := pickOption(opts, in); i >= 0 {
		return cs[i]
	}
	return nil
}

// pickOption finds the option the citizen meant — a button's id, the
// number shown before it, or its label typed with or without diacritics —
// and returns its index, or -1.
func pickOption(opts []Option, in Input) int {
	if in.Choice != "" {
		for i, o := range opts {
			if o.ID == in.Choice {
				return i
			}
		}
		return -1
	}
	text := Normalize(in.Text)
	if text == "" {
		return -1
	}
	if n, err := strconv.Atoi(text); err == nil {
		// "6" picks "6 tháng" when one label starts with that number:
		// people answer with the number they mean, not the line's.
		found := -1
		for i, o := range opts {
			if first, _, _ := strings.Cut(Normalize(o.Label), " "); first == text {
				if found >= 0 {
					found = -2
					break
				}
				found = i
			}
		}
		if found >= 0 {
			return found
		}
		if n >= 1 && n <= len(opts) {
			return n - 1
		}
		return -1
	}
	for i, o := range opts {
		if Normalize(o.Label) == text || o.ID == text {
			return i
		}
	}
	// A word or two of a label is enough when it points at one option only,
	// but not a bare "có", "chưa" or "không": those answer the question,
	// they do not name a choice.
	if len(text) < 3 || vague[text] {
		return -1
	}
	found := -1
	for i, o := range opts {
		if containsWords(Normalize(o.Label), text) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// vague are answers too short to say which choice is meant.
var vague = map[string]bool{"co": true, "chua": true, "khong": true, "roi": true, "da": true, "ko": true, "dung": true, "vang": true, "ok": true}

// containsWords reports whether words occurs in s on word boundaries.
func containsWords(s, words string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], words)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(words)
		if (start == 0 || s[start-1] == ' ') && (end == len(s) || s[end] == ' ') {
			return true
		}
		i = start + 1
	}
}

// validate checks a typed answer. The value is saved in a canonical form:
// dates as yyyy-mm-dd, numbers in digits, phones as 0xxxxxxxxx, yes/no as
// co/khong.
func (r *run) validate(spec *InputSpec, in Input) (string, string) {
	m := r.e.msg
	switch spec.Kind {
	case InputDate:
		d, err := ParseDate(in.Text, r.today)
		switch {
		case errors.Is(err, ErrDateInvalid):
			return "", or(spec.Hint, Fill(m.DateInvalid, "text", strings.TrimSpace(in.Text)))
		case errors.Is(err, ErrDateYearFirst):
			if iso, err := ParseISODate(strings.TrimSpace(in.Text)); err == nil {
				return "", Fill(m.DateYearFirst, "date", iso.String())
			}
			return "", or(spec.Hint, m.DateShape)
		case err != nil:
			return "", or(spec.Hint, m.DateShape)
		}
		if spec.Min != "" {
			if min, _ := parseBound(spec.Min, r.today); d.Before(min) {
				return "", or(spec.TooEarly, Fill(m.DateTooEarly, "min", min.String()))
			}
		}
		if spec.Max != "" {
			if max, _ := parseBound(spec.Max, r.today); d.After(max) {
				return "", or(spec.TooLate, Fill(m.DateTooLate, "max", max.String()))
			}
		}
		return d.ISO(), ""
	case InputNumber:
		n, err := numberAnswer(in.Text)
		switch {
		case errors.Is(err, errNumberRange) && spec.Max != "":
			max, _ := ParseNumber(spec.Max)
			return "", or(spec.TooLate, Fill(m.NumberTooBig, "max", FormatNumber(max)))
		case errors.Is(err, errNumberRange):
			return "", m.NumberHuge
		case err != nil:
			return "", or(spec.Hint, m.NumberShape)
		}
		if min, err := ParseNumber(spec.Min); err == nil && spec.Min != "" && n < min {
			return "", or(spec.TooEarly, Fill(m.NumberTooSmall, "min", FormatNumber(min)))
		}
		if max, err := ParseNumber(spec.Max); err == nil && spec.Max != "" && n > max {
			return "", or(spec.TooLate, Fill(m.NumberTooBig, "max", FormatNumber(max)))
		}
		return strconv.FormatInt(n, 10), ""
	case InputPhone:
		p, err := ParsePhone(narrow(in.Text))
		if err != nil {
			return "", or(spec.Hint, m.PhoneShape)
		}
		return p, ""
	case InputYesNo:
		yes, ok := yesOrNo(in.Choice, in.Text)
		if !ok {
			return "", or(spec.Hint, m.YesNoHint)
		}
		if yes {
			return YesValue, ""
		}
		return NoValue, ""
	default: // InputText
		text := strings.TrimSpace(in.Text)
		max := spec.MaxLen
		if max == 0 {
			max = defaultMaxLen
		}
		switch {
		case text == "":
			return "", or(spec.Hint, m.TextEmpty)
		case utf8.RuneCountInString(text) > max:
			return "", Fill(m.TextTooLong, "max", strconv.Itoa(max))
		case spec.Words && !strings.ContainsFunc(text, unicode.IsLetter):
			return "", or(spec.Hint, m.TextEmpty)
		}
		return text, ""
	}
}

// numberAnswer reads a typed number, full-width digits and a unit after
// it included: "3", "３", "3 người", "12 tháng" (the unit is letters only:
// "3 hoặc 4" is no number).
func numberAnswer(text string) (int64, error) {
	text = strings.TrimSpace(narrow(text))
	n, err := ParseNumber(text)
	if err == nil || errors.Is(err, errNumberRange) {
		return n, err
	}
	i := strings.IndexFunc(text, func(r rune) bool { return unicode.IsLetter(r) })
	if i <= 0 || strings.ContainsFunc(text[i:], unicode.IsDigit) {
		return 0, err
	}
	return ParseNumber(strings.TrimSpace(text[:i]))
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// options are the choices shown with a question: an ask step's visible
// choices, or Có/Không for a yes/no answer.
func (r *run) options(s *Step) []Option {
	switch {
	case s.Kind == KindAsk:
		cs := r.visible(s)
		out := make([]Option, len(cs))
		for i, c := range cs {
			out[i] = Option{ID: c.ID, Label: c.Label}
		}
		return out
	case s.Kind == KindInput && s.Input.Kind == InputYesNo:
		return r.e.msg.yesNoOptions()
	case s.Kind == KindTasks:
		return r.taskButtons(s)
	}
	return nil
}

// yesNoOptions are the buttons of a yes/no question: Có, Không.
func (m *Messages) yesNoOptions() []Option {
	return []Option{{ID: YesValue, Label: m.Yes}, {ID: NoValue, Label: m.No}}
}

// yesOrNo reads an answer to a yes/no question: a button, the number it is
// shown with (1. Có, 2. Không), or yes or no in words. ok is false for
// anything else.
func yesOrNo(choice, text string) (yes, ok bool) {
	switch {
	case choice == YesValue:
		return true, true
	case choice == NoValue:
		return false, true
	}
	switch strings.TrimSpace(text) {
	case "1":
		return true, true
	case "2":
		return false, true
	}
	return ParseYesNo(text)
}

// holds evaluates a condition against the answers so far.
func (r *run) holds(c Cond) bool {
	for _, t := range c.Terms {
		v, ok := r.st.Vars[t.Name]
		if !ok {
			return false
		}
		info := r.f.vars[t.Name]
		match := false
		for _, want := range t.Values {
			switch info.kind {
			case InputDate:
				match = r.dateIs(v, want)
			case KindTasks:
				match = tasksHold(info.step, v, want)
			default:
				match = v == want
			}
			if match {
				break
			}
		}
		if !match {
			return false
		}
	}
	return true
}

// dateIs reports whether a saved date is in the state named: before today,
// today, or today or later.
func (r *run) dateIs(iso, state string) bool {
	d, err := ParseISODate(iso)
	if err != nil {
		return false
	}
	switch c := d.Compare(r.today); state {
	case Overdue:
		return c < 0
	case DueToday:
		return c == 0
	case NotDue:
		return c >= 0
	}
	return false
}
