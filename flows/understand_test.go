package flows

import (
	"slices"
	"strings"
	"testing"
)

// understandCatalog is a small catalogue with questions and intents of
// every class.
func understandCatalog(t testing.TB) *Catalog {
	t.Helper()
	cat, iss := NewCatalogOf(Content{
		FAQs: []*FAQ{
			{ID: "khai-sinh", Question: "Làm giấy khai sinh cho bé", Keywords: []string{"khai sinh", "làm giấy khai sinh", "mới sinh con"}, NegativeKeywords: []string{"bản sao"}},
			{ID: "ban-sao", Question: "Xin bản sao giấy khai sinh", Keywords: []string{"bản sao khai sinh", "bản sao giấy khai sinh"}},
			{ID: "khai-tu", Question: "Khai tử cho người thân", Keywords: []string{"khai tử", "bố mất", "mẹ mất"}},
			{ID: "gia-han", Question: "Gia hạn thẻ bảo hiểm y tế", Keywords: []string{"gia hạn bhyt", "gia hạn thẻ"}},
			{ID: "bo-huyen", Question: "Bỏ huyện rồi làm thủ tục ở đâu?", Keywords: []string{"bỏ huyện", "nộp hồ sơ ở đâu"}, NegativeKeywords: []string{"số điện thoại"}},
		},
		Intents: []*Intent{
			{ID: "xa-dien-thoai", Kind: ClassCommune, Title: "Số điện thoại của xã", Keywords: []string{"số điện thoại xã", "điện thoại ủy ban"}},
			{ID: "gap-nguoi", Kind: ClassPerson, Title: "Hỏi người thật", Keywords: []string{"gặp cán bộ", "nói chuyện với người thật", "có ai giúp không"}},
			{ID: "chao", Kind: ClassSocial, Title: "Chào hỏi", Keywords: []string{"xin chào", "chào bạn", "hello"}},
			{ID: "cam-on", Kind: ClassSocial, Title: "Cảm ơn", Keywords: []string{"cảm ơn", "ok", "dạ", "được rồi"}},
			{ID: "dat-dai", Kind: ClassOutOfScope, Title: "đất đai, sổ đỏ", Keywords: []string{"sổ đỏ", "tách thửa"}},
		},
	})
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestUnderstand(t *testing.T) {
	cat := understandCatalog(t)
	tests := []struct {
		text  string
		class Class
		id    string
	}{
		{"làm giấy khai sinh cho con", ClassFAQ, "khai-sinh"},
		{"lam giay khai sinh cho con", ClassFAQ, "khai-sinh"},
		{"khai sinhf cho con", ClassFAQ, "khai-sinh"},              // telex left over
		{"ddawng kys khai sinh", ClassFAQ, "khai-sinh"},            // telex, marks never typed
		{"khai sihn cho con", ClassFAQ, "khai-sinh"},               // a typo
		{"giahan bhyt", ClassFAQ, "gia-han"},                       // glued
		{"xin bản sao giấy khai sinh", ClassFAQ, "ban-sao"},        // negative keyword of khai-sinh
		{"số điện thoại ủy ban xã", ClassCommune, "xa-dien-thoai"}, // not the nationwide question
		{"cho tôi gặp cán bộ", ClassPerson, "gap-nguoi"},
		{"chào bạn", ClassSocial, "chao"},
		{"cảm ơn", ClassSocial, "cam-on"},
		{"dạ", ClassSocial, "cam-on"},                                        // stopwords only, said whole
		{"được rồi ạ", ClassSocial, "cam-on"},                                // with a particle
		{"cho tôi hỏi", ClassOutOfScope, ""},                                 // stopwords only, not said
		{"chào bạn, cho hỏi làm giấy khai sinh", ClassFAQ, "khai-sinh"},      // a greeting and a question
		{"cảm ơn, chào bạn", ClassSocial, "cam-on"},                          // thanks and goodbye
		{"cảm ơn nhé, chiều nay tôi qua ủy ban", ClassSocial, "cam-on"},      // thanks, then a plan
		{"dạ, để tuần sau em gọi lại", ClassSocial, "cam-on"},                // an acknowledgement, then a plan
		{"cảm ơn, cho hỏi điện thoại ủy ban", ClassCommune, "xa-dien-thoai"}, // thanks, then a question
		{"ok, giờ làm giấy khai sinh cho con", ClassFAQ, "khai-sinh"},        // what follows names khai sinh strongly
		{"làm sổ đỏ", ClassOutOfScope, "dat-dai"},
		{"xem bói tuổi con gì", ClassOutOfScope, ""}, // nothing known
		{"12/05/2024", ClassNotQuestion, NotQuestionDate},
		{"31/02/2024", ClassNotQuestion, NotQuestionDate},    // no such day, still a date
		{"01/01/1800", ClassNotQuestion, NotQuestionDate},    // a year out of bounds, still a date
		{"123/05/2024", ClassNotQuestion, NotQuestionNumber}, // not shaped as a date
		{"12/05/202", ClassNotQuestion, NotQuestionNumber},
		{"0912 345 678", ClassNotQuestion, NotQuestionNumber},
		{"15", ClassNotQuestion, NotQuestionNumber},
		{"<script>alert(1)</script>", ClassNotQuestion, NotQuestionMarkup},
		{"<b>khai sinh</b>", ClassNotQuestion, NotQuestionMarkup},
		{"https://example.com/x", ClassNotQuestion, NotQuestionLink},
		{"???", ClassNotQuestion, NotQuestionEmpty},
		{"👍", ClassNotQuestion, NotQuestionEmpty},
		{"你好", ClassNotQuestion, NotQuestionForeign},
		{"Здравствуйте", ClassNotQuestion, NotQuestionForeign},
		{"how do I get a birth certificate", ClassNotQuestion, NotQuestionForeign},
		{"asdfghjkl", ClassNotQuestion, NotQuestionForeign},
		{"hello", ClassSocial, "chao"}, // English the bot knows
	}
	for _, tt := range tests {
		u := cat.Understand(tt.text)
		if u.Class != tt.class || u.ID != tt.id {
			_, why := cat.Explain(tt.text)
			t.Errorf("%q: %s %q, want %s %q\n%s", tt.text, u.Class, u.ID, tt.class, tt.id, why)
		}
		if (u.Class == ClassFAQ || u.Class == ClassProcedure) != (len(u.Matches) > 0) {
			t.Errorf("%q: %s with matches %v", tt.text, u.Class, u.Matches)
		}
		if len(u.Matches) > 0 && u.Matches[0].ID() != u.ID {
			t.Errorf("%q: the first offered is %s, not %s", tt.text, u.Matches[0].ID(), u.ID)
		}
	}
}

func TestExplainSaysWhy(t *testing.T) {
	cat := understandCatalog(t)
	_, why := cat.Explain("xin bản sao giấy khai sinh")
	for _, want := range []string{"read as: xin(stop) bansao giay khai sinh", `ban-sao `, `in title "Xin bản sao giấy khai sinh"`, `for negative keyword "bản sao"`} {
		if !strings.Contains(why, want) {
			t.Errorf("missing %q in:\n%s", want, why)
		}
	}
}

func TestSearchLeavesIntentsOut(t *testing.T) {
	cat := understandCatalog(t)
	if found := cat.Search("cho tôi gặp cán bộ"); len(found) != 0 {
		t.Errorf("found %v", found)
	}
	if found := cat.Search("khai sinh"); len(found) == 0 || found[0].ID() != "khai-sinh" {
		t.Errorf("found %v", found)
	}
}

func TestAnswersAreFoundThroughTheirIntent(t *testing.T) {
	intent := &Intent{ID: "xa-gio", Kind: ClassCommune, Title: "Giờ làm việc của xã", Keywords: []string{"giờ làm việc"}}
	answer := &FAQ{ID: "xa-gio", Question: "Xã làm việc mấy giờ?", Answer: "7:30–17:00.", Keywords: []string{"mấy giờ mở cửa"}}
	cat, iss := NewCatalogOf(Content{Intents: []*Intent{intent}, Answers: []*FAQ{answer}})
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	if q, ok := cat.FAQ("xa-gio"); !ok || q != answer {
		t.Error("the answer is a question of the catalogue")
	}
	if found := cat.Search("mấy giờ mở cửa"); len(found) != 0 {
		t.Errorf("an answer is not searched itself: %v", found)
	}
	if u := cat.Understand("giờ làm việc của ủy ban"); u.Class != ClassCommune || u.Intent != intent {
		t.Errorf("%+v", u)
	}
	// A question (not an answer) may not take an intent's id.
	_, iss = NewCatalogOf(Content{Intents: []*Intent{intent}, FAQs: []*FAQ{answer}})
	if !strings.Contains(iss.Error(), `intent id "xa-gio" is also a question's`) {
		t.Errorf("issues: %v", iss)
	}
}

func TestExamplesThatLeadElsewhereAreWarnings(t *testing.T) {
	cat, iss := NewCatalogOf(Content{FAQs: []*FAQ{
		{ID: "khai-sinh", Question: "Khai sinh", Keywords: []string{"khai sinh"}, Examples: []string{"vợ em mới sinh hôm kia, lo giấy tờ gì cho cháu", "mất thẻ bảo hiểm y tế"}, File: "faq/a.yaml"},
		{ID: "mat-the", Question: "Mất thẻ bảo hiểm y tế", Keywords: []string{"mất thẻ bảo hiểm y tế", "mất thẻ bhyt"}, File: "faq/a.yaml"},
	}})
	if cat == nil || iss.Err() != nil {
		t.Fatalf("warnings only: %v", iss)
	}
	if len(iss) != 1 || !iss[0].Warning || !strings.Contains(iss[0].String(), `faq/a.yaml: warning: examples[1]: "mất thẻ bảo hiểm y tế" leads to faq "mat-the", not here`) {
		t.Errorf("issues: %v", iss)
	}
}

func TestParseIntents(t *testing.T) {
	good := "entries:\n  - id: gap-nguoi\n    kind: person\n    title: Hỏi người thật\n    keywords: [gặp cán bộ]\n"
	is, iss := ParseIntents("nguoi.yaml", []byte(good))
	if err := iss.Err(); err != nil || len(is) != 1 || is[0].Kind != ClassPerson || is[0].File != "nguoi.yaml" {
		t.Fatalf("%+v %v", is, iss)
	}
	bad := "entries:\n  - id: Gap_Nguoi\n    kind: human\n    keywords: [gặp cán bộ]\n    colour: red\n  - id: x\n    kind: social\n    title: X\n"
	_, iss = ParseIntents("bad.yaml", []byte(bad))
	for _, want := range []string{
		`bad.yaml:2: entries[0].id: "Gap_Nguoi" must be lower-case`,
		`bad.yaml:3: entries[0].kind: "human" is not one of commune, person, social, out-of-scope`,
		"entries[0].title: missing",
		`bad.yaml:5: entries[0].colour: unknown field "colour"`,
		"entries[1].keywords: missing",
	} {
		if !strings.Contains(iss.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, iss)
		}
	}
}

