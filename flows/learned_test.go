package flows

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// shipped loads the shipped procedures, with the labelled messages they
// learn from, and a commune's files laid over them.
func shipped(t *testing.T, over fstest.MapFS) *Catalog {
	t.Helper()
	var o fstest.MapFS
	if over != nil {
		o = over
	}
	c, iss := Load(os.DirFS("../procedures"), "procedures", o, "xa")
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	if c.model == nil {
		t.Fatal("no model: the shipped procedures have labelled messages in learn/")
	}
	return c
}

// The model is the same whenever it is trained on the same catalog and
// messages: same features, same weights, same answers.
func TestLearnedIsDeterministic(t *testing.T) {
	a, b := shipped(t, nil), shipped(t, nil)
	if !slices.Equal(a.model.w, b.model.w) || !slices.Equal(a.model.scale, b.model.scale) || !slices.Equal(a.model.bias, b.model.bias) || len(a.model.rows) != len(b.model.rows) {
		t.Fatal("two trainings on the same text differ")
	}
	for h, r := range a.model.rows {
		if b.model.rows[h] != r {
			t.Fatal("two trainings number their features differently")
		}
	}
}

// A commune's own question, with its own examples, is learned from them:
// the model puts a message worded like them there, and so does Understand.
func TestLearnedFromACommuneExample(t *testing.T) {
	const msg = "cho thôn mượn nhà văn hóa làm đám cưới được không"
	c := shipped(t, fstest.MapFS{"faq/rieng.yaml": {Data: []byte(`entries:
  - id: muon-nha-van-hoa
    question: Mượn nhà văn hóa thôn thế nào?
    answer: Bạn báo trưởng thôn trước một tuần.
    sources:
      - title: "Quy chế nhà văn hóa thôn"
        checked: "01/12/2026"
    keywords:
      - mượn nhà văn hóa
    examples:
      - nhà văn hóa thôn cho mượn tổ chức cưới hỏi không
      - xin mượn hội trường thôn làm đám cưới
`)}})
	_, q := c.query(msg)
	p := c.model.predict(q)
	best := 0
	for i := range p {
		if p[i] > p[best] {
			best = i
		}
	}
	if got := c.model.classes[best]; got != "muon-nha-van-hoa" {
		t.Errorf("the model puts %q in %s (%.2f), not the commune's question", msg, got, p[best])
	}
	if u := c.Understand(msg); u.ID != "muon-nha-van-hoa" {
		t.Errorf("Understand(%q) = %s %s", msg, u.Class, u.ID)
	}
}

// Explain says what the model thought and what the blend made of it.
func TestExplainShowsTheModel(t *testing.T) {
	c := shipped(t, nil)
	_, why := c.Explain("vợ em mới sinh hôm kia, giờ phải lo giấy tờ gì cho cháu ạ")
	for _, want := range []string{"model: khai-sinh", "blend (score/"} {
		if !strings.Contains(why, want) {
			t.Errorf("missing %q in:\n%s", want, why)
		}
	}
	_, why = c.Explain("không biết")
	if !strings.Contains(why, "model: not asked") {
		t.Errorf("a message of one word that scores asks the model:\n%s", why)
	}
}

// CrossValidate understands each part of a set with a model that never
// learned it: on the tuned part, which the shipped model learned whole,
// it is right less often than Evaluate, and it answers for every message,
// in the set's order.
func TestCrossValidateHoldsEachPartOut(t *testing.T) {
	c := shipped(t, nil)
	f, err := os.Open("../procedures/testdata/eval/tuned.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := ReadEvalSet(f, "tuned.tsv")
	if err != nil {
		t.Fatal(err)
	}
	model := c.model
	learned, err := c.Evaluate(cases)
	if err != nil {
		t.Fatal(err)
	}
	cv, err := c.CrossValidate(cases, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(cv) != len(cases) {
		t.Fatalf("%d results for %d messages", len(cv), len(cases))
	}
	for i, r := range cv {
		if r.EvalCase != cases[i] {
			t.Fatalf("result %d is line %d, want line %d", i, r.Line, cases[i].Line)
		}
	}
	seen, held := learned.Overall().TopShare(), cv.Overall().TopShare()
	t.Logf("first answers right: %.1f %% learned, %.1f %% cross-validated", 100*seen, 100*held)
	if seen < 0.99 || held > seen-0.01 {
		t.Errorf("learned %.1f %%, cross-validated %.1f %%: the parts were not held out", 100*seen, 100*held)
	}
	if c.model != model {
		t.Error("CrossValidate replaced the catalog's own model")
	}
}

// A commune's labelled messages are checked like an evaluation set: an id
// the catalog does not know is an error that names the file and line.
func TestLearnNamesAnUnknownID(t *testing.T) {
	_, iss := Load(os.DirFS("../procedures"), "procedures", fstest.MapFS{
		"learn/xa.tsv": {Data: []byte("# của xã\nmượn hội trường thôn\tmuon-hoi-truong\n")},
	}, "xa")
	err := iss.Err()
	if err == nil || !strings.Contains(err.Error(), "xa/learn/xa.tsv:2") || !strings.Contains(err.Error(), `"muon-hoi-truong"`) {
		t.Fatalf("issues: %v", err)
	}
}
