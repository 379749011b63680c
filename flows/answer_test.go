package flows

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestParsePhone(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // "" for ErrPhone
	}{
		{name: "plain", in: "0912345678", want: "0912345678"},
		{name: "grouped with spaces", in: "0912 345 678", want: "0912345678"},
		{name: "surrounding spaces", in: "  0912345678 ", want: "0912345678"},
		{name: "dots", in: "0912.345.678", want: "0912345678"},
		{name: "dashes", in: "0912-345-678", want: "0912345678"},
		{name: "parentheses", in: "(091) 234-5678", want: "0912345678"},
		{name: "no-break space", in: "0912\u00a0345\u00a0678", want: "0912345678"},
		{name: "plus 84", in: "+84912345678", want: "0912345678"},
		{name: "plus 84 grouped", in: "+84 912 345 678", want: "0912345678"},
		{name: "plus 84 in parentheses", in: "(+84) 912 345 678", want: "0912345678"},
		{name: "plus 84 with trunk 0", in: "+84 (0)912 345 678", want: "0912345678"},
		{name: "84", in: "84912345678", want: "0912345678"},
		{name: "84 with trunk 0", in: "840912345678", want: "0912345678"},
		{name: "0084", in: "0084 912 345 678", want: "0912345678"},
		{name: "0084 with trunk 0", in: "0084 0912 345 678", want: "0912345678"},

		{name: "prefix 032", in: "0321234567", want: "0321234567"},
		{name: "prefix 039", in: "0391234567", want: "0391234567"},
		{name: "prefix 052", in: "0521234567", want: "0521234567"},
		{name: "prefix 055", in: "0551234567", want: "0551234567"},
		{name: "prefix 056", in: "0561234567", want: "0561234567"},
		{name: "prefix 058", in: "0581234567", want: "0581234567"},
		{name: "prefix 059", in: "0591234567", want: "0591234567"},
		{name: "prefix 070", in: "0701234567", want: "0701234567"},
		{name: "prefix 076", in: "0761234567", want: "0761234567"},
		{name: "prefix 079", in: "0791234567", want: "0791234567"},
		{name: "prefix 081", in: "0811234567", want: "0811234567"},
		{name: "prefix 089", in: "0891234567", want: "0891234567"},
		{name: "prefix 090", in: "0901234567", want: "0901234567"},
		{name: "prefix 095", in: "0951234567", want: "0951234567"},
		{name: "prefix 099", in: "0991234567", want: "0991234567"},

		{name: "empty", in: ""},
		{name: "letters", in: "không có"},
		{name: "letter inside", in: "0912a345678"},
		{name: "Hanoi landline", in: "024 3825 3456"},
		{name: "Ho Chi Minh City landline", in: "028 3829 1234"},
		{name: "prefix 031", in: "0311234567"},
		{name: "prefix 050", in: "0501234567"},
		{name: "prefix 051", in: "0511234567"},
		{name: "prefix 053", in: "0531234567"},
		{name: "prefix 057", in: "0571234567"},
		{name: "prefix 071", in: "0711234567"},
		{name: "prefix 075", in: "0751234567"},
		{name: "prefix 080", in: "0801234567"},
		{name: "prefix 01x", in: "0121234567"},
		{name: "prefix 06x", in: "0621234567"},
		{name: "retired eleven digits", in: "01212345678"},
		{name: "nine digits", in: "091234567"},
		{name: "eleven digits", in: "09123456789"},
		{name: "missing trunk 0", in: "912345678"},
		{name: "plus without 84", in: "+0912345678"},
		{name: "other country", in: "+1 415 555 0100"},
		{name: "plus 84 too short", in: "+8491234567"},
		{name: "plus 84 too long", in: "+849123456789"},
		{name: "plus 84 landline", in: "+84 24 3825 3456"},
		{name: "plus only", in: "+"},
		{name: "plus 8", in: "+8"},
		{name: "plus after digits", in: "0912+345678"},
		{name: "two pluses", in: "++84912345678"},
		{name: "84 with ten digits", in: "8491234567"},
		{name: "very long", in: "0912345678901234567890"},
		{name: "slash", in: "0912/345/678"},
		{name: "full-width digits", in: "０９１２３４５６７８"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePhone(tt.in)
			if tt.want == "" {
				if !errors.Is(err, ErrPhone) || got != "" {
					t.Errorf("ParsePhone(%q) = %q, %v; want ErrPhone", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParsePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormatPhone(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "stored form", in: "0912345678", want: "0912 345 678"},
		{name: "typed form", in: "+84 912.345.678", want: "0912 345 678"},
		{name: "not a mobile number", in: "024 3825 3456", want: "024 3825 3456"},
		{name: "empty", in: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatPhone(tt.in); got != tt.want {
				t.Errorf("FormatPhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"0912345678", "+84 (0)912 345 678", "0084912345678", "024 3825 3456", "+", "84"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePhone(s)
		if err != nil {
			if !errors.Is(err, ErrPhone) {
				t.Fatalf("ParsePhone(%q) error %v is not ErrPhone", s, err)
			}
			return
		}
		if len(p) != 10 || p[0] != '0' || !isDigits(p) {
			t.Fatalf("ParsePhone(%q) = %q, not ten digits starting with 0", s, p)
		}
		if again, err := ParsePhone(FormatPhone(p)); err != nil || again != p {
			t.Fatalf("ParsePhone(%q) = %q, but ParsePhone(%q) = %q, %v", s, p, FormatPhone(p), again, err)
		}
	})
}

func TestParseYesNo(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		yes, ok bool
	}{
		{name: "có", in: "có", yes: true, ok: true},
		{name: "Có with capital and stop", in: "Có.", yes: true, ok: true},
		{name: "c", in: "c", yes: true, ok: true},
		{name: "có ạ", in: "có ạ", yes: true, ok: true},
		{name: "vâng", in: "Vâng", yes: true, ok: true},
		{name: "ừ", in: "ừ", yes: true, ok: true},
		{name: "uh", in: "uh", yes: true, ok: true},
		{name: "ừm", in: "ừm", yes: true, ok: true},
		{name: "đúng", in: "đúng", yes: true, ok: true},
		{name: "đúng rồi with exclamation", in: "Đúng rồi!", yes: true, ok: true},
		{name: "rồi", in: "rồi", yes: true, ok: true},
		{name: "yes", in: "YES", yes: true, ok: true},
		{name: "y", in: "y", yes: true, ok: true},
		{name: "ok", in: "OK", yes: true, ok: true},
		{name: "oke", in: "oke", yes: true, ok: true},
		{name: "có rồi", in: "có rồi", yes: true, ok: true},
		{name: "dạ có", in: "dạ có", yes: true, ok: true},
		{name: "decomposed có", in: "co\u0301", yes: true, ok: true},

		{name: "không", in: "không", ok: true},
		{name: "Không in capitals", in: "KHÔNG", ok: true},
		{name: "k", in: "k", ok: true},
		{name: "ko", in: "ko", ok: true},
		{name: "kh", in: "kh", ok: true},
		{name: "hông", in: "hông", ok: true},
		{name: "chưa", in: "chưa", ok: true},
		{name: "no", in: "No", ok: true},
		{name: "n", in: "n", ok: true},
		{name: "không có", in: "không có", ok: true},
		{name: "chưa có", in: "chưa có", ok: true},
		{name: "không ạ", in: "không ạ", ok: true},
		{name: "dạ không", in: "dạ không", ok: true},
		{name: "chưa ạ", in: "chưa ạ", ok: true},
		{name: "dạ chưa", in: "dạ chưa", ok: true},

		{name: "empty", in: ""},
		{name: "không biết", in: "không biết"},
		{name: "có lẽ", in: "có lẽ"},
		{name: "có không", in: "có không"},
		{name: "yes inside a sentence", in: "tôi nghĩ là có"},
		{name: "okay", in: "okay"},
		{name: "dạ alone", in: "dạ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yes, ok := ParseYesNo(tt.in)
			if yes != tt.yes || ok != tt.ok {
				t.Errorf("ParseYesNo(%q) = %v, %v; want %v, %v", tt.in, yes, ok, tt.yes, tt.ok)
			}
		})
	}
}

// TestYesNoKeysAreNormal guards against a map key that Normalize could never
// produce, which would make that answer unreachable.
func TestYesNoKeysAreNormal(t *testing.T) {
	for k := range yesNo {
		if Normalize(k) != k {
			t.Errorf("yesNo key %q is not normalised: %q", k, Normalize(k))
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int64
		err  bool
	}{
		{name: "digit", in: "3", want: 3},
		{name: "zero", in: "0", want: 0},
		{name: "negative zero", in: "-0", want: 0},
		{name: "surrounding spaces", in: " 12 ", want: 12},
		{name: "ungrouped", in: "1000000", want: 1000000},
		{name: "leading zeros", in: "007", want: 7},
		{name: "dots", in: "1.000.000", want: 1000000},
		{name: "commas", in: "1,000,000", want: 1000000},
		{name: "spaces", in: "1 000 000", want: 1000000},
		{name: "two-digit first group", in: "12.345", want: 12345},
		{name: "three-digit first group", in: "123.456", want: 123456},
		{name: "negative", in: "-5", want: -5},
		{name: "negative grouped", in: "-1.500", want: -1500},
		{name: "largest", in: "9223372036854775807", want: math.MaxInt64},
		{name: "largest grouped", in: "9.223.372.036.854.775.807", want: math.MaxInt64},
		{name: "smallest", in: "-9223372036854775808", want: math.MinInt64},
		{name: "smallest grouped", in: "-9.223.372.036.854.775.808", want: math.MinInt64},

		{name: "empty", in: "", err: true},
		{name: "spaces only", in: "   ", err: true},
		{name: "minus only", in: "-", err: true},
		{name: "plus", in: "+5", err: true},
		{name: "minus then space", in: "- 5", err: true},
		{name: "two minuses", in: "--5", err: true},
		{name: "minus inside", in: "5-3", err: true},
		{name: "letters", in: "ba", err: true},
		{name: "unit", in: "12 tuổi", err: true},
		{name: "unit attached", in: "500k", err: true},
		{name: "currency", in: "1.000đ", err: true},
		{name: "decimal comma", in: "1,5", err: true},
		{name: "decimal dot", in: "3.14", err: true},
		{name: "decimal that looks like thousands", in: "0.500", err: true},
		{name: "leading zero grouped", in: "01.000", err: true},
		{name: "four-digit first group", in: "1000.000", err: true},
		{name: "four-digit group", in: "1.0000", err: true},
		{name: "two-digit group", in: "1.00.000", err: true},
		{name: "mixed separators", in: "1.000,000", err: true},
		{name: "dot then space", in: "1. 000", err: true},
		{name: "double space", in: "1  000", err: true},
		{name: "trailing separator", in: "1.000.", err: true},
		{name: "leading separator", in: ".500", err: true},
		{name: "tab as separator", in: "1\t000", err: true},
		{name: "one too large", in: "9223372036854775808", err: true},
		{name: "one too small", in: "-9223372036854775809", err: true},
		{name: "far too large", in: "99999999999999999999999", err: true},
		{name: "non-ASCII digits", in: "٣", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNumber(tt.in)
			if tt.err {
				if !errors.Is(err, ErrNumber) || got != 0 {
					t.Errorf("ParseNumber(%q) = %d, %v; want ErrNumber", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseNumber(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		name string
		in   int64
		want string
	}{
		{name: "zero", in: 0, want: "0"},
		{name: "one digit", in: 7, want: "7"},
		{name: "three digits", in: 999, want: "999"},
		{name: "four digits", in: 1000, want: "1.000"},
		{name: "millions", in: 1234567, want: "1.234.567"},
		{name: "negative", in: -1500, want: "-1.500"},
		{name: "negative three digits", in: -999, want: "-999"},
		{name: "largest", in: math.MaxInt64, want: "9.223.372.036.854.775.807"},
		{name: "smallest", in: math.MinInt64, want: "-9.223.372.036.854.775.808"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatNumber(tt.in); got != tt.want {
				t.Errorf("FormatNumber(%d) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"3", " 12 ", "1.000.000", "1,000,000", "1 000 000", "-5", "0.500", "9223372036854775808"} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(math.MinInt64))
	f.Add("", int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		if got, err := ParseNumber(FormatNumber(n)); err != nil || got != n {
			t.Fatalf("ParseNumber(FormatNumber(%d) = %q) = %d, %v", n, FormatNumber(n), got, err)
		}
		if got, err := ParseNumber(strconv.FormatInt(n, 10)); err != nil || got != n {
			t.Fatalf("ParseNumber(%q) = %d, %v", strconv.FormatInt(n, 10), got, err)
		}
		got, err := ParseNumber(s)
		// strconv is the oracle for plain digits.
		if want, werr := strconv.ParseInt(strings.TrimSpace(s), 10, 64); werr == nil &&
			!strings.HasPrefix(strings.TrimSpace(s), "+") && (err != nil || got != want) {
			t.Fatalf("ParseNumber(%q) = %d, %v; strconv.ParseInt gives %d", s, got, err, want)
		}
		if err != nil {
			if !errors.Is(err, ErrNumber) || got != 0 {
				t.Fatalf("ParseNumber(%q) = %d, %v; want 0 and ErrNumber", s, got, err)
			}
			return
		}
		plain := strings.NewReplacer(".", "", ",", "", " ", "").Replace(strings.TrimSpace(s))
		if want, err := strconv.ParseInt(plain, 10, 64); err != nil || got != want {
			t.Fatalf("ParseNumber(%q) = %d, but its digits %q give %d, %v", s, got, plain, want, err)
		}
		if again, err := ParseNumber(FormatNumber(got)); err != nil || again != got {
			t.Fatalf("ParseNumber(%q) = %d, but FormatNumber gives %q, which parses as %d, %v", s, got, FormatNumber(got), again, err)
		}
	})
}
