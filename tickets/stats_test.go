package tickets

import (
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	s := time.Second
	tests := []struct {
		name string
		ds   []time.Duration
		want time.Duration
	}{
		{"none", nil, 0},
		{"one", []time.Duration{7 * s}, 7 * s},
		{"odd, unsorted", []time.Duration{9 * s, 1 * s, 5 * s}, 5 * s},
		{"even: mean of the middle two", []time.Duration{4 * s, 1 * s, 10 * s, 2 * s}, 3 * s},
		{"even, odd gap", []time.Duration{1 * time.Millisecond, 2 * time.Millisecond}, 1500 * time.Microsecond},
		{"ties", []time.Duration{3 * s, 3 * s, 3 * s, 8 * s}, 3 * s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := median(tt.ds); got != tt.want {
				t.Errorf("median(%v) = %v, want %v", tt.ds, got, tt.want)
			}
		})
	}
}

func TestEventsAndTally(t *testing.T) {
	created := time.UnixMilli(1_000_000)
	tk := Ticket{ID: "AB23CD45", Village: "Thôn 3", Created: created}
	tests := []struct {
		kind byte
		at   time.Time
		want string
	}{
		{evAsked, created, "a AB23CD45 0 Thôn 3"},
		{evClaimed, created.Add(90 * time.Second), "c AB23CD45 90000 Thôn 3"},
		{evAnswered, created.Add(time.Hour), "f AB23CD45 3600000 Thôn 3"},
		{evClosed, created.Add(2 * time.Hour), "x AB23CD45 0 Thôn 3"},
	}
	var members []string
	for _, tt := range tests {
		e := newEvent(tt.kind, tk, tt.at)
		if e.member != tt.want || e.at != tt.at.UnixMilli() {
			t.Errorf("newEvent(%c) = %q at %d, want %q at %d", tt.kind, e.member, e.at, tt.want, tt.at.UnixMilli())
		}
		members = append(members, e.member)
	}
	st, err := tally(members)
	want := Figures{Asked: 1, Claimed: 1, Answered: 1, Closed: 1, ToClaim: 90 * time.Second, ToAnswer: time.Hour}
	if err != nil || st.Figures != want || st.Villages["Thôn 3"] != want || len(st.Villages) != 1 {
		t.Errorf("tally = %+v, %v; want %+v overall and in Thôn 3", st, err, want)
	}
	for _, bad := range []string{"a AB 0", "z AB 0 x", "c AB soon x", "ab AB 0 x"} {
		if _, err := tally([]string{bad}); err == nil {
			t.Errorf("tally(%q) succeeded, want an error", bad)
		}
	}
}
