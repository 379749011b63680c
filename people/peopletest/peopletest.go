// Package peopletest is the conformance suite every people.Store must
// pass. A backend's test calls Run with a Harness:
//
//	func TestMemory(t *testing.T) {
//		peopletest.Run(t, peopletest.Harness{
//			New: func(t *testing.T) people.Store { return people.NewMemory() },
//		})
//	}
//
// Time is whatever the suite passes to the store, never a clock.
package peopletest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/store"
)

// Harness tells Run how to get stores of the backend under test.
type Harness struct {
	// New returns an empty store; two stores it returns share nothing.
	New func(t *testing.T) people.Store
	// Down returns a store whose backend cannot be reached (Redis
	// stopped). Nil for a backend that cannot be down (memory): the check
	// is then not run.
	Down func(t *testing.T) people.Store
}

// Run runs the conformance suite, each check as a subtest.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"SeenGet", testSeenGet},
		{"Invalid", testInvalid},
		{"Village", testVillage},
		{"Notices", testNotices},
		{"Stopped", testStopped},
		{"Channel", testChannel},
		{"TenThousand", testTenThousand},
		{"StopEarly", testStopEarly},
		{"Groups", testGroups},
		{"Figures", testFigures},
		{"DeleteChat", testDeleteChat},
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

// t0 is when the suite's first citizen writes: 09:00 in Vietnam.
var t0 = time.Date(2026, 7, 15, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

func testSeenGet(t *testing.T, h Harness) {
	s := h.New(t)
	if _, ok, err := s.Get(ctx, "tg:1"); err != nil || ok {
		t.Fatalf("Get of a stranger = %t, %v; want false, nil", ok, err)
	}
	seen(t, s, "tg:1", t0.Add(123456*time.Microsecond))
	seen(t, s, "tg:1", t0.Add(123456*time.Microsecond)) // again: nothing changes
	want := people.Person{Chat: "tg:1", FirstSeen: t0.Add(123 * time.Millisecond), LastSeen: t0.Add(123 * time.Millisecond)}
	check(t, s, want)
	seen(t, s, "tg:1", t0.Add(time.Hour))
	seen(t, s, "tg:1", t0.Add(time.Minute)) // late, from another replica
	want.LastSeen = t0.Add(time.Hour)
	check(t, s, want)
	setVillage(t, s, "tg:1", "thon-1")
	if err := s.SetNotices(ctx, "tg:1", false); err != nil {
		t.Fatalf("SetNotices: %v", err)
	}
	seen(t, s, "tg:1", t0.Add(2*time.Hour))
	want.Village, want.NoNotices, want.LastSeen = "thon-1", true, t0.Add(2*time.Hour)
	check(t, s, want)

	for name, err := range map[string]error{
		"SetVillage": s.SetVillage(ctx, "zl:nobody", "thon-1"),
		"SetNotices": s.SetNotices(ctx, "zl:nobody", true),
	} {
		if !errors.Is(err, people.ErrNotFound) {
			t.Errorf("%s of a stranger = %v, want ErrNotFound", name, err)
		}
	}
	if _, ok, _ := s.Get(ctx, "zl:nobody"); ok {
		t.Errorf("a stranger exists after SetVillage and SetNotices; want them refused")
	}
}

func testInvalid(t *testing.T, h Harness) {
	s := h.New(t)
	for name, err := range map[string]error{
		"Seen of no channel":       s.Seen(ctx, "123", t0),
		"Seen of fb:1":             s.Seen(ctx, "fb:1", t0),
		"Seen of tg:":              s.Seen(ctx, "tg:", t0),
		"Count of channel fb":      errOf(s.Count(ctx, people.Filter{Channel: "fb"})),
		"Count of village \"\"":    errOf(s.Count(ctx, people.Filter{Villages: []string{""}})),
		"AddGroup without village": s.AddGroup(ctx, people.Group{Chat: "tg:-1"}),
		"Stopped of fb:1":          errOf(s.Stopped(ctx, []string{"tg:1", "fb:1"})),
	} {
		if !errors.Is(err, people.ErrInvalid) {
			t.Errorf("%s = %v, want ErrInvalid", name, err)
		}
	}
}

func testVillage(t *testing.T, h Harness) {
	s := h.New(t)
	for i := range 4 {
		seen(t, s, chat(i), t0)
	}
	setVillage(t, s, chat(0), "thon-1")
	setVillage(t, s, chat(1), "thon-1")
	setVillage(t, s, chat(2), "thon-2")
	audience(t, s, people.Filter{Villages: []string{"thon-1"}}, chat(0), chat(1))
	setVillage(t, s, chat(1), "thon-2") // /thon
	audience(t, s, people.Filter{Villages: []string{"thon-1"}}, chat(0))
	audience(t, s, people.Filter{Villages: []string{"thon-2"}}, chat(1), chat(2))
	audience(t, s, people.Filter{Villages: []string{"thon-2", "thon-1", "thon-2"}}, chat(0), chat(1), chat(2))
	setVillage(t, s, chat(0), "") // forgotten
	audience(t, s, people.Filter{Villages: []string{"thon-1"}})
	audience(t, s, people.Filter{Villages: []string{"thon-9"}})
	audience(t, s, people.Filter{}, chat(0), chat(1), chat(2), chat(3))
}

func testNotices(t *testing.T, h Harness) {
	s := h.New(t)
	for i := range 3 {
		seen(t, s, chat(i), t0)
		setVillage(t, s, chat(i), "thon-1")
	}
	notices(t, s, chat(1), false) // /tatthongbao
	notices(t, s, chat(1), false) // twice is once
	audience(t, s, people.Filter{}, chat(0), chat(2))
	audience(t, s, people.Filter{Villages: []string{"thon-1"}}, chat(0), chat(2))
	audience(t, s, people.Filter{Urgent: true}, chat(0), chat(1), chat(2))
	audience(t, s, people.Filter{Urgent: true, Villages: []string{"thon-1"}}, chat(0), chat(1), chat(2))
	notices(t, s, chat(1), true) // /batthongbao
	audience(t, s, people.Filter{}, chat(0), chat(1), chat(2))
}

// testStopped asks who stopped ordinary notices, for several chats at
// once, as a sender does for the families with a reminder.
func testStopped(t *testing.T, h Harness) {
	s := h.New(t)
	stopped(t, s, nil)
	stopped(t, s, []string{})
	stopped(t, s, []string{"tg:1", "zl:a"}, false, false) // strangers
	for _, c := range []string{"tg:1", "tg:2", "zl:a"} {
		seen(t, s, c, t0)
	}
	stopped(t, s, []string{"tg:1", "tg:2", "zl:a"}, false, false, false)
	notices(t, s, "tg:2", false) // /tatthongbao
	notices(t, s, "zl:a", false)
	// In the order asked, a stranger among them, a chat twice.
	stopped(t, s, []string{"zl:a", "tg:1", "zl:nobody", "tg:2", "zl:a"}, true, false, false, true, true)
	notices(t, s, "zl:a", true) // /batthongbao
	stopped(t, s, []string{"tg:1", "tg:2", "zl:a"}, false, true, false)
	setVillage(t, s, "tg:2", "thon-1") // the rest of her record changes nothing
	seen(t, s, "tg:2", t0.Add(time.Hour))
	stopped(t, s, []string{"tg:2"}, true)
	must(t, s.DeleteChat(ctx, "tg:2")) // /xoadulieu
	stopped(t, s, []string{"tg:1", "tg:2"}, false, false)
	seen(t, s, "tg:2", t0.Add(2*time.Hour)) // back: a new person, notices on
	stopped(t, s, []string{"tg:1", "tg:2"}, false, false)
	if got, err := s.Stopped(ctx, []string{"tg:1", "tg:"}); !errors.Is(err, people.ErrInvalid) || got != nil {
		t.Errorf("Stopped with an invalid chat = %v, %v; want no answer and ErrInvalid", got, err)
	}
}

func testChannel(t *testing.T, h Harness) {
	s := h.New(t)
	chats := []string{"tg:1", "tg:2", "zl:a", "zl:b"}
	for _, c := range chats {
		seen(t, s, c, t0)
		setVillage(t, s, c, "thon-1")
	}
	notices(t, s, "zl:b", false)
	audience(t, s, people.Filter{Channel: people.Telegram}, "tg:1", "tg:2")
	audience(t, s, people.Filter{Channel: people.Zalo}, "zl:a")
	audience(t, s, people.Filter{Channel: people.Zalo, Urgent: true, Villages: []string{"thon-1"}}, "zl:a", "zl:b")
	audience(t, s, people.Filter{Channel: people.Telegram, Villages: []string{"thon-2"}})
}

// testTenThousand checks that a large audience, read in many batches,
// comes whole and each chat once.
func testTenThousand(t *testing.T, h Harness) {
	s := h.New(t)
	const n = 10_000
	want := make(map[string]bool) // chat → in the ordinary audience of thon-3
	all := make([]string, 0, n)
	for i := range n {
		c := fmt.Sprintf("tg:%d", 5_000_000_000+i)
		if i%2 == 1 {
			c = fmt.Sprintf("zl:%x", 1_000_000+i)
		}
		all = append(all, c)
		seen(t, s, c, t0)
		if i%4 == 0 {
			continue
		}
		village := fmt.Sprintf("thon-%d", i%5)
		setVillage(t, s, c, village)
		if i%10 == 3 {
			notices(t, s, c, false)
		}
		if village == "thon-3" {
			want[c] = i%10 != 3
		}
	}
	got := make(map[string]int)
	var last string
	err := s.Audience(ctx, people.Filter{}, func(c string) error {
		got[c]++
		if c <= last {
			t.Errorf("Audience called %s after %s, want the chats in order", c, last)
		}
		last = c
		return nil
	})
	if err != nil {
		t.Fatalf("Audience: %v", err)
	}
	if len(got) != n-n/10 {
		t.Errorf("Audience of everyone called %d chats, want %d (all but those who stopped)", len(got), n-n/10)
	}
	for c, k := range got {
		if k != 1 {
			t.Errorf("Audience called %s %d times, want once", c, k)
		}
	}
	if k := count(t, s, people.Filter{}); k != len(got) {
		t.Errorf("Count of everyone = %d, want %d as Audience", k, len(got))
	}
	if k := count(t, s, people.Filter{Urgent: true}); k != n {
		t.Errorf("Count of an urgent notice to everyone = %d, want %d", k, n)
	}
	// Who stopped, of every chat, in one call.
	answers, err := s.Stopped(ctx, all)
	if err != nil || len(answers) != n {
		t.Fatalf("Stopped of %d chats = %d answers, %v; want %d", n, len(answers), err, n)
	}
	wrong := 0
	for i, a := range answers {
		if a != (i%10 == 3) {
			wrong++
		}
	}
	if wrong > 0 {
		t.Errorf("Stopped of %d chats was wrong of %d, want right of all (those i%%10 == 3 stopped)", n, wrong)
	}
	var ordinary, urgent []string
	for c, on := range want {
		urgent = append(urgent, c)
		if on {
			ordinary = append(ordinary, c)
		}
	}
	audience(t, s, people.Filter{Villages: []string{"thon-3"}}, ordinary...)
	audience(t, s, people.Filter{Villages: []string{"thon-3"}, Urgent: true}, urgent...)
	var tg int
	for c := range got {
		if c[:3] == "tg:" {
			tg++
		}
	}
	if k := count(t, s, people.Filter{Channel: people.Telegram}); k != tg {
		t.Errorf("Count on Telegram = %d, want %d", k, tg)
	}
}

func testStopEarly(t *testing.T, h Harness) {
	s := h.New(t)
	for i := range 3 {
		seen(t, s, chat(i), t0)
	}
	stop := errors.New("stop")
	calls := 0
	err := s.Audience(ctx, people.Filter{}, func(string) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Audience with each failing = %v after %d calls, want its error after 1", err, calls)
	}
}

func testGroups(t *testing.T, h Harness) {
	s := h.New(t)
	for _, g := range []people.Group{
		{Chat: "tg:-101", Village: "thon-1"},
		{Chat: "tg:-102", Village: "thon-2"},
		{Chat: "zl:g3", Village: "thon-2"},
		{Chat: "tg:-104", Village: "thon-3"},
	} {
		if err := s.AddGroup(ctx, g); err != nil {
			t.Fatalf("AddGroup(%v): %v", g, err)
		}
	}
	groups(t, s, []string{"thon-2"}, "tg:-102 thon-2", "zl:g3 thon-2")
	must(t, s.AddGroup(ctx, people.Group{Chat: "tg:-104", Village: "thon-2"})) // moved
	must(t, s.RemoveGroup(ctx, "zl:g3"))
	must(t, s.RemoveGroup(ctx, "zl:g3")) // gone already
	groups(t, s, []string{"thon-2", "thon-1"}, "tg:-101 thon-1", "tg:-102 thon-2", "tg:-104 thon-2")
	must(t, s.MigrateGroup(ctx, "tg:-101", "tg:-100101"))
	must(t, s.MigrateGroup(ctx, "tg:-101", "tg:-100101")) // recorded already
	groups(t, s, nil, "tg:-100101 thon-1", "tg:-102 thon-2", "tg:-104 thon-2")
	groups(t, s, []string{"thon-9"})
}

func testFigures(t *testing.T, h Harness) {
	s := h.New(t)
	if f := figures(t, s); f.People != 0 || f.NoNotices != 0 || len(f.Villages) != 0 {
		t.Errorf("Figures of an empty store = %+v, want zeros", f)
	}
	for i := range 6 {
		seen(t, s, chat(i), t0)
	}
	setVillage(t, s, chat(0), "thon-1")
	setVillage(t, s, chat(1), "thon-1")
	setVillage(t, s, chat(2), "thon-2")
	setVillage(t, s, chat(3), "thon-3")
	setVillage(t, s, chat(3), "thon-2") // thon-3 is empty again
	notices(t, s, chat(0), false)
	notices(t, s, chat(5), false)
	f := figures(t, s)
	want := people.Figures{People: 6, NoNotices: 2, Villages: map[string]int{"thon-1": 2, "thon-2": 2, "": 2}}
	if f.People != want.People || f.NoNotices != want.NoNotices || !maps.Equal(f.Villages, want.Villages) {
		t.Errorf("Figures = %+v, want %+v", f, want)
	}
}

func testDeleteChat(t *testing.T, h Harness) {
	s := h.New(t)
	seen(t, s, "tg:1", t0)
	seen(t, s, "tg:2", t0)
	setVillage(t, s, "tg:1", "thon-1")
	setVillage(t, s, "tg:2", "thon-1")
	notices(t, s, "tg:1", false)
	must(t, s.DeleteChat(ctx, "tg:1")) // /xoadulieu
	must(t, s.DeleteChat(ctx, "tg:1")) // twice is once
	if p, ok, err := s.Get(ctx, "tg:1"); err != nil || ok {
		t.Errorf("Get after DeleteChat = %+v, %t, %v; want nothing", p, ok, err)
	}
	audience(t, s, people.Filter{Urgent: true}, "tg:2")
	audience(t, s, people.Filter{Urgent: true, Villages: []string{"thon-1"}}, "tg:2")
	f := figures(t, s)
	if f.People != 1 || f.NoNotices != 0 || !maps.Equal(f.Villages, map[string]int{"thon-1": 1}) {
		t.Errorf("Figures after DeleteChat = %+v, want one person in thon-1, none stopped", f)
	}
	// She comes back: a new person, with nothing of before.
	seen(t, s, "tg:1", t0.Add(time.Hour))
	check(t, s, people.Person{Chat: "tg:1", FirstSeen: t0.Add(time.Hour), LastSeen: t0.Add(time.Hour)})
	audience(t, s, people.Filter{Villages: []string{"thon-1"}}, "tg:2")
}

func testCanceled(t *testing.T, h Harness) {
	s := h.New(t)
	seen(t, s, "tg:1", t0)
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
	check(t, s, people.Person{Chat: "tg:1", FirstSeen: t0, LastSeen: t0})
}

func testDown(t *testing.T, h Harness) {
	s := h.Down(t)
	for name, err := range ops(ctx, s) {
		if !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s with the backend down = %v, want store.ErrUnavailable", name, err)
		}
	}
}

