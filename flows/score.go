package flows

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// How a message is scored against each procedure, question and intent (an
// entry). Every word of the message earns, for each entry, the best of the
// ways the entry holds it (a weight below), times how distinctive the word
// is: its idf, ln(1 + N/n) for N entries of which n hold the word, so that
// "trích lục" or "mới sinh" outweigh "giấy" or "làm". An entry's score is
// the sum over the words: the whole message counts, its strongest phrases
// most.
const (
	// phraseWeight: in a title, keyword or example found whole and in
	// order (the message's own stopwords stepped over): "làm giấy khai
	// sinh", or "ông bà đi khai sinh" in "ông bà đi làm khai sinh".
	phraseWeight = 2.0
	// contentWeight: the same without some of the phrase's stopwords:
	// "bộ phận một cửa" for "bộ phận một cửa ở đâu", which asks where.
	contentWeight = 1.6
	// An example found whole counts a little less than a keyword, so that
	// an example that only repeats another entry's keyword loses to it
	// (and lint says so).
	examplePhraseWeight  = 1.8
	exampleContentWeight = 1.5
	// stopPhraseWeight: a stopword of such a phrase, typed there too: the
	// "làm" of "làm giấy khai sinh" tells making one from copying one.
	stopPhraseWeight = 0.5
	// gapWeight: in a title, keyword or example found in order but for
	// one word of the message inside it: "ai đi khai sinh" in "ai đi làm
	// giấy khai sinh".
	gapWeight = 1.5
	// looseWeight: in a keyword whose words are all there in another order:
	// "thẻ bảo hiểm bị mất" for "mất thẻ bảo hiểm".
	looseWeight = 1.5
	// pairWeight: next to a word it neighbours in a keyword ("kết hôn" of
	// "đăng ký kết hôn online"), the rest of the phrase missing; a little
	// more in the title, which names the entry, and less in an example.
	pairWeight        = 1.2
	titlePairWeight   = 1.3
	examplePairWeight = 1.0
	// A word found alone: in the title, a keyword, an example, the summary.
	titleWeight   = 1.0
	keywordWeight = 0.8
	exampleWeight = 0.5
	summaryWeight = 0.3
	// negativeFactor is the share of its score an entry keeps when one of
	// its negative keywords is in the message.
	negativeFactor = 0.3
	// minShare is the least score worth offering, as a share of the idf of
	// a word only one entry holds: about one distinctive word in a
	// keyword, or a common one found in a phrase.
	minShare = 0.7
	// A best entry scoring under unsureScore times the least score, and
	// holding under unsureShare of the message's words (by idf), is not
	// offered.
	unsureScore = 2.0
	unsureShare = 0.3
	// closeRatio is how near the best a procedure or question must be to
	// be listed too.
	closeRatio = 0.75
	// maxListed is the most procedures and questions offered at once.
	maxListed = 4
)

// entry is a procedure, a question or an intent, as the index holds it.
type entry struct {
	flow    *Flow
	faq     *FAQ
	intent  *Intent
	phrases []phrase // title, keywords and examples
	neg     []phrase // negative keywords
}

// id is the entry's procedure, question or intent id.
func (e *entry) id() string {
	switch {
	case e.flow != nil:
		return e.flow.ID
	case e.faq != nil:
		return e.faq.ID
	}
	return e.intent.ID
}

// Fields of an entry, as explanations name them.
const (
	fieldTitle   = "title"
	fieldKeyword = "keyword"
	fieldExample = "example"
	fieldSummary = "summary"
)

// phrase is a title, keyword or example: all its words, which of them are
// stopwords, and its content words (the others).
type phrase struct {
	text    string
	field   string
	all     []string
	stop    []bool
	content []string
}

func newPhrase(lx lexicon, text, field string) phrase {
	p := phrase{text: text, field: field}
	for _, t := range lx.tokens(text) {
		p.all = append(p.all, t.w)
		p.stop = append(p.stop, !t.scores())
		if t.scores() {
			p.content = append(p.content, t.w)
		}
	}
	return p
}

// index finds entries by the words of a message.
type index struct {
	entries []*entry
	// lex rewrites the variants and synonyms of a text to one form.
	lex lexicon
	idf map[string]float64
	// words: a word → the entries that hold it, with the weight of the best
	// field holding it.
	words map[string][]wordAt
	// pairs: two neighbouring content words of a phrase → its entries.
	pairs map[[2]string][]phraseAt
	// heads: the first content word of a phrase → the phrases.
	heads map[string][]phraseAt
	// vocab is every word the entries hold, to correct typos against.
	vocab map[string]bool
	// deletes: each word of vocab, and each of its one-letter deletions,
	// to the words, for finding typos (see oneEditOf).
	deletes map[string][]string
	// said: the keywords of social intents, normalised, whose words are all
	// stopwords ("dạ", "được rồi"): a message that is one of them is that.
	said map[string]int
	// minScore is the least score worth offering (see minShare).
	minScore float64
	// topIDF is the idf of a word a single entry holds, the highest:
	// log(1+N) for N entries.
	topIDF float64
}

