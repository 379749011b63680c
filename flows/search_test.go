package flows

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// searchCatalog is a small catalogue of questions to search.
func searchCatalog(t *testing.T, faqs ...*FAQ) *Catalog {
	t.Helper()
	cat, iss := NewCatalog(nil, faqs)
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	return cat
}

func faq(id, question string, keywords ...string) *FAQ {
	return &FAQ{ID: id, Question: question, Keywords: keywords}
}

// first is the id of the first match, or "" when nothing matched.
func first(found []Match) string {
	if len(found) == 0 {
		return ""
	}
	return found[0].FAQ.ID
}

func TestSplitWordsFoldsLikeNormalize(t *testing.T) {
	for _, s := range []string{
		"", "  Đăng KÝ khai-sinh!! ", "bảo hiểm y tế", norm.NFD.String("Giấy chứng sinh"),
		"khai\u00adsinh", "kh\u200dai", "\ufeffcó", "\u0301a", "a\xffb", "a\ufffdb", "Straße ÄÖÜ",
		"한", "05/03-2026.1", "CCCD/CMND", "có 👍", "Привет МИР", "\u212b", "hoà hòa",
	} {
		var ws []string
		for _, tk := range splitWords(s) {
			ws = append(ws, tk.w)
		}
		if got, want := strings.Join(ws, " "), Normalize(s); got != want {
			t.Errorf("splitWords(%q) = %q, Normalize = %q", s, got, want)
		}
	}
}

func TestSplitWordsTellsStopwordsByTheirMarks(t *testing.T) {
	tests := []struct {
		in         string
		stop, weak bool
	}{
		{"muốn", true, false},  // want: a stopword
		{"muộn", false, false}, // late: a word
		{"muon", false, true},  // either
		{"Thế", true, false}, {"thẻ", false, false}, {"the", false, true},
		{"bạn", true, false}, {"bản", false, false}, {"bán", false, false}, {"ban", false, true},
		{"thủ", true, false}, {"thú", false, false},
		{"cho", true, false}, // no marks either way: always a stopword
		{"Không", true, false}, {"khong", false, true},
		{norm.NFD.String("muốn"), true, false},
		{"khai", false, false},
	}
	for _, tt := range tests {
		ts := splitWords(tt.in)
		if len(ts) != 1 || ts[0].stop != tt.stop || ts[0].weak != tt.weak {
			t.Errorf("splitWords(%q) = %+v, want stop %v weak %v", tt.in, ts, tt.stop, tt.weak)
		}
	}
}

