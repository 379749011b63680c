package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const (
	// maxText and maxCaption are the Bot API's limits, in UTF-16 code
	// units after entity parsing.
	maxText    = 4096
	maxCaption = 1024
	// supergroupIDs is where supergroup and channel ids begin, downwards.
	supergroupIDs = -1_000_000_000_000
)

// Message is a message the bot sent, as the server read it: a text, or a
// photo whose caption is Text.
type Message struct {
	ChatID    int64
	MessageID int
	Text      string
	ParseMode string
	// Keyboard is the inline keyboard, row by row; nil when there is none.
	Keyboard [][]Button
	// Photo is a photo's photo parameter as sent: a file_id, a URL, or "@"
	// and the name of an uploaded file. It is "" for a text message.
	Photo string
	// Upload is an uploaded photo's contents.
	Upload []byte
}

func (m Message) clone() Message {
	if m.Keyboard != nil {
		m.Keyboard = slices.Clone(m.Keyboard)
		for i, row := range m.Keyboard {
			m.Keyboard[i] = slices.Clone(row)
		}
	}
	m.Upload = slices.Clone(m.Upload)
	return m
}

type messageKey struct {
	chat int64
	id   int
}

// wireUser, wireChat and wireMessage are what the Bot API answers, with
// only the fields the fake fills.
type wireUser struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	Username  string `json:"username,omitempty"`
}

type wireChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	FirstName string `json:"first_name,omitempty"`
}

type wirePhoto struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
}

type wireMessage struct {
	MessageID   int             `json:"message_id"`
	From        wireUser        `json:"from"`
	Chat        wireChat        `json:"chat"`
	Date        int64           `json:"date"`
	EditDate    int64           `json:"edit_date,omitempty"`
	Text        string          `json:"text,omitempty"`
	Photo       []wirePhoto     `json:"photo,omitempty"`
	Caption     string          `json:"caption,omitempty"`
	ReplyMarkup json.RawMessage `json:"reply_markup,omitempty"`
}

func (s *Server) wireMessage(chatID int64, messageID int, text string, inline json.RawMessage) wireMessage {
	return wireMessage{
		MessageID:   messageID,
		From:        wireUser{ID: BotID, IsBot: true, FirstName: "Một Cửa (test)", Username: s.username()},
		Chat:        wireChatOf(chatID),
		Date:        s.now().Unix(),
		Text:        text,
		ReplyMarkup: inline,
	}
}

// chatTypeOf guesses a chat's type from its id, as Telegram numbers them:
// users above zero, basic groups below, supergroups and channels below
// -10^12.
func chatTypeOf(id int64) string {
	switch {
	case id > 0:
		return "private"
	case id <= supergroupIDs:
		return "supergroup"
	default:
		return "group"
	}
}

func wireChatOf(id int64) wireChat {
	c := wireChat{ID: id, Type: chatTypeOf(id)}
	if c.Type == "private" {
		c.FirstName = userName(id)
	} else {
		c.Title = groupTitle(id)
	}
	return c
}

func userName(id int64) string   { return fmt.Sprintf("User %d", id) }
func groupTitle(id int64) string { return fmt.Sprintf("Group %d", id) }

// stored is a message the bot sent, as its edits left it.
type stored struct {
	msg    Message
	inline json.RawMessage
}

// chatLocked reads chat_id, and answers as Telegram does for a chat the bot
// may no longer write to: blocked or left, or upgraded to a supergroup.
func (s *Server) chatLocked(p params) (int64, answer, bool) {
	id, present, err := p.int64("chat_id")
	switch {
	case err != nil:
		return 0, badRequest("chat not found"), false
	case !present:
		return 0, badRequest("chat_id is empty"), false
	}
	if to, migrated := s.migrated[id]; migrated {
		return 0, apiError(http.StatusBadRequest, "Bad Request: group chat was upgraded to a supergroup chat",
			&tgbotapi.ResponseParameters{MigrateToChatID: to}), false
	}
	if s.blocked[id] {
		description := "Forbidden: bot was blocked by the user"
		switch chatTypeOf(id) {
		case "group":
			description = "Forbidden: bot was kicked from the group chat"
		case "supergroup":
			description = "Forbidden: bot was kicked from the supergroup chat"
		}
		return 0, apiError(http.StatusForbidden, description, nil), false
	}
	return id, answer{}, true
}