type wordAt struct {
	entry  int
	weight float64
	field  string
}

type phraseAt struct {
	entry, phrase int
}

func buildIndex(lx lexicon, flows []*Flow, faqs []*FAQ, intents []*Intent) index {
	ix := index{lex: lx, idf: map[string]float64{}, words: map[string][]wordAt{}, pairs: map[[2]string][]phraseAt{}, heads: map[string][]phraseAt{}, vocab: map[string]bool{}}
	df := map[string]int{}
	add := func(e *entry, title, summary string, keywords, examples, negative []string) {
		n := len(ix.entries)
		ix.entries = append(ix.entries, e)
		seen := map[string]bool{}
		best := map[string]wordAt{}
		hold := func(w string, weight float64, field string) {
			seen[w] = true
			if b, ok := best[w]; !ok || weight > b.weight {
				best[w] = wordAt{entry: n, weight: weight, field: field}
			}
		}
		phrases := []struct {
			texts  []string
			field  string
			weight float64
		}{{[]string{title}, fieldTitle, titleWeight}, {keywords, fieldKeyword, keywordWeight}, {examples, fieldExample, exampleWeight}}
		for _, ps := range phrases {
			for _, text := range ps.texts {
				p := newPhrase(lx, text, ps.field)
				if len(p.content) == 0 {
					continue
				}
				at := phraseAt{entry: n, phrase: len(e.phrases)}
				e.phrases = append(e.phrases, p)
				for i, w := range p.all {
					seen[w] = true
					if !p.stop[i] {
						hold(w, ps.weight, ps.field)
					}
				}
				ix.heads[p.content[0]] = appendOnce(ix.heads[p.content[0]], at)
				for i := 1; i < len(p.content); i++ {
					k := [2]string{p.content[i-1], p.content[i]}
					if !slices.ContainsFunc(ix.pairs[k], func(x phraseAt) bool { return x.entry == n }) {
						ix.pairs[k] = append(ix.pairs[k], at)
					}
				}
			}
		}
		for _, t := range lx.tokens(summary) {
			seen[t.w] = true
			if t.scores() {
				hold(t.w, summaryWeight, fieldSummary)
			}
		}
		for _, text := range negative {
			if p := newPhrase(lx, text, "negative"); len(p.content) > 0 {
				e.neg = append(e.neg, p)
			}
		}
		for w := range seen {
			df[w]++
			ix.vocab[w] = true
		}
		for w, b := range best {
			ix.words[w] = append(ix.words[w], b)
		}
	}
	for _, f := range flows {
		add(&entry{flow: f}, f.Title, f.Summary, f.Keywords, f.Examples, f.NegativeKeywords)
	}
	for _, q := range faqs {
		add(&entry{faq: q}, q.Question, "", q.Keywords, q.Examples, q.NegativeKeywords)
	}
	ix.said = map[string]int{}
	for _, it := range intents {
		if it.Kind == ClassSocial {
			for _, k := range it.Keywords {
				if p := newPhrase(lx, k, fieldKeyword); len(p.content) == 0 {
					ix.said[strings.Join(p.all, " ")] = len(ix.entries)
				}
			}
		}
		add(&entry{intent: it}, it.Title, "", it.Keywords, it.Examples, it.NegativeKeywords)
	}
	n := float64(len(ix.entries))
	for w, d := range df {
		ix.idf[w] = math.Log(1 + n/float64(d))
	}
	ix.topIDF = math.Log(1 + n)
	ix.minScore = minShare * ix.topIDF
	for k := range lx.to {
		for _, w := range strings.Fields(k) {
			ix.vocab[w] = true // "kuhat nui" is "khuất núi"
		}
	}
	ix.deletes = map[string][]string{}
	for w := range ix.vocab {
		ix.deletes[w] = append(ix.deletes[w], w)
		for i := range len(w) {
			k := w[:i] + w[i+1:]
			ix.deletes[k] = append(ix.deletes[k], w)
		}
	}
	return ix
}

func appendOnce(s []phraseAt, at phraseAt) []phraseAt {
	if slices.Contains(s, at) {
		return s
	}
	return append(s, at)
}

