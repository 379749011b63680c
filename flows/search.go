package flows

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Match is a procedure or a question found by Search, with how well it
// matched. Exactly one of Flow and FAQ is set.
type Match struct {
	Flow  *Flow
	FAQ   *FAQ
	Score float64
}

// Title is what a list of matches shows: the procedure's title or the
// question.
func (m Match) Title() string {
	if m.FAQ != nil {
		return m.FAQ.Question
	}
	return m.Flow.Title
}

// indexed is the searchable text of a flow or a question, normalised once
// at load.
type indexed struct {
	flow     *Flow
	faq      *FAQ
	phrases  []phrase // title and keywords, as whole phrases
	title    map[string]bool
	keywords map[string]bool
	summary  map[string]bool
}

// phrase is a title or a keyword: all its words, which of them are
// stopwords, and its content words (the others).
type phrase struct {
	all     []string
	stop    []bool
	content []string
}

// stopwords are words that say nothing about which procedure is meant:
// "làm thủ tục thế nào", "cho tôi hỏi", "có được không", "thì sao"…
// They are written with their marks: typed with its marks, "bản" (a copy),
// "thẻ" (a card), "muộn" (late) or "hôn thú" are words that count, while
// "bạn", "thế", "muốn" and "thủ tục" are not. Typed without marks ("ban",
// "the", "muon", "thu"), such a word may be either: it scores for no
// title, keyword or summary on its own, but a keyword phrase may still
// match it.
var stopwords = wordSet(`a à ạ ah anh bạn bot cần cách chỉ chị cho của đã dạ đâu đi
	được em gì giúp giùm hỏi không là làm mình muốn nào nhé như ở ơi sao thế
	thủ tục tôi và về với xin mà phải nhưng
	có bị thì rồi vậy nữa sẽ mới mỗi`)

// foldedStopwords are the stopwords without their marks.
var foldedStopwords = func() map[string]bool {
	m := map[string]bool{}
	for w := range stopwords {
		m[Normalize(w)] = true
	}
	return m
}()

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[norm.NFC.String(w)] = true
	}
	return m
}

// variants are spellings, abbreviations and regional words that mean one
// thing, rewritten to one form in the index and in queries alike: "bhyt"
// finds "bảo hiểm y tế", "khai sanh" finds "khai sinh", "qua đời" finds
// "mất". A few compounds whose syllables, typed without marks, are
// stopwords ("ban sao" may be "bạn sao", "can cuoc" may be "cần cuộc")
// become one word, so that they count however they are typed. Keys and
// values are normalised; longer keys are tried first.
var variants = map[string]string{
	"bao hiem y te":     "bhyt",
	"the bao hiem y te": "the bhyt",
	"the bao hiem":      "the bhyt", // a card of insurance is the health-insurance card
	"bao hiem xa hoi":   "bhxh",
	"can cuoc cong dan": "cancuoc",
	"can cuoc":          "cancuoc",
	"cccd":              "cancuoc",
	"ban sao":           "bansao",
	"ma so":             "maso",
	"qua doi":           "mat",
	"tu tran":           "mat",
	"sanh":              "sinh", // khai sanh (miền Nam)
	"ki":                "ky",   // đăng kí
}

// variantKeys are the keys of variants split into words, longest first.
var variantKeys = func() [][]string {
	var out [][]string
	for k := range variants {
		out = append(out, strings.Fields(k))
	}
	slices.SortFunc(out, func(a, b []string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(strings.Join(a, " "), strings.Join(b, " "))
	})
	return out
}()

// token is one word of a text, normalised.
type token struct {
	w string
	// stop: a stopword as typed ("không", "cho"); weak: typed without marks
	// and a stopword that way, so maybe one ("ban": bạn or bản?).
	stop, weak bool
}

// scores reports whether the word scores on its own for a title, keyword or
// summary that holds it.
func (t token) scores() bool { return !t.stop && !t.weak }

// tokens are the words of a text, normalised, in their canonical form.
func tokens(s string) []token { return canonical(splitWords(s)) }

