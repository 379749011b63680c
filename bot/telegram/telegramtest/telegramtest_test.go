package telegramtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
)

const token = "123456:TEST-token_abc"

// newAPI is the real client library, pointed at srv.
func newAPI(t *testing.T, srv *telegramtest.Server) *tgbotapi.BotAPI {
	t.Helper()
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(token, srv.Endpoint())
	if err != nil {
		t.Fatalf("NewBotAPIWithAPIEndpoint: %v", err)
	}
	return api
}

// apiError is err as the library's typed error, or a failed test.
func apiError(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var e *tgbotapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *tgbotapi.Error", err, err)
	}
	return e
}

func keyboard(rows ...[]tgbotapi.InlineKeyboardButton) tgbotapi.InlineKeyboardMarkup {
	return tgbotapi.NewInlineKeyboardMarkup(rows...)
}

func TestGetMe(t *testing.T) {
	tests := []struct {
		name     string
		username string
		want     string
	}{
		{name: "default", want: telegramtest.DefaultUsername},
		{name: "set", username: "xa_an_phu_bot", want: "xa_an_phu_bot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := telegramtest.New(t, token)
			srv.Username = tt.username
			api := newAPI(t, srv)
			if api.Self.UserName != tt.want || api.Self.ID != telegramtest.BotID || !api.Self.IsBot {
				t.Errorf("Self = %+v, want bot %d @%s", api.Self, telegramtest.BotID, tt.want)
			}
			if calls := srv.CallsOf("getMe"); len(calls) != 1 {
				t.Errorf("getMe calls = %d, want 1", len(calls))
			}
		})
	}
}

func TestWrongToken(t *testing.T) {
	srv := telegramtest.New(t, token)
	_, err := tgbotapi.NewBotAPIWithAPIEndpoint("654321:OTHER", srv.Endpoint())
	if e := apiError(t, err); e.Code != http.StatusUnauthorized || e.Message != "Unauthorized" {
		t.Errorf("error = %d %q, want 401 Unauthorized", e.Code, e.Message)
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("calls with a wrong token were recorded: %v", calls)
	}
	if st := srv.Stats(); st.Requests != 1 || st.Errors != 1 {
		t.Errorf("Stats = %+v, want 1 request, 1 error", st)
	}
}

func TestSendMessageWithKeyboard(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)

	msg := tgbotapi.NewMessage(42, "<b>Khai sinh</b>: chọn một")
	msg.ParseMode = tgbotapi.ModeHTML
	msg.ReplyMarkup = keyboard(
		tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("1. Có", "t3:yes"),
			tgbotapi.NewInlineKeyboardButtonData("2. Không", "t3:no"),
		),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL("Mở", "https://t.me/motcua_test_bot?start=khai_sinh")),
	)
	got, err := api.Send(msg)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got.MessageID != 1 || got.Chat == nil || got.Chat.ID != 42 || got.Chat.Type != "private" || got.Text != msg.Text {
		t.Errorf("answer = id %d, chat %+v, text %q", got.MessageID, got.Chat, got.Text)
	}
	if got.ReplyMarkup == nil || len(got.ReplyMarkup.InlineKeyboard) != 2 {
		t.Errorf("answer's reply_markup = %+v, want the keyboard", got.ReplyMarkup)
	}

	want := telegramtest.Message{
		ChatID: 42, MessageID: 1, Text: msg.Text, ParseMode: "HTML",
		Keyboard: [][]telegramtest.Button{
			{{Text: "1. Có", CallbackData: "t3:yes"}, {Text: "2. Không", CallbackData: "t3:no"}},
			{{Text: "Mở", URL: "https://t.me/motcua_test_bot?start=khai_sinh"}},
		},
	}
	sent := srv.SentTo(42)
	if len(sent) != 1 || !equalMessages(sent[0], want) {
		t.Fatalf("SentTo(42) = %+v, want [%+v]", sent, want)
	}

	// Message ids count per chat.
	for _, tc := range []struct {
		chat   int64
		wantID int
	}{{42, 2}, {-100, 1}, {42, 3}} {
		m, err := api.Send(tgbotapi.NewMessage(tc.chat, "tiếp"))
		if err != nil || m.MessageID != tc.wantID {
			t.Errorf("send to %d: id %d, %v; want id %d", tc.chat, m.MessageID, err, tc.wantID)
		}
	}
	if n := len(srv.Sent()); n != 4 {
		t.Errorf("Sent() has %d messages, want 4", n)
	}
	if st := srv.Stats(); st.Sent != 4 {
		t.Errorf("Stats().Sent = %d, want 4", st.Sent)
	}
}