// scored is an entry and its score for a message.
type scored struct {
	entry int
	score float64
}

// scoring is the work of scoring one message against every entry.
type scoring struct {
	ix  *index
	q   []token
	idf []float64
	// cov[e*len(q)+i] is what word i of the message earns for entry e;
	// how, when explaining, says why.
	cov []float64
	how []string
	// focus is what each word counts for, or nil when all count whole (see
	// focus); asks are the words that ask how much, how long or when, or
	// nil (see asking).
	focus []float64
	asks  []bool
}

func (ix *index) score(q []token, explain bool) *scoring {
	s := &scoring{ix: ix, q: q, idf: make([]float64, len(q)), cov: make([]float64, len(ix.entries)*len(q)), focus: focus(q), asks: asking(q)}
	if explain {
		s.how = make([]string, len(s.cov))
	}
	for i, t := range q {
		s.idf[i] = ix.idf[t.w]
	}
	for i, t := range q {
		// A number alone is no topic: "15 tuổi" is not "3 trong 1". It
		// counts in a phrase ("mức 2", "30 ngày").
		if !t.scores() || isDigits(t.w) {
			continue
		}
		for _, at := range ix.words[t.w] {
			s.raise(at.entry, i, at.weight, at.field)
		}
	}
	prev := -1
	for i, t := range q {
		if t.stop {
			continue
		}
		if prev >= 0 {
			for _, at := range ix.pairs[[2]string{q[prev].w, t.w}] {
				how := ""
				if explain {
					how = fmt.Sprintf("pair in %s %q", ix.entries[at.entry].phrases[at.phrase].field, ix.entries[at.entry].phrases[at.phrase].text)
				}
				w := pairWeight
				switch ix.entries[at.entry].phrases[at.phrase].field {
				case fieldTitle:
					w = titlePairWeight
				case fieldExample:
					w = examplePairWeight
				}
				s.raise(at.entry, prev, w, how)
				s.raise(at.entry, i, w, how)
			}
		}
		prev = i
	}
	seen := map[string]bool{}
	for _, t := range q {
		if t.stop || seen[t.w] {
			continue
		}
		seen[t.w] = true
		for _, at := range ix.heads[t.w] {
			s.cover(at)
		}
	}
	return s
}

func (s *scoring) raise(e, i int, w float64, how string) {
	k := e*len(s.q) + i
	if w > s.cov[k] {
		s.cov[k] = w
		if s.how != nil {
			s.how[k] = how
		}
	}
}

// cover raises the words of the message where a phrase is found: whole
// with its stopwords; whole once the message's stopwords are stepped over;
// whole but for one word of the message inside it, for a phrase of
// several content words; or, for a keyword of several content words, all
// of them in another order.
func (s *scoring) cover(at phraseAt) {
	p := &s.ix.entries[at.entry].phrases[at.phrase]
	how := func(kind string) string {
		if s.how == nil {
			return ""
		}
		return fmt.Sprintf("%s %s %q", kind, p.field, p.text)
	}
	if s.coverInOrder(at, p, 0, how) || len(p.content) < 2 || !s.holdsAll(p.content) {
		return
	}
	if s.coverInOrder(at, p, 1, how) || p.field == fieldExample {
		return
	}
	for i, t := range s.q {
		if !t.stop && slices.Contains(p.content, t.w) {
			s.raise(at.entry, i, looseWeight, how("all words of"))
		}
	}
}

// holdsAll reports whether every one of words is a content word of the
// message.
func (s *scoring) holdsAll(words []string) bool {
	for _, w := range words {
		if !slices.ContainsFunc(s.q, func(t token) bool { return t.w == w && !t.stop }) {
			return false
		}
	}
	return true
}

// coverInOrder raises the words of the message where phrase p is found
// in order, with up to gaps words of the message inside it (see inOrder),
// and reports whether it was.
func (s *scoring) coverInOrder(at phraseAt, p *phrase, gaps int, how func(string) string) bool {
	kind := "in"
	if gaps > 0 {
		kind = "in, one word apart,"
	}
	found := false
	for i := range s.q {
		missed, ok := inOrder(s.q, i, p, gaps, nil)
		if !ok {
			continue
		}
		found = true
		w := phraseWeight
		switch {
		case gaps > 0:
			w = gapWeight
		case p.field == fieldExample && missed:
			w = exampleContentWeight
		case p.field == fieldExample:
			w = examplePhraseWeight
		case missed:
			w = contentWeight
		}
		inOrder(s.q, i, p, gaps, func(k int, stop bool) {
			if stop {
				s.raise(at.entry, k, stopPhraseWeight, how(kind))
			} else {
				s.raise(at.entry, k, w, how(kind))
			}
		})
	}
	return found
}

