package flows

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// A learned model beside the phrase matcher: multinomial logistic
// regression over the words of a message as the index reads them (folded
// and canonical, typed with marks, pairs of neighbouring words, the words
// of the clause that asks, letter trigrams of a word), trained on what the
// catalog says itself (titles, keywords, examples, questions) and on
// labelled messages. Its classes are the entries of the index and none
// (nothing the bot guides).

// noneClass is the model's class for a message that asks for nothing the
// bot knows: out of scope.
const noneClass = "@none"

// learned is a trained model.
type learned struct {
	// classes are the entries' ids, in the index's order, then noneClass.
	classes []string
	// rows: a feature's hash → its row of weights.
	rows map[uint64]int32
	// w[row*len(classes)+class] is a feature's weight for a class, in
	// steps of scale[row] (a row's largest weight is ±127 steps): a byte a
	// weight keeps the model at 0.4 MB, a quarter of float32's, with the
	// same answers on the evaluation set. bias is the classes' own.
	w     []int8
	scale []float32
	bias  []float32
}

// Training settings, chosen by cross-validation on the tuned part of the
// evaluation set (procedures/testdata/eval/README.md).
const (
	learnEpochs        = 10
	learnRate          = 4.0
	learnL2            = 1e-5
	learnSeed   uint64 = 1
	// learnSkip: a class whose gradient for an example is smaller is not
	// updated for it.
	learnSkip = 1e-3
)

// features calls emit with the hash of each feature of a message: its
// words, folded; as typed with marks; pairs of neighbours; the words of
// the clause that asks (see focus); letter trigrams of the longer words.
// Each is emitted once.
func features(q []token, emit func(h uint64)) {
	f := focus(q)
	for i, t := range q {
		emit(hashOf('w', t.w, ""))
		if t.typed != "" {
			emit(hashOf('t', t.typed, ""))
		}
		if i > 0 {
			emit(hashOf('p', q[i-1].w, t.w))
		}
		if f != nil && f[i] == 1 && t.scores() {
			emit(hashOf('a', t.w, ""))
		}
		if t.scores() && len(t.w) >= 4 {
			w := t.w
			for k := 0; k+3 <= len(w); k++ {
				emit(hashOf('c', w[k:k+3], ""))
			}
		}
	}
	if len(q) > 0 {
		emit(hashOf('p', "^", q[0].w))
		emit(hashOf('p', q[len(q)-1].w, "$"))
	}
}

// hashOf is FNV-1a of a kind and two strings.
func hashOf(kind byte, a, b string) uint64 {
	h := uint64(14695981039346656037)
	mix := func(c byte) {
		h ^= uint64(c)
		h *= 1099511628211
	}
	mix(kind)
	for i := 0; i < len(a); i++ {
		mix(a[i])
	}
	mix(0)
	for i := 0; i < len(b); i++ {
		mix(b[i])
	}
	return h
}

// featuresOf appends to dst the distinct features of a message, sorted.
func featuresOf(dst []uint64, q []token) []uint64 {
	hs := dst
	features(q, func(h uint64) { hs = append(hs, h) })
	slices.Sort(hs)
	return slices.Compact(hs)
}

// train fits a model to examples: each the features of a message and its
// class. It is deterministic: the order of the examples is shuffled with
// a fixed seed.
func train(classes []string, xs [][]uint64, ys []int) *learned {
	m := &learned{classes: classes, rows: map[uint64]int32{}}
	rows := make([][]int32, len(xs))
	for i, x := range xs {
		for _, h := range x {
			r, ok := m.rows[h]
			if !ok {
				r = int32(len(m.rows))
				m.rows[h] = r
			}
			rows[i] = append(rows[i], r)
		}
	}
	nc := len(classes)
	w := make([]float64, len(m.rows)*nc)
	bias := make([]float64, nc)
	p := make([]float64, nc)
	grad := make([]int, 0, nc)
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	rnd := rand.New(rand.NewPCG(learnSeed, learnSeed))
	step := 0
	total := learnEpochs * len(xs)
	for range learnEpochs {
		rnd.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			x := rows[i]
			if len(x) == 0 {
				continue
			}
			v := 1 / math.Sqrt(float64(len(x)))
			copy(p, bias)
			for _, r := range x {
				ws := w[int(r)*nc : int(r)*nc+nc]
				for c := range p {
					p[c] += v * ws[c]
				}
			}
			softmax(p)
			p[ys[i]] -= 1
			rate := learnRate * (1 - float64(step)/float64(total))
			step++
			// Only the classes whose gradient is worth it are updated: most
			// are near 0 once the model has learned a little.
			grad = grad[:0]
			for c, g := range p {
				if g > learnSkip || g < -learnSkip {
					grad = append(grad, c)
					bias[c] -= rate * g * 0.1
				}
			}
			for _, r := range x {
				ws := w[int(r)*nc : int(r)*nc+nc]
				for _, c := range grad {
					ws[c] -= rate * (v*p[c] + learnL2*ws[c])
				}
			}
		}
	}
	m.w, m.scale = quantize(w, nc)
	m.bias = make([]float32, nc)
	for i, x := range bias {
		m.bias[i] = float32(x)
	}
	return m
}

