package zalo

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/channel"
)

// maxText is Zalo's limit on a message's text and a photo's caption, 2000
// characters; counted in UTF-16 code units, the stricter reading.
const maxText = 2000

// render shows a message as Zalo's plain text, the way the terminal does
// (bot/console): its text, its buttons as numbered lines (the citizen types
// the number, or the label), a button that opens a private chat as a line
// saying so, and the hint of what can be typed instead of Nav.
func (b *Bot) render(m bot.Message) string {
	return strings.TrimLeft(m.Text+channel.Choices(m, b.openChat), "\n")
}

// openChat is the line of a button that opens a private chat: no link
// opens a chat with a Zalo bot that we can rely on, so the label says what
// to do, followed by ChatLink when the commune has one.
func (b *Bot) openChat(label string) string {
	if b.chatLink == "" {
		return "👉 " + label
	}
	return "👉 " + label + ": " + b.chatLink
}

// units is the length of s in UTF-16 code units.
func units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// split cuts a text into messages of at most max UTF-16 units, at
// paragraph boundaries where it can, then at line ends, then at spaces,
// else anywhere between two characters. Empty parts are dropped: Zalo
// refuses an empty text.
func split(text string, max int) []string {
	var out []string
	for units(text) > max {
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
// else at max units. The separator is left to the next part, which split
// trims.
func cutPoint(text string, max int) int {
	limit, used := len(text), 0
	for i, r := range text {
		if used+utf16.RuneLen(r) > max {
			limit = i
			break
		}
		used += utf16.RuneLen(r)
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
