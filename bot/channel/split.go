package channel

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// UTF16Len is the length of s in UTF-16 code units, as both Telegram and
// Zalo count a message's length: an emoji outside the basic plane counts
// two.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// Split cuts a text into messages of at most max UTF-16 units, at
// paragraph boundaries where it can, then at line ends, then at spaces,
// else anywhere between two characters. Empty parts are dropped: no
// channel sends an empty text.
func Split(text string, max int) []string {
	var out []string
	for UTF16Len(text) > max {
		cut := cutPoint(text, max)
		if part := strings.TrimRight(text[:cut], "\n "); part != "" {
			out = append(out, part)
		}
		text = strings.TrimLeft(text[cut:], "\n ")
	}
	if text != "" {
		out = append(out, text)
	}
	return out
}

// cutPoint is the byte index at which to end a part of at most max units:
// at the last blank line, else the last line end, else the last space,
// else at max units. The separator is left to the next part, which Split
// trims.
func cutPoint(text string, max int) int {
	limit, used := len(text), 0
	for i, r := range text {
		w := UTF16Len(string(r))
		if used+w > max {
			limit = i
			break
		}
		used += w
	}
	for _, sep := range []string{"\n\n", "\n", " "} {
		// A separator just past the limit ends a part that fits exactly.
		head := text[:min(len(text), limit+len(sep))]
		if i := strings.LastIndex(head, sep); i > 0 {
			return i
		}
	}
	if limit == 0 { // a character wider than max: never stall
		_, size := utf8.DecodeRuneInString(text)
		return size
	}
	return limit
}