func TestCanonicalVariants(t *testing.T) {
	tests := map[string]string{
		"Bảo hiểm y tế":               "bhyt",
		"mất thẻ bảo hiểm y tế":       "mat the bhyt",
		"thẻ bảo hiểm bị mất":         "the bhyt bi mat",
		"bảo hiểm xã hội":             "bhxh",
		"làm CCCD, căn cước công dân": "lam cancuoc cancuoc",
		"xin bản sao khai sanh":       "xin bansao khai sinh",
		"đăng kí kết hôn":             "dang ky ket hon",
		"bảo hiểm":                    "bao hiem",
	}
	for in, want := range tests {
		var ws []string
		for _, tk := range tokens(in) {
			ws = append(ws, tk.w)
		}
		if got := strings.Join(ws, " "); got != want {
			t.Errorf("tokens(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSearchVariantsMeetEachOther(t *testing.T) {
	cat := searchCatalog(t,
		faq("bhyt", "Gia hạn bảo hiểm y tế"),
		faq("chet", "Người thân mất", "khai tử"),
		faq("sinh", "Khai sinh cho bé"),
		faq("cancuoc", "Làm căn cước cho con"),
	)
	for q, want := range map[string]string{
		"gia han bhyt":         "bhyt",
		"gia hạn BHYT":         "bhyt",
		"khai sanh cho con":    "sinh",
		"lam cccd cho con":     "cancuoc",
		"làm căn cước":         "cancuoc",
		"lam can cuoc cho con": "cancuoc",
	} {
		if got := first(cat.Search(q)); got != want {
			t.Errorf("%q: got %q first, want %q", q, got, want)
		}
	}
}

func TestSearchCountsEachQueryWordOnce(t *testing.T) {
	// Keywords that overlap ("khai sinh", "khai", "sinh") count each word of
	// the query once: they must not outweigh one keyword that covers more of
	// what was asked.
	cat := searchCatalog(t,
		faq("nhieu", "Đăng ký khai sinh", "khai sinh", "khai", "sinh", "giấy khai sinh"),
		faq("ban-sao", "Xin bản sao giấy tờ", "bản sao khai sinh"),
	)
	if got := first(cat.Search("bản sao khai sinh")); got != "ban-sao" {
		t.Errorf("got %q first: overlapping keywords counted more than once", got)
	}
	if got := first(cat.Search("đăng ký khai sinh")); got != "nhieu" {
		t.Errorf("got %q first", got)
	}
}

func TestSearchPhraseStepsOverStopwords(t *testing.T) {
	cat := searchCatalog(t,
		faq("ong-ba", "Người đi khai sinh", "ông bà đi khai sinh"),
		faq("khai-sinh", "Đăng ký khai sinh cho bé", "làm khai sinh", "khai sinh"),
	)
	for _, q := range []string{"ông bà đi làm khai sinh cho cháu được không", "ong ba di lam khai sinh cho chau"} {
		if got := first(cat.Search(q)); got != "ong-ba" {
			t.Errorf("%q: got %q first", q, got)
		}
	}
}

func TestSearchPhraseInAnotherOrder(t *testing.T) {
	cat := searchCatalog(t,
		faq("mat-the", "Mất thẻ thì làm sao?", "mất thẻ bảo hiểm"),
		faq("dong-o-dau", "Đóng tiền bảo hiểm ở đâu?", "nộp tiền bảo hiểm"),
	)
	for _, q := range []string{"thẻ bảo hiểm bị mất", "the bao hiem bi mat rồi"} {
		if got := first(cat.Search(q)); got != "mat-the" {
			t.Errorf("%q: got %q first", q, got)
		}
	}
}

func TestSearchMarkedWordsCount(t *testing.T) {
	cat := searchCatalog(t,
		faq("tre", "Khai tử trễ có sao không?", "khai tử muộn"),
		faq("khai-tu", "Khai tử cho người thân", "khai tử", "đăng ký khai tử"),
		faq("hon-thu", "Đăng ký kết hôn", "làm giấy hôn thú"),
		faq("hon-nhan", "Xác nhận tình trạng hôn nhân", "xác nhận hôn nhân"),
	)
	// "muộn" (late) is a word, so "khai tử muộn" is not "khai tử".
	if found := cat.Search("khai tử"); len(found) != 1 || first(found) != "khai-tu" {
		t.Errorf("khai tử: %v", found)
	}
	if got := first(cat.Search("khai tử muộn có bị phạt")); got != "tre" {
		t.Errorf("khai tử muộn: got %q first", got)
	}
	// "muốn" (want) says nothing.
	if got := first(cat.Search("tôi muốn đăng ký khai tử")); got != "khai-tu" {
		t.Errorf("muốn: got %q first", got)
	}
	// Typed without marks, "muon" may be either: it matches the phrase.
	if got := first(cat.Search("khai tu muon")); got != "tre" {
		t.Errorf("khai tu muon: got %q first", got)
	}
	for _, q := range []string{"làm giấy hôn thú", "lam giay hon thu", "giấy hôn thú"} {
		if got := first(cat.Search(q)); got != "hon-thu" {
			t.Errorf("%q: got %q first", q, got)
		}
	}
}

func TestSearchNothingForStopwordsOnly(t *testing.T) {
	cat := searchCatalog(t, faq("x", "Khai sinh", "khai sinh"))
	for _, q := range []string{"", "cho tôi hỏi", "có được không", "muon", "ban oi"} {
		if found := cat.Search(q); len(found) != 0 {
			t.Errorf("%q found %v", q, found)
		}
	}
}

func TestCover(t *testing.T) {
	tests := []struct {
		query, phrase string
		want          []float64
	}{
		// Whole with its stopwords: the stopword earns a little.
		{"làm giấy khai sinh cho cháu", "làm giấy khai sinh", []float64{stopPhraseWeight, phraseWeight, phraseWeight, phraseWeight, 0, 0}},
		// Whole once the query's stopwords are stepped over.
		{"ông bà đi làm khai sinh", "ông bà đi khai sinh", []float64{phraseWeight, phraseWeight, stopPhraseWeight, 0, phraseWeight, phraseWeight}},
		// Whole but for a stopword of the phrase: a little less.
		{"bộ phận một cửa", "bộ phận một cửa ở đâu", []float64{contentWeight, contentWeight, contentWeight, contentWeight}},
		// In another order ("thẻ bảo hiểm" is "the bhyt").
		{"thẻ bảo hiểm bị mất", "mất thẻ bảo hiểm", []float64{looseWeight, looseWeight, 0, looseWeight}},
		// A word missing: nothing.
		{"thẻ bảo hiểm", "mất thẻ bảo hiểm", []float64{0, 0}},
		// A one-word phrase in place.
		{"mua bhyt", "bhyt", []float64{0, phraseWeight}},
	}
	for _, tt := range tests {
		ix := buildIndex(spellings, nil, []*FAQ{{ID: "x", Keywords: []string{tt.phrase}}}, nil)
		q := tokens(tt.query)
		s := &scoring{ix: &ix, q: q, idf: make([]float64, len(q)), cov: make([]float64, len(q))}
		s.cover(phraseAt{entry: 0, phrase: 0})
		if cov := s.cov; !slices.Equal(cov, tt.want) {
			t.Errorf("cover(%q, %q) = %v, want %v", tt.query, tt.phrase, cov, tt.want)
		}
	}
}

// tokens are the words of a text as a catalogue without synonyms reads
// them.
func tokens(s string) []token { return spellings.tokens(s) }
