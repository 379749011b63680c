package zalo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/motcua/motcua/bot"
)

// update is one update as the Bot Platform sends it, by getUpdates or to
// the webhook.
type update struct {
	EventName string   `json:"event_name"`
	Message   *message `json:"message"`
}

type message struct {
	MessageID string `json:"message_id"`
	Text      string `json:"text"`
	Caption   string `json:"caption"`
	// PhotoURL is where the picture of message.image.received is; older
	// documents name it photo.
	PhotoURL string `json:"photo_url"`
	Photo    string `json:"photo"`
	From     sender `json:"from"`
	Chat     chat   `json:"chat"`
}

type sender struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	FirstName   string `json:"first_name"`
	Name        string `json:"name"`
	IsBot       bool   `json:"is_bot"`
}

type chat struct {
	ID       string `json:"id"`
	ChatType string `json:"chat_type"`
}

// Events of an update, its event_name.
const (
	eventText  = "message.text.received"
	eventImage = "message.image.received"
)

// decodeUpdates reads what may hold updates: a getUpdates result or a
// webhook body. Zalo documents one update wrapped as {"ok":true,
// "result":{update}}, sends it bare, and clients have met an array, {}
// and null: every one is accepted, and those without a message are none.
func decodeUpdates(raw []byte) ([]update, error) {
	return decodeDepth(raw, 0)
}

func decodeDepth(raw []byte, depth int) ([]update, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if depth > 2 {
		return nil, errors.New("decode updates: nested too deep")
	}
	switch raw[0] {
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, fmt.Errorf("decode updates: %w", err)
		}
		var out []update
		for _, item := range items {
			us, err := decodeDepth(item, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, us...)
		}
		return out, nil
	case '{':
		var probe struct {
			Result json.RawMessage `json:"result"`
			update
		}
		if err := json.Unmarshal(raw, &probe); err != nil {
			return nil, fmt.Errorf("decode updates: %w", err)
		}
		if probe.Message == nil && len(probe.Result) > 0 {
			return decodeDepth(probe.Result, depth+1)
		}
		if probe.Message == nil {
			return nil, nil
		}
		return []update{probe.update}, nil
	}
	return nil, fmt.Errorf("decode updates: a JSON %c is not an update", raw[0])
}

// Kinds of update, as metrics labels.
const (
	kindText    = "text"
	kindImage   = "image"
	kindOther   = "other" // a sticker, a voice message, what Zalo cannot show
	kindGroup   = "group"
	kindIgnored = "ignored"
)

// convert turns a Zalo update into the service's, with the chat to answer
// in. Messages from bots, from the bot itself and without a chat come back
// as kindIgnored.
func (b *Bot) convert(upd update) (bot.Update, string, string) {
	m := upd.Message
	if m == nil || m.Chat.ID == "" || m.From.ID == "" || m.From.IsBot || m.From.ID == b.id {
		return bot.Update{}, "", kindIgnored
	}
	u := bot.Update{
		Chat: bot.Chat{ID: chatPrefix + m.Chat.ID, Private: strings.EqualFold(m.Chat.ChatType, "PRIVATE")},
		From: bot.User{ID: chatPrefix + m.From.ID, Name: firstOf(m.From.DisplayName, m.From.FirstName, m.From.Name)},
	}
	if m.MessageID != "" {
		u.ID = "zl:u:" + m.MessageID
	}
	kind := kindOther
	switch upd.EventName {
	case eventText:
		u.Text, kind = m.Text, kindText
	case eventImage:
		if url := firstOf(m.PhotoURL, m.Photo); url != "" {
			u.Photo = &bot.Photo{URL: url}
		}
		u.Text, kind = firstOf(m.Caption, m.Text), kindImage
	}
	if !u.Chat.Private {
		u.Text = b.unmention(u.Text)
		kind = kindGroup
	}
	return u, m.Chat.ID, kind
}

// unmention takes the mention of the bot out of a group message's text:
// Zalo puts it inline, "@<the bot's name>", wherever she typed it. Every
// name the bot is known by is tried, without regard to case.
func (b *Bot) unmention(text string) string {
	lower := strings.ToLower(text)
	for _, name := range b.names {
		mention := "@" + strings.ToLower(name)
		if i := strings.Index(lower, mention); i >= 0 && len(lower) == len(text) {
			text = text[:i] + text[i+len(mention):]
			break
		}
	}
	return strings.Join(strings.Fields(text), " ")
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
