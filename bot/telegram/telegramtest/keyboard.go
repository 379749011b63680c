package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
)

// maxCallbackData is the Bot API's limit on a button's callback_data, in
// bytes.
const maxCallbackData = 64

// Button is an inline keyboard button. Buttons of other kinds (login,
// inline query, game, pay) show only their Text.
type Button struct {
	Text, CallbackData, URL string
}

// markup is a reply_markup as the fake reads it: only inline keyboards are
// decoded; reply keyboards, their removal and force_reply pass unread.
type markup struct {
	rows   [][]Button
	inline json.RawMessage // the inline keyboard markup, compact, as Telegram echoes it
}

// buttonActions are the fields of which an inline button must have one.
var buttonActions = []string{
	"url", "callback_data", "login_url", "switch_inline_query",
	"switch_inline_query_current_chat", "callback_game", "pay", "web_app",
}

// parseMarkup reads a reply_markup and refuses what Telegram refuses in an
// inline keyboard: a button without an action, callback data that is empty
// or over 64 bytes, a URL that is not http(s) or tg.
func parseMarkup(raw string) (markup, error) {
	if raw == "" {
		return markup{}, nil
	}
	var m struct {
		InlineKeyboard [][]map[string]json.RawMessage `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return markup{}, errors.New("can't parse reply keyboard markup JSON object")
	}
	if m.InlineKeyboard == nil {
		return markup{}, nil
	}
	var kb markup
	for _, row := range m.InlineKeyboard {
		var buttons []Button
		for _, fields := range row {
			b, err := parseButton(fields)
			if err != nil {
				return markup{}, err
			}
			buttons = append(buttons, b)
		}
		if len(buttons) > 0 {
			kb.rows = append(kb.rows, buttons)
		}
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(raw)); err == nil {
		kb.inline = compact.Bytes()
	}
	return kb, nil
}

func parseButton(fields map[string]json.RawMessage) (Button, error) {
	var b Button
	if json.Unmarshal(fields["text"], &b.Text) != nil || b.Text == "" {
		return Button{}, errors.New("BUTTON_TEXT_INVALID")
	}
	actions := 0
	for _, k := range buttonActions {
		if _, has := fields[k]; has {
			actions++
		}
	}
	if actions == 0 {
		return Button{}, errors.New("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	}
	if raw, has := fields["callback_data"]; has {
		if json.Unmarshal(raw, &b.CallbackData) != nil || b.CallbackData == "" || len(b.CallbackData) > maxCallbackData {
			return Button{}, errors.New("BUTTON_DATA_INVALID")
		}
	}
	if raw, has := fields["url"]; has {
		if json.Unmarshal(raw, &b.URL) != nil || !validButtonURL(b.URL) {
			return Button{}, errors.New("BUTTON_URL_INVALID")
		}
	}
	return b, nil
}

func validButtonURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "http", "https":
		return u.Host != ""
	case "tg":
		return true
	}
	return false
}

// answerCallbackQuery accepts any query id but an empty one: the fake does
// not know which queries are still open.
func (s *Server) answerCallbackQuery(_ context.Context, p params) answer {
	switch {
	case p["callback_query_id"] == "":
		return badRequest("query is too old and response timeout expired or query ID is invalid")
	case utf16Len(p["text"]) > 200:
		return badRequest("MESSAGE_TOO_LONG")
	}
	return result(true)
}