// splitWords splits a text into words as Normalize does, and tells the
// stopwords by the marks they were typed with.
func splitWords(s string) []token {
	var out []token
	word := func(raw string) {
		n := Normalize(raw)
		if n == "" {
			return
		}
		if strings.Contains(n, " ") { // a letter that folds to several words
			for _, w := range strings.Fields(n) {
				out = append(out, token{w: w, weak: foldedStopwords[w]})
			}
			return
		}
		m := norm.NFC.String(strings.ToLower(raw))
		t := token{w: n, stop: stopwords[m]}
		t.weak = !t.stop && m == n && foldedStopwords[n]
		out = append(out, t)
	}
	start := -1
	for i, r := range s {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r) || unicode.Is(unicode.Cf, r)
		if r == utf8.RuneError {
			inWord = false
		}
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			word(s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		word(s[start:])
	}
	return out
}

// canonical rewrites the variants among the words to their one form.
func canonical(ts []token) []token {
	out := make([]token, 0, len(ts))
next:
	for i := 0; i < len(ts); {
		for _, k := range variantKeys {
			if i+len(k) <= len(ts) && wordsAre(ts[i:i+len(k)], k) {
				for _, w := range strings.Fields(variants[strings.Join(k, " ")]) {
					out = append(out, token{w: w})
				}
				i += len(k)
				continue next
			}
		}
		out = append(out, ts[i])
		i++
	}
	return out
}

func wordsAre(ts []token, ws []string) bool {
	for i, t := range ts {
		if t.w != ws[i] {
			return false
		}
	}
	return true
}

// Search weights.
const (
	// phraseWeight is earned by each query word that a keyword phrase (or
	// the title) covers where it appears whole: "làm giấy khai sinh", or
	// "ông bà đi khai sinh" in "ông bà đi làm khai sinh", stopwords aside.
	phraseWeight = 2.0
	// stopPhraseWeight is earned by a stopword inside a phrase found with
	// its stopwords: the "làm" of "làm giấy khai sinh" tells making one from
	// copying one.
	stopPhraseWeight = 0.5
	// looseWeight is earned by each query word of a keyword whose words are
	// all there in another order: "thẻ bảo hiểm bị mất" for "mất thẻ bảo
	// hiểm", as Vietnamese often puts it.
	looseWeight   = 1.5
	titleWeight   = 1.0 // per query word in the title
	keywordWeight = 0.8 // per query word in a keyword
	summaryWeight = 0.3 // per query word in the summary
	// minScore is the least score worth offering.
	minScore = 1.0
	// closeRatio is how near the best a match must be to be listed too.
	closeRatio = 0.75
)

func buildIndex(flows []*Flow, faqs []*FAQ) []indexed {
	out := make([]indexed, 0, len(flows)+len(faqs))
	for _, f := range flows {
		out = append(out, newIndexed(f.Title, f.Summary, f.Keywords, indexed{flow: f}))
	}
	for _, q := range faqs {
		out = append(out, newIndexed(q.Question, "", q.Keywords, indexed{faq: q}))
	}
	return out
}

// newIndexed indexes a title (a procedure's, or a question), a summary and
// keywords.
func newIndexed(title, summary string, keywords []string, ix indexed) indexed {
	ix.title, ix.keywords, ix.summary = words(title), map[string]bool{}, words(summary)
	add := func(s string) {
		var p phrase
		for _, t := range tokens(s) {
			p.all = append(p.all, t.w)
			p.stop = append(p.stop, !t.scores())
			if t.scores() {
				p.content = append(p.content, t.w)
			}
		}
		if len(p.content) > 0 {
			ix.phrases = append(ix.phrases, p)
		}
	}
	add(title)
	for _, k := range keywords {
		add(k)
		for w := range words(k) {
			ix.keywords[w] = true
		}
	}
	return ix
}

// words are the words of s that score on their own.
func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, t := range tokens(s) {
		if t.scores() {
			m[t.w] = true
		}
	}
	return m
}

