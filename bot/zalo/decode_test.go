package zalo_test

import (
	"encoding/json"
	"testing"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/zalo"
	"github.com/motcua/motcua/bot/zalo/zalotest"
)

func TestDecodeUpdatesShapes(t *testing.T) {
	one := `{"event_name":"message.text.received","message":{"message_id":"2d75","text":"Xin chào","from":{"id":"6e","is_bot":false},"chat":{"id":"6e","chat_type":"PRIVATE"}}}`
	for _, tc := range []struct {
		name, body string
		want       int
	}{
		{"bare", one, 1},
		{"wrapped", `{"ok":true,"result":` + one + `}`, 1},
		{"array", `[` + one + `,` + one + `]`, 2},
		{"wrapped array", `{"ok":true,"result":[` + one + `]}`, 1},
		{"empty object", `{}`, 0},
		{"wrapped empty", `{"ok":true,"result":{}}`, 0},
		{"null", `null`, 0},
		{"wrapped null", `{"ok":true,"result":null}`, 0},
		{"nothing", ``, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := zalo.DecodeUpdates([]byte(tc.body))
			if err != nil || n != tc.want {
				t.Errorf("%d updates, %v; want %d", n, err, tc.want)
			}
		})
	}
	for _, bad := range []string{`"text"`, `{"message":"x"}`, `[[[[1]]]]`, `{`} {
		if _, err := zalo.DecodeUpdates([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// FuzzDecodeUpdates: whatever a webhook receives, decoding neither panics
// nor loops.
func FuzzDecodeUpdates(f *testing.F) {
	u, _ := json.Marshal(zalotest.Text("c", zalotest.Group, "u", "@Trợ lý khai sinh"))
	f.Add(u)
	f.Add([]byte(`{"ok":true,"result":` + string(u) + `}`))
	f.Add([]byte(`[{},null,` + string(u) + `]`))
	f.Add([]byte(`{"ok":false,"error_code":408}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		zalo.DecodeUpdates(body)
	})
}

// BenchmarkRenderAndDecode measures a webhook's decoding and a reply's
// rendering and splitting, the adapter's own work on every update.
func BenchmarkRenderAndDecode(b *testing.B) {
	body, _ := json.Marshal(map[string]any{"ok": true, "result": zalotest.Text("c", zalotest.Private, "c", "dang ky khai sinh")})
	m := bot.Message{
		Text:    "Ai sẽ đi làm khai sinh cho bé?",
		Buttons: []bot.Button{{Label: "Cha hoặc mẹ của bé"}, {Label: "Ông bà hoặc người thân"}, {Label: "Người khác được nhờ"}},
		Hint:    "(Gõ số để chọn · “quay lại” để sửa câu trước · “hủy” để dừng)",
	}
	b.ReportAllocs()
	for b.Loop() {
		if n, err := zalo.DecodeUpdates(body); n != 1 || err != nil {
			b.Fatal(n, err)
		}
		if parts := zalo.Render(m); len(parts) != 1 {
			b.Fatal(parts)
		}
	}
}
