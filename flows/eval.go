package flows

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
)

// EvalCase is one message of an evaluation set, and what the bot should
// make of it.
type EvalCase struct {
	File string
	Line int
	Text string
	// Want is the id of a procedure, question or intent, or "@" and a
	// class (@person, @out-of-scope, @not-question) when any of that class
	// will do.
	Want string
}

// ReadEvalSet reads an evaluation set: lines "message<TAB>expected";
// blank lines and lines starting with # are skipped. A malformed or
// repeated line is an error: a defect of the set, not a miss.
func ReadEvalSet(r io.Reader, file string) ([]EvalCase, error) {
	var out []EvalCase
	var errs []string
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		text, want, ok := strings.Cut(line, "\t")
		text, want = strings.TrimSpace(text), strings.TrimSpace(want)
		if !ok || text == "" || want == "" || strings.Contains(want, "\t") {
			errs = append(errs, fmt.Sprintf("%s:%d: want \"message<TAB>expected\", got %q", file, n, line))
			continue
		}
		if first, dup := seen[text]; dup {
			errs = append(errs, fmt.Sprintf("%s:%d: %q repeats line %d", file, n, text, first))
			continue
		}
		seen[text] = n
		out = append(out, EvalCase{File: file, Line: n, Text: text, Want: want})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

// EvalResult is what the bot made of one message.
type EvalResult struct {
	EvalCase
	// Class is the class expected.
	Class Class
	Got   Understanding
	// Top: the first thing the bot offers is right. Listed: it is among
	// what the bot offers (the list of procedures and questions shown).
	Top, Listed bool
}

// GotLabel names what the bot made of a message as an evaluation set would
// write it: the id, or "@" and the class when the case expects any of a
// class.
func (r EvalResult) GotLabel() string {
	if strings.HasPrefix(r.Want, "@") || r.Got.ID == "" || r.Got.Class == ClassNotQuestion {
		return "@" + string(r.Got.Class)
	}
	return r.Got.ID
}

// Evaluation is an evaluation set understood.
type Evaluation []EvalResult

// Evaluate understands every message of the set with Understand, exactly
// as the bot does. An expected id that is neither a procedure, a question
// nor an intent, or an unknown class, is an error.
func (c *Catalog) Evaluate(cases []EvalCase) (Evaluation, error) {
	var errs []string
	out := make(Evaluation, 0, len(cases))
	for _, k := range cases {
		class, ok := c.classOf(k.Want)
		if !ok {
			errs = append(errs, fmt.Sprintf("%s:%d: %q expects %q, which is neither a procedure, a question, an intent nor @class", k.File, k.Line, k.Text, k.Want))
			continue
		}
		r := EvalResult{EvalCase: k, Class: class, Got: c.Understand(k.Text)}
		if cls, any := strings.CutPrefix(k.Want, "@"); any {
			r.Top = string(r.Got.Class) == cls
		} else {
			r.Top = r.Got.ID == k.Want && r.Got.Class != ClassNotQuestion
		}
		r.Listed = r.Top || slices.ContainsFunc(r.Got.Matches, func(m Match) bool { return m.ID() == k.Want })
		out = append(out, r)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

// CrossValidate is Evaluate for a set the catalog's model learned from,
// such as the tuned part of the repository's set: the cases are dealt into
// k parts (within each expected answer, in an order drawn with a fixed
// seed), and each part is understood with a model trained on the
// catalog's own text and the other parts only, never on the part it is
// asked about. A catalog without a model is evaluated as Evaluate does.
func (c *Catalog) CrossValidate(cases []EvalCase, k int) (Evaluation, error) {
	if c.model == nil || k < 2 {
		return c.Evaluate(cases)
	}
	fold := folds(cases, k, cvSeed)
	out := make(Evaluation, 0, len(cases))
	for f := range k {
		var train []EvalCase
		var test []EvalCase
		for i, kc := range cases {
			if fold[i] == f {
				test = append(test, kc)
			} else {
				train = append(train, kc)
			}
		}
		cv := *c
		cv.model = c.learn(train)
		ev, err := cv.Evaluate(test)
		if err != nil {
			return nil, err
		}
		out = append(out, ev...)
	}
	slices.SortStableFunc(out, func(a, b EvalResult) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return out, nil
}

// cvSeed draws the folds of CrossValidate: fixed, so that its figures
// repeat.
const cvSeed = 7

// folds deals the cases into k folds, stratified by expected answer, with
// a fixed seed: fold[i] is the fold of case i.
func folds(cases []EvalCase, k int, seed uint64) []int {
	by := map[string][]int{}
	var wants []string
	for i, c := range cases {
		if _, ok := by[c.Want]; !ok {
			wants = append(wants, c.Want)
		}
		by[c.Want] = append(by[c.Want], i)
	}
	slices.Sort(wants)
	rnd := rand.New(rand.NewPCG(seed, seed))
	out := make([]int, len(cases))
	n := 0
	for _, w := range wants {
		is := by[w]
		rnd.Shuffle(len(is), func(a, b int) { is[a], is[b] = is[b], is[a] })
		for _, i := range is {
			out[i] = n % k
			n++
		}
	}
	return out
}

// classOf is the class of what an evaluation case expects.
func (c *Catalog) classOf(want string) (Class, bool) {
	if cls, any := strings.CutPrefix(want, "@"); any {
		class := Class(cls)
		return class, slices.Contains(append(slices.Clone(intentClasses), ClassNotQuestion), class)
	}
	if it, ok := c.intentID[want]; ok {
		return it.Kind, true
	}
	if _, ok := c.byID[want]; ok {
		return ClassProcedure, true
	}
	if _, ok := c.faqID[want]; ok {
		return ClassFAQ, true
	}
	return "", false
}

// Score counts the right answers among some results.
type Score struct {
	N, Top, Listed int
}

func (s Score) String() string {
	pct := func(n int) float64 {
		if s.N == 0 {
			return 0
		}
		return 100 * float64(n) / float64(s.N)
	}
	return fmt.Sprintf("%4d/%-4d %5.1f %%   %4d/%-4d %5.1f %%", s.Top, s.N, pct(s.Top), s.Listed, s.N, pct(s.Listed))
}

// TopShare is the share of results whose first answer is right.
func (s Score) TopShare() float64 {
	if s.N == 0 {
		return 0
	}
	return float64(s.Top) / float64(s.N)
}

func (s *Score) add(r EvalResult) {
	s.N++
	if r.Top {
		s.Top++
	}
	if r.Listed {
		s.Listed++
	}
}

// Overall scores every result.
func (ev Evaluation) Overall() Score {
	var s Score
	for _, r := range ev {
		s.add(r)
	}
	return s
}

// ByClass scores the results of each expected class.
func (ev Evaluation) ByClass() map[Class]Score {
	m := map[Class]Score{}
	for _, r := range ev {
		s := m[r.Class]
		s.add(r)
		m[r.Class] = s
	}
	return m
}

// classOrder is the order classes are reported in.
var classOrder = []Class{ClassProcedure, ClassFAQ, ClassCommune, ClassPerson, ClassSocial, ClassOutOfScope, ClassNotQuestion}

// Classes returns every class, in the order an evaluation reports them.
func Classes() []Class { return slices.Clone(classOrder) }

// Write reports the evaluation: the scores overall and by class, the
// confusions, and every miss with what was offered. explain, when not nil,
// adds why each miss went where it did.
func (ev Evaluation) Write(w io.Writer, title string, explain func(text string) string) {
	fmt.Fprintf(w, "%s: %d messages\n", title, len(ev))
	fmt.Fprintf(w, "  %-14s %-22s %s\n", "", "first answer right", "in the list shown")
	fmt.Fprintf(w, "  %-14s %s\n", "overall", ev.Overall())
	by := ev.ByClass()
	for _, c := range classOrder {
		if s, ok := by[c]; ok {
			fmt.Fprintf(w, "  %-14s %s\n", c, s)
		}
	}
	confused := map[string]int{}
	for _, r := range ev {
		if !r.Top {
			confused[r.Want+" → "+r.GotLabel()]++
		}
	}
	if len(confused) == 0 {
		return
	}
	keys := make([]string, 0, len(confused))
	for k := range confused {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := confused[b] - confused[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	fmt.Fprintf(w, "confusions (expected → got):\n")
	for _, k := range keys {
		fmt.Fprintf(w, "  %3d  %s\n", confused[k], k)
	}
	fmt.Fprintf(w, "misses:\n")
	for _, r := range ev {
		if r.Top {
			continue
		}
		offered := make([]string, len(r.Got.Matches))
		for i, m := range r.Got.Matches {
			offered[i] = m.ID()
		}
		got := string(r.Got.Class)
		if r.Got.ID != "" {
			got += " " + r.Got.ID
		}
		fmt.Fprintf(w, "  %s:%d: %q: want %s, got %s", r.File, r.Line, r.Text, r.Want, got)
		if len(offered) > 0 {
			fmt.Fprintf(w, " (offered: %s)", strings.Join(offered, ", "))
		}
		fmt.Fprintln(w)
		if explain != nil {
			for _, line := range strings.Split(strings.TrimRight(explain(r.Text), "\n"), "\n") {
				fmt.Fprintf(w, "      %s\n", line)
			}
		}
	}
}
