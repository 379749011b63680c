package telegram

import (
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot"
)

// Kinds of update, as metrics labels.
const (
	kindText     = "text"
	kindCommand  = "command"
	kindCallback = "callback"
	kindGroup    = "group"
	kindIgnored  = "ignored"
)

// convert turns a Telegram update into the service's, with the chat to
// answer in. Updates the bot has nothing to say to (edits, other bots, group
// chatter not addressed to it) come back as kindIgnored.
func (b *Bot) convert(upd tgbotapi.Update) (bot.Update, int64, string) {
	u := bot.Update{ID: "tg:" + strconv.Itoa(upd.UpdateID)}
	switch {
	case upd.CallbackQuery != nil:
		cq := upd.CallbackQuery
		if cq.Message == nil || cq.Message.Chat == nil || cq.From == nil {
			return u, 0, kindIgnored
		}
		u.Chat = bot.Chat{ID: chatKey(cq.Message.Chat.ID), Private: cq.Message.Chat.IsPrivate()}
		u.From = user(cq.From)
		u.Data = cq.Data
		return u, cq.Message.Chat.ID, kindCallback
	case upd.Message != nil:
		m := upd.Message
		if m.Chat == nil || m.From == nil || m.From.IsBot {
			return u, 0, kindIgnored
		}
		if m.MigrateToChatID != 0 {
			// Groups keep nothing: replies already follow the migration
			// when a send is refused (see deliver).
			b.log.Info("telegram: group upgraded to a supergroup", "to", m.MigrateToChatID)
			return u, 0, kindIgnored
		}
		u.Chat = bot.Chat{ID: chatKey(m.Chat.ID), Private: m.Chat.IsPrivate()}
		u.From = user(m.From)
		u.Text = m.Text
		if r := m.ReplyToMessage; r != nil && r.From != nil && r.From.UserName == b.username {
			u.ReplyTo = r.Text // a volunteer answering a ticket's post
		}
		if u.Chat.Private {
			if m.IsCommand() {
				return u, m.Chat.ID, kindCommand
			}
			return u, m.Chat.ID, kindText
		}
		text, ok := b.addressed(m)
		if !ok {
			return u, 0, kindIgnored
		}
		u.Text = text
		return u, m.Chat.ID, kindGroup
	}
	return u, 0, kindIgnored
}

// addressed reports whether a group message is meant for the bot — a
// command (to it or to every bot), a mention, or a reply to it — and its text
// without the mention.
func (b *Bot) addressed(m *tgbotapi.Message) (string, bool) {
	mention := "@" + b.username
	if m.IsCommand() {
		cmd := strings.Fields(m.Text)[0]
		if _, to, found := strings.Cut(cmd, "@"); found && !strings.EqualFold(to, b.username) {
			return "", false // another bot's command
		}
		return m.Text, true
	}
	if m.ReplyToMessage != nil && m.ReplyToMessage.From != nil && m.ReplyToMessage.From.UserName == b.username {
		return m.Text, true
	}
	for _, e := range m.Entities {
		if e.Type != "mention" {
			continue
		}
		if strings.EqualFold(entityText(m.Text, e), mention) {
			return strings.TrimSpace(strings.Replace(m.Text, entityText(m.Text, e), "", 1)), true
		}
	}
	return "", false
}

// entityText cuts an entity out of a text; Telegram counts offsets in UTF-16
// code units.
func entityText(text string, e tgbotapi.MessageEntity) string {
	units := 0
	start, end := -1, len(text)
	for i, r := range text {
		if units == e.Offset {
			start = i
		}
		if units == e.Offset+e.Length {
			end = i
			break
		}
		units++
		if r >= 0x10000 {
			units++
		}
	}
	if start < 0 {
		return ""
	}
	return text[start:end]
}

func user(u *tgbotapi.User) bot.User {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	return bot.User{ID: "tg:" + strconv.FormatInt(u.ID, 10), Name: name}
}