func equalMessages(a, b telegramtest.Message) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func TestEdit(t *testing.T) {
	for _, returnsMessage := range []bool{false, true} {
		name := "answers true"
		if returnsMessage {
			name = "answers the message"
		}
		t.Run(name, func(t *testing.T) {
			srv := telegramtest.New(t, token)
			srv.EditReturnsMessage = returnsMessage
			api := newAPI(t, srv)
			msg := tgbotapi.NewMessage(7, "Bạn đã có giấy chứng sinh chưa?")
			msg.ReplyMarkup = keyboard(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Có", "t1:1")))
			sent, err := api.Send(msg)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}

			// The library's Send decodes a Message, which `true` is not:
			// an adapter edits with Request.
			resp, err := api.Request(tgbotapi.NewEditMessageText(7, sent.MessageID, "Bạn đã có giấy chứng sinh chưa? — Có"))
			if err != nil {
				t.Fatalf("Request(edit): %v", err)
			}
			var edited tgbotapi.Message
			switch {
			case !returnsMessage && string(resp.Result) != "true":
				t.Errorf("edit answered %s, want true", resp.Result)
			case returnsMessage && (json.Unmarshal(resp.Result, &edited) != nil || edited.MessageID != sent.MessageID || edited.EditDate == 0):
				t.Errorf("edit answered %s, want the edited message", resp.Result)
			}
			// Without reply_markup, the edit took the keyboard off.
			cur, found := srv.Current(7, sent.MessageID)
			if !found || cur.Text != "Bạn đã có giấy chứng sinh chưa? — Có" || cur.Keyboard != nil {
				t.Errorf("Current = %+v, %v; want the new text and no keyboard", cur, found)
			}
			if s := srv.SentTo(7); s[0].Keyboard == nil {
				t.Error("Sent() changed with the edit; it should keep what was sent")
			}

			// The same edit again changes nothing, and Telegram refuses it.
			_, err = api.Request(tgbotapi.NewEditMessageText(7, sent.MessageID, "Bạn đã có giấy chứng sinh chưa? — Có"))
			if e := apiError(t, err); e.Code != 400 || !strings.Contains(e.Message, "message is not modified") {
				t.Errorf("repeated edit: %d %q, want 400 message is not modified", e.Code, e.Message)
			}
			// So does taking off a keyboard that is gone: a second press.
			off := tgbotapi.EditMessageReplyMarkupConfig{BaseEdit: tgbotapi.BaseEdit{ChatID: 7, MessageID: sent.MessageID}}
			if _, err := api.Request(off); apiError(t, err).Code != 400 {
				t.Errorf("removing a removed keyboard: %v, want 400", err)
			}
			back := tgbotapi.NewEditMessageReplyMarkup(7, sent.MessageID, keyboard(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Sửa", "t2:edit"))))
			if _, err := api.Request(back); err != nil {
				t.Errorf("editMessageReplyMarkup: %v", err)
			}
			if cur, _ := srv.Current(7, sent.MessageID); len(cur.Keyboard) != 1 || cur.Keyboard[0][0].CallbackData != "t2:edit" {
				t.Errorf("Current keyboard = %+v, want the new one", cur.Keyboard)
			}
			if _, err := api.Request(off); err != nil {
				t.Errorf("taking the keyboard off: %v", err)
			}
			// A message the fake did not send (a made-up callback's) edits.
			if _, err := api.Request(tgbotapi.NewEditMessageText(7, 999, "x")); err != nil {
				t.Errorf("edit of an unknown message: %v", err)
			}
			if n := len(srv.CallsOf("editMessageText")); n != 3 {
				t.Errorf("editMessageText calls = %d, want 3", n)
			}
		})
	}
}

func TestAnswerCallbackQuery(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	u := telegramtest.CallbackUpdate(7, 3, 7, "t1:yes")
	if _, err := api.Request(tgbotapi.NewCallback(u.CallbackQuery.ID, "")); err != nil {
		t.Fatalf("answerCallbackQuery: %v", err)
	}
	calls := srv.CallsOf("answerCallbackQuery")
	if len(calls) != 1 || calls[0].Params["callback_query_id"] != u.CallbackQuery.ID {
		t.Errorf("calls = %+v, want one for query %s", calls, u.CallbackQuery.ID)
	}
	if _, err := api.Request(tgbotapi.NewCallback("", "")); apiError(t, err).Code != 400 {
		t.Errorf("empty query id: %v, want 400", err)
	}
}

func TestErrors(t *testing.T) {
	long := strings.Repeat("ă", 4097)
	tests := []struct {
		name  string
		setup func(*telegramtest.Server)
		send  tgbotapi.Chattable
		check func(t *testing.T, err error)
	}{
		{
			name:  "HTML from a proxy is a decode error, not an API error",
			setup: func(s *telegramtest.Server) { s.FailNext("sendMessage", 502, "<html>Bad Gateway</html>") },
			send:  tgbotapi.NewMessage(42, "a"),
			check: func(t *testing.T, err error) {
				var syntax *json.SyntaxError
				var api *tgbotapi.Error
				if !errors.As(err, &syntax) || errors.As(err, &api) {
					t.Errorf("err = %v (%T), want only a *json.SyntaxError", err, err)
				}
			},
		},
		{
			name:  "JSON without ok is an API error without code or message",
			setup: func(s *telegramtest.Server) { s.FailNext("sendMessage", 500, `{"error":"internal"}`) },
			send:  tgbotapi.NewMessage(42, "a"),
			check: func(t *testing.T, err error) {
				if e := apiError(t, err); e.Code != 0 || e.Message != "" {
					t.Errorf("error = %d %q, want 0 and empty", e.Code, e.Message)
				}
			},
		},
		{
			name:  "rate limited",
			setup: func(s *telegramtest.Server) { s.RateLimitNext("sendMessage", 7) },
			send:  tgbotapi.NewMessage(42, "a"),
			check: wantAPIError(429, "Too Many Requests: retry after 7", func(e *tgbotapi.Error) bool { return e.RetryAfter == 7 }),
		},
		{
			name:  "blocked by the user",
			setup: func(s *telegramtest.Server) { s.Block(42) },
			send:  tgbotapi.NewMessage(42, "a"),
			check: wantAPIError(403, "Forbidden: bot was blocked by the user", nil),
		},
		{
			name:  "removed from the group",
			setup: func(s *telegramtest.Server) { s.Block(-42) },
			send:  tgbotapi.NewMessage(-42, "a"),
			check: wantAPIError(403, "Forbidden: bot was kicked from the group chat", nil),
		},
		{
			name:  "blocked chat refuses edits too",
			setup: func(s *telegramtest.Server) { s.Block(42) },
			send:  tgbotapi.NewEditMessageText(42, 1, "a"),
			check: wantAPIError(403, "Forbidden: bot was blocked by the user", nil),
		},
		{
			name:  "group upgraded to a supergroup",
			setup: func(s *telegramtest.Server) { s.Migrate(-42, -1001234567890) },
			send:  tgbotapi.NewMessage(-42, "a"),
			check: wantAPIError(400, "Bad Request: group chat was upgraded to a supergroup chat",
				func(e *tgbotapi.Error) bool { return e.MigrateToChatID == -1001234567890 }),
		},
		{
			name:  "text too long",
			send:  tgbotapi.NewMessage(42, long),
			check: wantAPIError(400, "Bad Request: message is too long", nil),
		},
		{
			name:  "empty text",
			send:  tgbotapi.NewMessage(42, ""),
			check: wantAPIError(400, "Bad Request: message text is empty", nil),
		},
		{
			name:  "callback data over 64 bytes",
			send:  withKeyboard(tgbotapi.NewMessage(42, "a"), tgbotapi.NewInlineKeyboardButtonData("x", strings.Repeat("đ", 33))),
			check: wantAPIError(400, "Bad Request: BUTTON_DATA_INVALID", nil),
		},
		{
			name:  "button without an action",
			send:  withKeyboard(tgbotapi.NewMessage(42, "a"), tgbotapi.InlineKeyboardButton{Text: "x"}),
			check: wantAPIError(400, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard", nil),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := telegramtest.New(t, token)
			api := newAPI(t, srv)
			if tt.setup != nil {
				tt.setup(srv)
			}
			_, err := api.Request(tt.send)
			if err == nil {
				t.Fatal("no error")
			}
			tt.check(t, err)
			// A fault takes one call; the next one goes through.
			if _, err := api.Send(tgbotapi.NewMessage(1, "again")); err != nil {
				t.Errorf("the next send: %v", err)
			}
		})
	}
}

func wantAPIError(code int, message string, more func(*tgbotapi.Error) bool) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		e := apiError(t, err)
		if e.Code != code || e.Message != message || (more != nil && !more(e)) {
			t.Errorf("error = %+v, want %d %q", e, code, message)
		}
	}
}

