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
	kindPhoto    = "photo"
	kindEvent    = "event" // the bot joined or left a group, a group moved
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
		if cq.Message == nil || cq.Message.Chat == nil || cq.Message.Chat.ID == 0 || cq.From == nil {
			return u, 0, kindIgnored
		}
		u.Chat = bot.Chat{ID: chatKey(cq.Message.Chat.ID), Private: cq.Message.Chat.IsPrivate()}
		u.From = user(cq.From)
		u.Data = cq.Data
		return u, cq.Message.Chat.ID, kindCallback
	case upd.MyChatMember != nil:
		return b.memberEvent(u, upd.MyChatMember)
	case upd.Message != nil:
		m := upd.Message
		if m.Chat == nil || m.Chat.ID == 0 {
			return u, 0, kindIgnored
		}
		if m.MigrateToChatID != 0 {
			// Telegram's service message in the old group; its sender is
			// whoever made the change, or Telegram.
			u.Chat = bot.Chat{ID: chatKey(m.Chat.ID)}
			if m.From != nil {
				u.From = user(m.From)
			}
			u.Event, u.MovedTo = bot.EventMoved, chatKey(m.MigrateToChatID)
			return u, m.MigrateToChatID, kindEvent
		}
		if m.From == nil || m.From.IsBot {
			return u, 0, kindIgnored
		}
		u.Chat = bot.Chat{ID: chatKey(m.Chat.ID), Private: m.Chat.IsPrivate()}
		u.From = user(m.From)
		if r := m.ReplyToMessage; r != nil && r.From != nil && r.From.UserName == b.username {
			u.ReplyTo = r.Text // a volunteer answering a ticket's post
		}
		text := m
		if len(m.Photo) > 0 {
			// A photo's caption is its text, commands and mentions too.
			u.Photo = &bot.Photo{ID: "tg:" + largest(m.Photo).FileID}
			text = &tgbotapi.Message{Text: m.Caption, Entities: m.CaptionEntities, ReplyToMessage: m.ReplyToMessage}
		}
		u.Text = text.Text
		if !u.Chat.Private {
			addressed, ok := b.addressed(text)
			if !ok {
				return u, 0, kindIgnored
			}
			u.Text = addressed
		}
		switch {
		case u.Photo != nil:
			return u, m.Chat.ID, kindPhoto
		case !u.Chat.Private:
			return u, m.Chat.ID, kindGroup
		case text.IsCommand():
			return u, m.Chat.ID, kindCommand
		}
		return u, m.Chat.ID, kindText
	}
	return u, 0, kindIgnored
}

// memberEvent turns a change of the bot's own status in a group into the
// bot joining or leaving it. A promotion, a restriction, a private chat
// (the citizen blocked the bot: the next send learns it) or a channel is
// nothing to the service.
func (b *Bot) memberEvent(u bot.Update, cm *tgbotapi.ChatMemberUpdated) (bot.Update, int64, string) {
	if cm.Chat.ID == 0 || !cm.Chat.IsGroup() && !cm.Chat.IsSuperGroup() {
		return u, 0, kindIgnored
	}
	was, is := present(cm.OldChatMember), present(cm.NewChatMember)
	switch {
	case !was && is:
		u.Event = bot.EventJoined
	case was && !is:
		u.Event = bot.EventLeft
	default:
		return u, 0, kindIgnored
	}
	u.Chat = bot.Chat{ID: chatKey(cm.Chat.ID)}
	u.From = user(&cm.From)
	return u, cm.Chat.ID, kindEvent
}

// present reports whether a chat member is in the chat.
func present(m tgbotapi.ChatMember) bool {
	switch m.Status {
	case "creator", "administrator", "member":
		return true
	case "restricted":
		return m.IsMember
	}
	return false // left, kicked
}

// largest is the biggest of the sizes Telegram offers a photo in.
func largest(sizes []tgbotapi.PhotoSize) tgbotapi.PhotoSize {
	best := sizes[0]
	for _, s := range sizes[1:] {
		if s.Width*s.Height >= best.Width*best.Height {
			best = s
		}
	}
	return best
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
