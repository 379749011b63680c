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
	q := Normalize(query)
	if q == "" {
		return nil
	}
	terms := strings.Fields(q)
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
