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

// ID is the procedure's or the question's id.
func (m Match) ID() string {
	if m.FAQ != nil {
		return m.FAQ.ID
	}
	return m.Flow.ID
}

// Title is what a list of matches shows: the procedure's title or the
// question.
func (m Match) Title() string {
	if m.FAQ != nil {
		return m.FAQ.Question
	}
	return m.Flow.Title
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
	có bị thì rồi vậy nữa sẽ mới mỗi
	ad admin nha nhá nhe hả hở ấy này đó luôn dùm vui lòng từ`)

// foldedStopwords are the stopwords without their marks.
var foldedStopwords = foldedSet(stopwords)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[norm.NFC.String(w)] = true
	}
	return m
}

// foldedSet is a set of words folded with Normalize.
func foldedSet(words map[string]bool) map[string]bool {
	m := map[string]bool{}
	for w := range words {
		m[Normalize(w)] = true
	}
	return m
}

// variants are spellings and abbreviations of one word, rewritten to one
// form in the index and in queries alike: "bhyt" finds "bảo hiểm y tế",
// "khai sanh" finds "khai sinh". Words that mean the same ("qua đời" for
// "mất") are synonyms, read from the catalogue's words/ (see Synonym). A few compounds whose syllables, typed without marks, are
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
	"uy ban":            "uyban", // ban: a committee, not bạn
	"ma so":             "maso",
	"sanh":              "sinh", // khai sanh (miền Nam)
	"ki":                "ky",   // đăng kí
	"thu 7":             "thu bay",
	"t7":                "thu bay",
	"cn":                "chu nhat",
}

// abbreviations are what people type for a word, rewritten to the word
// with its marks before anything else, so that "ko" is the stopword
// "không" and "sdt" finds "số điện thoại". Keys are normalised.
var abbreviations = map[string]string{
	"ko": "không", "k": "không", "kg": "không", "hok": "không", "khg": "không",
	"dc": "được", "dk": "đăng ký", "lm": "làm", "ntn": "như thế nào",
	"mk": "mình", "mik": "mình", "vs": "với", "j": "gì", "r": "rồi",
	"sdt": "số điện thoại", "dt": "điện thoại", "dthoai": "điện thoại",
	"ubnd": "ủy ban", "ub": "ủy ban", "gd": "gia đình", "bt": "biết",
	"ck": "chồng", "vk": "vợ", "e": "em", "tk": "tài khoản", "kd": "kinh doanh", "ng": "người", "tks": "cảm ơn", "thks": "cảm ơn",
	"camon": "cảm ơn", "cmon": "cảm ơn", "oki": "ok", "oke": "ok", "okie": "ok", "okey": "ok",
}

// token is one word of a text, normalised.
type token struct {
	w string
	// stop: a stopword as typed ("không", "cho"); weak: typed without marks
	// and a stopword that way, so maybe one ("ban": bạn or bản?).
	stop, weak bool
	// marked: typed with marks ("trời"), so meant as typed, not a typo.
	marked bool
	// typed is the word as typed, lower-case, when marked ("đẻ", not "để").
	typed string
	// opens: the word follows a mark that ends a clause (, . ; : ! ? or a
	// line break), so it opens a new one (see focus).
	opens bool
}

// scores reports whether the word scores on its own for a title, keyword or
// summary that holds it.
func (t token) scores() bool { return !t.stop && !t.weak }

// tokens are the words of a text, normalised, in their canonical form.
func (lx lexicon) tokens(s string) []token { return lx.canonical(expand(splitWords(s))) }

// expand rewrites the abbreviations among the words to the words they
// stand for.
func expand(ts []token) []token {
	if !slices.ContainsFunc(ts, func(t token) bool { _, ok := abbreviations[t.w]; return ok }) {
		return ts
	}
	out := make([]token, 0, len(ts)+2)
	for _, t := range ts {
		if long, ok := abbreviations[t.w]; ok {
			ws := splitWords(long)
			ws[0].opens = t.opens
			out = append(out, ws...)
			continue
		}
		out = append(out, t)
	}
	return out
}

// splitWords splits a text into words as Normalize does, and tells the
// stopwords by the marks they were typed with.
func splitWords(s string) []token {
	var out []token
	opens := false // a clause ended since the last word
	word := func(raw string) {
		n := Normalize(raw)
		if n == "" {
			return
		}
		if strings.Contains(n, " ") { // a letter that folds to several words
			for _, w := range strings.Fields(n) {
				out = append(out, token{w: w, weak: foldedStopwords[w], opens: opens})
				opens = false
			}
			return
		}
		m := norm.NFC.String(strings.ToLower(raw))
		t := token{w: n, stop: stopwords[m], marked: m != n, opens: opens}
		if t.marked {
			t.typed = m
		}
		t.weak = !t.stop && m == n && foldedStopwords[n]
		out = append(out, t)
		opens = false
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
		if !inWord && len(out) > 0 && strings.ContainsRune(clauseEnds, r) {
			opens = true
		}
	}
	if start >= 0 {
		word(s[start:])
	}
	return out
}

// clauseEnds are the marks that end a clause.
const clauseEnds = ",.;:!?\n…"

// canonical rewrites the variants and synonyms among the words to their
// one form.
func (lx lexicon) canonical(ts []token) []token {
	out := make([]token, 0, len(ts))
next:
	for i := 0; i < len(ts); {
		for _, r := range lx.byFirst[ts[i].w] {
			if i+len(r.from) <= len(ts) && wordsAre(ts[i:i+len(r.from)], r.from) && (r.typed == "" || r.typed == ts[i].typed) {
				for j, t := range r.to {
					t.opens = j == 0 && ts[i].opens
					out = append(out, t)
				}
				i += len(r.from)
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
