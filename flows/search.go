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
	phrases  []phrase // title and keywords, as whole phrases
	title    map[string]bool
	keywords map[string]bool
	summary  map[string]bool
}

type phrase struct {
	text  string
	words int
}

// stopwords are words that say nothing about which procedure is meant:
// "làm thủ tục thế nào", "cho tôi hỏi"…
var stopwords = map[string]bool{
	"a": true, "ah": true, "anh": true, "ban": true, "bot": true, "can": true, "cach": true,
	"chi": true, "cho": true, "cua": true, "da": true, "dau": true, "di": true, "duoc": true,
	"em": true, "gi": true, "giup": true, "hoi": true, "khong": true, "la": true, "lam": true,
	"minh": true, "muon": true, "nao": true, "nhe": true, "nhu": true, "o": true, "oi": true,
	"sao": true, "the": true, "thu": true, "toi": true, "tuc": true, "va": true, "ve": true,
	"voi": true, "xin": true, "ma": true, "phai": true, "nhung": true, "gium": true,
}

// Search weights.
const (
	phraseWeight  = 2.0 // per word of a keyword phrase found whole
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
		if n := Normalize(s); n != "" {
			ix.phrases = append(ix.phrases, phrase{text: n, words: strings.Count(n, " ") + 1})
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
	for _, w := range strings.Fields(Normalize(s)) {
		if !stopwords[w] {
			m[w] = true
		}
	}
	return m
}

// Search finds the procedures a citizen's words point to, with or without
// diacritics: the best first, followed by those that matched nearly as well.
// It returns nothing when no procedure matched well enough.
func (c *Catalog) Search(query string) []Match {
	terms := c.correct(strings.Fields(Normalize(query)))
	if len(terms) == 0 {
		return nil
	}
	q := strings.Join(terms, " ")
	var out []Match
	for _, ix := range c.index {
		var score float64
		for _, p := range ix.phrases {
			if containsWords(q, p.text) {
				score += phraseWeight * float64(p.words)
			}
		}
		for _, t := range terms {
			switch {
			case stopwords[t]:
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
