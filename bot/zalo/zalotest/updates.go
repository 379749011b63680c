package zalotest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"time"
)

// Chat types.
const (
	Private = "PRIVATE"
	Group   = "GROUP"
)

// Events.
const (
	EventText        = "message.text.received"
	EventImage       = "message.image.received"
	EventSticker     = "message.sticker.received"
	EventUnsupported = "message.unsupported.received"
)

// Update is one update as the Bot Platform sends it.
type Update struct {
	EventName string        `json:"event_name"`
	Message   UpdateMessage `json:"message"`
}

// UpdateMessage is an update's message.
type UpdateMessage struct {
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"`
	Text      string `json:"text,omitempty"`
	Caption   string `json:"caption,omitempty"`
	PhotoURL  string `json:"photo_url,omitempty"`
	From      From   `json:"from"`
	Chat      Chat   `json:"chat"`
}

// From is who sent a message.
type From struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	IsBot       bool   `json:"is_bot"`
}

// Chat is where a message was sent.
type Chat struct {
	ID       string `json:"id"`
	ChatType string `json:"chat_type"`
}

var lastMessageID atomic.Int64

// Text is a text message from user fromID in chatID, of chatType (Private
// or Group), with a message id of its own.
func Text(chatID, chatType, fromID, text string) Update {
	return Update{EventName: EventText, Message: UpdateMessage{
		MessageID: fmt.Sprintf("m%019x", lastMessageID.Add(1)),
		Date:      time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC).UnixMilli(),
		Text:      text,
		From:      From{ID: fromID, DisplayName: "Người dân " + fromID},
		Chat:      Chat{ID: chatID, ChatType: chatType},
	}}
}

// Image is a picture at url sent in a private chat, with a caption.
func Image(chatID, url, caption string) Update {
	u := Text(chatID, Private, chatID, "")
	u.EventName, u.Message.PhotoURL, u.Message.Caption = EventImage, url, caption
	return u
}

// Sticker is a sticker sent in a private chat.
func Sticker(chatID string) Update {
	u := Text(chatID, Private, chatID, "")
	u.EventName = EventSticker
	return u
}

// PushUpdate queues u for getUpdates.
func (s *Server) PushUpdate(u Update) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, u)
	s.signalLocked()
}

// Pending are the updates queued and not yet handed out.
func (s *Server) Pending() []Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.queue)
}

// SecretHeader is the header Zalo sends a webhook's secret token in.
const SecretHeader = "X-Bot-Api-Secret-Token"

// Deliver posts u to a webhook as Zalo does: a JSON body, bare or, with
// wrapped, as {"ok":true,"result":u}; the secret in SecretHeader unless
// secret is ""; Zalo's Java User-Agent. The caller closes the body.
func Deliver(ctx context.Context, webhookURL, secret string, u Update, wrapped bool) (*http.Response, error) {
	if webhookURL == "" {
		return nil, errors.New("zalotest: deliver an update: no webhook URL")
	}
	var v any = u
	if wrapped {
		v = map[string]any{"ok": true, "result": u}
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("zalotest: deliver an update: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("zalotest: deliver an update: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Java/1.8.0_202")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	return http.DefaultClient.Do(req)
}