func withKeyboard(m tgbotapi.MessageConfig, b tgbotapi.InlineKeyboardButton) tgbotapi.MessageConfig {
	m.ReplyMarkup = keyboard(tgbotapi.NewInlineKeyboardRow(b))
	return m
}

func TestHTMLMarkupIsNotCounted(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	msg := tgbotapi.NewMessage(42, "<b>"+strings.Repeat("ơ", 4090)+"</b> &amp;")
	msg.ParseMode = tgbotapi.ModeHTML
	if _, err := api.Send(msg); err != nil {
		t.Errorf("4092 characters in HTML: %v", err)
	}
}

func TestFaultsQueueInOrder(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	srv.FailNext("sendMessage", 500, "<html>Internal Server Error</html>")
	srv.RateLimitNext("SENDMESSAGE", 2)
	srv.FailNext("", 503, `{"ok":false,"error_code":503,"description":"Service Unavailable"}`)

	// getMe skips the sendMessage faults and takes the one for any method.
	if _, err := api.GetMe(); apiError(t, err).Code != 503 {
		t.Errorf("getMe: %v, want 503", err)
	}
	send := func() error { _, err := api.Send(tgbotapi.NewMessage(1, "a")); return err }
	var syntax *json.SyntaxError
	if err := send(); !errors.As(err, &syntax) {
		t.Errorf("first send: %v, want the HTML page's decode error", err)
	}
	if err := send(); apiError(t, err).RetryAfter != 2 {
		t.Errorf("second send: %v, want retry after 2", err)
	}
	if err := send(); err != nil {
		t.Errorf("third send: %v", err)
	}
	if st := srv.Stats(); st.RateLimited != 1 || st.Errors != 2 || st.Sent != 1 {
		t.Errorf("Stats = %+v, want 1 rate limited, 2 errors, 1 sent", st)
	}
}

