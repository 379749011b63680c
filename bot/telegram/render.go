package telegram

import (
	"html"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot"
)

// maxText is Telegram's limit on one message, in characters after entities
// are parsed: the limit applies to the text before escaping.
const maxText = 4096

// split cuts a text into messages of at most max characters, at paragraph
// boundaries where it can, then at line ends, then at spaces.
func split(text string, max int) []string {
	var out []string
	for utf8.RuneCountInString(text) > max {
		cut := cutPoint(text, max)
		out = append(out, strings.TrimRight(text[:cut], "\n "))
		text = strings.TrimLeft(text[cut:], "\n ")
	}
	return append(out, text)
}

// cutPoint is the byte index at which to end a message of at most max
// characters: after the last blank line, else the last line end, else the
// last space, else max characters.
func cutPoint(text string, max int) int {
	limit := len(text)
	for i := range text {
		if max == 0 {
			limit = i
			break
		}
		max--
	}
	head := text[:limit]
	for _, sep := range []string{"\n\n", "\n", " "} {
		if i := strings.LastIndex(head, sep); i > 0 {
			return i + len(sep)
		}
	}
	return limit
}

// messages turns one reply message into the Telegram messages to send: the
// text escaped for HTML and split, the keyboard on the last part.
func (b *Bot) messages(chatID int64, m bot.Message) []tgbotapi.MessageConfig {
	parts := split(m.Text, maxText)
	out := make([]tgbotapi.MessageConfig, len(parts))
	for i, p := range parts {
		msg := tgbotapi.NewMessage(chatID, html.EscapeString(p))
		msg.ParseMode = tgbotapi.ModeHTML
		msg.DisableWebPagePreview = true
		out[i] = msg
	}
	if kb, ok := b.keyboard(m); ok {
		out[len(out)-1].ReplyMarkup = kb
	}
	return out
}

// keyboard lays out the buttons one a row, as labels are long on cheap
// phones, and back and cancel side by side under them.
func (b *Bot) keyboard(m bot.Message) (tgbotapi.InlineKeyboardMarkup, bool) {
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, btn := range m.Buttons {
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(b.button(btn)))
	}
	if len(m.Nav) > 0 {
		var row []tgbotapi.InlineKeyboardButton
		for _, btn := range m.Nav {
			row = append(row, b.button(btn))
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return tgbotapi.InlineKeyboardMarkup{}, false
	}
	return tgbotapi.NewInlineKeyboardMarkup(rows...), true
}

func (b *Bot) button(btn bot.Button) tgbotapi.InlineKeyboardButton {
	if btn.OpenChat {
		return tgbotapi.NewInlineKeyboardButtonURL(btn.Label, b.deepLink(btn.OpenFlow))
	}
	return tgbotapi.NewInlineKeyboardButtonData(btn.Label, btn.Data)
}

// deepLink opens a private chat with the bot, at a procedure when one is
// given (flow ids are made of the characters a start payload allows).
func (b *Bot) deepLink(flow string) string {
	link := "https://t.me/" + b.username
	if flow != "" {
		link += "?start=" + flow
	}
	return link
}
