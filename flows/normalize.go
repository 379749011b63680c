package flows

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds text so that what a citizen types matches what a flow
// expects, with or without diacritics: "  Đăng KÝ khai-sinh!" and
// "dang ky khai sinh" both become "dang ky khai sinh".
//
// It decomposes the text (Unicode NFD, so NFC and NFD input fold alike),
// drops combining marks (the Vietnamese tone and vowel marks among them),
// maps đ and Đ to d, and lower-cases letters. Letters and digits are kept;
// every other character (punctuation, symbols, '/', whitespace, and invalid
// UTF-8) separates words, and each run of separators becomes one space, with
// none at either end. Invisible format characters such as the soft hyphen,
// the zero-width joiner and the byte order mark are dropped without
// separating words. Normalize is idempotent.
func Normalize(s string) string {
	if isNormalASCII(s) {
		return s
	}
	f := folder{}
	f.b.Grow(len(s))
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			f.fold(rune(c))
			i++
			continue
		}
		// Decompose rune by rune rather than through norm.Iter, whose buffer
		// costs an allocation per call. Canonical reordering of the marks,
		// the one thing this skips, does not matter once they are dropped.
		p := norm.NFD.PropertiesString(s[i:])
		if d := p.Decomposition(); d != nil {
			for _, r := range string(d) {
				f.fold(r)
			}
		} else if r, n := utf8.DecodeRuneInString(s[i:]); isHangul(r) {
			f.foldHangul(r)
		} else {
			f.fold(r)
			i += n
			continue
		}
		i += p.Size()
	}
	return f.b.String()
}

// isNormalASCII reports whether s is already folded and pure ASCII: lower-case
// letters and digits in words separated by single spaces. Most button labels
// and many typed answers are, so Normalize returns them without allocating.
func isNormalASCII(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == ' ' && s[i-1] != ' ':
		default:
			return false
		}
	}
	return true
}

// folder accumulates Normalize's output one decomposed rune at a time.
type folder struct {
	b strings.Builder
	// space records a separator seen since the last kept rune; it is written
	// only before the next kept rune, so the output never ends in a space.
	space bool
}

func (f *folder) fold(r rune) {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		default:
			f.separate()
			return
		}
		f.keep(r)
		return
	}
	switch {
	case r == 'đ' || r == 'Đ':
		f.keep('d')
	case isFullWidth(r):
		// A phone's keyboard in East Asian mode types "１" for 1.
		f.fold(r - fullWidthOffset)
	case unicode.Is(unicode.M, r), unicode.Is(unicode.Cf, r):
		// Marks and invisible format characters vanish inside a word.
	case unicode.IsLetter(r):
		// No letter's lower-case form decomposes further (TestNormalizeEveryRune
		// checks this against the Unicode tables in use), so one pass suffices.
		f.keep(unicode.ToLower(r))
	case unicode.IsDigit(r):
		f.keep(r)
	default:
		f.separate()
	}
}

// Full-width forms of the ASCII characters (U+FF01–U+FF5E), which some
// keyboards type, stand for the ASCII ones this far below them.
const fullWidthOffset = 0xFF01 - '!'

func isFullWidth(r rune) bool { return 0xFF01 <= r && r <= 0xFF5E }

// narrow replaces full-width characters (and the ideographic space) by
// their ASCII forms, for answers read without Normalize: "１２" is "12".
func narrow(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return isFullWidth(r) || r == '\u3000' }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case isFullWidth(r):
			return r - fullWidthOffset
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

// Hangul syllables decompose by arithmetic, not through the tables that
// norm.Properties.Decomposition reads.
const (
	hangulBase  = 0xAC00
	hangulCount = 11172
	jamoLBase   = 0x1100
	jamoVBase   = 0x1161
	jamoTBase   = 0x11A7
	jamoVCount  = 21
	jamoTCount  = 28
)

func isHangul(r rune) bool { return hangulBase <= r && r < hangulBase+hangulCount }

// foldHangul folds the leading, vowel and (when there is one) trailing jamo
// that a Hangul syllable decomposes into.
func (f *folder) foldHangul(r rune) {
	i := r - hangulBase
	f.fold(jamoLBase + i/(jamoVCount*jamoTCount))
	f.fold(jamoVBase + i%(jamoVCount*jamoTCount)/jamoTCount)
	if t := i % jamoTCount; t != 0 {
		f.fold(jamoTBase + t)
	}
}

func (f *folder) keep(r rune) {
	if f.space {
		f.b.WriteByte(' ')
		f.space = false
	}
	f.b.WriteRune(r)
}

func (f *folder) separate() {
	if f.b.Len() > 0 {
		f.space = true
	}
}
