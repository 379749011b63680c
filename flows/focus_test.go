package flows

import (
	"strings"
	"testing"
)

func TestFocus(t *testing.T) {
	tests := []struct {
		name, text string
		context    string // the words that count for contextWeight
	}{
		{"the last clause asks", "vợ mới sinh ở quê, ai đi làm giấy khai sinh", "vo moi sinh o que"},
		{"thì opens the clause that asks", "con sinh ở nhà thì làm khai sinh ở đâu", "con sinh o nha thi"},
		{"có … không asks from its có", "bán tạp hóa nhỏ có phải đóng thuế không ạ", "ban tap hoa nho"},
		{"one clause counts whole", "làm khai sinh ở đâu", ""},
		{"a last clause of stopwords counts whole", "mất thẻ bảo hiểm, phải làm sao", ""},
		{"a context of stopwords counts whole", "cho tôi hỏi, khai sinh ở đâu", ""},
		{"thi typed without marks may be an exam", "con thi đại học, khai sinh", "con thi dai hoc"},
	}
	for _, tt := range tests {
		q := tokens(tt.text)
		w := focus(q)
		var context []string
		for i, t := range q {
			if w != nil && w[i] == contextWeight {
				context = append(context, t.w)
			}
		}
		if got := strings.Join(context, " "); got != tt.context {
			t.Errorf("%s: focus(%q): context %q, want %q", tt.name, tt.text, got, tt.context)
		}
	}
}

// TestUnderstandWeighsTheClauseThatAsks: the context ("bố mất ở nhà")
// holds more of khai-tu than the question holds of mai-tang, yet the
// question is about mai táng.
func TestUnderstandWeighsTheClauseThatAsks(t *testing.T) {
	cat, iss := NewCatalogOf(Content{FAQs: []*FAQ{
		{ID: "khai-tu", Question: "Khai tử cho người mất ở nhà", Keywords: []string{"bố mất"}},
		{ID: "mai-tang", Question: "Tiền mai táng", Keywords: []string{"mai táng"}},
	}})
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"bố mất ở nhà, mai táng thế nào":   "mai-tang",
		"bố mất ở nhà thì mai táng ra sao": "mai-tang",
		"mai táng xong, bố mất ở nhà":      "khai-tu",
	} {
		if u, why := cat.Explain(text); u.ID != want {
			t.Errorf("%q: %s, want %s\n%s", text, u.ID, want, why)
		} else if !strings.Contains(why, "context (×0.7)") {
			t.Errorf("%q: the explanation does not say which words are context:\n%s", text, why)
		}
	}
}

// TestAskingWordsAreNoTopic: "bao nhiêu" shared with a question about
// another thing is not enough to offer it; with its topic it still
// counts.
func TestAskingWordsAreNoTopic(t *testing.T) {
	cat, iss := NewCatalogOf(Content{FAQs: []*FAQ{
		{ID: "muc-dong", Question: "Mua BHYT hộ gia đình bao nhiêu tiền?", Keywords: []string{"bhyt bao nhiêu tiền"}},
		{ID: "mai-tang", Question: "Tiền mai táng phí được bao nhiêu?", Keywords: []string{"mai táng phí"}},
		{ID: "bao-tu", Question: "Giấy báo tử lấy ở đâu?", Keywords: []string{"giấy báo tử"}},
	}})
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"lúa hôm nay bán bao nhiêu":       "",
		"bảo hiểm y tế một năm bao nhiêu": "muc-dong",
		"mai táng phí được bao nhiêu":     "mai-tang",
		"báo tử ở đâu":                    "bao-tu", // báo is no "bao nhiêu"
	} {
		u, why := cat.Explain(text)
		if u.ID != want {
			t.Errorf("%q: %s %q, want %q\n%s", text, u.Class, u.ID, want, why)
		}
	}
	if _, why := cat.Explain("giá lúa bao nhiêu"); !strings.Contains(why, "asks how much, how long or when (×0.5): bao nhieu") {
		t.Errorf("the explanation does not name the asking words:\n%s", why)
	}
}
