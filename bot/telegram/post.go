package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot"
)

// post sends the parts of m to chatID, in order, and returns the message
// id of the last. With waitRateLimit false a 429 is returned, not waited
// out. A part that fails ends it: the parts before it stay sent.
func (b *Bot) post(ctx context.Context, chatID int64, m bot.Message, waitRateLimit bool) (int, error) {
	resp, err := b.sendParts(ctx, chatID, m, waitRateLimit)
	if err != nil {
		return 0, err
	}
	if resp == nil {
		return 0, errors.New("telegram: a message with nothing to send")
	}
	var sent struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(resp.Result, &sent); err != nil || sent.MessageID == 0 {
		return 0, errors.New("telegram: sent, but the answer holds no message_id")
	}
	return sent.MessageID, nil
}

// sendParts sends the parts of m to chatID, in order, and returns the
// answer to the last: a reply, whose message id nobody reads, stops here.
func (b *Bot) sendParts(ctx context.Context, chatID int64, m bot.Message, waitRateLimit bool) (*tgbotapi.APIResponse, error) {
	var resp *tgbotapi.APIResponse
	for _, p := range b.parts(chatID, m) {
		var err error
		if resp, err = b.sendWith(ctx, p.method, b.request(p.c), waitRateLimit); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// Post sends one message, unasked, to a chat named "tg:<id>" — a
// reminder, a notice, a notice's progress — and returns the reference of
// the message to Edit later: the message_id, in decimal, of its last part
// (the text after a photo whose caption did not fit; the photo when it
// did). Unlike replies, a 429 is not waited out but returned (a *SendError
// whose RateLimited reports the wait), so that a caller that paces many
// chats pauses them all; a 403 is returned as Blocked, a migrated group
// with its MigratedTo.
func (b *Bot) Post(ctx context.Context, chat string, m bot.Message) (string, error) {
	id, err := telegramChat(chat)
	if err != nil {
		return "", err
	}
	ref, err := b.post(ctx, id, m, false)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(ref), nil
}

// SendTo is Post, when the message will not be edited.
func (b *Bot) SendTo(ctx context.Context, chat string, m bot.Message) error {
	_, err := b.Post(ctx, chat, m)
	return err
}

// Telegram's answers to edits that Edit acts on.
const (
	notModified = "message is not modified"
	noText      = "there is no text in the message to edit"
)

// cannotEdit are Telegram's answers for a message that is no longer there
// to edit, or may no longer be edited.
var cannotEdit = []string{"message to edit not found", "message can't be edited"}

// Edit replaces the text and buttons of the message ref (as Post returned
// it) in chat, as staff watch a notice's progress change in place. The
// text is escaped for HTML and cut to Telegram's 4096 characters; the
// message keeps no keyboard unless m has buttons. A photo's caption is
// edited instead (cut to 1024 characters), Telegram telling which the
// message is; the photo itself never changes, whatever m.Photo says. An
// edit that changes nothing is no error. Like Post, a 429 is returned, not
// waited out. A message that was deleted or may no longer be edited
// answers an error that is bot.ErrCannotEdit.
func (b *Bot) Edit(ctx context.Context, chat, ref string, m bot.Message) error {
	chatID, err := telegramChat(chat)
	if err != nil {
		return err
	}
	msgID, err := strconv.Atoi(ref)
	if err != nil || msgID <= 0 {
		return fmt.Errorf("telegram: %q is not a message reference", ref)
	}
	var markup *tgbotapi.InlineKeyboardMarkup
	if kb, ok := b.keyboard(m); ok {
		markup = &kb
	}
	edit := tgbotapi.NewEditMessageText(chatID, msgID, html.EscapeString(truncate(m.Text, maxText)))
	edit.ParseMode, edit.DisableWebPagePreview, edit.ReplyMarkup = tgbotapi.ModeHTML, true, markup
	_, err = b.sendWith(ctx, "editMessageText", config(edit), false)
	if refused(err, noText) {
		caption := tgbotapi.NewEditMessageCaption(chatID, msgID, html.EscapeString(truncate(m.Text, maxCaption)))
		caption.ParseMode, caption.ReplyMarkup = tgbotapi.ModeHTML, markup
		_, err = b.sendWith(ctx, "editMessageCaption", config(caption), false)
	}
	switch {
	case err == nil, refused(err, notModified):
		return nil
	case refused(err, cannotEdit...):
		return fmt.Errorf("telegram: edit message %s: %w: %w", ref, bot.ErrCannotEdit, err)
	}
	return fmt.Errorf("telegram: edit message %s: %w", ref, err)
}

// refused reports whether the Bot API refused a request with one of these
// descriptions.
func refused(err error, descriptions ...string) bool {
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != 400 {
		return false
	}
	for _, d := range descriptions {
		if strings.Contains(apiErr.Message, d) {
			return true
		}
	}
	return false
}
