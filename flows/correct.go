package flows

import (
	"slices"
	"strings"
)

// correct replaces each word the index does not know by the known word it
// was meant as: typed with the telex or VNI keys of its marks ("sinhf",
// "ddawng kys", "kha1i"), glued to the next one ("giahan"), or one typo
// away ("sihn" → "sinh"). Short words, stopwords and words with several
// such neighbours are left as typed.
func (ix *index) correct(ts []token) []token {
	var out []token
	for i, t := range ts {
		fixed, ok := ix.fix(ts, i)
		if !ok {
			if out != nil {
				out = append(out, t)
			}
			continue
		}
		if out == nil {
			out = append(make([]token, 0, len(ts)+1), ts[:i]...)
		}
		fixed[0].opens = t.opens
		out = append(out, fixed...)
	}
	if out == nil {
		return ts
	}
	return out
}

// maxTypo is the longest word worth correcting: no Vietnamese syllable,
// nor two glued, is longer, and a lookup costs the square of the length.
const maxTypo = 16

// fix returns what unknown word i was meant as, if it can tell.
func (ix *index) fix(ts []token, i int) ([]token, bool) {
	t := ts[i]
	if t.stop || ix.vocab[t.w] || foldedStopwords[t.w] || isDigits(t.w) || len(t.w) > maxTypo {
		return nil, false
	}
	known := func(w string) (token, bool) {
		switch {
		case ix.vocab[w] && !foldedStopwords[w]:
			return token{w: w}, true
		case foldedStopwords[w]:
			return token{w: w, weak: true}, true
		}
		return token{}, false
	}
	if w := untyped(t.w); w != t.w {
		if k, ok := known(w); ok {
			return []token{k}, true
		}
	}
	// A word typed with its marks and shaped like a syllable is a word
	// ("trời" is not a typo of "tuổi").
	if len(t.w) < 4 || t.weak || t.marked && syllable(t.w) {
		return nil, false
	}
	found := ix.oneEditOf(t.w)
	if len(found) == 0 {
		return ix.unglue(t.w)
	}
	// Several words may be one typo away: the best is the one that pairs
	// with a neighbour ("khia tu" is "khai tử", not "khi"), then one of
	// the same length (two letters swapped or one mistyped: "nugoi" is
	// "người", not "ngồi"); a tie is left as typed.
	rank := func(w string) int {
		r := 0
		if ix.pairsWith(ts, i, w) {
			r += 2
		}
		if len(w) == len(t.w) {
			r++
		}
		return r
	}
	slices.SortFunc(found, func(a, b string) int { return rank(b) - rank(a) })
	if len(found) > 1 && rank(found[0]) == rank(found[1]) {
		return nil, false
	}
	k, _ := known(found[0])
	return []token{k}, true
}

// unglue splits two known words typed without the space between them
// ("giahan").
func (ix *index) unglue(w string) ([]token, bool) {
	if len(w) < 6 {
		return nil, false
	}
	for j := 2; j <= len(w)-2; j++ {
		a, b := w[:j], w[j:]
		if ix.vocab[a] && ix.vocab[b] && syllable(a) && syllable(b) && !foldedStopwords[a] && !foldedStopwords[b] {
			return []token{{w: a}, {w: b}}, true
		}
	}
	return nil, false
}

// oneEditOf returns the known words one typo away from w. Two words are
// one typo apart when deleting one letter of each, or of one, gives the
// same string, so the index keeps every word under itself and each of its
// one-letter deletions (ix.deletes), and a lookup tries w and its own.
func (ix *index) oneEditOf(w string) []string {
	var found []string
	look := func(key string) {
		for _, c := range ix.deletes[key] {
			if oneEdit(w, c) && !slices.Contains(found, c) {
				found = append(found, c)
			}
		}
	}
	look(w)
	for i := range len(w) {
		look(w[:i] + w[i+1:])
	}
	return found
}

// pairsWith reports whether w, in place of word i, would pair with the
// word before or after it.
func (ix *index) pairsWith(ts []token, i int, w string) bool {
	for j := i - 1; j >= 0; j-- {
		if !ts[j].stop {
			if len(ix.pairs[[2]string{ts[j].w, w}]) > 0 {
				return true
			}
			break
		}
	}
	for j := i + 1; j < len(ts); j++ {
		if !ts[j].stop {
			return len(ix.pairs[[2]string{w, ts[j].w}]) > 0
		}
	}
	return false
}

// telexMarks are the keys that type a vowel's marks in telex, in the order
// they are undone ("aw" before "w").
var telexMarks = strings.NewReplacer("dd", "d", "aa", "a", "aw", "a", "ee", "e", "oo", "o", "ow", "o", "uw", "u", "w", "u")

// untyped undoes the keys of marks typed where the keyboard did not turn
// them into marks: telex ("ddawngf" → "dang", "sinhf" → "sinh") and VNI
// ("d9a8ng" → "dang"). The result may not be a word.
func untyped(w string) string {
	if strings.ContainsAny(w, "0123456789") {
		letters := strings.Map(func(r rune) rune {
			if '0' <= r && r <= '9' {
				return -1
			}
			return r
		}, w)
		if letters == "" || !syllable(letters) {
			return w
		}
		return letters
	}
	u := telexMarks.Replace(w)
	if n := len(u); n > 1 && strings.ContainsRune("sfrxjz", rune(u[n-1])) && strings.ContainsAny(u[:n-1], "aeiouy") {
		u = u[:n-1]
	}
	return u
}

// Vietnamese syllables, folded: an onset, one to three vowels, and a final.
var (
	onsets = []string{"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
		"b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", ""}
	finals = []string{"ch", "ng", "nh", "c", "m", "n", "p", "t", ""}
)

// syllable reports whether a folded word is shaped like a Vietnamese
// syllable ("nghieng", "khuya", "a"), which most English words are not
// ("how", "birth", "help").
func syllable(w string) bool {
	for _, o := range onsets {
		rest, ok := strings.CutPrefix(w, o)
		if !ok {
			continue
		}
		v := 0
		for v < len(rest) && strings.IndexByte("aeiouy", rest[v]) >= 0 {
			v++
		}
		if v == 0 || v > 3 {
			continue
		}
		for _, f := range finals {
			if rest[v:] == f {
				return true
			}
		}
	}
	return false
}
