package peopletest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/people"
)

func chat(i int) string { return fmt.Sprintf("tg:%d", 1000+i) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func errOf[T any](_ T, err error) error { return err }

func seen(t *testing.T, s people.Store, chat string, now time.Time) {
	t.Helper()
	if err := s.Seen(ctx, chat, now); err != nil {
		t.Fatalf("Seen(%s): %v", chat, err)
	}
}

func setVillage(t *testing.T, s people.Store, chat, village string) {
	t.Helper()
	if err := s.SetVillage(ctx, chat, village); err != nil {
		t.Fatalf("SetVillage(%s, %q): %v", chat, village, err)
	}
}

func notices(t *testing.T, s people.Store, chat string, on bool) {
	t.Helper()
	if err := s.SetNotices(ctx, chat, on); err != nil {
		t.Fatalf("SetNotices(%s, %t): %v", chat, on, err)
	}
}

// stopped fails unless Stopped(chats) answers want.
func stopped(t *testing.T, s people.Store, chats []string, want ...bool) {
	t.Helper()
	got, err := s.Stopped(ctx, chats)
	if err != nil {
		t.Fatalf("Stopped(%s): %v", brief(chats), err)
	}
	if len(got) != len(want) || !slices.Equal(got, want) {
		t.Errorf("Stopped(%s) = %v, want %v", brief(chats), got, want)
	}
}

// check fails unless Get returns want.
func check(t *testing.T, s people.Store, want people.Person) {
	t.Helper()
	got, ok, err := s.Get(ctx, want.Chat)
	if err != nil || !ok {
		t.Fatalf("Get(%s) = %t, %v; want the person", want.Chat, ok, err)
	}
	if got.Chat != want.Chat || got.Village != want.Village || got.NoNotices != want.NoNotices ||
		!got.FirstSeen.Equal(want.FirstSeen) || !got.LastSeen.Equal(want.LastSeen) {
		t.Errorf("Get(%s) = %+v, want %+v", want.Chat, got, want)
	}
}

// audience fails unless Audience calls want, each once, and Count agrees.
func audience(t *testing.T, s people.Store, f people.Filter, want ...string) {
	t.Helper()
	var got []string
	if err := s.Audience(ctx, f, func(c string) error { got = append(got, c); return nil }); err != nil {
		t.Fatalf("Audience(%+v): %v", f, err)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("Audience(%+v) = %s, want %s", f, brief(got), brief(want))
	}
	if n := count(t, s, f); n != len(want) {
		t.Errorf("Count(%+v) = %d, want %d", f, n, len(want))
	}
}

func brief(chats []string) string {
	if len(chats) > 10 {
		return fmt.Sprintf("%d chats [%s …]", len(chats), strings.Join(chats[:10], " "))
	}
	return fmt.Sprint(chats)
}

func count(t *testing.T, s people.Store, f people.Filter) int {
	t.Helper()
	n, err := s.Count(ctx, f)
	if err != nil {
		t.Fatalf("Count(%+v): %v", f, err)
	}
	return n
}

func figures(t *testing.T, s people.Store) people.Figures {
	t.Helper()
	f, err := s.Figures(ctx)
	if err != nil {
		t.Fatalf("Figures: %v", err)
	}
	return f
}

// groups fails unless Groups(villages) returns want, as "chat village".
func groups(t *testing.T, s people.Store, villages []string, want ...string) {
	t.Helper()
	gs, err := s.Groups(ctx, villages)
	if err != nil {
		t.Fatalf("Groups(%v): %v", villages, err)
	}
	var got []string
	for _, g := range gs {
		got = append(got, g.Chat+" "+g.Village)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Groups(%v) = %q, want %q", villages, got, want)
	}
}
