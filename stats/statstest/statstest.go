// Package statstest is the conformance suite every stats.Store must pass.
// A backend's test calls Run with a Harness:
//
//	func TestMemory(t *testing.T) {
//		statstest.Run(t, statstest.Harness{
//			New: func(t *testing.T) stats.Store { return stats.NewMemory() },
//		})
//	}
//
// Active people are counted exactly by some backends and approximately
// (HyperLogLog) by others: the suite asks for exact figures on a few
// people and for figures within 2 % on thousands.
package statstest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/stats"
	"github.com/motcua/motcua/store"
)

// Harness tells Run how to get stores of the backend under test.
type Harness struct {
	// New returns an empty store; two stores it returns share nothing.
	New func(t *testing.T) stats.Store
	// Down returns a store whose backend cannot be reached (Redis
	// stopped). Nil for a backend that cannot be down (memory): the check
	// is then not run.
	Down func(t *testing.T) stats.Store
}

// Run runs the conformance suite, each check as a subtest.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"AddDays", testAddDays},
		{"NothingToAdd", testNothingToAdd},
		{"YearEnd", testYearEnd},
		{"Active", testActive},
		{"Thousands", testThousands},
		{"Concurrent", testConcurrent},
		{"Invalid", testInvalid},
		{"CanceledContext", testCanceled},
		{"Down", testDown},
	}
	for _, tt := range tests {
		if tt.name == "Down" && h.Down == nil {
			continue // not a skip: memory cannot be down
		}
		t.Run(tt.name, func(t *testing.T) { tt.run(t, h) })
	}
}

var ctx = context.Background()

// d0 is the suite's first day.
var d0 = flows.Date{Year: 2026, Month: time.July, Day: 15}

func testAddDays(t *testing.T, h Harness) {
	s := h.New(t)
	add(t, s, d0, map[string]int64{stats.Started("khai-sinh"): 2, stats.Done("khai-sinh"): 1})
	add(t, s, d0, map[string]int64{stats.Started("khai-sinh"): 1, stats.Asked: 1, stats.Quit("khai-sinh", "ngay_sinh"): 1, "answered": 0})
	add(t, s, d0.AddDays(2), map[string]int64{"notices": 120, "reminders": 7})
	days := daysOf(t, s, d0.AddDays(-1), d0.AddDays(3))
	want := []stats.Day{
		{Date: d0.AddDays(-1), Counts: map[string]int64{}},
		{Date: d0, Counts: map[string]int64{
			"start:khai-sinh": 3, "done:khai-sinh": 1, "asked": 1, "quit:khai-sinh:ngay_sinh": 1,
		}},
		{Date: d0.AddDays(1), Counts: map[string]int64{}},
		{Date: d0.AddDays(2), Counts: map[string]int64{"notices": 120, "reminders": 7}},
		{Date: d0.AddDays(3), Counts: map[string]int64{}},
	}
	same(t, days, want)
	same(t, daysOf(t, s, d0, d0), want[1:2])
}

func testNothingToAdd(t *testing.T, h Harness) {
	s := h.New(t)
	add(t, s, d0, nil)
	add(t, s, d0, map[string]int64{})
	add(t, s, d0, map[string]int64{stats.Asked: 0})
	same(t, daysOf(t, s, d0, d0), []stats.Day{{Date: d0, Counts: map[string]int64{}}})
}

func testYearEnd(t *testing.T, h Harness) {
	s := h.New(t)
	from := flows.Date{Year: 2026, Month: time.December, Day: 30}
	for i := range 4 {
		add(t, s, from.AddDays(i), map[string]int64{stats.Asked: int64(i + 1)})
	}
	days := daysOf(t, s, from, from.AddDays(3))
	want := []stats.Day{
		{Date: from, Counts: map[string]int64{"asked": 1}},
		{Date: flows.Date{Year: 2026, Month: time.December, Day: 31}, Counts: map[string]int64{"asked": 2}},
		{Date: flows.Date{Year: 2027, Month: time.January, Day: 1}, Counts: map[string]int64{"asked": 3}},
		{Date: flows.Date{Year: 2027, Month: time.January, Day: 2}, Counts: map[string]int64{"asked": 4}},
	}
	same(t, days, want)
}

