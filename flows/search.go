package flows

import (
	"slices"
	"strings"
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
	phrases  [][]string // title and keywords, as whole phrases of content words
	title    map[string]bool
	keywords map[string]bool
	summary  map[string]bool
}

// stopwords are words that say nothing about which procedure is meant:
// "làm thủ tục thế nào", "cho tôi hỏi", "có được không", "thì sao"…
var stopwords = map[string]bool{
	"a": true, "ah": true, "anh": true, "ban": true, "bot": true, "can": true, "cach": true,
	"chi": true, "cho": true, "cua": true, "da": true, "dau": true, "di": true, "duoc": true,
	"em": true, "gi": true, "giup": true, "hoi": true, "khong": true, "la": true, "lam": true,
	"minh": true, "muon": true, "nao": true, "nhe": true, "nhu": true, "o": true, "oi": true,
	"sao": true, "the": true, "thu": true, "toi": true, "tuc": true, "va": true, "ve": true,
	"voi": true, "xin": true, "ma": true, "phai": true, "nhung": true, "gium": true,
	// có, bị, thì, rồi, vậy, nữa, sẽ: in almost every question, about none.
	"co": true, "bi": true, "thi": true, "roi": true, "vay": true, "nua": true, "se": true,
}

// variants are spellings, abbreviations and regional words that mean one
// thing, rewritten to one form in the index and in queries alike, so that
// "bhyt" finds "bảo hiểm y tế", "khai sanh" finds "khai sinh" and "qua đời"
// finds "mất". Keys and values are normalised words; longer keys are tried
// first.
var variants = map[string]string{
	"bao hiem y te":     "bhyt",
	"bao hiem xa hoi":   "bhxh",
	"can cuoc cong dan": "can cuoc",
	"cccd":              "can cuoc",
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

// canonical rewrites the variants in normalised words to their one form.
func canonical(ws []string) []string {
	out := make([]string, 0, len(ws))
next:
	for i := 0; i < len(ws); {
		for _, k := range variantKeys {
			if i+len(k) <= len(ws) && slices.Equal(ws[i:i+len(k)], k) {
				out = append(out, strings.Fields(variants[strings.Join(k, " ")])...)
				i += len(k)
				continue next
			}
		}
		out = append(out, ws[i])
		i++
	}
	return out
}

// terms are the words of a text, normalised and in their canonical form.
func terms(s string) []string { return canonical(strings.Fields(Normalize(s))) }

// content drops the stopwords.
func content(ws []string) []string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		if !stopwords[w] {
			out = append(out, w)
		}
	}
	return out
}

// Search weights.
const (
	phraseWeight  = 2.0 // per query word covered by a keyword phrase found whole
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
		if p := content(terms(s)); len(p) > 0 {
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

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range content(terms(s)) {
		m[w] = true
	}
	return m
}

// Search finds the procedures a citizen's words point to, with or without
// diacritics: the best first, followed by those that matched nearly as well.
// It returns nothing when no procedure matched well enough.
//
// A procedure (or question) scores for each query word that one of its
// keyword phrases, or its title, covers where the phrase appears whole
// (stopwords aside: "làm giấy khai sinh cho con" holds "giấy khai sinh" and
// "khai sinh con"), counted once however many phrases cover it, so that a
// long list of overlapping keywords does not outweigh a short precise one.
// Each query word then scores again if it is in the title, a keyword or the
// summary.
func (c *Catalog) Search(query string) []Match {
	q := content(canonical(c.correct(terms(query))))
	if len(q) == 0 {
		return nil
	}
	covered := make([]bool, len(q))
	var out []Match
	for _, ix := range c.index {
		clear(covered)
		for _, p := range ix.phrases {
			cover(q, p, covered)
		}
		var score float64
		for i, t := range q {
			if covered[i] {
				score += phraseWeight
			}
			switch {
			case ix.title[t]:
				score += titleWeight
			case ix.keywords[t]:
				score += keywordWeight
			case ix.summary[t]:
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

// cover marks the words of q where phrase p appears whole.
func cover(q, p []string, covered []bool) {
	for i := 0; i+len(p) <= len(q); i++ {
		if slices.Equal(q[i:i+len(p)], p) {
			for j := i; j < i+len(p); j++ {
				covered[j] = true
			}
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
// single typo away ("sihn" → "sinh", "bhty" → "bhyt"). Short words and words
// with several such neighbours are left as typed.
func (c *Catalog) correct(terms []string) []string {
	for i, t := range terms {
		if len(t) < 4 || c.vocab[t] || stopwords[t] {
			continue
		}
		var found string
		for w := range c.vocab {
			if oneEdit(t, w) {
				if found != "" && found != w {
					found = ""
					break
				}
				found = w
			}
		}
		if found != "" {
			terms[i] = found
		}
	}
	return terms
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