func TestUnknownMethod(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	_, err := api.MakeRequest("sendDice", tgbotapi.Params{"chat_id": "1"})
	if e := apiError(t, err); e.Code != 404 || e.Message != "Not Found" {
		t.Errorf("error = %d %q, want 404 Not Found", e.Code, e.Message)
	}
}

// TestRequestForms sends what other clients send: JSON bodies, query
// strings, method names in another case.
func TestRequestForms(t *testing.T) {
	tests := []struct {
		name        string
		path        string
		contentType string
		body        string
	}{
		{
			name:        "JSON",
			path:        "/SendMessage",
			contentType: "application/json",
			body:        `{"chat_id":7,"text":"xin chào","reply_markup":{"inline_keyboard":[[{"text":"Có","callback_data":"yes"}]]}}`,
		},
		{
			name:        "form",
			path:        "/sendmessage",
			contentType: "application/x-www-form-urlencoded",
			body:        `chat_id=7&text=xin+ch%C3%A0o&reply_markup=%7B%22inline_keyboard%22%3A%5B%5B%7B%22text%22%3A%22C%C3%B3%22%2C%22callback_data%22%3A%22yes%22%7D%5D%5D%7D`,
		},
		{
			name: "query string",
			path: `/sendMessage?chat_id=7&text=xin+ch%C3%A0o&reply_markup=%7B%22inline_keyboard%22%3A%5B%5B%7B%22text%22%3A%22C%C3%B3%22%2C%22callback_data%22%3A%22yes%22%7D%5D%5D%7D`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := telegramtest.New(t, token)
			req, err := http.NewRequest(http.MethodPost, srv.URL()+"/bot"+token+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.HasPrefix(string(body), `{"ok":true,`) {
				t.Fatalf("answer %d %s", resp.StatusCode, body)
			}
			calls := srv.CallsOf("sendMessage")
			if len(calls) != 1 || calls[0].Method != "sendMessage" {
				t.Fatalf("calls = %+v, want one sendMessage", calls)
			}
			p := calls[0].Params
			if p["chat_id"] != "7" || p["text"] != "xin chào" || p["reply_markup"] != `{"inline_keyboard":[[{"text":"Có","callback_data":"yes"}]]}` {
				t.Errorf("params = %q", p)
			}
			if sent := srv.Sent(); len(sent) != 1 || sent[0].Keyboard[0][0] != (telegramtest.Button{Text: "Có", CallbackData: "yes"}) {
				t.Errorf("Sent() = %+v", sent)
			}
		})
	}
}

