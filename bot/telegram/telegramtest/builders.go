package telegramtest

import (
	"strconv"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// inbound numbers the updates, messages and callback queries the builders
// make, in every test of the binary, so that no two share an id. It starts
// far above the ids a Server gives, so that a built update Delivered and a
// pushed one never collide either.
var inbound atomic.Int64

const firstInbound = 1_000_000

func nextInbound() int64 {
	return firstInbound + inbound.Add(1)
}

// telegramUserID is Telegram's service account, the sender of service
// messages.
const telegramUserID = 777000

// TextUpdate is a user's text message, as Telegram delivers it: chatType is
// "private", "group" or "supergroup" ("" guesses it from chatID). Like
// Telegram, it marks a bot command at the start of the text ("/" and the
// Latin letters, digits and underscores after it, with an "@username") and
// "@username" mentions, with offsets in UTF-16 code units. Its UpdateID is
// unique in the test binary; PushUpdate replaces it.
func TextUpdate(chatID int64, chatType string, fromID int64, text string) tgbotapi.Update {
	if chatType == "" {
		chatType = chatTypeOf(chatID)
	}
	n := nextInbound()
	return tgbotapi.Update{
		UpdateID: int(n),
		Message: &tgbotapi.Message{
			MessageID: int(n),
			From:      user(fromID),
			Date:      int(time.Now().Unix()),
			Chat:      chat(chatID, chatType),
			Text:      text,
			Entities:  entities(text),
		},
	}
}

// PhotoUpdate is a user's photo with a caption (which may be ""), as
// Telegram delivers it: the photo in three sizes, smallest first, whose
// file ids are fileID and "_s", "_m" or "" after it (the largest is
// fileID), and entities in the caption marked as TextUpdate marks them in a
// text.
func PhotoUpdate(chatID int64, chatType string, fromID int64, fileID, caption string) tgbotapi.Update {
	u := TextUpdate(chatID, chatType, fromID, "")
	m := u.Message
	m.Entities = nil
	m.Caption, m.CaptionEntities = caption, entities(caption)
	for _, size := range []struct {
		suffix string
		side   int
	}{{"_s", 90}, {"_m", 320}, {"", 1280}} {
		m.Photo = append(m.Photo, tgbotapi.PhotoSize{
			FileID: fileID + size.suffix, FileUniqueID: "u" + fileID + size.suffix,
			Width: size.side, Height: size.side * 3 / 4, FileSize: size.side * 100,
		})
	}
	return u
}

// MyChatMemberUpdate is the change of the bot's own status in a group
// (chatType "" guesses it from chatID) made by the user fromID: "member",
// "administrator", "left", "kicked"… as Telegram sends it when the bot is
// added, promoted or removed.
func MyChatMemberUpdate(chatID int64, chatType string, fromID int64, oldStatus, newStatus string) tgbotapi.Update {
	if chatType == "" {
		chatType = chatTypeOf(chatID)
	}
	me := &tgbotapi.User{ID: BotID, IsBot: true, FirstName: "Một Cửa (test)", UserName: DefaultUsername}
	n := nextInbound()
	return tgbotapi.Update{
		UpdateID: int(n),
		MyChatMember: &tgbotapi.ChatMemberUpdated{
			Chat:          *chat(chatID, chatType),
			From:          *user(fromID),
			Date:          int(time.Now().Unix()),
			OldChatMember: tgbotapi.ChatMember{User: me, Status: oldStatus},
			NewChatMember: tgbotapi.ChatMember{User: me, Status: newStatus},
		},
	}
}

// CallbackUpdate is a press of an inline button with data under the bot's
// message messageID in chatID.
func CallbackUpdate(chatID int64, messageID int, fromID int64, data string) tgbotapi.Update {
	n := nextInbound()
	return tgbotapi.Update{
		UpdateID: int(n),
		CallbackQuery: &tgbotapi.CallbackQuery{
			ID:   strconv.FormatInt(n, 10),
			From: user(fromID),
			Message: &tgbotapi.Message{
				MessageID: messageID,
				From:      &tgbotapi.User{ID: BotID, IsBot: true, FirstName: "Một Cửa (test)", UserName: DefaultUsername},
				Date:      int(time.Now().Unix()),
				Chat:      chat(chatID, chatTypeOf(chatID)),
			},
			ChatInstance: strconv.FormatInt(chatID, 10),
			Data:         data,
		},
	}
}

// MigrateUpdate is the service message Telegram posts in a group that
// became the supergroup newChatID. (Telegram also posts one with
// migrate_from_chat_id in the supergroup.)
func MigrateUpdate(oldChatID, newChatID int64) tgbotapi.Update {
	n := nextInbound()
	return tgbotapi.Update{
		UpdateID: int(n),
		Message: &tgbotapi.Message{
			MessageID:       int(n),
			From:            &tgbotapi.User{ID: telegramUserID, FirstName: "Telegram"},
			Date:            int(time.Now().Unix()),
			Chat:            chat(oldChatID, "group"),
			MigrateToChatID: newChatID,
		},
	}
}

func user(id int64) *tgbotapi.User {
	return &tgbotapi.User{ID: id, FirstName: userName(id), LanguageCode: "vi"}
}

func chat(id int64, chatType string) *tgbotapi.Chat {
	c := &tgbotapi.Chat{ID: id, Type: chatType}
	if chatType == "private" {
		c.FirstName = userName(id)
	} else {
		c.Title = groupTitle(id)
	}
	return c
}

// entities marks a bot command at the start of text and "@username"
// mentions (5 to 32 Latin letters, digits or underscores) not inside a
// word, as Telegram does.
func entities(text string) []tgbotapi.MessageEntity {
	runes := []rune(text)
	at := make([]int, len(runes)+1) // UTF-16 offset of each rune
	for i, r := range runes {
		at[i+1] = at[i] + max(utf16.RuneLen(r), 1)
	}
	var out []tgbotapi.MessageEntity
	i := 0
	if len(runes) > 1 && runes[0] == '/' {
		if end := 1 + nameLen(runes[1:]); end > 1 {
			if end < len(runes) && runes[end] == '@' {
				if n := nameLen(runes[end+1:]); n > 0 {
					end += 1 + n
				}
			}
			out = append(out, tgbotapi.MessageEntity{Type: "bot_command", Offset: 0, Length: at[end]})
			i = end
		}
	}
	for ; i < len(runes); i++ {
		if runes[i] != '@' || (i > 0 && inWord(runes[i-1])) {
			continue
		}
		n := nameLen(runes[i+1:])
		if n >= 5 && n <= 32 {
			end := i + 1 + n
			out = append(out, tgbotapi.MessageEntity{Type: "mention", Offset: at[i], Length: at[end] - at[i]})
			i = end - 1
		}
	}
	return out
}

// nameLen is the length of the command or username at the start of rs.
func nameLen(rs []rune) int {
	n := 0
	for n < len(rs) && (rs[n] == '_' || rs[n] < unicode.MaxASCII && (unicode.IsLetter(rs[n]) || unicode.IsDigit(rs[n]))) {
		n++
	}
	return n
}

func inWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}
