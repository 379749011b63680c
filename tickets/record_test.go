package tickets

import (
	"maps"
	"strings"
	"testing"
	"time"
)

func TestRecordRoundTrip(t *testing.T) {
	at := time.UnixMilli(1784080800123)
	tests := []struct {
		name string
		s    stored
	}{
		{"new", stored{Ticket: Ticket{ID: "AB23CD45", Chat: "tg:1", Question: "Hỏi?", Status: Open, Created: at, Notified: 1}}},
		{"everything", stored{
			Ticket: Ticket{
				ID: "Q-1", Chat: "zalo:abc", Name: "Bà Lan", Question: "Dòng 1\nDòng 2", Flow: "khai-sinh", Step: "giay-to",
				Shared: "Họ tên: An", Village: "Buôn Ea Kiết", Status: Claimed, Volunteer: "tg:456", VolunteerName: "Anh Nam",
				Created: at, Claimed: at.Add(time.Minute), FirstAnswer: at.Add(2 * time.Minute), Closed: at.Add(time.Hour),
				Notified: 2, Escalated: true, Post: "tg:-100:2",
			},
			posts: []string{"tg:-100:1", "tg:-100:2"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := encode(tt.s)
			rec["v"] = "7"
			got, err := decode(tt.s.ID, rec)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			want := tt.s
			want.version = 7
			if got.Ticket != want.Ticket || strings.Join(got.posts, " ") != strings.Join(want.posts, " ") || got.version != 7 {
				t.Errorf("decode(encode(%+v)) = %+v", want, got)
			}
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	good := encode(stored{Ticket: Ticket{ID: "A", Chat: "tg:1", Question: "?", Status: Open, Created: time.UnixMilli(1), Notified: 1}})
	good["v"] = "1"
	if _, err := decode("A", good); err != nil {
		t.Fatalf("decode of a good record: %v", err)
	}
	for field, bad := range map[string]string{"st": "lost", "v": "x", "n": "", "cr": "yesterday", "cd": "1.5"} {
		rec := maps.Clone(good)
		rec[field] = bad
		if _, err := decode("A", rec); err == nil {
			t.Errorf("decode with %s=%q succeeded, want an error", field, bad)
		}
	}
}

func TestAddPost(t *testing.T) {
	var s stored
	for _, p := range []string{"a", "b", "a"} {
		s.addPost(p)
	}
	if s.Post != "a" || strings.Join(s.posts, " ") != "a b" {
		t.Errorf("after posts a, b, a: Post %q, posts %q; want a and \"a b\"", s.Post, s.posts)
	}
}
