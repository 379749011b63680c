package zalo

import (
	"strings"

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
