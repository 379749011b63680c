package ticketstest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/motcua/motcua/tickets"
)

// history is a ticket's life for the figures: asked at t0+at in village,
// first claimed and first answered so long after (0: never).
type history struct {
	at, claim, answer time.Duration
	village           string
}

// live creates the tickets of hs in s, one chat each, and claims and
// answers them as they say.
func live(t *testing.T, s tickets.Store, hs []history) {
	t.Helper()
	for i, hi := range hs {
		tk := ask(fmt.Sprintf("tg:18%03d", i), hi.at)
		tk.Village = hi.village
		tk = create(t, s, tk)
		if hi.claim > 0 {
			claim(t, s, tk.ID, "tg:9", tk.Created.Add(hi.claim))
		}
		if hi.answer > 0 {
			if _, err := s.Answered(ctx, tk.ID, tk.Created.Add(hi.answer)); err != nil {
				t.Fatalf("Answered: %v", err)
			}
		}
	}
}

func testStatsMedians(t *testing.T, h Harness) {
	m := time.Minute
	tests := []struct {
		name                      string
		hs                        []history
		claimed, answered         int
		wantToClaim, wantToAnswer time.Duration
	}{
		{name: "none"},
		{
			name:    "one",
			hs:      []history{{claim: 5 * m, answer: 12 * m}},
			claimed: 1, answered: 1, wantToClaim: 5 * m, wantToAnswer: 12 * m,
		},
		{
			name:    "odd counts: the middle one",
			hs:      []history{{claim: 1 * m, answer: 10 * m}, {at: time.Hour, claim: 9 * m, answer: 40 * m}, {at: 2 * time.Hour, claim: 3 * m, answer: 20 * m}},
			claimed: 3, answered: 3, wantToClaim: 3 * m, wantToAnswer: 20 * m,
		},
		{
			name: "even counts: the mean of the middle two",
			hs: []history{
				{claim: 2 * m, answer: 30 * m}, {at: time.Hour, claim: 10 * m},
				{at: 2 * time.Hour, claim: 4 * m, answer: 10 * m}, {at: 3 * time.Hour, claim: 6 * m},
			},
			claimed: 4, answered: 2, wantToClaim: 5 * m, wantToAnswer: 20 * m,
		},
		{
			name:    "claimed, never answered",
			hs:      []history{{claim: 5 * m}, {at: time.Hour, claim: 7 * m}, {at: 2 * time.Hour}},
			claimed: 2, wantToClaim: 6 * m,
		},
		{
			name:    "to the millisecond",
			hs:      []history{{claim: 1500 * time.Millisecond}, {at: time.Hour, claim: 2 * time.Second}},
			claimed: 2, wantToClaim: 1750 * time.Millisecond,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := h.New(t, tickets.Options{})
			live(t, s, tt.hs)
			st := stats(t, s, t0, t0.Add(24*time.Hour))
			want := tickets.Figures{
				Asked: len(tt.hs), Claimed: tt.claimed, Answered: tt.answered,
				ToClaim: tt.wantToClaim, ToAnswer: tt.wantToAnswer,
			}
			if st.Figures != want {
				t.Errorf("Stats = %+v, want %+v", st.Figures, want)
			}
		})
	}
}

func testStatsVillages(t *testing.T, h Harness) {
	m := time.Minute
	s := h.New(t, tickets.Options{})
	live(t, s, []history{
		{claim: 2 * m, answer: 10 * m, village: "Thôn 1"},
		{at: time.Hour, claim: 4 * m, village: "Thôn 1"},
		{at: 2 * time.Hour, claim: 10 * m, answer: 30 * m, village: "Buôn Ea Kiết"},
		{at: 3 * time.Hour, claim: 20 * m}, // village unknown
		{at: 4 * time.Hour, village: "Thôn 1"},
	})
	st := stats(t, s, t0, t0.Add(24*time.Hour))
	if want := (tickets.Figures{Asked: 5, Claimed: 4, Answered: 2, ToClaim: 7 * m, ToAnswer: 20 * m}); st.Figures != want {
		t.Errorf("overall = %+v, want %+v", st.Figures, want)
	}
	want := map[string]tickets.Figures{
		"Thôn 1":       {Asked: 3, Claimed: 2, Answered: 1, ToClaim: 3 * m, ToAnswer: 10 * m},
		"Buôn Ea Kiết": {Asked: 1, Claimed: 1, Answered: 1, ToClaim: 10 * m, ToAnswer: 30 * m},
	}
	if len(st.Villages) != len(want) {
		t.Errorf("villages %v, want Thôn 1 and Buôn Ea Kiết only", st.Villages)
	}
	for v, w := range want {
		if st.Villages[v] != w {
			t.Errorf("%s = %+v, want %+v", v, st.Villages[v], w)
		}
	}
}

