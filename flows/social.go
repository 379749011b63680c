package flows

import "strings"

// People close a conversation with thanks or an acknowledgement and what
// they will do next: "vâng ạ, để mai tôi lên xã", "dạ em cảm ơn, mai em
// lên xã nộp ạ". Such a message asks nothing; its words about the commune
// or a procedure are a plan, not a question, and the answer is the thanks.

// statementScore is how many times the least score a statement after
// thanks must earn for an entry to be what it asks for after all: "ok,
// giờ làm giấy khai sinh cho con" asks for khai sinh.
const statementScore = 3.0

// questionWords are words that ask or request, with or without their
// marks: a statement holds none of them.
var questionWords = foldedSet(wordSet("gì sao nào đâu không chưa hả hở ai bao mấy muốn cần hỏi giúp giùm dùm xin"))

func isSocial(e *entry) bool { return e.intent != nil && e.intent.Kind == ClassSocial }

// acknowledged returns the social intent a message opens with, in a
// clause of its own, when the rest is a statement: no question mark, no
// question or request word, and no entry scoring statementScore times the
// least score.
func (c *Catalog) acknowledged(text string, q []token, s *scoring, ranked []scored) (*Intent, bool) {
	k := 1
	for k < len(q) && !q[k].opens {
		k++
	}
	if k == len(q) || strings.ContainsRune(text, '?') {
		return nil, false
	}
	for _, t := range q[k:] {
		if questionWords[t.w] {
			return nil, false
		}
	}
	opener := -1
	if e, ok := c.index.said[politeless(q[:k])]; ok {
		opener = e
	}
	for _, r := range ranked {
		e := c.index.entries[r.entry]
		switch {
		case !isSocial(e):
			if r.score >= statementScore*c.index.minScore {
				return nil, false
			}
		case opener < 0 && scoresAny(q[:k]) && s.heldBy(func(x *entry) bool { return x == e }, 0, k):
			opener = r.entry
		}
	}
	if opener < 0 {
		return nil, false
	}
	return c.index.entries[opener].intent, true
}