// quantize keeps each row of nc weights as bytes, in steps of the row's
// largest weight / 127.
func quantize(w []float64, nc int) ([]int8, []float32) {
	q := make([]int8, len(w))
	scale := make([]float32, len(w)/nc)
	for r := range scale {
		row := w[r*nc : r*nc+nc]
		var top float64
		for _, x := range row {
			top = max(top, math.Abs(x))
		}
		if top == 0 {
			continue
		}
		step := top / 127
		scale[r] = float32(step)
		for c, x := range row {
			q[r*nc+c] = int8(math.Round(x / step))
		}
	}
	return q, scale
}

func softmax(p []float64) {
	mx := math.Inf(-1)
	for _, x := range p {
		mx = max(mx, x)
	}
	var sum float64
	for c, x := range p {
		p[c] = math.Exp(x - mx)
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
}

// predict returns the probability of each class for a message.
func (m *learned) predict(q []token) []float64 {
	nc := len(m.classes)
	p := make([]float64, nc)
	for c := range p {
		p[c] = float64(m.bias[c])
	}
	var buf [128]uint64
	hs := featuresOf(buf[:0], q)
	n := len(hs)
	if n == 0 {
		softmax(p)
		return p
	}
	var rows [128]int32
	x := rows[:0]
	for _, h := range hs {
		if r, ok := m.rows[h]; ok {
			x = append(x, r)
		}
	}
	v := 1 / math.Sqrt(float64(n))
	for _, r := range x {
		ws := m.w[int(r)*nc : int(r)*nc+nc]
		f := v * float64(m.scale[r])
		for c := range p {
			p[c] += f * float64(ws[c])
		}
	}
	softmax(p)
	return p
}

// catalogExamples are what the catalog's entries say of themselves, each
// labelled with its entry: title, keywords, examples.
func (c *Catalog) catalogExamples() []EvalCase {
	var out []EvalCase
	for _, e := range c.index.entries {
		id := e.id()
		for _, p := range e.phrases {
			out = append(out, EvalCase{Text: p.text, Want: id})
		}
	}
	return out
}

// learn trains a model on what the catalog says and on more, labelled
// messages: those expecting an entry's id, @person or @out-of-scope (the
// shape of the text tells @not-question, and Load reports an id the
// catalog does not know).
func (c *Catalog) learn(more []EvalCase) *learned {
	classes := make([]string, 0, len(c.index.entries)+1)
	at := map[string]int{}
	for i, e := range c.index.entries {
		classes = append(classes, e.id())
		at[e.id()] = i
	}
	at[noneClass] = len(classes)
	classes = append(classes, noneClass)
	person := ""
	for _, it := range c.intents {
		if it.Kind == ClassPerson {
			person = it.ID // one is enough: it teaches the class
		}
	}
	var xs [][]uint64
	var ys []int
	for _, l := range append(c.catalogExamples(), more...) {
		want := l.Want
		switch want {
		case "@person":
			want = person
		case "@out-of-scope":
			want = noneClass
		}
		y, ok := at[want]
		if !ok {
			continue
		}
		_, q := c.query(l.Text)
		xs = append(xs, featuresOf(nil, q))
		ys = append(ys, y)
	}
	return train(classes, xs, ys)
}

// How the model's probabilities and the matcher's scores are added up
// (see decide), chosen by cross-validation on the tuned part of the
// evaluation set (procedures/testdata/eval/README.md).
const (
	// blendBeta is what a probability of 1 is worth, in idfs of a word one
	// entry holds (the unit of the matcher's scores, see minShare).
	blendBeta = 4.0
	// blendNoneAt is what nothing (out of scope) scores for the matcher.
	blendNoneAt = 1.4
	// blendMinWords is how many words that score on their own (numbers
	// aside) a message needs for the model to weigh in: "không biết" said
	// to a step is no request for a person.
	blendMinWords = 2
)

// decide combines the matcher's ranking with the model's probabilities.
// It returns false to leave the matcher's answer. Unlike the matcher
// alone (see understand), it lets a greeting or thanks win where the
// message says more than the social intents hold, when the model says so.
func (c *Catalog) decide(q []token, ranked []scored, none bool, explain bool, why *strings.Builder) (Understanding, bool) {
	words := 0
	for _, t := range q {
		if t.scores() && !isDigits(t.w) {
			words++
		}
	}
	if words < blendMinWords {
		if explain {
			fmt.Fprintf(why, "model: not asked (%d words that score, under %d)\n", words, blendMinWords)
		}
		return Understanding{}, false
	}
	p := c.model.predict(q)
	ix := &c.index
	nc := len(p) - 1 // the none class is last
	pNone := p[nc]
	for e, en := range ix.entries {
		if en.intent != nil && en.intent.Kind == ClassOutOfScope {
			pNone += p[e]
		}
	}
	matcher := -1
	if !none {
		matcher = ranked[0].entry
	}
	if explain {
		fmt.Fprintf(why, "model: ")
		type cp struct {
			id string
			p  float64
		}
		var top []cp
		for e := range ix.entries {
			top = append(top, cp{ix.entries[e].id(), p[e]})
		}
		top = append(top, cp{"none", p[nc]})
		slices.SortStableFunc(top, func(a, b cp) int { return cmp.Compare(b.p, a.p) })
		for _, t := range top[:min(3, len(top))] {
			fmt.Fprintf(why, "%s %.2f; ", t.id, t.p)
		}
		fmt.Fprintf(why, "out of scope %.2f\n", pNone)
	}
	// Each entry scores what the matcher gave it plus beta times its
	// probability; out of scope scores noneAt plus beta times its own (none
	// and the out-of-scope intents together).
	choice := -1
	bestS := blendNoneAt + blendBeta*pNone
	ms := make([]float64, len(ix.entries))
	for _, r := range ranked {
		ms[r.entry] = r.score / ix.topIDF
	}
	for e, en := range ix.entries {
		if en.intent != nil && en.intent.Kind == ClassOutOfScope && ms[e] == 0 {
			continue
		}
		if sc := ms[e] + blendBeta*p[e]; sc > bestS {
			choice, bestS = e, sc
		}
	}
	if explain {
		fmt.Fprintf(why, "blend (score/%.2f + %g×p): out of scope %.2f", ix.topIDF, blendBeta, blendNoneAt+blendBeta*pNone)
		for e := range ix.entries {
			if sc := ms[e] + blendBeta*p[e]; sc >= 1 {
				fmt.Fprintf(why, "; %s %.2f", ix.entries[e].id(), sc)
			}
		}
		fmt.Fprintf(why, "\n")
	}
	if choice == matcher {
		return Understanding{}, false
	}
	if explain {
		fmt.Fprintf(why, "the model's answer is taken over the matcher's\n")
	}
	if choice < 0 {
		// Out of scope: the intent that says what ("làm sổ đỏ" is land,
		// which the bot does not guide), when the matcher and the model
		// together prefer one to none.
		oos, oosS := -1, blendBeta*p[nc]
		for e, en := range ix.entries {
			if en.intent == nil || en.intent.Kind != ClassOutOfScope {
				continue
			}
			if sc := ms[e] + blendBeta*p[e]; sc > oosS {
				oos, oosS = e, sc
			}
		}
		if oos >= 0 {
			it := ix.entries[oos].intent
			return Understanding{Class: it.Kind, ID: it.ID, Intent: it}, true
		}
		return Understanding{Class: ClassOutOfScope}, true
	}
	en := ix.entries[choice]
	if it := en.intent; it != nil {
		return Understanding{Class: it.Kind, ID: it.ID, Intent: it}, true
	}
	matches := []Match{{Flow: en.flow, FAQ: en.faq}}
	for _, m := range c.listed(ranked) {
		if m.ID() != en.id() && len(matches) < maxListed {
			matches = append(matches, m)
		}
	}
	u := Understanding{Class: ClassProcedure, ID: en.id(), Matches: matches}
	if en.faq != nil {
		u.Class = ClassFAQ
	}
	return u, true
}