func TestSetMyCommands(t *testing.T) {
	tests := []struct {
		name    string
		command tgbotapi.BotCommand
		wantErr bool
	}{
		{name: "valid", command: tgbotapi.BotCommand{Command: "khai_sinh", Description: "Đăng ký khai sinh"}},
		{name: "hyphen", command: tgbotapi.BotCommand{Command: "khai-sinh", Description: "Đăng ký khai sinh"}, wantErr: true},
		{name: "upper case", command: tgbotapi.BotCommand{Command: "KhaiSinh", Description: "Đăng ký khai sinh"}, wantErr: true},
		{name: "diacritics", command: tgbotapi.BotCommand{Command: "khai_sinh_đk", Description: "Đăng ký"}, wantErr: true},
		{name: "no description", command: tgbotapi.BotCommand{Command: "start"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := telegramtest.New(t, token)
			api := newAPI(t, srv)
			_, err := api.Request(tgbotapi.NewSetMyCommands(tt.command))
			if tt.wantErr {
				if apiError(t, err).Code != 400 {
					t.Errorf("error %v, want 400", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("setMyCommands: %v", err)
			}
			got, err := api.GetMyCommands()
			if err != nil || len(got) != 1 || got[0] != tt.command {
				t.Errorf("getMyCommands = %+v, %v", got, err)
			}
			if c := srv.Commands(); len(c) != 1 || c[0] != tt.command {
				t.Errorf("Commands() = %+v", c)
			}
			if p := srv.CallsOf("setMyCommands")[0].Params; p["commands"] != `[{"command":"khai_sinh","description":"Đăng ký khai sinh"}]` {
				t.Errorf("commands param = %s", p["commands"])
			}
		})
	}
}

func TestSendPhoto(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00")
	tests := []struct {
		name       string
		file       tgbotapi.RequestFileData
		wantParam  string
		wantUpload []byte
	}{
		{name: "by file id", file: tgbotapi.FileID("AgACAgIAAxkBAAIB"), wantParam: "AgACAgIAAxkBAAIB"},
		{name: "by URL", file: tgbotapi.FileURL("https://xa.example.vn/bao-bao.png"), wantParam: "https://xa.example.vn/bao-bao.png"},
		{name: "upload", file: tgbotapi.FileBytes{Name: "mau-to-khai.png", Bytes: png}, wantParam: "@mau-to-khai.png", wantUpload: png},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			photo := tgbotapi.NewPhoto(9, tt.file)
			photo.Caption = "Mẫu tờ khai"
			m, err := api.Send(photo)
			if err != nil {
				t.Fatalf("Send(photo): %v", err)
			}
			if len(m.Photo) == 0 || m.Caption != "Mẫu tờ khai" || m.Chat.ID != 9 {
				t.Errorf("answer = %+v", m)
			}
			calls := srv.CallsOf("sendPhoto")
			if len(calls) != i+1 || calls[i].Params["photo"] != tt.wantParam || calls[i].Params["caption"] != "Mẫu tờ khai" ||
				!bytes.Equal(calls[i].Files["photo"], tt.wantUpload) {
				t.Errorf("calls = %+v, want photo %q", calls, tt.wantParam)
			}
			photos := srv.Photos(9)
			if len(photos) != i+1 {
				t.Fatalf("Photos = %+v", photos)
			}
			if p := photos[i]; p.MessageID != m.MessageID || p.Photo != tt.wantParam || p.Text != "Mẫu tờ khai" || !bytes.Equal(p.Upload, tt.wantUpload) {
				t.Errorf("Photos()[%d] = %+v", i, p)
			}
		})
	}
	if len(srv.Sent()) != 0 {
		t.Error("photos are in Sent()")
	}
	_, err := api.Send(tgbotapi.NewPhoto(9, tgbotapi.FileBytes{Name: "empty.png"}))
	if e := apiError(t, err); e.Message != "Bad Request: IMAGE_PROCESS_FAILED" {
		t.Errorf("an empty upload: %q", e.Message)
	}
}

