package flows

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "empty", in: "", want: ""},
		{name: "only spaces", in: " \t\n ", want: ""},
		{name: "only punctuation", in: "?!... ---", want: ""},
		{name: "already folded", in: "dang ky khai sinh", want: "dang ky khai sinh"},
		{name: "digits kept", in: "mau 01 2026", want: "mau 01 2026"},
		{name: "title with d stroke", in: "Đăng ký khai sinh", want: "dang ky khai sinh"},
		{name: "upper case and punctuation", in: "  KHAI   TỬ!! ", want: "khai tu"},
		{name: "lower-case d stroke", in: "đổi đăng ký", want: "doi dang ky"},
		{name: "health insurance", in: "bảo hiểm y tế", want: "bao hiem y te"},
		{name: "go back", in: "Quay lại", want: "quay lai"},
		{name: "cancel", in: "Hủy", want: "huy"},
		{name: "two marks on one vowel", in: "Nghệ An, Hưng Yên", want: "nghe an hung yen"},
		{name: "every tone on a", in: "a à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ", want: "a a a a a a a a a a a a a a a a a a"},
		{name: "horned vowels", in: "ƠỜỚỞỠỢ ƯỪỨỬỮỰ", want: "oooooo uuuuuu"},
		{name: "NFD input", in: norm.NFD.String("Giấy chứng sinh"), want: "giay chung sinh"},
		{name: "decomposed tone typed after a precomposed vowel", in: "Vie\u0302\u0323t Nam", want: "viet nam"},
		{name: "old-style tone placement", in: "hoà hòa", want: "hoa hoa"},
		{name: "slash separates", in: "CCCD/CMND", want: "cccd cmnd"},
		{name: "date separators", in: "05/03-2026.1", want: "05 03 2026 1"},
		{name: "hyphenated", in: "khai-sinh", want: "khai sinh"},
		{name: "symbols", in: "100% + 5€ = ?", want: "100 5"},
		{name: "emoji", in: "có 👍", want: "co"},
		{name: "tabs and newlines", in: "khai\tsinh\r\nlại", want: "khai sinh lai"},
		{name: "no-break space", in: "khai\u00a0sinh", want: "khai sinh"},
		{name: "soft hyphen joins", in: "khai\u00adsinh", want: "khaisinh"},
		{name: "zero-width joiner joins", in: "kh\u200dai", want: "khai"},
		{name: "byte order mark dropped", in: "\ufeffcó", want: "co"},
		{name: "leading mark dropped", in: "\u0301a", want: "a"},
		{name: "invalid UTF-8 separates", in: "a\xffb", want: "a b"},
		{name: "other scripts kept as letters", in: "Привет МИР", want: "привет мир"},
		{name: "german", in: "Straße ÄÖÜ", want: "straße aou"},
		{name: "angstrom sign decomposes", in: "\u212b", want: "a"},
		{name: "hangul decomposes to jamo", in: "한", want: "\u1112\u1161\u11ab"},
		{name: "hangul without a trailing consonant", in: "가", want: "\u1100\u1161"},
		{name: "uppercase ASCII takes the slow path", in: "Co", want: "co"},
		{name: "trailing space takes the slow path", in: "co ", want: "co"},
		{name: "double space takes the slow path", in: "co  roi", want: "co roi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeFastPathDoesNotAllocate(t *testing.T) {
	s := "dang ky khai sinh 2026"
	if n := testing.AllocsPerRun(100, func() { Normalize(s) }); n != 0 {
		t.Errorf("Normalize(%q) allocated %v times, want 0", s, n)
	}
}

// TestNormalizeEveryRune checks Normalize's properties on every code point,
// alone and between letters. One pass is only idempotent because no letter's
// lower-case form decomposes further; this catches a Unicode table upgrade
// that breaks that.
func TestNormalizeEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every code point")
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		for _, s := range []string{string(r), "a" + string(r) + "b"} {
			if msg := checkNormal(s); msg != "" {
				t.Fatalf("%U: %s", r, msg)
			}
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"", " ", "Đăng ký khai sinh", "  KHAI   TỬ!! ", "bảo hiểm y tế",
		norm.NFD.String("Nghệ An"), "a\xffb", "\u0301", "한국", "\u212b", "ϓ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if msg := checkNormal(s); msg != "" {
			t.Errorf("%q: %s", s, msg)
		}
	})
}

// checkNormal describes how Normalize(s) breaks Normalize's promises, or
// returns "" when it keeps them.
func checkNormal(s string) string {
	got := Normalize(s)
	if again := Normalize(got); again != got {
		return "not idempotent: " + strconv.Quote(got) + " then " + strconv.Quote(again)
	}
	if nfd := Normalize(norm.NFD.String(s)); nfd != got {
		return "differs from the NFD form's: " + strconv.Quote(got) + " and " + strconv.Quote(nfd)
	}
	if nfc := Normalize(norm.NFC.String(s)); nfc != got {
		return "differs from the NFC form's: " + strconv.Quote(got) + " and " + strconv.Quote(nfc)
	}
	if !utf8.ValidString(got) {
		return "invalid UTF-8 in " + strconv.Quote(got)
	}
	if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
		return "stray space in " + strconv.Quote(got)
	}
	for _, r := range got {
		switch {
		case unicode.ToLower(r) != r:
			// Some letters are upper-case yet have no lower-case form (ℂ,
			// mathematical capitals); only letters that can be lowered must be.
			return "upper-case letter in " + strconv.Quote(got)
		case unicode.Is(unicode.M, r):
			return "combining mark in " + strconv.Quote(got)
		case r != ' ' && !unicode.IsLetter(r) && !unicode.IsDigit(r):
			return "neither letter, digit nor space in " + strconv.Quote(got)
		case r == 'đ' || r == 'Đ':
			return "d with stroke in " + strconv.Quote(got)
		}
	}
	return ""
}

func BenchmarkNormalize(b *testing.B) {
	for _, bb := range []struct {
		name string
		in   string
	}{
		{name: "folded ASCII", in: "dang ky khai sinh cho con"},
		{name: "ASCII", in: "Dang ky khai sinh cho con!"},
		{name: "NFC", in: "Đăng ký khai sinh cho con!"},
		{name: "NFD", in: norm.NFD.String("Đăng ký khai sinh cho con!")},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bb.in)))
			for b.Loop() {
				Normalize(bb.in)
			}
		})
	}
}