func TestUntyped(t *testing.T) {
	for in, want := range map[string]string{
		"sinhf": "sinh", "ddawng": "dang", "kys": "ky", "laamf": "lam", "nguwowif": "nguoi", "kha1i": "khai", "sinh": "sinh",
	} {
		if got := untyped(in); got != want {
			t.Errorf("untyped(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSyllable(t *testing.T) {
	for _, w := range []string{"nghieng", "khuya", "a", "uy", "truong", "gi", "qua", "oanh"} {
		if !syllable(w) {
			t.Errorf("%q is a syllable", w)
		}
	}
	for _, w := range []string{"how", "birth", "help", "certificate", "sdfgh", "need", "bhyt"} {
		if syllable(w) {
			t.Errorf("%q is not a syllable", w)
		}
	}
}

func TestEvaluate(t *testing.T) {
	cat := understandCatalog(t)
	cases, err := ReadEvalSet(strings.NewReader("# a set\nkhai sinh cho con\tkhai-sinh\ngặp cán bộ\t@person\nbố mất\tban-sao\n\n12/05/2024\t@not-question\n"), "set.tsv")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := cat.Evaluate(cases)
	if err != nil {
		t.Fatal(err)
	}
	if o := ev.Overall(); o != (Score{N: 4, Top: 3, Listed: 3}) {
		t.Errorf("overall %+v", o)
	}
	by := ev.ByClass()
	if by[ClassFAQ] != (Score{N: 2, Top: 1, Listed: 1}) || by[ClassPerson] != (Score{N: 1, Top: 1, Listed: 1}) {
		t.Errorf("by class %+v", by)
	}
	if miss := ev[2]; miss.Top || miss.Line != 4 || miss.GotLabel() != "khai-tu" {
		t.Errorf("miss %+v", miss)
	}
	var b strings.Builder
	ev.Write(&b, "set.tsv", nil)
	for _, want := range []string{"set.tsv: 4 messages", "1  ban-sao → khai-tu", `set.tsv:4: "bố mất": want ban-sao, got faq khai-tu (offered: khai-tu)`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in:\n%s", want, b.String())
		}
	}
	if _, err := cat.Evaluate([]EvalCase{{File: "x", Line: 1, Text: "a", Want: "khong-co"}}); err == nil {
		t.Error("an unknown id is a defect of the set")
	}
}

// FuzzUnderstand: whatever is typed, Understand answers with a class and,
// for procedures and questions, offers what it understood first.
func FuzzUnderstand(f *testing.F) {
	for _, s := range []string{"khai sinhf cho con", "ddawng kys", "<b>x</b>", "12/5/2024", "cảm ơn", "chào bạn, khai sinh", "a\xffb", "giahan", "ông bà đi làm khai sinh", "", "   ", "ǅ", "ﬀ"} {
		f.Add(s)
	}
	cat := understandCatalog(f)
	classes := append(slices.Clone(intentClasses), ClassProcedure, ClassFAQ, ClassNotQuestion)
	f.Fuzz(func(t *testing.T, s string) {
		u := cat.Understand(s)
		if !slices.Contains(classes, u.Class) {
			t.Fatalf("%q: class %q", s, u.Class)
		}
		if len(u.Matches) > maxListed || len(u.Matches) > 0 && u.Matches[0].ID() != u.ID {
			t.Fatalf("%q: %+v", s, u)
		}
	})
}