// Search finds the procedures a citizen's words point to, with or without
// diacritics: the best first, followed by those that matched nearly as well.
// It returns nothing when no procedure matched well enough.
//
// Each word of the query scores at most once for the phrases (title and
// keywords) that cover it, however many do, so that a long list of
// overlapping keywords does not outweigh a short precise one; then again if
// it is in the title, a keyword or the summary.
func (c *Catalog) Search(text string) []Match {
	q := canonical(c.correct(tokens(text)))
	if !slices.ContainsFunc(q, token.scores) {
		return nil
	}
	cov := make([]float64, len(q))
	var out []Match
	for _, ix := range c.index {
		clear(cov)
		for _, p := range ix.phrases {
			cover(q, p, cov)
		}
		var score float64
		for _, w := range cov {
			score += w
		}
		for _, t := range q {
			switch {
			case !t.scores():
			case ix.title[t.w]:
				score += titleWeight
			case ix.keywords[t.w]:
				score += keywordWeight
			case ix.summary[t.w]:
				score += summaryWeight
			}
		}
		if score >= minScore {
			out = append(out, Match{Flow: ix.flow, FAQ: ix.faq, Score: score})
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.SortStableFunc(out, func(a, b Match) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	best := out[0].Score
	n := 1
	for n < len(out) && out[n].Score >= closeRatio*best {
		n++
	}
	return out[:n]
}

// cover raises cov, the score of each query word, where phrase p is found:
// whole with its stopwords; whole once the query's stopwords are stepped
// over; or, for a phrase of several content words, all of them in another
// order.
func cover(q []token, p phrase, cov []float64) {
	raise := func(i int, w float64) { cov[i] = max(cov[i], w) }
	found := false
	for i := 0; i+len(p.all) <= len(q); i++ {
		if !wordsAre(q[i:i+len(p.all)], p.all) {
			continue
		}
		found = true
		for j := range p.all {
			if p.stop[j] {
				raise(i+j, stopPhraseWeight)
			} else {
				raise(i+j, phraseWeight)
			}
		}
	}
	var at []int
	for i := range q {
		at = at[:0]
		for k := i; k < len(q) && len(at) < len(p.content); k++ {
			switch {
			case q[k].w == p.content[len(at)]:
				at = append(at, k)
			case len(at) > 0 && !q[k].scores():
				// step over a stopword inside the phrase
			default:
				k = len(q)
			}
		}
		if len(at) == len(p.content) {
			found = true
			for _, k := range at {
				raise(k, phraseWeight)
			}
		}
	}
	if found || len(p.content) < 2 {
		return
	}
	for _, w := range p.content {
		if !slices.ContainsFunc(q, func(t token) bool { return t.w == w && !t.stop }) {
			return
		}
	}
	for i, t := range q {
		if !t.stop && slices.Contains(p.content, t.w) {
			raise(i, looseWeight)
		}
	}
}

// vocabulary lists every word the index knows, for correcting typos.
func vocabulary(index []indexed) map[string]bool {
	v := map[string]bool{}
	for _, ix := range index {
		for _, set := range []map[string]bool{ix.title, ix.keywords, ix.summary} {
			for w := range set {
				v[w] = true
			}
		}
	}
	return v
}

// correct replaces a word the index does not know by the one known word a
// single typo away ("sihn" → "sinh", "bhty" → "bhyt"). Short words, words
// that may be stopwords and words with several such neighbours are left as
// typed.
func (c *Catalog) correct(ts []token) []token {
	for i, t := range ts {
		if len(t.w) < 4 || !t.scores() || c.vocab[t.w] {
			continue
		}
		var found string
		for w := range c.vocab {
			if oneEdit(t.w, w) {
				if found != "" && found != w {
					found = ""
					break
				}
				found = w
			}
		}
		if found != "" {
			ts[i] = token{w: found}
		}
	}
	return ts
}

// oneEdit reports whether a and b differ by one insertion, deletion,
// substitution or swap of neighbouring letters.
func oneEdit(a, b string) bool {
	if a == b {
		return false
	}
	la, lb := len(a), len(b)
	switch {
	case la == lb:
		i := 0
		for i < la && a[i] == b[i] {
			i++
		}
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] // swap
	case la == lb+1:
		return deletes(a, b)
	case lb == la+1:
		return deletes(b, a)
	}
	return false
}

// deletes reports whether removing one byte of long gives short.
func deletes(long, short string) bool {
	i := 0
	for i < len(short) && long[i] == short[i] {
		i++
	}
	return long[i+1:] == short[i:]
}