func testActive(t *testing.T, h Harness) {
	s := h.New(t)
	for _, chat := range []string{"tg:1", "tg:1", "zl:2", "tg:3", "tg:1"} {
		active(t, s, d0, chat)
	}
	active(t, s, d0.AddDays(1), "tg:3")
	active(t, s, d0.AddDays(1), "tg:4")
	add(t, s, d0.AddDays(1), map[string]int64{stats.Asked: 1})
	same(t, daysOf(t, s, d0.AddDays(-1), d0.AddDays(1)), []stats.Day{
		{Date: d0.AddDays(-1), Counts: map[string]int64{}},
		{Date: d0, Counts: map[string]int64{}, Active: 3},
		{Date: d0.AddDays(1), Counts: map[string]int64{"asked": 1}, Active: 2},
	})
	for _, tt := range []struct {
		name     string
		from, to flows.Date
		want     int
	}{
		{"both days", d0, d0.AddDays(1), 4},
		{"the first", d0, d0, 3},
		{"the second", d0.AddDays(1), d0.AddDays(1), 2},
		{"a week around", d0.AddDays(-3), d0.AddDays(3), 4},
		{"before", d0.AddDays(-30), d0.AddDays(-1), 0},
	} {
		if got, err := s.Reach(ctx, tt.from, tt.to); err != nil || got != tt.want {
			t.Errorf("Reach %s = %d, %v; want %d", tt.name, got, err, tt.want)
		}
	}
}

// testThousands: 2,000 people a day on two days, 1,000 of them on both.
func testThousands(t *testing.T, h Harness) {
	s := h.New(t)
	for i := range 3000 {
		chat := fmt.Sprintf("tg:%d", 5_000_000_000+i)
		if i < 2000 {
			active(t, s, d0, chat)
		}
		if i >= 1000 {
			active(t, s, d0.AddDays(1), chat)
		}
	}
	days := daysOf(t, s, d0, d0.AddDays(1))
	near(t, "Active of the first day", days[0].Active, 2000)
	near(t, "Active of the second day", days[1].Active, 2000)
	reach, err := s.Reach(ctx, d0, d0.AddDays(1))
	if err != nil {
		t.Fatalf("Reach: %v", err)
	}
	near(t, "Reach", reach, 3000)
}

