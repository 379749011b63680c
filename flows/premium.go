package flows

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Premium works out what a household pays for health insurance (BHYT hộ
// gia đình): each member pays a share of a rate of the base amount, the
// share falling with each member (the household discount ladder), for a
// number of months. Every figure is data: the rate, the ladder and the base
// amounts with the dates they apply from live in the procedure's YAML, with
// its sources, never in Go.
//
//	premium:
//	  members: so_nguoi             # a number answer
//	  months: so_thang              # a number answer, or a number: "12"
//	  rate: "4.5"                   # % of the base, per person per month
//	  ladder: [100, 70, 60, 50, 40] # % of the rate for the 1st, 2nd… member; the last repeats
//	  base:                         # đồng a month, by the date it applies from
//	    - {from: 01/07/2024, amount: 2340000}
//	    - {from: 01/07/2026, amount: 2530000}
type Premium struct {
	Members string      `yaml:"members"`
	Months  string      `yaml:"months"`
	Rate    string      `yaml:"rate"`
	Ladder  []float64   `yaml:"ladder"`
	Base    []BaseValue `yaml:"base"`

	pos positions
}

// BaseValue is an amount in force from a date.
type BaseValue struct {
	From   string `yaml:"from"`
	Amount int64  `yaml:"amount"`

	pos positions
}

// total is the premium for members people over months months, on the base
// in force on day: each member's monthly share rounded to the đồng.
func (p *Premium) total(members, months int64, day Date) (int64, bool) {
	rate, err := strconv.ParseFloat(strings.TrimSpace(p.Rate), 64)
	if err != nil || members < 1 || months < 1 || len(p.Ladder) == 0 {
		return 0, false
	}
	base, ok := p.baseOn(day)
	if !ok {
		return 0, false
	}
	var sum int64
	for i := int64(0); i < members; i++ {
		share := p.Ladder[min(int(i), len(p.Ladder)-1)]
		sum += int64(math.Round(float64(base) * rate / 100 * share / 100))
	}
	return sum * months, true
}

// baseOn is the base amount in force on day: the last one whose date is not
// after it.
func (p *Premium) baseOn(day Date) (int64, bool) {
	var (
		amount int64
		found  bool
		latest Date
	)
	for _, b := range p.Base {
		from, err := ParseDate(b.From, day)
		if err != nil || from.After(day) {
			continue
		}
		if !found || from.After(latest) {
			amount, latest, found = b.Amount, from, true
		}
	}
	return amount, found
}

// lint checks a premium with the answers known before its step.
func (p *Premium) lint(l *linter, vars map[string]varInfo, in map[string]bool, field string) {
	number := func(name, what string) {
		if name == "" {
			l.add(p.pos.line, field+"."+what, "missing: a number answer, or a number")
			return
		}
		if _, err := ParseNumber(name); err == nil {
			return
		}
		switch v, ok := vars[name]; {
		case !ok || !in[name]:
			l.add(p.pos.at(what), field+"."+what, "%q is not set by any step before this one", name)
		case v.kind != InputNumber:
			l.add(p.pos.at(what), field+"."+what, "%q is not a number answer", name)
		}
	}
	number(p.Members, "members")
	number(p.Months, "months")
	if r, err := strconv.ParseFloat(strings.TrimSpace(p.Rate), 64); err != nil || r <= 0 || r > 100 {
		l.add(p.pos.at("rate"), field+".rate", "%q is not a percentage such as 4.5", p.Rate)
	}
	if len(p.Ladder) == 0 {
		l.add(p.pos.line, field+".ladder", "missing: the share of each member, e.g. [100, 70, 60, 50, 40]")
	}
	for i, s := range p.Ladder {
		if s <= 0 || s > 100 {
			l.add(p.pos.at("ladder"), fmt.Sprintf("%s.ladder[%d]", field, i), "%v is not a percentage between 0 and 100", s)
		}
	}
	if len(p.Base) == 0 {
		l.add(p.pos.line, field+".base", "missing: the base amount and the date it applies from")
	}
	for i, b := range p.Base {
		f := fmt.Sprintf("%s.base[%d]", field, i)
		if _, err := ParseDate(b.From, Date{Year: 2100}); err != nil {
			l.add(b.pos.at("from"), f+".from", "%q is not a date dd/mm/yyyy", b.From)
		}
		if b.Amount <= 0 {
			l.add(b.pos.at("amount"), f+".amount", "the amount in đồng a month, more than 0")
		}
	}
}

// premium computes a premium step's total from the answers.
func (r *run) premium(s *Step) {
	value := func(name string) int64 {
		if n, err := ParseNumber(name); err == nil {
			return n
		}
		n, _ := strconv.ParseInt(r.st.Vars[name], 10, 64)
		return n
	}
	total, ok := s.Premium.total(value(s.Premium.Members), value(s.Premium.Months), r.today)
	if !ok {
		delete(r.st.Vars, s.Save)
		return
	}
	r.st.Vars[s.Save] = strconv.FormatInt(total, 10)
}
