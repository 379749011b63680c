package reminders

import (
	"testing"
	"time"

	"github.com/motcua/motcua/flows"
)

func TestRecordRoundTrip(t *testing.T) {
	loc := flows.Vietnam()
	tests := []struct {
		name string
		r    Reminder
		rec  string
	}{
		{
			name: "new",
			r:    Reminder{Chat: "tg:1", ID: "1", Label: "Tôi", Expiry: flows.Date{Year: 2026, Month: 7, Day: 5}},
			rec:  "20260705 0 0 0 Tôi",
		},
		{
			name: "snoozed, paused, label with spaces",
			r: Reminder{Chat: "zalo:8843", ID: "a-9", Label: " Bà  ngoại ", Expiry: flows.Date{Year: 2028, Month: 2, Day: 29},
				Sent: 3, SnoozedUntil: time.Date(2028, 3, 4, 8, 0, 0, 0, loc), Paused: true},
			rec: "20280229 3 1835744400 1  Bà  ngoại ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := encode(tt.r); got != tt.rec {
				t.Errorf("encode = %q, want %q", got, tt.rec)
			}
			got, err := decode(member(tt.r.Chat, tt.r.ID), tt.rec, loc)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !got.SnoozedUntil.Equal(tt.r.SnoozedUntil) {
				t.Errorf("decode: SnoozedUntil %v, want %v", got.SnoozedUntil, tt.r.SnoozedUntil)
			}
			got.SnoozedUntil, tt.r.SnoozedUntil = time.Time{}, time.Time{}
			if got != tt.r {
				t.Errorf("decode = %+v, want %+v", got, tt.r)
			}
		})
	}
}

func TestDecodeRefusesMalformed(t *testing.T) {
	for _, rec := range []string{
		"",
		"20260705 0 0 0",      // no label field
		"2026075 0 0 0 Tôi",   // seven digits
		"20260231 0 0 0 Tôi",  // no such day
		"20260705 x 0 0 Tôi",  // sent
		"20260705 -1 0 0 Tôi", // negative sent
		"20260705 0 y 0 Tôi",  // snooze
		"20260705 0 0 2 Tôi",  // paused
	} {
		if r, err := decode("tg:1|1", rec, time.UTC); err == nil {
			t.Errorf("decode(%q) = %+v, want an error", rec, r)
		}
	}
	if _, err := decode("no-bar", "20260705 0 0 0 Tôi", time.UTC); err == nil {
		t.Errorf("decode of a name without '|': no error")
	}
}
