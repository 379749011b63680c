package flows

import "testing"

// TestCorrectLeavesMarkedSyllables: a word typed with its marks is meant
// as typed; the same letters without marks may be a typo.
func TestCorrectLeavesMarkedSyllables(t *testing.T) {
	cat, iss := NewCatalogOf(Content{FAQs: []*FAQ{{ID: "tre-em", Question: "Trẻ dưới 6 tuổi", Keywords: []string{"dưới 6 tuổi"}}}})
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"trời": "troi", "troi": "tuoi"} {
		if got := cat.index.correct(tokens(in))[0].w; got != want {
			t.Errorf("correct(%q) = %q, want %q", in, got, want)
		}
	}
}
