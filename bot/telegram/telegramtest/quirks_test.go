package telegramtest_test

import (
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
)

// TestLibraryQuirks pins what tgbotapi v5.5.1 does that an adapter must
// work around. When an upgrade changes one, this test says which.
func TestLibraryQuirks(t *testing.T) {
	t.Run("HTTP status is ignored: a 500 with ok true succeeds", func(t *testing.T) {
		srv := telegramtest.New(t, token)
		api := newAPI(t, srv)
		srv.FailNext("getMe", 500, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"x","username":"y"}}`)
		if me, err := api.GetMe(); err != nil || me.UserName != "y" {
			t.Errorf("GetMe = %+v, %v", me, err)
		}
	})
	t.Run("Send of an edit answered true fails to decode", func(t *testing.T) {
		srv := telegramtest.New(t, token)
		api := newAPI(t, srv)
		_, err := api.Send(tgbotapi.NewEditMessageText(1, 1, "x"))
		if err == nil || !strings.Contains(err.Error(), "cannot unmarshal bool") {
			t.Errorf("Send(edit) = %v, want a decode error", err)
		}
		if len(srv.CallsOf("editMessageText")) != 1 {
			t.Error("the edit did not reach the server, though the error says it failed")
		}
	})
	t.Run("an upload's API error has no Code", func(t *testing.T) {
		srv := telegramtest.New(t, token)
		api := newAPI(t, srv)
		srv.Block(9)
		_, err := api.Send(tgbotapi.NewPhoto(9, tgbotapi.FileBytes{Name: "a.png", Bytes: []byte("x")}))
		if e := apiError(t, err); e.Code != 0 || e.Message != "Forbidden: bot was blocked by the user" {
			t.Errorf("error = %d %q, want code 0 and the message", e.Code, e.Message)
		}
	})
	t.Run("a transport error carries the token", func(t *testing.T) {
		srv := telegramtest.NewServer(token)
		api := newAPI(t, srv)
		srv.Close()
		_, err := api.GetMe()
		if err == nil || !strings.Contains(err.Error(), token) {
			t.Errorf("GetMe on a closed server = %v, want an error with the token in it", err)
		}
	})
}
