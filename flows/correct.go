package flows

import "strings"

// correct replaces each word the index does not know by the known word it
// was meant as: typed with the telex or VNI keys of its marks ("sinhf",
// "ddawng kys", "kha1i"), glued to the next one ("giahan"), or one typo
// away ("sihn" → "sinh"). Short words, stopwords and words with several
// such neighbours are left as typed.
func (ix *index) correct(ts []token) []token {
	var out []token
	for i, t := range ts {
		fixed, ok := ix.fix(t)
		if !ok {
			if out != nil {
				out = append(out, t)
			}
			continue
		}
		if out == nil {
			out = append(make([]token, 0, len(ts)+1), ts[:i]...)
		}
		out = append(out, fixed...)
	}
	if out == nil {
		return ts
	}
	return out
}

// fix returns what an unknown word was meant as, if it can tell.
func (ix *index) fix(t token) ([]token, bool) {
	if t.stop || ix.vocab[t.w] || foldedStopwords[t.w] || isDigits(t.w) {
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
	if len(t.w) >= 5 {
		for i := 2; i <= len(t.w)-2; i++ {
			a, b := t.w[:i], t.w[i:]
			if ix.vocab[a] && ix.vocab[b] && syllable(a) && syllable(b) {
				ka, _ := known(a)
				kb, _ := known(b)
				return []token{ka, kb}, true
			}
		}
	}
	if len(t.w) < 4 || t.weak {
		return nil, false
	}
	var found string
	for w := range ix.vocab {
		if oneEdit(t.w, w) {
			if found != "" && found != w {
				return nil, false
			}
			found = w
		}
	}
	if found == "" {
		return nil, false
	}
	k, _ := known(found)
	return []token{k}, true
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
