package channel_test

import (
	"testing"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/channel"
)

func TestChoices(t *testing.T) {
	buttons := []bot.Button{{Label: "Có"}, {Label: "Nhắn riêng cho trợ lý", OpenChat: true}, {Label: "Không"}}
	link := func(label string) string { return "👉 " + label }
	tests := []struct {
		name     string
		m        bot.Message
		openChat func(string) string
		want     string
	}{
		{"none", bot.Message{Text: "Xin chào"}, nil, ""},
		{"numbered, the private chat left out", bot.Message{Buttons: buttons, Hint: "Gõ số."}, nil, "\n  1. Có\n  2. Không\nGõ số."},
		{"the private chat as a line of its own, unnumbered", bot.Message{Buttons: buttons}, link, "\n  1. Có\n👉 Nhắn riêng cho trợ lý\n  2. Không"},
		{"hint alone", bot.Message{Hint: "Gõ /huy để dừng."}, link, "\nGõ /huy để dừng."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := channel.Choices(tt.m, tt.openChat); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
