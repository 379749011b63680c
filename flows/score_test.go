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
