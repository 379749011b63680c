package flows

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Synonym is a word the keywords use and what else people say for it:
// "mất" for "qua đời", "từ trần", "khuất núi"; "sinh" for "đẻ". The index
// and every message read each of Said as Word, so that a keyword written
// once finds all of them, and an officer need not repeat a keyword for
// each way of saying it. Spellings and abbreviations (khai sanh, bhyt,
// ko) are the index's own (variants, abbreviations); synonyms are words,
// which a commune may add to.
type Synonym struct {
	// Word is as the keywords write it, with its marks.
	Word string   `yaml:"word"`
	Said []string `yaml:"said"`

	// File is where the synonym was read from.
	File string `yaml:"-"`
	pos  positions
}

// SynonymDir is the directory, beside the procedures, of the synonyms.
const SynonymDir = "words"

type synonymFile struct {
	Synonyms []*Synonym `yaml:"synonyms"`
}

// ParseSynonyms decodes a file of synonyms, reporting every problem.
func ParseSynonyms(file string, data []byte) ([]*Synonym, Issues) {
	var f synonymFile
	iss := decodeFile(file, data, &f)
	var out []*Synonym
	for i, s := range f.Synonyms {
		field := fmt.Sprintf("synonyms[%d]", i)
		if s == nil {
			iss.add(file, 0, field, "an empty entry: remove the lone '-'")
			continue
		}
		s.File = file
		if Normalize(s.Word) == "" {
			iss.add(file, s.pos.line, field+".word", "missing: the word as the keywords write it")
		}
		if len(s.Said) == 0 {
			iss.add(file, s.pos.line, field+".said", "missing: what else people say for %q", s.Word)
		}
		for j, said := range s.Said {
			switch n := Normalize(said); {
			case n == "":
				iss.add(file, s.pos.at("said"), fmt.Sprintf("%s.said[%d]", field, j), "empty")
			case n == Normalize(s.Word):
				iss.add(file, s.pos.at("said"), fmt.Sprintf("%s.said[%d]", field, j), "%q is the word itself", said)
			}
		}
		out = append(out, s)
	}
	return out, iss
}

// lexicon rewrites the variants and synonyms among a text's words to one
// form. Keys are normalised.
type lexicon struct {
	// to: a key → the words it becomes, a stopword among them still one
	// ("mới đẻ" becomes "mới sinh", its "mới" a stopword as typed).
	to map[string][]token
	// byFirst: the first word of a key → the rewrites of the keys that
	// start with it, the longest first.
	byFirst map[string][]rewrite
}

// rewrite is a key of a lexicon split into words, and what it becomes;
// typed, when not empty, is the one word of the key as it must be typed,
// with its marks ("đẻ" becomes "sinh"; "để" stays).
type rewrite struct {
	from  []string
	to    []token
	typed string
}

func newLexicon(to map[string][]token, typed map[string]string) lexicon {
	lx := lexicon{to: to, byFirst: map[string][]rewrite{}}
	for k, v := range to {
		from := strings.Fields(k)
		lx.byFirst[from[0]] = append(lx.byFirst[from[0]], rewrite{from: from, to: v, typed: typed[k]})
	}
	for _, rs := range lx.byFirst {
		slices.SortFunc(rs, func(a, b rewrite) int {
			if len(a.from) != len(b.from) {
				return len(b.from) - len(a.from)
			}
			return slices.Compare(a.from, b.from)
		})
	}
	return lx
}

// spellings is the lexicon of the variants alone, for a catalogue without
// synonyms.
var spellings = newLexicon(variantTokens(), nil)

// variantTokens are the variants as a lexicon holds them: their one form
// is a word that counts, whatever its syllables would be alone ("ban sao"
// is "bansao", "thứ 7" is "thu bay").
func variantTokens() map[string][]token {
	to := make(map[string][]token, len(variants))
	for k, v := range variants {
		for _, w := range strings.Fields(v) {
			to[k] = append(to[k], token{w: w})
		}
	}
	return to
}

// withSynonyms is the lexicon of the variants and the synonyms, and the
// problems found in the synonyms: a phrase said for two words, or one the
// variants already spell as the word. A word of one syllable with marks is
// rewritten only as typed with them: without them it is every word of the
// same letters ("đẻ" is also "để", "cưới" also "cuối").
func withSynonyms(syns []*Synonym) (lexicon, Issues) {
	if len(syns) == 0 {
		return spellings, nil
	}
	var iss Issues
	to := variantTokens()
	typed := map[string]string{}
	from := map[string]*Synonym{}
	for _, s := range syns {
		word := spellings.tokens(s.Word)
		for i := range word {
			word[i].marked, word[i].opens = false, false
		}
		for _, said := range s.Said {
			// The key is matched against a message's words before its
			// variants are rewritten, its abbreviations after.
			said = strings.TrimSpace(said)
			key := strings.Join(wordsOf(expand(splitWords(said))), " ")
			switch prev, dup := from[key]; {
			case key == "" || Normalize(said) == Normalize(s.Word):
				continue // ParseSynonyms said so
			case dup:
				iss.add(s.File, s.pos.at("said"), "said", "%q is said for %q and for %q (%s)", said, s.Word, prev.Word, prev.File)
				continue
			case spellings.folded(said) == spellings.folded(s.Word):
				iss.add(s.File, s.pos.at("said"), "said", "%q is %q as the bot spells it already", said, s.Word)
				continue
			}
			if m := norm.NFC.String(strings.ToLower(said)); !strings.Contains(key, " ") && key != m {
				typed[key] = m
			}
			from[key] = s
			to[key] = word
		}
	}
	return newLexicon(to, typed), iss
}

// folded is a text's words in their canonical form, joined by spaces.
func (lx lexicon) folded(s string) string { return strings.Join(wordsOf(lx.tokens(s)), " ") }

func wordsOf(ts []token) []string {
	ws := make([]string, len(ts))
	for i, t := range ts {
		ws[i] = t.w
	}
	return ws
}

// lintSynonyms warns of a synonym whose word no procedure, question or
// intent holds: what is said for it finds nothing.
func (c *Catalog) lintSynonyms(syns []*Synonym) Issues {
	var iss Issues
	for _, s := range syns {
		for _, t := range c.index.lex.tokens(s.Word) {
			if t.scores() && len(c.index.words[t.w]) == 0 {
				iss.warn(s.File, s.pos.at("word"), "word", "%q: no procedure, question or intent holds %q, so what is said for it finds nothing", s.Word, t.w)
				break
			}
		}
	}
	return iss
}
