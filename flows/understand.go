package flows

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Understanding is what the bot makes of a message: its class, and the
// procedures and questions to offer.
type Understanding struct {
	Class Class
	// ID is the procedure, question or intent understood. For
	// ClassNotQuestion it says what the text is instead: date, number,
	// markup, link, foreign or empty. For ClassOutOfScope it is empty when
	// nothing the bot knows matched at all.
	ID string
	// Intent is the intent understood, for the classes of intents.
	Intent *Intent
	// Matches are the procedures and questions to offer, the best first:
	// for ClassProcedure and ClassFAQ, those that matched nearly as well as
	// the best; otherwise none.
	Matches []Match
}

// Not-a-question kinds, the ID of a ClassNotQuestion.
const (
	NotQuestionEmpty   = "empty"   // no letter or digit: "???", "👍"
	NotQuestionDate    = "date"    // "12/05/2024"
	NotQuestionNumber  = "number"  // "15", "0912 345 678"
	NotQuestionMarkup  = "markup"  // "<script>…"
	NotQuestionLink    = "link"    // "https://…"
	NotQuestionForeign = "foreign" // "how do I…", "你好"
)

// Understand reads a message as a whole and says what it asks for: a
// procedure, a question, the commune's information, a person, a greeting
// or thanks, something the bot does not guide, or nothing (a date, a
// number, markup, another language). It is pure and fast (microseconds),
// with or without diacritics, through typos and telex leftovers.
func (c *Catalog) Understand(text string) Understanding {
	u, _ := c.understand(text, false)
	return u
}

// Explain is Understand, with why: the message as read, and for the
// entries that scored best, what each word earned and how.
func (c *Catalog) Explain(text string) (Understanding, string) {
	return c.understand(text, true)
}

// Search finds the procedures and questions a citizen's words point to,
// with or without diacritics: the best first, followed by those that
// matched nearly as well (at most four). It returns nothing when none
// matched well enough. Intents are not searched: Understand tells them.
func (c *Catalog) Search(text string) []Match {
	_, q := c.query(text)
	if !slices.ContainsFunc(q, token.scores) {
		return nil
	}
	s := c.index.score(q, false)
	return c.listed(s.ranked(func(e *entry) bool { return e.intent == nil }))
}

// query is a message as the index reads it, q: its words normalised, in
// their canonical form, corrected; raw are its words before correction.
func (c *Catalog) query(text string) (raw, q []token) {
	raw = c.index.lex.tokens(text)
	return raw, c.index.lex.canonical(c.index.correct(raw))
}

// listed is what a ranking offers: the best procedure or question and
// those close to it.
func (c *Catalog) listed(ranked []scored) []Match {
	if len(ranked) == 0 || ranked[0].score < c.index.minScore {
		return nil
	}
	var out []Match
	for _, r := range ranked {
		e := c.index.entries[r.entry]
		if e.intent != nil {
			continue
		}
		if r.score < closeRatio*ranked[0].score || len(out) == maxListed {
			break
		}
		out = append(out, Match{Flow: e.flow, FAQ: e.faq, Score: r.score})
	}
	return out
}

var (
	markup = regexp.MustCompile(`<\s*/?\s*[A-Za-z!][^<>]*>|javascript:|\{\{|\$\{`)
	link   = regexp.MustCompile(`(?i)\b(https?://|www\.)\S+`)
)

func (c *Catalog) understand(text string, explain bool) (Understanding, string) {
	var why strings.Builder
	if kind, ok := notQuestion(text); ok {
		if explain {
			why.WriteString("not a question: " + kind + "\n")
		}
		return Understanding{Class: ClassNotQuestion, ID: kind}, why.String()
	}
	raw, q := c.query(text)
	if explain {
		why.WriteString("read as:")
		for _, t := range q {
			why.WriteString(" " + t.w)
			switch {
			case t.stop:
				why.WriteString("(stop)")
			case t.weak:
				why.WriteString("(stop?)")
			}
		}
		why.WriteString("\n")
	}
	if c.foreign(raw) {
		if explain {
			why.WriteString("not a question: most words are not Vietnamese\n")
		}
		return Understanding{Class: ClassNotQuestion, ID: NotQuestionForeign}, why.String()
	}
	if e, ok := c.index.said[politeless(q)]; ok {
		it := c.index.entries[e].intent
		return Understanding{Class: it.Kind, ID: it.ID, Intent: it}, why.String()
	}
	s := c.index.score(q, explain)
	if explain {
		s.explainWeights(&why)
	}
	ranked := s.ranked(nil)
	if it, ok := c.acknowledged(text, q, s, ranked); ok {
		if explain {
			why.WriteString("thanks or an acknowledgement, then a statement that asks nothing\n")
		}
		return Understanding{Class: it.Kind, ID: it.ID, Intent: it}, why.String()
	}
	// A greeting or thanks is the answer only to a message that says
	// nothing else: "chào bạn, cho hỏi khai sinh" asks for khai sinh, while
	// "dạ vâng, chào anh" is thanks and goodbye.
	if !s.heldBy(isSocial, 0, len(q)) {
		ranked = slices.DeleteFunc(ranked, func(r scored) bool { return isSocial(c.index.entries[r.entry]) })
	}
	if explain {
		for i, r := range ranked {
			if i == 5 {
				break
			}
			s.explain(&why, r.entry)
		}
	}
	none := len(ranked) == 0 || ranked[0].score < c.index.minScore || s.unsure(ranked[0])
	if c.model != nil {
		if u, ok := c.decide(q, ranked, none, explain, &why); ok {
			return u, why.String()
		}
	}
	if none {
		if explain {
			why.WriteString("nothing scored enough\n")
		}
		return Understanding{Class: ClassOutOfScope}, why.String()
	}
	top := c.index.entries[ranked[0].entry]
	if it := top.intent; it != nil {
		return Understanding{Class: it.Kind, ID: it.ID, Intent: it}, why.String()
	}
	u := Understanding{Class: ClassProcedure, ID: top.id(), Matches: c.listed(ranked)}
	if top.faq != nil {
		u.Class = ClassFAQ
	}
	return u, why.String()
}

