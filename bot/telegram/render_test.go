package telegram

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/channel"
)

func TestMessagesEscapeAndKeyboard(t *testing.T) {
	b := &Bot{username: "motcua_bot"}
	parts := b.parts(42, bot.Message{
		Text:    "Mang <giấy chứng sinh> & căn cước",
		Buttons: []bot.Button{{Label: "Có", Data: "3:c:co"}, {Label: "Nhắn riêng", OpenChat: true, OpenFlow: "khai-sinh"}},
		Nav:     []bot.Button{{Label: "⬅ Quay lại", Data: "3:b"}, {Label: "✖ Dừng", Data: "3:x"}},
		Hint:    "(Gõ số để chọn)",
	})
	if len(parts) != 1 || parts[0].method != "sendMessage" {
		t.Fatalf("parts %+v", parts)
	}
	m := parts[0].c.(tgbotapi.MessageConfig)
	if m.Text != "Mang &lt;giấy chứng sinh&gt; &amp; căn cước" || m.ParseMode != "HTML" {
		t.Errorf("text %q mode %q", m.Text, m.ParseMode)
	}
	kb := m.ReplyMarkup.(tgbotapi.InlineKeyboardMarkup).InlineKeyboard
	if len(kb) != 3 || len(kb[2]) != 2 {
		t.Fatalf("rows: %+v", kb)
	}
	if *kb[0][0].CallbackData != "3:c:co" || *kb[1][0].URL != "https://t.me/motcua_bot?start=khai-sinh" || *kb[2][1].CallbackData != "3:x" {
		t.Errorf("buttons: %+v", kb)
	}
}

func TestEntityText(t *testing.T) {
	text := "😀 @motcua_bot khai sinh" // the emoji is two UTF-16 units
	e := tgbotapi.MessageEntity{Type: "mention", Offset: 3, Length: 11}
	if got := entityText(text, e); got != "@motcua_bot" {
		t.Errorf("got %q", got)
	}
}

func TestAddressedInGroups(t *testing.T) {
	b := &Bot{username: "motcua_bot"}
	cmd := func(text string) *tgbotapi.Message {
		return &tgbotapi.Message{Text: text, Entities: []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: len(strings.Fields(text)[0])}}}
	}
	tests := []struct {
		name string
		m    *tgbotapi.Message
		want string
		ok   bool
	}{
		{"command", cmd("/thutuc khai sinh"), "/thutuc khai sinh", true},
		{"command to us", cmd("/thutuc@motcua_bot"), "/thutuc@motcua_bot", true},
		{"command to another bot", cmd("/start@other_bot"), "", false},
		{"mention", &tgbotapi.Message{Text: "@motcua_bot khai tử", Entities: []tgbotapi.MessageEntity{{Type: "mention", Offset: 0, Length: 11}}}, "khai tử", true},
		{"reply to the bot", &tgbotapi.Message{Text: "cảm ơn", ReplyToMessage: &tgbotapi.Message{From: &tgbotapi.User{UserName: "motcua_bot"}}}, "cảm ơn", true},
		{"chatter", &tgbotapi.Message{Text: "mai họp thôn nhé"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := b.addressed(tt.m)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err    error
		reason string
	}{
		{&tgbotapi.Error{Code: 429, ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 3}}, ReasonRateLimited},
		{&tgbotapi.Error{Code: 403, Message: "Forbidden: bot was blocked by the user"}, ReasonBlocked},
		{&tgbotapi.Error{Code: 400, ResponseParameters: tgbotapi.ResponseParameters{MigrateToChatID: -100}}, ReasonMigrated},
		{&tgbotapi.Error{Code: 400, Message: "Bad Request: message text is empty"}, ReasonClient},
		{&tgbotapi.Error{Code: 502, Message: "HTTP 502: Bad Gateway"}, ReasonServer},
		{errors.New("invalid character '<' looking for beginning of value"), ReasonServer},
		{&url.Error{Op: "Post", URL: "x", Err: errors.New("i/o timeout")}, ReasonNetwork},
	}
	for _, tt := range tests {
		if got := classify("sendMessage", tt.err); got.Reason != tt.reason {
			t.Errorf("%v: %s, want %s", tt.err, got.Reason, tt.reason)
		}
	}
}

func FuzzDecodeUpdate(f *testing.F) {
	f.Add([]byte(`{"update_id":1,"message":{"message_id":1,"chat":{"id":1,"type":"private"},"from":{"id":1},"text":"hi"}}`))
	f.Add([]byte(`{"update_id":2,"callback_query":{"id":"a","data":"1:c:x","message":{"message_id":3,"chat":{"id":-5,"type":"group"}}}}`))
	f.Add([]byte(`{"update_id":3,"my_chat_member":{"chat":{"id":-5,"type":"group"},"from":{"id":7},"old_chat_member":{"status":"left"},"new_chat_member":{"status":"member"}}}`))
	f.Add([]byte(`{"update_id":4,"message":{"message_id":2,"chat":{"id":-5,"type":"group"},"from":{"id":7},"photo":[{"file_id":"a","width":1,"height":1}],"caption":"@motcua_bot x","caption_entities":[{"type":"mention","offset":0,"length":11}]}}`))
	f.Add([]byte(`{"update_id":5,"message":{"message_id":3,"chat":{"id":-5,"type":"group"},"migrate_to_chat_id":-1005}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	b := &Bot{username: "motcua_bot"}
	b.log = nil
	f.Fuzz(func(t *testing.T, data []byte) {
		upd, err := decodeUpdate(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		if upd.UpdateID <= 0 {
			t.Fatal("accepted an update without an id")
		}
		u, chat, kind := b.convert(upd)
		if kind != kindIgnored && (u.Chat.ID == "" || chat == 0) {
			t.Fatalf("kind %s without a chat: %+v", kind, u)
		}
	})
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		want  string
	}{
		{"fits", "Đã gửi 1.200/3.000", 4096, "Đã gửi 1.200/3.000"},
		{"at a space", "Đã gửi 1.200 tin", 12, "Đã gửi…"},
		{"no space near the end", "Số 1.200.000.000.000", 10, "Số 1.200.…"},
		{"emoji count two", "🌀🌀🌀", 4, "🌀…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncate(tt.text, tt.limit)
			if got != tt.want || channel.UTF16Len(got) > tt.limit {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.text, tt.limit, got, tt.want)
			}
		})
	}
}

func TestPhotoFile(t *testing.T) {
	tests := []struct {
		name  string
		photo *bot.Photo
		want  tgbotapi.RequestFileData
	}{
		{"none", nil, nil},
		{"empty", &bot.Photo{}, nil},
		{"a Zalo id", &bot.Photo{ID: "zl:abc"}, nil},
		{"a Telegram id first", &bot.Photo{ID: "tg:AgAC", URL: "https://a.vn/x.png", PNG: []byte("x")}, tgbotapi.FileID("AgAC")},
		{"a URL before bytes", &bot.Photo{URL: "https://a.vn/x.png", PNG: []byte("x")}, tgbotapi.FileURL("https://a.vn/x.png")},
		{"bytes", &bot.Photo{PNG: []byte("x")}, tgbotapi.FileBytes{Name: "anh.png", Bytes: []byte("x")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := photoFile(tt.photo)
			if ok != (tt.want != nil) || fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("photoFile = %v, %v; want %v", got, ok, tt.want)
			}
		})
	}
}