// inOrder reports whether phrase p starts at word i of the message: its
// content words in order, the message's stopwords stepped over, its own
// stopwords there or missed, and up to gaps other words of the message
// stepped over inside it ("ai đi làm giấy khai sinh" holds "ai đi khai
// sinh"); mark, when not nil, is told each word of the message matched
// and whether it matched a stopword of the phrase.
func inOrder(q []token, i int, p *phrase, gaps int, mark func(k int, stop bool)) (missed, ok bool) {
	j := 0
	for k := i; j < len(p.all); {
		switch {
		case k < len(q) && q[k].w == p.all[j]:
			if mark != nil {
				mark(k, p.stop[j])
			}
			j++
			k++
		case p.stop[j]:
			missed = true
			j++
		case k < len(q) && k > i && j > 0 && (q[k].stop || gaps > 0):
			if !q[k].stop {
				gaps--
			}
			k++
		default:
			return false, false
		}
	}
	return missed, true
}

// negated reports whether a negative keyword of the entry is in the
// message, all its words in order, the message's stopwords stepped over
// ("chưa khai tử" in "chưa làm khai tử"; "bị mất" is not in "mất bao
// lâu").
func (s *scoring) negated(e int) (phrase, bool) {
	for _, p := range s.ix.entries[e].neg {
		for i := range s.q {
			if missed, ok := inOrder(s.q, i, &p, 0, nil); ok && !missed {
				return p, true
			}
		}
	}
	return phrase{}, false
}

// total is entry e's score.
func (s *scoring) total(e int) scored {
	r := scored{entry: e}
	for i := range s.q {
		w := s.cov[e*len(s.q)+i]
		r.score += w * s.idf[i] * s.counts(i)
	}
	if r.score > 0 {
		if _, ok := s.negated(e); ok {
			r.score *= negativeFactor
		}
	}
	return r
}

// counts is what word i counts for: contextWeight before the clause that
// asks, askWeight for a word that asks how much, else 1.
func (s *scoring) counts(i int) float64 {
	c := 1.0
	if s.focus != nil {
		c = s.focus[i]
	}
	if s.asks != nil && s.asks[i] {
		c *= askWeight
	}
	return c
}

// ranked returns the entries that scored, best first; keep filters them.
func (s *scoring) ranked(keep func(*entry) bool) []scored {
	var out []scored
	for e, en := range s.ix.entries {
		if keep != nil && !keep(en) {
			continue
		}
		if r := s.total(e); r.score > 0 {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b scored) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	return out
}

// heldBy reports whether every content word of the message from word
// from to word to is held by some entry that keep accepts.
func (s *scoring) heldBy(keep func(*entry) bool, from, to int) bool {
	for i := from; i < to; i++ {
		if !s.q[i].scores() {
			continue
		}
		held := false
		for e, en := range s.ix.entries {
			if s.cov[e*len(s.q)+i] > 0 && keep(en) {
				held = true
				break
			}
		}
		if !held {
			return false
		}
	}
	return true
}

// unsure reports a best entry that holds little of what the message says
// and scores little: "thời tiết ngày mai" is not mai táng phí. Words no
// entry holds count as the most distinctive.
func (s *scoring) unsure(r scored) bool {
	if r.score >= unsureScore*s.ix.minScore {
		return false
	}
	var held, all float64
	for i, t := range s.q {
		if !t.scores() || s.asks != nil && s.asks[i] {
			continue
		}
		w := s.idf[i]
		if w == 0 {
			w = s.ix.topIDF
		}
		all += w
		if s.cov[r.entry*len(s.q)+i] > 0 {
			held += w
		}
	}
	return held < unsureShare*all
}

// explain writes why entry e scored what it did: each word of the message
// with what it earned and how.
func (s *scoring) explain(b *strings.Builder, e int) {
	r := s.total(e)
	fmt.Fprintf(b, "%s %.2f:", s.ix.entries[e].id(), r.score)
	for i, t := range s.q {
		k := e*len(s.q) + i
		if s.cov[k] == 0 {
			continue
		}
		fmt.Fprintf(b, " %s=%.1f×%.2f", t.w, s.cov[k], s.idf[i])
		if c := s.counts(i); c != 1 {
			fmt.Fprintf(b, "×%.1f", c)
		}
		fmt.Fprintf(b, " (%s);", s.how[k])
	}
	if p, ok := s.negated(e); ok {
		fmt.Fprintf(b, " ×%.1f for negative keyword %q", negativeFactor, p.text)
	}
	b.WriteString("\n")
}
