package flows

import "testing"

// TestNumbersAloneAreNoTopic: "3" of "3 tuổi" is not the "3" of "3 trong
// 1"; a number counts only in a phrase.
func TestNumbersAloneAreNoTopic(t *testing.T) {
	cat, iss := NewCatalogOf(Content{FAQs: []*FAQ{
		{ID: "lien-thong", Question: "Liên thông 3 trong 1 là gì?", Keywords: []string{"liên thông"}},
		{ID: "muc-2", Question: "Tài khoản định danh", Keywords: []string{"mức 2"}},
	}})
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	if found := cat.Search("bé nhà em 3 tuổi rồi"); len(found) != 0 {
		t.Errorf("a number alone found %v", found)
	}
	if found := cat.Search("lên mức 2"); len(found) != 1 || found[0].ID() != "muc-2" {
		t.Errorf("a number in a phrase found %v", found)
	}
}

// TestPhraseOneWordApart: a phrase of several content words is found with
// one word of the message inside it ("ai đi làm giấy khai sinh" holds "ai
// đi khai sinh"), never two, and never for a phrase of one content word.
func TestPhraseOneWordApart(t *testing.T) {
	tests := []struct {
		name, msg, phrase string
		gaps              int
		want              bool
	}{
		{"whole", "ai đi khai sinh cho cháu", "ai đi khai sinh", 0, true},
		{"a stopword inside is stepped over", "ai đi làm khai sinh", "ai đi khai sinh", 0, true},
		{"a word inside, no gap allowed", "ai đi làm giấy khai sinh", "ai đi khai sinh", 0, false},
		{"a word inside", "ai đi làm giấy khai sinh", "ai đi khai sinh", 1, true},
		{"two words inside", "ai đi làm giấy tờ khai sinh", "ai đi khai sinh", 1, false},
		{"a word before is no gap", "giấy khai sinh", "khai sinh", 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := spellings.tokens(tt.msg)
			p := newPhrase(spellings, tt.phrase, fieldKeyword)
			found := false
			for i := range q {
				if _, ok := inOrder(q, i, &p, tt.gaps, nil); ok {
					found = true
				}
			}
			if found != tt.want {
				t.Errorf("%q in %q with %d gaps: %v, want %v", tt.phrase, tt.msg, tt.gaps, found, tt.want)
			}
		})
	}
	// It matters for titles and examples most: a keyword's words count in
	// any order already, an example's do not.
	cat, iss := NewCatalogOf(Content{FAQs: []*FAQ{
		{ID: "ong-ba", Question: "Người thân làm thay được không?", Examples: []string{"bà nội đi khai sinh"}},
		{ID: "khai-sinh", Question: "Đăng ký khai sinh", Keywords: []string{"làm giấy khai sinh"}},
	}})
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	if u, why := cat.Explain("bà nội đi làm giấy khai sinh"); u.ID != "ong-ba" {
		t.Errorf("understood %q, want ong-ba:\n%s", u.ID, why)
	}
}
