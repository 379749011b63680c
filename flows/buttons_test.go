package flows

import (
	"reflect"
	"strings"
	"testing"
)

func TestNamedButtons(t *testing.T) {
	tests := []struct {
		text string
		want []NamedButton
	}{
		{"Xong thì chọn “💾 Lưu lại”.", []NamedButton{{Name: "💾 Lưu lại"}}},
		{"Nếu đã gia hạn rồi, bạn bấm “Đã gia hạn”.", []NamedButton{{Name: "Đã gia hạn", Pressed: true}}},
		{"Trong lời nhắc, chọn “✅ Đã gia hạn” hoặc “⏰ Nhắc lại sau”.", []NamedButton{{Name: "✅ Đã gia hạn"}, {Name: "⏰ Nhắc lại sau"}}},
		// An app's menu, a quoted word, an answer shown: no button.
		{"Mở VNeID, chọn mục “Thủ tục hành chính”.", nil},
		{"Cách này gọi là “liên thông”. Trường hợp “{truong_hop}”.", nil},
	}
	for _, tt := range tests {
		got := NamedButtons(tt.text)
		if len(got) != len(tt.want) {
			t.Errorf("%q: %+v, want %+v", tt.text, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: %+v, want %+v", tt.text, got, tt.want)
			}
		}
	}
}

// TestCheckButtons: a text that names a button names one that exists,
// and never says to press it; "bấm nút" is refused at load.
func TestCheckButtons(t *testing.T) {
	flow := func(text string) string {
		return strings.Replace(base, "    text: Hết.\n", "    text: "+text+"\n", 1)
	}
	tests := []struct {
		name, text string
		known      []string
		want       string // "" for no issue
	}{
		{"a choice of the flow", "Chọn “A” hoặc “B”.", nil, ""},
		{"the engine's button", "Xong thì chọn “➡ Xong, đi tiếp”.", DefaultMessages().Buttons(), ""},
		{"a button of the bot, without its mark", "Chọn “Đã gia hạn” trong lời nhắc.", []string{"✅ Đã gia hạn"}, ""},
		{"no such button", "Xong thì chọn “💾 Lưu lại”.", DefaultMessages().Buttons(), `names a button “💾 Lưu lại” that no procedure offers`},
		{"pressed", "Bạn bấm “✅ Đã gia hạn”.", []string{"✅ Đã gia hạn"}, `says to press “✅ Đã gia hạn”`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, iss := Parse("mau.yaml", []byte(flow(tt.text)))
			if err := iss.Err(); err != nil {
				t.Fatal(err)
			}
			cat, _ := NewCatalog([]*Flow{f}, nil)
			got := cat.CheckButtons(tt.known...)
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("unexpected: %v", got)
			case tt.want != "" && !strings.Contains(got.Error(), tt.want):
				t.Errorf("got %v, want %q", got, tt.want)
			}
		})
	}
	_, iss := Parse("mau.yaml", []byte(flow("Bạn bấm nút bên dưới.")))
	if err := iss.Err(); err == nil || !strings.Contains(err.Error(), `says "bam nut", but Zalo and the terminal show no buttons`) {
		t.Errorf("“bấm nút” in a text: %v", err)
	}
	_, iss = Parse("mau.yaml", []byte(flow("Theo Nghị định 63/2024/NĐ-CP.")))
	if len(iss) != 1 || !iss[0].Warning || !strings.Contains(iss[0].Msg, "decree numbers belong in sources") {
		t.Errorf("a decree number in a text: %v", iss)
	}
}

// TestEngineWordsNameButtonsThatExist: the engine's own words (hints shown
// on every channel) never say to press a button, and name only its own.
func TestEngineWordsNameButtonsThatExist(t *testing.T) {
	m := DefaultMessages()
	known := map[string]bool{}
	for _, b := range m.Buttons() {
		known[b], known[unmarked(b)] = true, true
	}
	for name, text := range messageTexts(m) {
		if w := PressWords(text); w != "" {
			t.Errorf("%s says %q: %s", name, w, text)
		}
		for _, b := range NamedButtons(text) {
			if !known[b.Name] || b.Pressed {
				t.Errorf("%s names %+v: %s", name, b, text)
			}
		}
	}
}

// messageTexts are the words of m by their yaml names.
func messageTexts(m *Messages) map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(m).Elem()
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).Kind() == reflect.String {
			out[v.Type().Field(i).Tag.Get("yaml")] = v.Field(i).String()
		}
	}
	return out
}
