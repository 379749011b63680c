package flows

import (
	"strings"
	"testing"
)

// TestFill checks Fill against what a strings.Replacer of the pairs does:
// one pass, the first pair of a key winning, unknown words kept.
func TestFill(t *testing.T) {
	tests := []struct {
		text string
		kv   []string
		want string
	}{
		{"không có ngoặc", []string{"a", "1"}, "không có ngoặc"},
		{"Hạn là {date} ({days}).", []string{"date", "09/01/2027", "days", "còn 47 ngày"}, "Hạn là 09/01/2027 (còn 47 ngày)."},
		{"{a}{a}{b}", []string{"a", "x", "a", "y"}, "xx{b}"},
		{"{a} sang {b}", []string{"a", "{b}", "b", "2"}, "{b} sang 2"},
		{"{{a}} và {", []string{"a", "1"}, "{1} và {"},
		{"lẻ {a}", []string{"a"}, "lẻ {a}"},
		{"{tên dài có dấu}", []string{"tên dài có dấu", "Lan"}, "Lan"},
	}
	for _, tt := range tests {
		if got := Fill(tt.text, tt.kv...); got != tt.want {
			t.Errorf("Fill(%q, %q) = %q, want %q", tt.text, tt.kv, got, tt.want)
		}
		if got, want := Fill(tt.text, tt.kv...), replacer(tt.text, tt.kv); got != want {
			t.Errorf("Fill(%q, %q) = %q, a Replacer %q", tt.text, tt.kv, got, want)
		}
	}
}

func replacer(text string, kv []string) string {
	var old []string
	for i := 0; i+1 < len(kv); i += 2 {
		old = append(old, "{"+kv[i]+"}", kv[i+1])
	}
	return strings.NewReplacer(old...).Replace(text)
}

func FuzzFill(f *testing.F) {
	f.Add("Hạn là {date} ({days}).", "date", "09/01/2027")
	f.Add("{{a}}{", "a", "}{")
	f.Fuzz(func(t *testing.T, text, k, v string) {
		if strings.ContainsAny(k, "{}") {
			return
		}
		if got, want := Fill(text, k, v), replacer(text, []string{k, v}); got != want {
			t.Errorf("Fill(%q, %q, %q) = %q, a Replacer %q", text, k, v, got, want)
		}
	})
}