func testStatsSpans(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	// Asked at 23:00, claimed at 01:00 the next day, closed at 02:00.
	asked := time.Date(2026, 7, 15, 23, 0, 0, 0, t0.Location())
	tk := ask("tg:1901", 0)
	tk.Created = asked
	tk = create(t, s, tk)
	claim(t, s, tk.ID, "tg:9", asked.Add(2*time.Hour))
	closeTicket(t, s, tk.ID, asked.Add(3*time.Hour))
	day1 := time.Date(2026, 7, 15, 0, 0, 0, 0, t0.Location())
	day2 := day1.AddDate(0, 0, 1)
	tests := []struct {
		name         string
		since, until time.Time
		want         tickets.Figures
	}{
		{"the day asked", day1, day2, tickets.Figures{Asked: 1}},
		{"the day after", day2, day2.AddDate(0, 0, 1), tickets.Figures{Claimed: 1, Closed: 1, ToClaim: 2 * time.Hour}},
		{"both days", day1, day2.AddDate(0, 0, 1), tickets.Figures{Asked: 1, Claimed: 1, Closed: 1, ToClaim: 2 * time.Hour}},
		{"since is included", asked, asked.Add(time.Millisecond), tickets.Figures{Asked: 1}},
		{"until is not", day1, asked, tickets.Figures{}},
		{"empty span", day2, day1, tickets.Figures{}},
	}
	// Across midnight UTC to the millisecond (a backend may keep its
	// figures by the day), and over a month.
	midnight := time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC)
	late := ask("tg:1902", 0)
	late.Created = midnight.Add(-time.Millisecond)
	late = create(t, s, late)
	claim(t, s, late.ID, "tg:9", midnight)
	closeTicket(t, s, late.ID, midnight.AddDate(0, 0, 2))
	tests = append(tests, []struct {
		name         string
		since, until time.Time
		want         tickets.Figures
	}{
		{"to midnight UTC", midnight.AddDate(0, 0, -1), midnight, tickets.Figures{Asked: 1}},
		{"from midnight UTC", midnight, midnight.Add(time.Millisecond), tickets.Figures{Claimed: 1, ToClaim: time.Millisecond}},
		{"two days on", midnight.Add(time.Millisecond), midnight.AddDate(0, 0, 3), tickets.Figures{Closed: 1}},
		{"the month", day1, day1.AddDate(0, 1, 0), tickets.Figures{Asked: 2, Claimed: 2, Closed: 2, ToClaim: time.Hour + time.Millisecond/2}},
	}...)
	if _, err := s.Stats(ctx, time.Time{}, t0); !errors.Is(err, tickets.ErrInvalid) {
		t.Errorf("Stats since the zero time = %v, want ErrInvalid", err)
	}
	long := stats(t, s, midnight.Add(-tickets.MaxStatsSpan), midnight)
	if long.Asked != 2 {
		t.Errorf("Stats over MaxStatsSpan counted %d asked, want both", long.Asked)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stats(t, s, tt.since, tt.until); got.Figures != tt.want {
				t.Errorf("Stats = %+v, want %+v", got.Figures, tt.want)
			}
		})
	}
}

// sameStats compares figures, villages included.
func sameStats(a, b tickets.Stats) bool {
	if a.Figures != b.Figures || len(a.Villages) != len(b.Villages) {
		return false
	}
	for v, f := range a.Villages {
		if b.Villages[v] != f {
			return false
		}
	}
	return true
}