func (s *Server) sendMessage(_ context.Context, p params) answer {
	text := p["text"]
	kb, err := parseMarkup(p["reply_markup"])
	if err != nil {
		return badRequest(err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, a, ok := s.chatLocked(p)
	switch {
	case !ok:
		return a
	case text == "":
		return badRequest("message text is empty")
	case textLength(text, p["parse_mode"]) > maxText:
		return badRequest("message is too long")
	}
	if a, limited := s.admitLocked(chat); limited {
		return a
	}
	s.lastID[chat]++
	m := Message{ChatID: chat, MessageID: s.lastID[chat], Text: text, ParseMode: p["parse_mode"], Keyboard: kb.rows}
	if !s.DiscardHistory {
		s.sent = append(s.sent, m)
		s.current[messageKey{chat, m.MessageID}] = &stored{msg: m.clone(), inline: kb.inline}
	}
	s.stats.Sent++
	return result(s.wireMessage(chat, m.MessageID, text, kb.inline))
}

// sendPhoto accepts a photo by file_id, URL or upload. Photos are not in
// Sent: find them in Photos.
func (s *Server) sendPhoto(_ context.Context, p params, f files) answer {
	kb, err := parseMarkup(p["reply_markup"])
	if err != nil {
		return badRequest(err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, a, ok := s.chatLocked(p)
	switch {
	case !ok:
		return a
	case p["photo"] == "":
		return badRequest("there is no photo in the request")
	case strings.HasPrefix(p["photo"], "@") && len(f["photo"]) == 0:
		return badRequest("IMAGE_PROCESS_FAILED")
	case textLength(p["caption"], p["parse_mode"]) > maxCaption:
		return badRequest("message caption is too long")
	}
	if a, limited := s.admitLocked(chat); limited {
		return a
	}
	s.lastID[chat]++
	id := s.lastID[chat]
	m := Message{ChatID: chat, MessageID: id, Text: p["caption"], ParseMode: p["parse_mode"], Keyboard: kb.rows,
		Photo: p["photo"], Upload: f["photo"]}
	if !s.DiscardHistory {
		s.photos = append(s.photos, m)
		s.current[messageKey{chat, id}] = &stored{msg: m.clone(), inline: kb.inline}
	}
	s.stats.Sent++
	return result(s.wirePhoto(chat, id, m.Text, kb.inline))
}

// wirePhoto is a photo message as the Bot API answers it: the file id
// depends on the chat and message only.
func (s *Server) wirePhoto(chatID int64, messageID int, caption string, inline json.RawMessage) wireMessage {
	m := s.wireMessage(chatID, messageID, "", inline)
	m.Caption = caption
	fileID := fmt.Sprintf("photo-%d-%d", chatID, messageID)
	m.Photo = []wirePhoto{{FileID: fileID, FileUniqueID: fileID, Width: 320, Height: 320}}
	return m
}

// Photos are the photos sendPhoto accepted for chatID, oldest first, as
// they were sent; 0 means every chat.
func (s *Server) Photos(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.photos {
		if chatID == 0 || m.ChatID == chatID {
			out = append(out, m.clone())
		}
	}
	return out
}

// What an edit changes.
type editKind int

const (
	editText editKind = iota
	editCaption
	editMarkup
)

func (s *Server) editMessageText(_ context.Context, p params) answer {
	return s.edit(p, editText)
}

func (s *Server) editMessageCaption(_ context.Context, p params) answer {
	return s.edit(p, editCaption)
}

func (s *Server) editMessageReplyMarkup(_ context.Context, p params) answer {
	return s.edit(p, editMarkup)
}

// edit changes a message's text, a photo's caption, or only the keyboard.
// As in Telegram, a keyboard left out of the request is taken off the
// message, an edit that changes nothing is refused, and so are an edit of
// the text of a photo and of the caption of a text. An edit of a message
// the fake did not send (an inline message, one a test made up for a
// callback) is accepted as it is.
func (s *Server) edit(p params, kind editKind) answer {
	kb, err := parseMarkup(p["reply_markup"])
	if err != nil {
		return badRequest(err.Error())
	}
	var text string
	switch kind {
	case editText:
		text = p["text"]
		switch {
		case text == "":
			return badRequest("message text is empty")
		case textLength(text, p["parse_mode"]) > maxText:
			return badRequest("message is too long")
		}
	case editCaption:
		text = p["caption"]
		if textLength(text, p["parse_mode"]) > maxCaption {
			return badRequest("message caption is too long")
		}
	}
	if p["inline_message_id"] != "" {
		return result(true)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, a, ok := s.chatLocked(p)
	if !ok {
		return a
	}
	id, err := p.int("message_id", 0)
	if err != nil || id <= 0 {
		return badRequest("message identifier is not specified")
	}

	next := Message{ChatID: chat, MessageID: id, Text: text, ParseMode: p["parse_mode"], Keyboard: kb.rows}
	if cur := s.current[messageKey{chat, id}]; cur != nil {
		switch {
		case kind == editText && cur.msg.Photo != "":
			return badRequest("there is no text in the message to edit")
		case kind == editCaption && cur.msg.Photo == "":
			return badRequest("there is no caption in the message to edit")
		case kind == editMarkup:
			next.Text, next.ParseMode = cur.msg.Text, cur.msg.ParseMode
		}
		next.Photo, next.Upload = cur.msg.Photo, cur.msg.Upload
		if next.Text == cur.msg.Text && slices.EqualFunc(next.Keyboard, cur.msg.Keyboard, slices.Equal[[]Button]) {
			return badRequest("message is not modified: specified new message content and reply markup are exactly the same as a content and reply markup of the current message")
		}
		*cur = stored{msg: next.clone(), inline: kb.inline}
	}
	if !s.EditReturnsMessage {
		return result(true)
	}
	m := s.wireMessage(chat, id, next.Text, kb.inline)
	if next.Photo != "" || kind == editCaption {
		m = s.wirePhoto(chat, id, next.Text, kb.inline)
	}
	m.EditDate = m.Date
	return result(m)
}

// htmlTag is a tag in a text sent in HTML parse mode, which Telegram
// removes before it measures the text.
var htmlTag = regexp.MustCompile(`<[^>]*>`)

// textLength approximates the length Telegram measures a text by: UTF-16
// code units after entity parsing. Markup is removed for HTML; Markdown is
// measured as it is.
func textLength(text, parseMode string) int {
	if strings.EqualFold(parseMode, tgbotapi.ModeHTML) {
		text = html.UnescapeString(htmlTag.ReplaceAllString(text, ""))
	}
	return utf16Len(text)
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}
