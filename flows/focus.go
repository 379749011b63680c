package flows

import (
	"strconv"
	"strings"
)

// People type the context first and the question last: "mình làm công
// nhân trong Bình Dương, vợ mới sinh ở quê, mình không về được thì ai đi
// làm giấy khai sinh cho con". The words that say what is asked are those
// of the clause that asks, the last one; the context before it still
// counts, for less, so that it tells apart entries the question alone
// would not (see focus).

// contextWeight is the share of its score a word earns when it is in the
// context before the clause that asks.
const contextWeight = 0.7

// clauseWords are the words that, typed with their marks, join a context
// to what follows it: "… thì ai đi làm", "… mà chưa có giấy chứng sinh",
// "… nhưng giờ muốn làm lại".
var clauseWords = foldedSet(wordSet("thì mà nhưng"))

// focus returns what each word of a message counts for: 1 in the clause
// that asks, contextWeight before it. The clause that asks is the last
// one (clauses end at a mark such as a comma, or before "thì", "mà",
// "nhưng"); in it, a question framed "… có … không" asks from its "có"
// ("bán tạp hóa nhỏ có phải đóng thuế khoán không"). A message of one
// clause, or whose last clause holds no word that scores, or nothing
// before it, counts whole: it returns nil.
func focus(q []token) []float64 {
	start := 0
	for i, t := range q {
		if t.opens || i > 0 && q[i-1].stop && clauseWords[q[i-1].w] {
			start = i
		}
	}
	if i := askingHas(q[start:]); i > 0 {
		start += i
	}
	if start == 0 || !scoresAny(q[start:]) || !scoresAny(q[:start]) {
		return nil
	}
	w := make([]float64, len(q))
	for i := range w {
		w[i] = 1
		if i < start {
			w[i] = contextWeight
		}
	}
	return w
}

// askingHas returns where a clause framed "… có … không" asks from: its
// first "có" that follows a word that scores, when the clause ends with
// "không" (particles aside); or 0.
func askingHas(c []token) int {
	end := len(c)
	for end > 0 && (foldedParticles[c[end-1].w] || c[end-1].w == "a") {
		end--
	}
	if end == 0 || !c[end-1].stop || c[end-1].w != "khong" {
		return 0
	}
	for i := 1; i < end-1; i++ {
		if c[i].stop && c[i].w == "co" && scoresAny(c[:i]) {
			return i
		}
	}
	return 0
}

// askWeight is the share of its score a word that asks how much, how long
// or when earns: "bao nhiêu" says what kind of answer is wanted, not what
// about; "giá lúa hôm nay bao nhiêu" is not "BHYT bao nhiêu tiền".
const askWeight = 0.5

// askWords are the words that, after "bao", ask how much, how long or
// when ("bao" alone may be "báo", to report).
var askWords = map[string]bool{"nhieu": true, "lau": true, "gio": true}

// asking returns which words of the message ask how much, how long or
// when, or nil when none does.
func asking(q []token) []bool {
	var out []bool
	for i := 1; i < len(q); i++ {
		if q[i-1].w == "bao" && askWords[q[i].w] {
			if out == nil {
				out = make([]bool, len(q))
			}
			out[i-1], out[i] = true, true
		}
	}
	return out
}

// scoresAny reports whether any of the words scores on its own.
func scoresAny(ts []token) bool {
	for _, t := range ts {
		if t.scores() {
			return true
		}
	}
	return false
}

// explainWeights writes which words are context and which ask, and the
// words that ask how much, how long or when.
func (s *scoring) explainWeights(b *strings.Builder) {
	if s.focus != nil {
		b.WriteString("context (×" + strconv.FormatFloat(contextWeight, 'g', -1, 64) + "):")
		asks := false
		for i, t := range s.q {
			if !asks && s.focus[i] == 1 {
				asks = true
				b.WriteString("; asks:")
			}
			b.WriteString(" " + t.w)
		}
		b.WriteString("\n")
	}
	if s.asks != nil {
		b.WriteString("asks how much, how long or when (×" + strconv.FormatFloat(askWeight, 'g', -1, 64) + "):")
		for i, t := range s.q {
			if s.asks[i] {
				b.WriteString(" " + t.w)
			}
		}
		b.WriteString("\n")
	}
}