// testConcurrent: replicas adding at once lose no count.
func testConcurrent(t *testing.T, h Harness) {
	s := h.New(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := range 50 {
				c := map[string]int64{stats.Asked: 1, stats.Started("khai-sinh"): 2}
				if err := s.Add(ctx, d0, c); err != nil {
					errs <- err
					return
				}
				if err := s.Active(ctx, d0, fmt.Sprintf("tg:%d", w*50+i%10)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Add or Active: %v", err)
	}
	same(t, daysOf(t, s, d0, d0), []stats.Day{
		{Date: d0, Counts: map[string]int64{"asked": 400, "start:khai-sinh": 800}, Active: 80},
	})
}

func testInvalid(t *testing.T, h Harness) {
	s := h.New(t)
	feb31 := flows.Date{Year: 2026, Month: time.February, Day: 31}
	_, days := s.Days(ctx, d0.AddDays(1), d0)
	_, tooLong := s.Days(ctx, d0, d0.AddDays(stats.MaxDays))
	_, reach := s.Reach(ctx, d0.AddDays(1), d0)
	_, reachLong := s.Reach(ctx, d0, d0.AddDays(stats.MaxDays))
	_, zero := s.Days(ctx, flows.Date{}, d0)
	for name, err := range map[string]error{
		"Add on no date":          s.Add(ctx, flows.Date{}, map[string]int64{stats.Asked: 1}),
		"Add on 31/02":            s.Add(ctx, feb31, map[string]int64{stats.Asked: 1}),
		"Add of a negative count": s.Add(ctx, d0, map[string]int64{stats.Asked: 1, "answered": -1}),
		"Add of an empty field":   s.Add(ctx, d0, map[string]int64{"": 1}),
		"Active of no chat":       s.Active(ctx, d0, ""),
		"Active on 31/02":         s.Active(ctx, feb31, "tg:1"),
		"Days backwards":          days,
		"Days of MaxDays+1":       tooLong,
		"Days from no date":       zero,
		"Reach backwards":         reach,
		"Reach of MaxDays+1":      reachLong,
	} {
		if !errors.Is(err, stats.ErrInvalid) {
			t.Errorf("%s = %v, want ErrInvalid", name, err)
		}
	}
	// Refused as a whole: the valid count of the Add above is not there.
	same(t, daysOf(t, s, d0, d0), []stats.Day{{Date: d0, Counts: map[string]int64{}}})
	if got, err := s.Days(ctx, d0, d0.AddDays(stats.MaxDays-1)); err != nil || len(got) != stats.MaxDays {
		t.Errorf("Days of MaxDays = %d days, %v; want %d, nil", len(got), err, stats.MaxDays)
	}
}

func testCanceled(t *testing.T, h Harness) {
	s := h.New(t)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	for name, err := range ops(canceled, s) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context = %v, want context.Canceled", name, err)
		}
		if errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s with a canceled context = %v, want not ErrUnavailable: trying again would not help", name, err)
		}
	}
	same(t, daysOf(t, s, d0, d0), []stats.Day{{Date: d0, Counts: map[string]int64{}}})
}

func testDown(t *testing.T, h Harness) {
	s := h.Down(t)
	for name, err := range ops(ctx, s) {
		if !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s with the backend down = %v, want store.ErrUnavailable", name, err)
		}
	}
}

// ops calls every method once.
func ops(ctx context.Context, s stats.Store) map[string]error {
	_, days := s.Days(ctx, d0, d0.AddDays(29))
	_, reach := s.Reach(ctx, d0, d0.AddDays(29))
	return map[string]error{
		"Add":    s.Add(ctx, d0, map[string]int64{stats.Asked: 1}),
		"Active": s.Active(ctx, d0, "tg:1"),
		"Days":   days,
		"Reach":  reach,
	}
}

func add(t *testing.T, s stats.Store, day flows.Date, counts map[string]int64) {
	t.Helper()
	if err := s.Add(ctx, day, counts); err != nil {
		t.Fatalf("Add %s %v: %v", day, counts, err)
	}
}

func active(t *testing.T, s stats.Store, day flows.Date, chat string) {
	t.Helper()
	if err := s.Active(ctx, day, chat); err != nil {
		t.Fatalf("Active %s %s: %v", day, chat, err)
	}
}

func daysOf(t *testing.T, s stats.Store, from, to flows.Date) []stats.Day {
	t.Helper()
	days, err := s.Days(ctx, from, to)
	if err != nil {
		t.Fatalf("Days %s–%s: %v", from, to, err)
	}
	return days
}

// same reports where got differs from want; Counts must be non-nil.
func same(t *testing.T, got, want []stats.Day) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d days, want %d: %+v", len(got), len(want), got)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Date != w.Date || g.Active != w.Active || g.Counts == nil || !maps.Equal(g.Counts, w.Counts) {
			t.Errorf("day %d = %+v, want %+v", i, g, w)
		}
	}
}

// near checks that an approximate count is within 2 % of want; the
// HyperLogLog of Redis has a standard error of 0.81 %.
func near(t *testing.T, what string, got, want int) {
	t.Helper()
	if math.Abs(float64(got-want)) > 0.02*float64(want) {
		t.Errorf("%s = %d, want %d within 2 %%", what, got, want)
	}
}
