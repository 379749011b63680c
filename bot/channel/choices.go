package channel

import (
	"strconv"
	"strings"

	"github.com/motcua/motcua/bot"
)

// Choices shows m's buttons and hint for a citizen who types her choice
// (Zalo, the terminal): each button a line "  1. <label>" — she types the
// number, or the label — then the hint of what else can be typed. A button
// that opens a private chat takes no number: openChat gives its line, and
// it has none when openChat is nil or returns "". Every line starts with
// "\n", to follow m's text.
func Choices(m bot.Message, openChat func(label string) string) string {
	var s strings.Builder
	n := 0
	for _, btn := range m.Buttons {
		if btn.OpenChat {
			if openChat != nil {
				if line := openChat(btn.Label); line != "" {
					s.WriteString("\n" + line)
				}
			}
			continue
		}
		n++
		s.WriteString("\n  " + strconv.Itoa(n) + ". " + btn.Label)
	}
	if m.Hint != "" {
		s.WriteString("\n" + m.Hint)
	}
	return s.String()
}
