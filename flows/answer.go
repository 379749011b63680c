package flows

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
)

// ErrPhone means a typed answer is not a Vietnamese mobile number.
var ErrPhone = errors.New("not a Vietnamese mobile number")

// ParsePhone reads a Vietnamese mobile number as citizens type it and returns
// it as ten digits starting with 0 (0912345678). Spaces, dots, dashes and
// parentheses may appear anywhere; +84, 84 or 0084 may stand in place of the
// leading 0, and a "(0)" after the country code is allowed (+84 (0)912 …).
//
// The number must start with a mobile prefix: 032–039, 052, 055, 056, 058,
// 059, 070, 076–079, 081–089 or 090–099. Landlines (02x), the eleven-digit
// numbers retired in 2018 and foreign numbers give ErrPhone.
func ParsePhone(s string) (string, error) {
	// Room for 0084 and a national number with its trunk 0, and one more
	// digit to tell "too long" from "just right".
	var buf [4 + 10 + 1]byte
	n := 0
	plus := false
	for _, r := range s {
		switch {
		case '0' <= r && r <= '9':
			if n == len(buf) {
				return "", ErrPhone
			}
			buf[n] = byte(r)
			n++
		case r == '+':
			if plus || n > 0 {
				return "", ErrPhone
			}
			plus = true
		case r == '.' || r == '-' || r == '(' || r == ')' || unicode.IsSpace(r):
		default:
			return "", ErrPhone
		}
	}
	// cc is the length of the country code written in place of the trunk 0.
	cc := 0
	switch {
	case plus:
		if n < 2 || buf[0] != '8' || buf[1] != '4' {
			return "", ErrPhone
		}
		cc = 2
	case n >= 4 && string(buf[:4]) == "0084":
		cc = 4
	case (n == 11 || n == 12) && buf[0] == '8' && buf[1] == '4':
		cc = 2
	}
	d := buf[cc:n]
	if cc > 0 && len(d) == 9 && d[0] != '0' {
		// Put back the trunk 0, over the last digit of the country code.
		buf[cc-1] = '0'
		d = buf[cc-1 : n]
	}
	if len(d) != 10 || d[0] != '0' || !isMobilePrefix(d[1], d[2]) {
		return "", ErrPhone
	}
	return string(d), nil
}

// isMobilePrefix reports whether the two digits after the leading 0 begin a
// mobile number. Numbers move between networks, so the prefixes are listed
// as ranges, not by network.
func isMobilePrefix(a, b byte) bool {
	switch a {
	case '3':
		return b >= '2'
	case '5':
		return b == '2' || b == '5' || b == '6' || b == '8' || b == '9'
	case '7':
		return b == '0' || b >= '6'
	case '8':
		return b >= '1'
	case '9':
		return true
	}
	return false
}

// FormatPhone writes a mobile number as Vietnamese read it out, in groups of
// four, three and three digits: "0912 345 678". It accepts anything
// ParsePhone does and returns other text unchanged.
func FormatPhone(s string) string {
	p, err := ParsePhone(s)
	if err != nil {
		return s
	}
	return p[:4] + " " + p[4:7] + " " + p[7:]
}

// yesNo maps the folded answers that mean yes to true and those that mean no
// to false.
var yesNo = map[string]bool{
	"co": true, "c": true, "co a": true, "da co": true, "co roi": true,
	"vang": true, "u": true, "uh": true, "um": true,
	"dung": true, "dung roi": true, "roi": true,
	"yes": true, "y": true, "ok": true, "oke": true,

	"khong": false, "k": false, "ko": false, "kh": false, "hong": false,
	"khong co": false, "khong a": false, "da khong": false,
	"chua": false, "chua co": false, "chua a": false, "da chua": false,
	"no": false, "n": false,
}

// ParseYesNo reads a typed yes or no: "có", "ừ", "đúng rồi", "ok" and the
// like are yes; "không", "ko", "chưa", "no" and the like are no. The whole
// answer, folded with Normalize, must be one of these, so "không biết" is
// neither and ok is false.
func ParseYesNo(s string) (yes, ok bool) {
	yes, ok = yesNo[Normalize(s)]
	return yes, ok
}

// ErrNumber means a typed answer is not a whole number, or one too large for
// an int64.
var ErrNumber = errors.New("not a whole number")

var errNumberRange = fmt.Errorf("%w: out of range", ErrNumber)

// ParseNumber reads a whole number as citizens type it: "3", " 12 ",
// "1000000", or grouped by thousands with dots, commas or single spaces
// ("1.000.000", "1,000,000", "1 000 000"), one kind of separator throughout
// and three digits in every group after the first. A leading '-' makes it
// negative. Nothing else is allowed: no units, no decimals ("1,5" is an
// error, as is "0.500", which reads as a decimal), no '+'. It gives ErrNumber
// for anything else, including numbers beyond the range of int64.
func ParseNumber(s string) (int64, error) {
	s = strings.TrimSpace(s)
	neg := false
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		s, neg = rest, true
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, ErrNumber
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var sep byte // the group separator, once one is seen
	group := 0   // digits since the last separator
	var u uint64 // the magnitude so far, never above limit
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			group++
			if sep != 0 && group > 3 {
				return 0, ErrNumber
			}
			d := uint64(c - '0')
			if u > (limit-d)/10 {
				return 0, errNumberRange
			}
			u = u*10 + d
		case c == '.' || c == ',' || c == ' ':
			switch {
			case sep == 0 && (group > 3 || s[0] == '0'):
				return 0, ErrNumber
			case sep != 0 && (c != sep || group != 3):
				return 0, ErrNumber
			}
			sep, group = c, 0
		default:
			return 0, ErrNumber
		}
	}
	if sep != 0 && group != 3 {
		return 0, ErrNumber
	}
	if neg {
		return int64(-u), nil // -u wraps to the right value for math.MinInt64 too
	}
	return int64(u), nil
}

// FormatNumber writes n grouped by thousands with dots, as Vietnamese do:
// 1234567 is "1.234.567" and -1500 is "-1.500".
func FormatNumber(n int64) string {
	var buf [len("-9.223.372.036.854.775.808")]byte
	u := uint64(n)
	if n < 0 {
		u = -u
	}
	i := len(buf)
	for digits := 0; ; digits++ {
		if digits > 0 && digits%3 == 0 {
			i--
			buf[i] = '.'
		}
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if n < 0 {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}
