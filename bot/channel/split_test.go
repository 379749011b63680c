package channel_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/motcua/motcua/bot/channel"
)

func TestSplit(t *testing.T) {
	para := strings.Repeat("Giấy tờ cần mang. ", 100) // 1,800 units
	tests := []struct {
		name  string
		text  string
		max   int
		parts int
	}{
		{"short", "Xin chào", 4096, 1},
		{"empty", "", 4096, 0},
		{"exactly the limit", strings.Repeat("ă", 4096), 4096, 1},
		{"paragraphs", para + "\n\n" + para + "\n\n" + para, 4096, 2},
		{"one long line", strings.Repeat("a ", 5000), 4096, 3},
		{"no spaces at all", strings.Repeat("đ", 9000), 4096, 3},
		// An emoji outside the basic plane is two units, as Telegram and
		// Zalo count: 2,100 of them are 4,200 units.
		{"emoji count two", strings.Repeat("📢", 2100), 4096, 2},
		{"separator just past the limit", strings.Repeat("a", 2000) + "\n\n" + "b", 2000, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := channel.Split(tt.text, tt.max)
			if len(parts) != tt.parts {
				t.Fatalf("%d parts, want %d", len(parts), tt.parts)
			}
			total := 0
			for _, p := range parts {
				n := channel.UTF16Len(p)
				if n > tt.max || n == 0 || !utf8.ValidString(p) {
					t.Errorf("part of %d units (valid UTF-8: %v)", n, utf8.ValidString(p))
				}
				total += len(strings.ReplaceAll(strings.ReplaceAll(p, " ", ""), "\n", ""))
			}
			want := len(strings.ReplaceAll(strings.ReplaceAll(tt.text, " ", ""), "\n", ""))
			if total != want {
				t.Errorf("lost text: %d bytes kept of %d", total, want)
			}
		})
	}
	parts := channel.Split(para+"\n\n"+para+"\n\n"+para, 4096)
	if !strings.HasSuffix(parts[0], "mang.") || strings.Contains(parts[0], "\n\n"+para+"\n\n"+para) {
		t.Errorf("the cut should fall between paragraphs")
	}
}

func TestUTF16Len(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{{"", 0}, {"Xin chào", 8}, {"📢 Thông báo", 12}, {"đ", 1}} {
		if got := channel.UTF16Len(tc.s); got != tc.want {
			t.Errorf("UTF16Len(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

func TestSplitCountsUTF16(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"fits", "một hai", 7, []string{"một hai"}},
		{"paragraph first", "a b\n\nc d", 6, []string{"a b", "c d"}},
		{"line then", "a b\nc d", 5, []string{"a b", "c d"}},
		{"space", "aa bb cc", 5, []string{"aa bb", "cc"}},
		{"emoji are two units", "😀😀😀", 4, []string{"😀😀", "😀"}},
		{"no space", "abcdef", 4, []string{"abcd", "ef"}},
		{"wider than max", "😀", 1, []string{"😀"}},
		{"empty", "", 5, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := channel.Split(tc.text, tc.max); !slices.Equal(got, tc.want) {
				t.Errorf("Split(%q, %d) = %q, want %q", tc.text, tc.max, got, tc.want)
			}
		})
	}
}
