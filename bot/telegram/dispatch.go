package telegram

import (
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// chatOf is the chat an update belongs to, the key the dispatcher orders
// updates by; an update of no chat is its own.
func chatOf(upd tgbotapi.Update) string {
	switch {
	case upd.Message != nil && upd.Message.Chat != nil:
		return chatKey(upd.Message.Chat.ID)
	case upd.CallbackQuery != nil && upd.CallbackQuery.Message != nil && upd.CallbackQuery.Message.Chat != nil:
		return chatKey(upd.CallbackQuery.Message.Chat.ID)
	case upd.MyChatMember != nil:
		return chatKey(upd.MyChatMember.Chat.ID)
	}
	return "update:" + strconv.Itoa(upd.UpdateID)
}
