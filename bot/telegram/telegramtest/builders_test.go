package telegramtest_test

import (
	"slices"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
)

func TestTextUpdate(t *testing.T) {
	type entity struct {
		Type           string
		Offset, Length int
	}
	tests := []struct {
		name        string
		chat        int64
		chatType    string
		text        string
		wantType    string
		wantCommand string
		wantArgs    string
		want        []entity
	}{
		{name: "command", chat: 7, text: "/start", wantType: "private", wantCommand: "start",
			want: []entity{{"bot_command", 0, 6}}},
		{name: "command to a bot with arguments", chat: -5, text: "/start@motcua_test_bot khai_sinh", wantType: "group",
			wantCommand: "start", wantArgs: "khai_sinh", want: []entity{{"bot_command", 0, 22}}},
		{name: "a hyphen ends a command", chat: 7, text: "/khai-sinh", wantType: "private", wantCommand: "khai", wantArgs: "sinh",
			want: []entity{{"bot_command", 0, 5}}},
		{name: "mention after Vietnamese", chat: -1001234567890, text: "chào @motcua_test_bot", wantType: "supergroup",
			want: []entity{{"mention", 5, 16}}},
		{name: "emoji counts two UTF-16 units", chat: -5, chatType: "supergroup", text: "👋 @motcua_test_bot ơi", wantType: "supergroup",
			want: []entity{{"mention", 3, 16}}},
		{name: "not a mention: e-mail, too short", chat: 7, text: "gửi a@example.vn cho @abc", wantType: "private"},
		{name: "a slash alone", chat: 7, text: "/ hỏi", wantType: "private"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := telegramtest.TextUpdate(tt.chat, tt.chatType, 99, tt.text)
			m := u.Message
			if m == nil || m.Chat.ID != tt.chat || m.Chat.Type != tt.wantType || m.From.ID != 99 || m.Text != tt.text || m.Date == 0 || m.MessageID == 0 {
				t.Fatalf("message = %+v, chat %+v", m, m.Chat)
			}
			var got []entity
			for _, e := range m.Entities {
				got = append(got, entity{e.Type, e.Offset, e.Length})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("entities = %v, want %v", got, tt.want)
			}
			if m.Command() != tt.wantCommand || m.CommandArguments() != tt.wantArgs {
				t.Errorf("Command() = %q, CommandArguments() = %q; want %q, %q", m.Command(), m.CommandArguments(), tt.wantCommand, tt.wantArgs)
			}
		})
	}
}

func TestBuiltUpdatesRoundTrip(t *testing.T) {
	srv := telegramtest.New(t, token)
	api := newAPI(t, srv)
	a := telegramtest.TextUpdate(7, "", 7, "a")
	b := telegramtest.TextUpdate(7, "", 7, "b")
	if a.UpdateID == b.UpdateID || a.Message.MessageID == b.Message.MessageID {
		t.Errorf("two built updates share ids: %d/%d, %d/%d", a.UpdateID, a.Message.MessageID, b.UpdateID, b.Message.MessageID)
	}

	srv.PushUpdate(telegramtest.CallbackUpdate(-5, 12, 7, "t4:2"))
	srv.PushUpdate(telegramtest.MigrateUpdate(-5, -1009876543210))
	got, err := api.GetUpdates(tgbotapi.NewUpdate(0))
	if err != nil || len(got) != 2 {
		t.Fatalf("GetUpdates = %+v, %v", got, err)
	}
	cq := got[0].CallbackQuery
	if cq == nil || cq.ID == "" || cq.From.ID != 7 || cq.Data != "t4:2" || cq.Message == nil ||
		cq.Message.MessageID != 12 || cq.Message.Chat.ID != -5 || cq.Message.Chat.Type != "group" {
		t.Errorf("callback = %+v", cq)
	}
	mig := got[1].Message
	if mig == nil || mig.Chat.ID != -5 || mig.MigrateToChatID != -1009876543210 || mig.From == nil {
		t.Errorf("migration = %+v", mig)
	}
}
