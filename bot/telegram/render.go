package telegram

import (
	"html"
	"strings"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/channel"
)

// maxText is Telegram's limit on one message, in UTF-16 units after
// entities are parsed: the limit applies to the text before escaping.
const maxText = 4096

// maxCaption is Telegram's limit on a photo's caption, counted like
// maxText.
const maxCaption = 1024

// part is one Telegram message of a reply message: a text or a photo.
type part struct {
	method string // sendMessage or sendPhoto, for errors and metrics
	c      tgbotapi.Chattable
}

// parts turns one reply message into the Telegram messages to send: its
// photo first, if it has one Telegram can send, with the text as the
// caption when it fits in one; the text otherwise, escaped for HTML and
// split; the keyboard on the last part.
func (b *Bot) parts(chatID int64, m bot.Message) []part {
	kb, hasKeyboard := b.keyboard(m)
	var out []part
	if file, ok := photoFile(m.Photo); ok {
		photo := tgbotapi.NewPhoto(chatID, file)
		captioned := channel.UTF16Len(m.Text) <= maxCaption
		if captioned {
			if m.Text != "" {
				photo.Caption, photo.ParseMode = html.EscapeString(m.Text), tgbotapi.ModeHTML
			}
			if hasKeyboard {
				photo.ReplyMarkup = kb
			}
		}
		out = append(out, part{method: "sendPhoto", c: photo})
		if captioned {
			return out
		}
	}
	texts := channel.Split(m.Text, maxText)
	if len(texts) == 0 {
		texts = []string{""} // a keyboard alone: the Bot API says what it thinks
	}
	for i, t := range texts {
		msg := tgbotapi.NewMessage(chatID, html.EscapeString(t))
		msg.ParseMode = tgbotapi.ModeHTML
		msg.DisableWebPagePreview = true
		if i == len(texts)-1 && hasKeyboard {
			msg.ReplyMarkup = kb
		}
		out = append(out, part{method: "sendMessage", c: msg})
	}
	return out
}

// photoFile is how Telegram can have a picture: by its own file id, a URL
// it fetches, or an upload. A picture of another channel's (a Zalo id) it
// cannot have.
func photoFile(p *bot.Photo) (tgbotapi.RequestFileData, bool) {
	switch {
	case p == nil:
		return nil, false
	case strings.HasPrefix(p.ID, "tg:") && len(p.ID) > len("tg:"):
		return tgbotapi.FileID(strings.TrimPrefix(p.ID, "tg:")), true
	case p.URL != "":
		return tgbotapi.FileURL(p.URL), true
	case len(p.PNG) > 0:
		return tgbotapi.FileBytes{Name: "anh.png", Bytes: p.PNG}, true
	}
	return nil, false
}

// truncate cuts a text to at most limit UTF-16 code units, as Telegram
// counts, at a line end or a space near the end where there is one, and
// marks the cut with "…".
func truncate(text string, limit int) string {
	if channel.UTF16Len(text) <= limit {
		return text
	}
	units, end := 0, len(text)
	for i, r := range text {
		units += max(utf16.RuneLen(r), 1)
		if units > limit-1 { // room for the "…"
			end = i
			break
		}
	}
	head := text[:end]
	if i := strings.LastIndexAny(head, "\n "); i > len(head)/2 {
		head = head[:i]
	}
	return strings.TrimRight(head, "\n ") + "…"
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
