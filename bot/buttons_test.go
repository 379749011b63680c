package bot_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/flows"
)

// TestWordsNameButtonsThatExist: the bot's words, shown on every channel,
// never say to press a button ("bấm nút": Zalo and the terminal show none),
// and a button they name in quotes is one the bot shows.
func TestWordsNameButtonsThatExist(t *testing.T) {
	texts := map[string]string{}
	collect := func(prefix string, v any) {
		rv := reflect.ValueOf(v).Elem()
		for i := 0; i < rv.NumField(); i++ {
			if rv.Field(i).Kind() == reflect.String {
				texts[prefix+rv.Type().Field(i).Tag.Get("yaml")] = rv.Field(i).String()
			}
		}
	}
	collect("messages.yaml: ", bot.DefaultMessages())
	collect("community.yaml: ", bot.DefaultCommunityTexts())
	// The buttons: the bot's, the engine's, and the labels of the
	// community's choices (a text names them, "chọn “Xong”").
	known := map[string]bool{}
	labels := append(bot.DefaultMessages().Buttons(), flows.DefaultMessages().Buttons()...)
	for _, text := range texts {
		if !strings.Contains(text, "\n") && len([]rune(text)) <= 40 {
			labels = append(labels, text)
		}
	}
	for _, l := range labels {
		known[l] = true
		known[strings.TrimSpace(strings.TrimLeft(l, "✅⏰➡✏️📋📚📄🙋⬅✖🗑➕✉️✋↩️🏛🚨⏹"))] = true
	}
	for name, text := range texts {
		if w := flows.PressWords(text); w != "" {
			t.Errorf("%s says %q: %s", name, w, text)
		}
		for _, b := range flows.NamedButtons(text) {
			switch {
			case !known[b.Name]:
				t.Errorf("%s names a button “%s” the bot does not show: %s", name, b.Name, text)
			case b.Pressed:
				t.Errorf("%s says to press “%s”: write “chọn”: %s", name, b.Name, text)
			}
		}
	}
}