// TestEditPhotoCaption: a photo's caption is edited, not its text; a
// text's text, not its caption.
func TestEditPhotoCaption(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	photo, err := api.Send(tgbotapi.NewPhoto(9, tgbotapi.FileID("AgAC")))
	if err != nil {
		t.Fatal(err)
	}
	text, err := api.Send(tgbotapi.NewMessage(9, "Đã gửi 0/3.000"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = api.Request(tgbotapi.NewEditMessageText(9, photo.MessageID, "x"))
	if e := apiError(t, err); e.Message != "Bad Request: there is no text in the message to edit" {
		t.Errorf("text of a photo: %q", e.Message)
	}
	_, err = api.Request(tgbotapi.NewEditMessageCaption(9, text.MessageID, "x"))
	if e := apiError(t, err); e.Message != "Bad Request: there is no caption in the message to edit" {
		t.Errorf("caption of a text: %q", e.Message)
	}
	if _, err := api.Request(tgbotapi.NewEditMessageCaption(9, photo.MessageID, "Bão số 3")); err != nil {
		t.Fatalf("edit the caption: %v", err)
	}
	if m, ok := srv.Current(9, photo.MessageID); !ok || m.Text != "Bão số 3" || m.Photo != "AgAC" {
		t.Errorf("Current = %+v, %v", m, ok)
	}
	_, err = api.Request(tgbotapi.NewEditMessageCaption(9, photo.MessageID, "Bão số 3"))
	if e := apiError(t, err); !strings.Contains(e.Message, "message is not modified") {
		t.Errorf("the same caption again: %q", e.Message)
	}
	_, err = api.Request(tgbotapi.NewEditMessageCaption(9, photo.MessageID, strings.Repeat("a", 1025)))
	if e := apiError(t, err); e.Message != "Bad Request: message caption is too long" {
		t.Errorf("a long caption: %q", e.Message)
	}
}

func TestDeliver(t *testing.T) {
	for _, secret := range []string{"", "s3cret-Token_1"} {
		t.Run("secret "+secret, func(t *testing.T) {
			type delivery struct {
				header, contentType string
				hasHeader           bool
				update              tgbotapi.Update
			}
			got := make(chan delivery, 1)
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var d delivery
				d.header = r.Header.Get(telegramtest.SecretHeader)
				_, d.hasHeader = r.Header[http.CanonicalHeaderKey(telegramtest.SecretHeader)]
				d.contentType = r.Header.Get("Content-Type")
				if err := json.NewDecoder(r.Body).Decode(&d.update); err != nil {
					http.Error(w, err.Error(), http.StatusBadRequest)
				}
				got <- d
			}))
			defer hook.Close()

			u := telegramtest.TextUpdate(5, "", 5, "xin chào")
			resp, err := telegramtest.Deliver(context.Background(), hook.URL+"/hook", secret, u)
			if err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d", resp.StatusCode)
			}
			d := <-got
			if d.header != secret || d.hasHeader != (secret != "") {
				t.Errorf("secret header = %q (present %v), want %q", d.header, d.hasHeader, secret)
			}
			if d.contentType != "application/json" || d.update.UpdateID != u.UpdateID || d.update.Message.Text != "xin chào" {
				t.Errorf("delivered %s %+v", d.contentType, d.update)
			}
		})
	}
}

func TestConcurrentSends(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	const chats, each = 16, 8
	var wg sync.WaitGroup
	for c := range chats {
		wg.Go(func() {
			for range each {
				if _, err := api.Send(tgbotapi.NewMessage(int64(c+1), "a")); err != nil {
					t.Errorf("send: %v", err)
				}
				_ = srv.Sent() // read while others write
			}
		})
	}
	srv.WaitCalls(t, "sendMessage", chats*each)
	wg.Wait()
	for c := range chats {
		sent := srv.SentTo(int64(c + 1))
		for i, m := range sent {
			if m.MessageID != i+1 {
				t.Fatalf("chat %d: message ids %+v, want 1..%d in order", c+1, sent, each)
			}
		}
	}
}

func TestAwaitCallsEndsWithContext(t *testing.T) {
	srv := telegramtest.New(t, token)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := srv.AwaitCalls(ctx, "sendMessage", 1)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "0 of 1 sendMessage") {
		t.Errorf("AwaitCalls = %v, want 0 of 1 and the deadline", err)
	}
}

func TestDiscardHistory(t *testing.T) {
	srv := telegramtest.New(t, token)
	srv.DiscardHistory = true
	api := newAPI(t, srv)
	for range 3 {
		if _, err := api.Send(tgbotapi.NewMessage(1, "a")); err != nil {
			t.Fatal(err)
		}
	}
	srv.WaitCalls(t, "sendMessage", 3) // counted, though not kept
	if len(srv.Calls()) != 0 || len(srv.Sent()) != 0 || srv.Stats().Sent != 3 {
		t.Errorf("calls %d, sent %d, stats %+v; want nothing kept, 3 counted", len(srv.Calls()), len(srv.Sent()), srv.Stats())
	}
}
