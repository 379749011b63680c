package flows

import "strconv"

// An answer can be allowed yet unlikely: a child born a century ago is
// more often a mistyped year than a late registration. Such an answer is
// not taken silently: the engine asks once, "Bé sinh năm 1926, đúng
// không?", and takes it on "có" (or 1), asks the question again on
// "không" (or 2), and reads anything else as a new answer.

// unlikely reports whether an accepted answer lies outside the likely
// bounds of its question.
func (r *run) unlikely(spec *InputSpec, value string) bool {
	if spec == nil || spec.LikelyMin == "" && spec.LikelyMax == "" {
		return false
	}
	switch spec.Kind {
	case InputDate:
		d, err := ParseISODate(value)
		if err != nil {
			return false
		}
		if lo, err := parseBound(spec.LikelyMin, r.today); spec.LikelyMin != "" && err == nil && d.Before(lo) {
			return true
		}
		if hi, err := parseBound(spec.LikelyMax, r.today); spec.LikelyMax != "" && err == nil && d.After(hi) {
			return true
		}
	case InputNumber:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return false
		}
		if lo, err := ParseNumber(spec.LikelyMin); spec.LikelyMin != "" && err == nil && n < lo {
			return true
		}
		if hi, err := ParseNumber(spec.LikelyMax); spec.LikelyMax != "" && err == nil && n > hi {
			return true
		}
	}
	return false
}

// confirm asks whether the unlikely answer is meant, with yes and no.
func (r *run) confirm(spec *InputSpec, value string) {
	shown, year := value, ""
	switch spec.Kind {
	case InputDate:
		if d, err := ParseISODate(value); err == nil {
			shown, year = d.String(), strconv.Itoa(d.Year)
		}
	case InputNumber:
		if n, err := strconv.ParseInt(value, 10, 64); err == nil {
			shown = FormatNumber(n)
		}
	}
	text := Fill(or(spec.Unlikely, r.e.msg.Unlikely), "value", shown, "year", year)
	r.out = append(r.out, Output{Text: text, Prompt: true, Options: r.e.msg.yesNoOptions()})
}