// particles are words said for politeness around a message: "dạ ạ", "vâng
// nhé", "được rồi ad".
var particles = wordSet("a à ạ ad admin nha nhá nhé nhe ơi bạn em anh chị")

// politeless is a message's words, without the particles around them.
func politeless(q []token) string {
	ws := make([]string, 0, len(q))
	for _, t := range q {
		ws = append(ws, t.w)
	}
	for len(ws) > 1 && foldedParticles[ws[len(ws)-1]] {
		ws = ws[:len(ws)-1]
	}
	for len(ws) > 1 && foldedParticles[ws[0]] {
		ws = ws[1:]
	}
	return strings.Join(ws, " ")
}

var foldedParticles = foldedSet(particles)

// notQuestion tells text that asks nothing by its shape: no letter or
// digit, markup, a link alone, a bare date or number, another script.
func notQuestion(text string) (string, bool) {
	if markup.MatchString(text) {
		return NotQuestionMarkup, true
	}
	rest := link.ReplaceAllString(text, " ")
	words := strings.Fields(Normalize(rest))
	if len(words) == 0 {
		if rest != text {
			return NotQuestionLink, true
		}
		return NotQuestionEmpty, true
	}
	_, err := ParseDate(rest, Date{Year: 2000})
	if err == nil {
		return NotQuestionDate, true
	}
	if !slices.ContainsFunc(words, func(w string) bool { return !isDigits(w) }) {
		if errors.Is(err, ErrDateInvalid) {
			return NotQuestionDate, true // a date that does not exist is still a date
		}
		return NotQuestionNumber, true
	}
	latin, other := 0, 0
	for _, r := range rest {
		switch {
		case !unicode.IsLetter(r):
		case unicode.Is(unicode.Latin, r):
			latin++
		default:
			other++
		}
	}
	if other > latin {
		return NotQuestionForeign, true
	}
	return "", false
}

// foreign reports a message of which a third of the words or more, as
// typed, are shaped like no Vietnamese syllable and unknown to the index:
// English ("how do I get a birth certificate"), or keys struck at random. A word typed in telex ("ddawng", "sinhf") is
// Vietnamese; "how" is not "hơ".
func (c *Catalog) foreign(q []token) bool {
	words, odd := 0, 0
	for i, t := range q {
		if strings.ContainsAny(t.w, "0123456789") {
			continue
		}
		words++
		if t.stop || foldedStopwords[t.w] || syllable(t.w) || c.index.vocab[t.w] || c.telex(t.w) {
			continue
		}
		// Odd unless it is a typo of a word the bot knows and long enough
		// for that to count ("how" is not "hơ"); fix, the slower test,
		// comes last.
		if len(t.w) < 5 {
			odd++
		} else if _, ok := c.index.fix(q, i); !ok {
			odd++
		}
	}
	return odd >= 2 && 3*odd >= words || odd == 1 && words == 1
}

// telex reports a word typed in telex: a known word once the keys of its
// marks are undone ("kys"), or a syllable with keys no English word has
// (dd, a doubled vowel, w after a vowel, a tone key f, r, x or j at the
// end: "ddawng", "sinhf"; not "is", "this", "need" or "how").
func (c *Catalog) telex(w string) bool {
	u := untyped(w)
	switch {
	case u == w || strings.HasSuffix(w, "w"): // "how", "now", "show" are English
		return false
	case c.index.vocab[u] || foldedStopwords[u]:
		return true
	case !syllable(u):
		return false
	}
	n := len(w)
	for _, keys := range []string{"dd", "aa", "ee", "oo", "aw", "ow", "uw"} {
		if strings.Contains(w, keys) {
			return true
		}
	}
	return strings.ContainsRune("frxj", rune(w[n-1])) && strings.ContainsAny(w[:n-1], "aeiouy")
}