// ops calls every method once, on tg:1.
func ops(ctx context.Context, s people.Store) map[string]error {
	_, _, get := s.Get(ctx, "tg:1")
	_, groups := s.Groups(ctx, nil)
	_, figures := s.Figures(ctx)
	_, stopped := s.Stopped(ctx, []string{"tg:1", "zl:a"})
	return map[string]error{
		"Seen":         s.Seen(ctx, "tg:1", t0.Add(time.Hour)),
		"SetVillage":   s.SetVillage(ctx, "tg:1", "thon-1"),
		"SetNotices":   s.SetNotices(ctx, "tg:1", false),
		"Get":          get,
		"Audience":     s.Audience(ctx, people.Filter{}, func(string) error { return nil }),
		"Count":        errOf(s.Count(ctx, people.Filter{})),
		"AddGroup":     s.AddGroup(ctx, people.Group{Chat: "tg:-1", Village: "thon-1"}),
		"RemoveGroup":  s.RemoveGroup(ctx, "tg:-1"),
		"MigrateGroup": s.MigrateGroup(ctx, "tg:-1", "tg:-1001"),
		"Groups":       groups,
		"Figures":      figures,
		"Stopped":      stopped,
		"DeleteChat":   s.DeleteChat(ctx, "tg:1"),
	}
}
