package flows

import (
	"strings"
	"testing"
)

func TestParseSynonyms(t *testing.T) {
	good := "synonyms:\n  - word: mất\n    said: [qua đời, từ trần]\n"
	ss, iss := ParseSynonyms("words/a.yaml", []byte(good))
	if err := iss.Err(); err != nil || len(ss) != 1 || ss[0].Word != "mất" || len(ss[0].Said) != 2 || ss[0].File != "words/a.yaml" {
		t.Fatalf("%+v %v", ss, iss)
	}
	bad := "synonyms:\n  - word: mất\n    said: [Mất, '']\n  - said: [x]\n  - word: sinh\n    colour: red\n"
	_, iss = ParseSynonyms("bad.yaml", []byte(bad))
	for _, want := range []string{
		`bad.yaml:3: synonyms[0].said[0]: "Mất" is the word itself`,
		`bad.yaml:3: synonyms[0].said[1]: empty`,
		`synonyms[1].word: missing`,
		`synonyms[2].said: missing`,
		`bad.yaml:6: synonyms[2].colour: unknown field "colour"`,
	} {
		if !strings.Contains(iss.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, iss)
		}
	}
}

// TestSynonymsFindTheKeywords: a keyword written once finds what else
// people say for its words, in the message and in other keywords alike.
func TestSynonymsFindTheKeywords(t *testing.T) {
	cat, iss := NewCatalogOf(Content{
		FAQs: []*FAQ{
			{ID: "khai-tu", Question: "Khai tử", Keywords: []string{"bố mất"}},
			{ID: "ket-hon", Question: "Đăng ký kết hôn", Keywords: []string{"giấy kết hôn"}},
			{ID: "khai-sinh", Question: "Khai sinh", Keywords: []string{"mới sinh con"}},
		},
		Synonyms: []*Synonym{
			{Word: "mất", Said: []string{"qua đời", "từ trần"}},
			{Word: "kết hôn", Said: []string{"hôn thú"}},
			{Word: "sinh", Said: []string{"đẻ"}},
		},
	})
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"bố tôi từ trần hôm qua": "khai-tu",
		"bo toi tu tran":         "khai-tu",
		"làm lại giấy hôn thú":   "ket-hon",
		"vợ em mới đẻ con":       "khai-sinh",
	} {
		if u, why := cat.Explain(text); u.ID != want {
			t.Errorf("%q: %s %q, want %s\n%s", text, u.Class, u.ID, want, why)
		}
	}
	// One syllable with marks is read only as typed: "để", "de" are not "đẻ".
	for in, want := range map[string]string{"đẻ con": "sinh con", "để con": "de con", "de con": "de con", "hôn thú": "ket hon", "hon thu": "ket hon"} {
		if got := cat.index.lex.folded(in); got != want {
			t.Errorf("%q read as %q, want %q", in, got, want)
		}
	}
}

func TestSynonymsLint(t *testing.T) {
	_, iss := NewCatalogOf(Content{
		FAQs: []*FAQ{{ID: "khai-tu", Question: "Khai tử", Keywords: []string{"bố mất"}}},
		Synonyms: []*Synonym{
			{Word: "mất", Said: []string{"qua đời"}, File: "words/a.yaml"},
			{Word: "chết", Said: []string{"Qua đời"}, File: "words/b.yaml"},
			{Word: "khai sinh", Said: []string{"khai sanh"}, File: "words/a.yaml"},
		},
	})
	for _, want := range []string{
		`words/b.yaml: said: "Qua đời" is said for "chết" and for "mất" (words/a.yaml)`,
		`words/a.yaml: said: "khai sanh" is "khai sinh" as the bot spells it already`,
		`words/b.yaml: warning: word: "chết": no procedure, question or intent holds "chet", so what is said for it finds nothing`,
	} {
		if !strings.Contains(iss.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, iss)
		}
	}
}
