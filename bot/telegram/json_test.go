package telegram

import (
	"context"
	"errors"
	"maps"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
)

// TestJSONCallsMatchTheLibrary checks that the calls the bot sends as JSON
// (request) carry exactly the parameters the library's form would for the
// same config, and that the answer reads the same: ok, or the library's
// *Error with the code.
func TestJSONCallsMatchTheLibrary(t *testing.T) {
	const token = "123:JSON-token"
	api := telegramtest.New(t, token)
	b, err := New(context.Background(), nil, Options{Token: token, APIURL: api.URL()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close(context.Background()) })

	plain := tgbotapi.NewMessage(501, "Xin chào & <b>chào</b>")
	full := tgbotapi.NewMessage(501, "Bước 1/3: Họ và tên?")
	full.ParseMode, full.DisableWebPagePreview = tgbotapi.ModeHTML, true
	full.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Đồng ý", "1:c:dong_y"),
		tgbotapi.NewInlineKeyboardButtonData("✖ Dừng", "1:x"),
	))
	removed := tgbotapi.NewMessage(501, "xong")
	removed.ReplyMarkup = tgbotapi.NewRemoveKeyboard(true)
	alert := tgbotapi.NewCallbackWithAlert("cq-2", "Đã hết hạn")
	alert.CacheTime = 5

	for _, tt := range []struct {
		name   string
		method string
		c      tgbotapi.Chattable
	}{
		{"plain text", "sendMessage", plain},
		{"HTML, no preview, keyboard", "sendMessage", full},
		{"keyboard removed", "sendMessage", removed},
		{"button answered", "answerCallbackQuery", tgbotapi.NewCallback("cq-1", "")},
		{"button answered with an alert", "answerCallbackQuery", alert},
	} {
		t.Run(tt.name, func(t *testing.T) {
			byForm, formErr := b.call(context.Background(), b.timeout, config(tt.c))
			byJSON, jsonErr := b.call(context.Background(), b.timeout, b.request(tt.c))
			calls := api.CallsOf(tt.method)
			if len(calls) < 2 {
				t.Fatalf("%d %s calls recorded, want the two", len(calls), tt.method)
			}
			form, json := calls[len(calls)-2].Params, calls[len(calls)-1].Params
			if form["entities"] == "null" {
				// The library sends a message's empty entities as the
				// text "null", which the Bot API reads as none.
				delete(form, "entities")
			}
			if !maps.Equal(form, json) {
				t.Errorf("parameters differ:\nform %v\njson %v", form, json)
			}
			if (formErr == nil) != (jsonErr == nil) || byForm.Ok != byJSON.Ok || byForm.ErrorCode != byJSON.ErrorCode {
				t.Errorf("answers differ: form %+v, %v; json %+v, %v", byForm, formErr, byJSON, jsonErr)
			}
		})
	}

	// A refusal reads as the library's *Error, with its code and
	// parameters, and a proxy's page as the status it came with.
	for _, tt := range []struct {
		name string
		fail func()
		want string
	}{
		{"blocked", func() {
			api.FailNext("sendMessage", 403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`)
		}, ReasonBlocked},
		{"flood control", func() { api.RateLimitNext("sendMessage", 7) }, ReasonRateLimited},
		{"a proxy's page", func() { api.FailNext("sendMessage", 502, "<html>Bad Gateway</html>") }, ReasonServer},
	} {
		tt.fail()
		_, err := b.call(context.Background(), b.timeout, b.request(plain))
		serr := classify("sendMessage", err)
		if serr.Reason != tt.want {
			t.Errorf("%s as JSON: %v (%s), want %s", tt.name, err, serr.Reason, tt.want)
		}
		var apiErr *tgbotapi.Error
		if tt.want == ReasonRateLimited && (!errors.As(err, &apiErr) || apiErr.RetryAfter != 7) {
			t.Errorf("flood control as JSON: %v, want retry_after 7", err)
		}
	}
}
