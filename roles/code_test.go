package roles

import (
	"strings"
	"testing"
)

// TestNewCodeUniform draws many codes and checks that every character of
// the alphabet comes up about as often, and no other: a bias (b%31 over
// all 256 bytes would favour the first nine) would show here.
func TestNewCodeUniform(t *testing.T) {
	const draws = 20000
	counts := map[byte]int{}
	for range draws {
		code := newCode()
		if len(code) != CodeLen {
			t.Fatalf("newCode() = %q, want %d characters", code, CodeLen)
		}
		for i := range len(code) {
			counts[code[i]]++
		}
	}
	want := float64(draws*CodeLen) / float64(len(codeAlphabet))
	for i := range len(codeAlphabet) {
		c := codeAlphabet[i]
		if got := float64(counts[c]); got < want*0.9 || got > want*1.1 {
			t.Errorf("%q came %v times, want about %v", c, got, want)
		}
		delete(counts, c)
	}
	if len(counts) != 0 {
		t.Errorf("characters outside the alphabet: %v", counts)
	}
	for _, c := range "0O1IL" {
		if strings.ContainsRune(codeAlphabet, c) {
			t.Errorf("the alphabet has the look-alike %q", c)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"as given", "7KQ2MXPA", "7KQ2MXPA", true},
		{"lower case, dash, spaces", " 7kq2-mxpa\t", "7KQ2MXPA", true},
		{"too short", "7KQ2MXP", "", false},
		{"too long", "7KQ2MXPAB", "", false},
		{"a look-alike", "7KQ2MXP0", "", false},
		{"not ASCII", "7KQ2MXPĐ", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := normalizeCode(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("normalizeCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
