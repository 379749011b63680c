// Package ticketstest is the conformance suite every tickets.Store must
// pass. A backend's test calls Run with a Harness:
//
//	func TestMemory(t *testing.T) {
//		ticketstest.Run(t, ticketstest.Harness{
//			New: func(t *testing.T, o tickets.Options) tickets.Store { return tickets.NewMemory(o) },
//		})
//	}
//
// Time is whatever the suite passes to the store: a clock it moves, never
// a sleep.
package ticketstest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/tickets"
)

// Harness tells Run how to get stores of the backend under test.
type Harness struct {
	// New returns an empty store with opts. Open, Due and Purge see every
	// ticket of their store, so two stores New returns must not share
	// tickets.
	New func(t *testing.T, opts tickets.Options) tickets.Store
	// Reopen returns a new store on what s keeps, as a restarted replica
	// would get. Nil for a backend that keeps nothing beyond its process
	// (memory): the checks of a restart are then not run.
	Reopen func(t *testing.T, s tickets.Store) tickets.Store
}

// Run runs the conformance suite, each check as a subtest.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"CreateGet", testCreateGet},
		{"CreateInvalid", testCreateInvalid},
		{"OneTicketUnderWayPerChat", testOneActive},
		{"ConcurrentClaims", testConcurrentClaims},
		{"ClaimClosed", testClaimClosed},
		{"Release", testRelease},
		{"AnsweredOnce", testAnsweredOnce},
		{"Close", testClose},
		{"Active", testActive},
		{"ByPost", testByPost},
		{"Open", testOpen},
		{"DueRenotify", testDueRenotify},
		{"DueEscalate", testDueEscalate},
		{"DueSkipsClaimed", testDueSkipsClaimed},
		{"Marks", testMarks},
		{"DeleteChat", testDeleteChat},
		{"Retention", testRetention},
		{"StatsMedians", testStatsMedians},
		{"StatsVillages", testStatsVillages},
		{"StatsSpans", testStatsSpans},
		{"CanceledContext", testCanceled},
		{"Restart", testRestart},
	}
	for _, tt := range tests {
		if tt.name == "Restart" && h.Reopen == nil {
			// Not a skip: a memory store has nothing to restart.
			continue
		}
		t.Run(tt.name, func(t *testing.T) { tt.run(t, h) })
	}
}

// t0 is when the suite's first question is asked: 09:00 in Vietnam.
var t0 = time.Date(2026, 7, 15, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// The timings.
const (
	renotifyAfter = 30 * time.Minute
	escalateAfter = 4 * time.Hour
)

var ctx = context.Background()

// ask is a question of chat at t0+after.
func ask(chat string, after time.Duration) tickets.Ticket {
	return tickets.Ticket{
		Chat:     chat,
		Name:     "Bà Lan",
		Question: "Làm giấy khai sinh cho cháu cần mang gì?",
		Flow:     "khai-sinh",
		Step:     "giay-to",
		Village:  "Thôn 3",
		Created:  t0.Add(after),
	}
}

func create(t *testing.T, s tickets.Store, tk tickets.Ticket) tickets.Ticket {
	t.Helper()
	got, err := s.Create(ctx, tk)
	if err != nil {
		t.Fatalf("Create(%s): %v", tk.Chat, err)
	}
	return got
}

func get(t *testing.T, s tickets.Store, id string) tickets.Ticket {
	t.Helper()
	got, err := s.Get(ctx, id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return got
}

func claim(t *testing.T, s tickets.Store, id, volunteer string, now time.Time) tickets.Ticket {
	t.Helper()
	got, err := s.Claim(ctx, id, volunteer, "Anh "+volunteer, now)
	if err != nil {
		t.Fatalf("Claim(%s, %s): %v", id, volunteer, err)
	}
	return got
}

func closeTicket(t *testing.T, s tickets.Store, id string, now time.Time) tickets.Ticket {
	t.Helper()
	got, err := s.Close(ctx, id, now)
	if err != nil {
		t.Fatalf("Close(%s): %v", id, err)
	}
	return got
}

func setPost(t *testing.T, s tickets.Store, id, post string) {
	t.Helper()
	if err := s.SetPost(ctx, id, post); err != nil {
		t.Fatalf("SetPost(%s, %s): %v", id, post, err)
	}
}

func due(t *testing.T, s tickets.Store, now time.Time) (renotify, escalate []tickets.Ticket) {
	t.Helper()
	r, e, err := s.Due(ctx, now, renotifyAfter, escalateAfter)
	if err != nil {
		t.Fatalf("Due(%v): %v", now, err)
	}
	return r, e
}

func stats(t *testing.T, s tickets.Store, since, until time.Time) tickets.Stats {
	t.Helper()
	st, err := s.Stats(ctx, since, until)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return st
}

// same reports whether a and b hold the same ticket; times are compared
// as instants.
func same(a, b tickets.Ticket) bool {
	return a.ID == b.ID && a.Chat == b.Chat && a.Name == b.Name && a.Question == b.Question &&
		a.Flow == b.Flow && a.Step == b.Step && a.Shared == b.Shared && a.Village == b.Village &&
		a.Status == b.Status && a.Volunteer == b.Volunteer && a.VolunteerName == b.VolunteerName &&
		a.Created.Equal(b.Created) && a.Claimed.Equal(b.Claimed) && a.FirstAnswer.Equal(b.FirstAnswer) &&
		a.Closed.Equal(b.Closed) && a.Notified == b.Notified && a.Escalated == b.Escalated && a.Post == b.Post
}

// ids lists the tickets' IDs, for messages and comparisons.
func ids(ts []tickets.Ticket) string {
	out := make([]string, len(ts))
	for i, tk := range ts {
		out[i] = tk.ID
	}
	return "[" + strings.Join(out, " ") + "]"
}

func testCreateGet(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	in := ask("tg:101", 1234567*time.Nanosecond) // below the millisecond: dropped
	in.Shared = "Họ tên cháu: Nguyễn Văn An\nNgày sinh: 01/07/2026"
	// What the store sets is ignored when given.
	in.Status, in.Volunteer, in.Notified, in.Escalated, in.Post = tickets.Closed, "tg:9", 7, true, "tg:-1:1"
	got := create(t, s, in)
	if len(got.ID) != 8 || strings.Trim(got.ID, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
		t.Errorf("picked ID %q, want 8 of A-Z and 2-7", got.ID)
	}
	want := tickets.Ticket{
		ID: got.ID, Chat: in.Chat, Name: in.Name, Question: in.Question, Flow: in.Flow, Step: in.Step,
		Shared: in.Shared, Village: in.Village, Status: tickets.Open, Notified: 1,
		Created: t0.Add(time.Millisecond),
	}
	if !same(got, want) {
		t.Errorf("Create = %+v\nwant     %+v", got, want)
	}
	if g := get(t, s, got.ID); !same(g, want) {
		t.Errorf("Get = %+v\nwant  %+v", g, want)
	}

	mine := ask("tg:102", 0)
	mine.ID = "Q-102"
	if g := create(t, s, mine); g.ID != "Q-102" {
		t.Errorf("Create with ID Q-102 stored ID %q", g.ID)
	}
	mine.Chat = "tg:103"
	if _, err := s.Create(ctx, mine); !errors.Is(err, tickets.ErrExists) {
		t.Errorf("Create with an ID in use = %v, want ErrExists", err)
	}
	if _, err := s.Get(ctx, "NOSUCH22"); !errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("Get of a missing ticket = %v, want ErrNotFound", err)
	}
	if _, err := s.Get(ctx, "a b"); !errors.Is(err, tickets.ErrInvalid) {
		t.Errorf("Get(%q) = %v, want ErrInvalid", "a b", err)
	}
}

func testCreateInvalid(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	tests := []struct {
		name   string
		change func(tk *tickets.Ticket)
	}{
		{"no chat", func(tk *tickets.Ticket) { tk.Chat = "" }},
		{"chat with a space", func(tk *tickets.Ticket) { tk.Chat = "tg: 1" }},
		{"no question", func(tk *tickets.Ticket) { tk.Question = "" }},
		{"question too long", func(tk *tickets.Ticket) { tk.Question = strings.Repeat("ă", tickets.MaxQuestion+1) }},
		{"not UTF-8", func(tk *tickets.Ticket) { tk.Question = "\xff" }},
		{"no time", func(tk *tickets.Ticket) { tk.Created = time.Time{} }},
		{"bad ID", func(tk *tickets.Ticket) { tk.ID = "a|b" }},
		{"ID too long", func(tk *tickets.Ticket) { tk.ID = strings.Repeat("A", 17) }},
		{"name on two lines", func(tk *tickets.Ticket) { tk.Name = "Bà\nLan" }},
		{"village too long", func(tk *tickets.Ticket) { tk.Village = strings.Repeat("x", 65) }},
		{"shared too long", func(tk *tickets.Ticket) { tk.Shared = strings.Repeat("x", tickets.MaxShared+1) }},
		{"step with a space", func(tk *tickets.Ticket) { tk.Step = "giay to" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := ask("tg:201", 0)
			tt.change(&tk)
			if _, err := s.Create(ctx, tk); !errors.Is(err, tickets.ErrInvalid) {
				t.Errorf("Create = %v, want ErrInvalid", err)
			}
		})
	}
	if _, ok, err := s.Active(ctx, "tg:201"); ok || err != nil {
		t.Errorf("after refused creations Active = %v, %v; want none", ok, err)
	}
	long := ask("tg:201", 0)
	long.Question = strings.Repeat("ă", tickets.MaxQuestion)
	if got := create(t, s, long); got.Question != long.Question {
		t.Errorf("a question of %d characters came back as %d bytes", tickets.MaxQuestion, len(got.Question))
	}
	if _, err := s.Claim(ctx, "ABCDEFGH", "", "X", t0); !errors.Is(err, tickets.ErrInvalid) {
		t.Errorf("Claim by no volunteer = %v, want ErrInvalid", err)
	}
	if err := s.SetPost(ctx, "ABCDEFGH", "tg -1 2"); !errors.Is(err, tickets.ErrInvalid) {
		t.Errorf("SetPost with spaces = %v, want ErrInvalid", err)
	}
}

func testOneActive(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	first := create(t, s, ask("tg:301", 0))
	if _, err := s.Create(ctx, ask("tg:301", time.Minute)); !errors.Is(err, tickets.ErrActive) {
		t.Fatalf("a second Create while one is open = %v, want ErrActive", err)
	}
	claim(t, s, first.ID, "tg:9", t0.Add(time.Minute))
	if _, err := s.Create(ctx, ask("tg:301", 2*time.Minute)); !errors.Is(err, tickets.ErrActive) {
		t.Fatalf("a second Create while one is claimed = %v, want ErrActive", err)
	}
	closeTicket(t, s, first.ID, t0.Add(3*time.Minute))
	second := create(t, s, ask("tg:301", 4*time.Minute))
	if got, ok, err := s.Active(ctx, "tg:301"); err != nil || !ok || got.ID != second.ID {
		t.Errorf("Active = %s, %v, %v; want the second ticket %s", got.ID, ok, err, second.ID)
	}
	create(t, s, ask("tg:302", 0)) // another chat is not held up
}

func testConcurrentClaims(t *testing.T, h Harness) {
	for _, n := range []int{2, 20} {
		t.Run(fmt.Sprintf("%d volunteers", n), func(t *testing.T) {
			s := h.New(t, tickets.Options{})
			tk := create(t, s, ask("tg:401", 0))
			now := t0.Add(3 * time.Minute)
			var (
				wg     sync.WaitGroup
				start  = make(chan struct{})
				mu     sync.Mutex
				won    []string
				others = make(map[string]tickets.Ticket)
			)
			for i := range n {
				wg.Go(func() {
					vol := fmt.Sprintf("tg:%d", 9000+i)
					<-start
					got, err := s.Claim(ctx, tk.ID, vol, "Anh "+vol, now)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						won = append(won, vol)
					case errors.Is(err, tickets.ErrTaken):
						others[vol] = got
					default:
						t.Errorf("Claim by %s: %v", vol, err)
					}
				})
			}
			close(start)
			wg.Wait()
			if len(won) != 1 || len(others) != n-1 {
				t.Fatalf("%d claimed at once: %d won (%v), %d were told it was taken; want 1 and %d", n, len(won), won, len(others), n-1)
			}
			winner := won[0]
			for vol, got := range others {
				if got.Volunteer != winner || got.VolunteerName != "Anh "+winner || got.Status != tickets.Claimed {
					t.Errorf("%s was told %q (%q, %v) took it, want %s", vol, got.Volunteer, got.VolunteerName, got.Status, winner)
				}
			}
			g := get(t, s, tk.ID)
			if g.Status != tickets.Claimed || g.Volunteer != winner || !g.Claimed.Equal(now) {
				t.Errorf("after the race Get = %+v, want claimed by %s at %v", g, winner, now)
			}
			// The winner pressing again is told he has it.
			got, err := s.Claim(ctx, tk.ID, winner, "Anh "+winner, now.Add(time.Second))
			if !errors.Is(err, tickets.ErrTaken) || got.Volunteer != winner {
				t.Errorf("the winner claiming again = %s, %v; want ErrTaken naming him", got.Volunteer, err)
			}
			if st := stats(t, s, t0, t0.Add(time.Hour)); st.Claimed != 1 || st.ToClaim != 3*time.Minute {
				t.Errorf("figures after the race: %d claimed, %v to claim; want 1 and 3m", st.Claimed, st.ToClaim)
			}
		})
	}
}

func testClaimClosed(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	tk := create(t, s, ask("tg:501", 0))
	closeTicket(t, s, tk.ID, t0.Add(time.Minute))
	got, err := s.Claim(ctx, tk.ID, "tg:9", "Anh Nam", t0.Add(2*time.Minute))
	if !errors.Is(err, tickets.ErrClosed) || got.Status != tickets.Closed {
		t.Errorf("Claim of a closed ticket = %v, %v; want ErrClosed with the ticket", got.Status, err)
	}
	if _, err := s.Claim(ctx, "NOSUCH22", "tg:9", "Anh Nam", t0); !errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("Claim of a missing ticket = %v, want ErrNotFound", err)
	}
}

func testRelease(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	tk := create(t, s, ask("tg:601", 0))
	if _, err := s.Release(ctx, tk.ID, "tg:9"); !errors.Is(err, tickets.ErrNotYours) {
		t.Errorf("Release of an open ticket = %v, want ErrNotYours", err)
	}
	claimedAt := t0.Add(5 * time.Minute)
	claim(t, s, tk.ID, "tg:9", claimedAt)
	got, err := s.Release(ctx, tk.ID, "tg:8")
	if !errors.Is(err, tickets.ErrNotYours) || got.Volunteer != "tg:9" {
		t.Errorf("Release by another volunteer = %s, %v; want ErrNotYours, still tg:9's", got.Volunteer, err)
	}
	got, err = s.Release(ctx, tk.ID, "tg:9")
	if err != nil {
		t.Fatalf("Release by the claimer: %v", err)
	}
	if got.Status != tickets.Open || got.Volunteer != "" || got.VolunteerName != "" || !got.Claimed.Equal(claimedAt) {
		t.Errorf("after Release: %+v; want open, no volunteer, first claim kept", got)
	}
	if g := get(t, s, tk.ID); !same(g, got) {
		t.Errorf("Get after Release = %+v, want %+v", g, got)
	}
	if _, unclaimed, err := s.Open(ctx, "tg:9"); err != nil || ids(unclaimed) != ids([]tickets.Ticket{tk}) {
		t.Errorf("Open after Release: unclaimed %s, %v; want the ticket", ids(unclaimed), err)
	}
	again := claim(t, s, tk.ID, "tg:8", t0.Add(50*time.Minute))
	if again.Volunteer != "tg:8" || !again.Claimed.Equal(claimedAt) {
		t.Errorf("claimed again: %+v; want tg:8's, first claim at %v kept", again, claimedAt)
	}
	if st := stats(t, s, t0, t0.Add(time.Hour)); st.Claimed != 1 || st.ToClaim != 5*time.Minute {
		t.Errorf("figures: %d claimed, %v to claim; want the first claim only: 1 and 5m", st.Claimed, st.ToClaim)
	}
	closeTicket(t, s, tk.ID, t0.Add(time.Hour))
	if _, err := s.Release(ctx, tk.ID, "tg:8"); !errors.Is(err, tickets.ErrClosed) {
		t.Errorf("Release of a closed ticket = %v, want ErrClosed", err)
	}
}

func testAnsweredOnce(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	tk := create(t, s, ask("tg:701", 0))
	claim(t, s, tk.ID, "tg:9", t0.Add(time.Minute))
	first := t0.Add(7 * time.Minute)
	for _, now := range []time.Time{first, first.Add(time.Minute)} {
		got, err := s.Answered(ctx, tk.ID, now)
		if err != nil || !got.FirstAnswer.Equal(first) {
			t.Errorf("Answered(%v) = %v, %v; want the first answer at %v", now, got.FirstAnswer, err, first)
		}
	}
	if g := get(t, s, tk.ID); !g.FirstAnswer.Equal(first) || g.Status != tickets.Claimed {
		t.Errorf("Get = %+v, want claimed, first answer at %v", g, first)
	}
	if st := stats(t, s, t0, t0.Add(time.Hour)); st.Answered != 1 || st.ToAnswer != 7*time.Minute {
		t.Errorf("figures: %d answered, %v to answer; want 1 and 7m", st.Answered, st.ToAnswer)
	}
	closeTicket(t, s, tk.ID, t0.Add(time.Hour))
	if _, err := s.Answered(ctx, tk.ID, t0.Add(2*time.Hour)); !errors.Is(err, tickets.ErrClosed) {
		t.Errorf("Answered on a closed ticket = %v, want ErrClosed", err)
	}
}

func testClose(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	tk := create(t, s, ask("tg:801", 0))
	claim(t, s, tk.ID, "tg:9", t0.Add(time.Minute))
	at := t0.Add(20 * time.Minute)
	// Both sides close at once.
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			got, err := s.Close(ctx, tk.ID, at)
			if err != nil || got.Status != tickets.Closed || !got.Closed.Equal(at) {
				t.Errorf("Close = %+v, %v; want closed at %v", got, err, at)
			}
		})
	}
	wg.Wait()
	got := closeTicket(t, s, tk.ID, at.Add(time.Hour))
	if !got.Closed.Equal(at) || got.Volunteer != "tg:9" {
		t.Errorf("closing again: %+v; want closed at %v by tg:9's ticket, unchanged", got, at)
	}
	mine, unclaimed, err := s.Open(ctx, "tg:9")
	if err != nil || len(mine)+len(unclaimed) != 0 {
		t.Errorf("Open after Close = %s, %s, %v; want nothing", ids(mine), ids(unclaimed), err)
	}
	if st := stats(t, s, t0, t0.Add(3*time.Hour)); st.Closed != 1 {
		t.Errorf("figures: %d closed, want 1", st.Closed)
	}
}

func testActive(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	if _, ok, err := s.Active(ctx, "tg:901"); ok || err != nil {
		t.Fatalf("Active with no ticket = %v, %v; want none", ok, err)
	}
	tk := create(t, s, ask("tg:901", 0))
	check := func(when string, wantOK bool, wantVol string) {
		t.Helper()
		got, ok, err := s.Active(ctx, "tg:901")
		if err != nil || ok != wantOK || (ok && (got.ID != tk.ID || got.Volunteer != wantVol)) {
			t.Errorf("Active %s = %s (%s), %v, %v; want %v with volunteer %q", when, got.ID, got.Volunteer, ok, err, wantOK, wantVol)
		}
	}
	check("while open", true, "")
	claim(t, s, tk.ID, "tg:9", t0.Add(time.Minute))
	check("while claimed", true, "tg:9")
	if _, ok, err := s.Active(ctx, "tg:902"); ok || err != nil {
		t.Errorf("Active of another chat = %v, %v; want none", ok, err)
	}
	closeTicket(t, s, tk.ID, t0.Add(time.Hour))
	check("once closed", false, "")
	if _, _, err := s.Active(ctx, ""); !errors.Is(err, tickets.ErrInvalid) {
		t.Errorf("Active(\"\") = %v, want ErrInvalid", err)
	}
}

func testByPost(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	tk := create(t, s, ask("tg:1001", 0))
	other := create(t, s, ask("tg:1002", 0))
	setPost(t, s, tk.ID, "tg:-100123:57")
	setPost(t, s, other.ID, "tg:-100123:58")
	setPost(t, s, tk.ID, "tg:-100123:90") // the re-post
	if g := get(t, s, tk.ID); g.Post != "tg:-100123:90" {
		t.Errorf("Post = %q, want the latest, tg:-100123:90", g.Post)
	}
	for post, want := range map[string]string{
		"tg:-100123:57": tk.ID, "tg:-100123:90": tk.ID, "tg:-100123:58": other.ID,
	} {
		got, err := s.ByPost(ctx, post)
		if err != nil || got.ID != want {
			t.Errorf("ByPost(%s) = %s, %v; want %s", post, got.ID, err, want)
		}
	}
	if _, err := s.ByPost(ctx, "tg:-100123:1"); !errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("ByPost of another message = %v, want ErrNotFound", err)
	}
	if err := s.SetPost(ctx, "NOSUCH22", "tg:-1:1"); !errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("SetPost of a missing ticket = %v, want ErrNotFound", err)
	}
}

func testOpen(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	var ts []tickets.Ticket
	for i := range 5 {
		ts = append(ts, create(t, s, ask(fmt.Sprintf("tg:11%02d", i), time.Duration(i)*time.Minute)))
	}
	now := t0.Add(10 * time.Minute)
	claim(t, s, ts[3].ID, "tg:9", now)
	claim(t, s, ts[1].ID, "tg:9", now.Add(time.Minute))
	claim(t, s, ts[2].ID, "tg:8", now)
	closeTicket(t, s, ts[4].ID, now)
	tests := []struct {
		volunteer       string
		mine, unclaimed []tickets.Ticket
	}{
		{"tg:9", []tickets.Ticket{ts[1], ts[3]}, []tickets.Ticket{ts[0]}},
		{"tg:8", []tickets.Ticket{ts[2]}, []tickets.Ticket{ts[0]}},
		{"tg:7", nil, []tickets.Ticket{ts[0]}},
		{"", nil, []tickets.Ticket{ts[0]}},
	}
	for _, tt := range tests {
		mine, unclaimed, err := s.Open(ctx, tt.volunteer)
		if err != nil || ids(mine) != ids(tt.mine) || ids(unclaimed) != ids(tt.unclaimed) {
			t.Errorf("Open(%q) = %s, %s, %v; want %s, %s (oldest first)", tt.volunteer, ids(mine), ids(unclaimed), err, ids(tt.mine), ids(tt.unclaimed))
		}
	}
	if mine, _, _ := s.Open(ctx, "tg:9"); len(mine) == 2 && (mine[0].Status != tickets.Claimed || mine[0].Question == "") {
		t.Errorf("Open returned %+v, want whole tickets", mine[0])
	}
}

func testDueRenotify(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	a := create(t, s, ask("tg:1201", 0))
	b := create(t, s, ask("tg:1202", time.Minute))
	if r, _ := due(t, s, t0.Add(renotifyAfter-time.Millisecond)); len(r) != 0 {
		t.Fatalf("Due before 30 minutes = %s, want nothing", ids(r))
	}
	// Three replicas tick at once.
	now := t0.Add(renotifyAfter + time.Minute)
	got := concurrentDue(t, s, now, 3)
	if ids(got.renotify) != ids([]tickets.Ticket{a, b}) || len(got.escalate) != 0 {
		t.Fatalf("three replicas at +31m got %s to re-post and %s for staff; want %s once each (oldest first) and none",
			ids(got.renotify), ids(got.escalate), ids([]tickets.Ticket{a, b}))
	}
	if got.renotify[0].Notified != 1 || got.renotify[0].Question == "" {
		t.Errorf("Due returned %+v; want the whole ticket, notified once", got.renotify[0])
	}
	// b is re-posted: the bot records the new message, then marks it. A
	// write while Due holds a ticket keeps the lease. a's replica dies
	// before its post.
	setPost(t, s, b.ID, "tg:-100:1202")
	if r, _ := due(t, s, now.Add(time.Minute)); len(r) != 0 {
		t.Fatalf("Due within the lease, after SetPost = %s, want nothing", ids(r))
	}
	if err := s.MarkNotified(ctx, b.ID); err != nil {
		t.Fatalf("MarkNotified: %v", err)
	}
	if r, _ := due(t, s, now.Add(tickets.DefaultLease-time.Millisecond)); len(r) != 0 {
		t.Fatalf("Due within the lease = %s, want nothing", ids(r))
	}
	got = concurrentDue(t, s, now.Add(tickets.DefaultLease), 3)
	if ids(got.renotify) != ids([]tickets.Ticket{a}) {
		t.Fatalf("at the lease's end three replicas got %s to re-post, want the unmarked %s once", ids(got.renotify), a.ID)
	}
	if err := s.MarkNotified(ctx, a.ID); err != nil {
		t.Fatalf("MarkNotified: %v", err)
	}
	if r, _ := due(t, s, now.Add(time.Hour)); len(r) != 0 {
		t.Errorf("Due after both re-posts = %s, want nothing: a ticket is re-posted once", ids(r))
	}
	if g := get(t, s, a.ID); g.Notified != 2 || g.Status != tickets.Open {
		t.Errorf("after the re-post: %+v; want open, notified twice", g)
	}
}

// dueResult is what concurrent callers of Due got, together.
type dueResult struct{ renotify, escalate []tickets.Ticket }

// concurrentDue calls Due from n goroutines at once and returns what they
// got together, sorted as one caller would get them.
func concurrentDue(t *testing.T, s tickets.Store, now time.Time, n int) dueResult {
	t.Helper()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		mu    sync.Mutex
		all   dueResult
	)
	for range n {
		wg.Go(func() {
			<-start
			r, e, err := s.Due(ctx, now, renotifyAfter, escalateAfter)
			if err != nil {
				t.Errorf("Due: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			all.renotify = append(all.renotify, r...)
			all.escalate = append(all.escalate, e...)
		})
	}
	close(start)
	wg.Wait()
	byCreated := func(a, b tickets.Ticket) int { return a.Created.Compare(b.Created) }
	slices.SortStableFunc(all.renotify, byCreated)
	slices.SortStableFunc(all.escalate, byCreated)
	return all
}

func testDueEscalate(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	tk := create(t, s, ask("tg:1301", 0))
	if r, _ := due(t, s, t0.Add(renotifyAfter)); len(r) != 1 {
		t.Fatalf("Due at +30m = %s, want the ticket to re-post", ids(r))
	}
	if err := s.MarkNotified(ctx, tk.ID); err != nil {
		t.Fatal(err)
	}
	if _, e := due(t, s, t0.Add(escalateAfter-time.Millisecond)); len(e) != 0 {
		t.Fatalf("Due before 4 hours: %s for staff, want nothing", ids(e))
	}
	// Outside desk hours the scheduler does not ask for escalations.
	if r, e, err := s.Due(ctx, t0.Add(10*time.Hour), renotifyAfter, 0); err != nil || len(r)+len(e) != 0 {
		t.Fatalf("Due with escalateAfter 0 = %s, %s, %v; want nothing", ids(r), ids(e), err)
	}
	now := t0.Add(escalateAfter)
	got := concurrentDue(t, s, now, 3)
	if ids(got.escalate) != ids([]tickets.Ticket{tk}) || len(got.renotify) != 0 {
		t.Fatalf("three replicas at +4h got %s for staff, %s to re-post; want %s once, none", ids(got.escalate), ids(got.renotify), tk.ID)
	}
	if err := s.MarkEscalated(ctx, tk.ID); err != nil {
		t.Fatalf("MarkEscalated: %v", err)
	}
	if _, e := due(t, s, now.Add(24*time.Hour)); len(e) != 0 {
		t.Errorf("Due a day later: %s for staff, want nothing: staff are told once", ids(e))
	}
	if g := get(t, s, tk.ID); !g.Escalated || g.Status != tickets.Open {
		t.Errorf("after escalation: %+v; want open and escalated", g)
	}

	// A ticket nobody took after a long outage is due for both at once.
	late := create(t, s, ask("tg:1302", 0))
	r, e := due(t, s, t0.Add(48*time.Hour))
	if ids(r) != ids([]tickets.Ticket{late}) || ids(e) != ids([]tickets.Ticket{late}) {
		t.Errorf("after an outage Due = %s, %s; want %s in both", ids(r), ids(e), late.ID)
	}
}

func testDueSkipsClaimed(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	taken := create(t, s, ask("tg:1401", 0))
	claim(t, s, taken.ID, "tg:9", t0.Add(10*time.Minute))
	done := create(t, s, ask("tg:1402", 0))
	closeTicket(t, s, done.ID, t0.Add(10*time.Minute))
	if r, e := due(t, s, t0.Add(5*time.Hour)); len(r)+len(e) != 0 {
		t.Fatalf("Due = %s, %s; want nothing: claimed and closed tickets wait for nobody", ids(r), ids(e))
	}
	// Handed back after 5 hours: due for both at once.
	if _, err := s.Release(ctx, taken.ID, "tg:9"); err != nil {
		t.Fatal(err)
	}
	r, e := due(t, s, t0.Add(5*time.Hour))
	if ids(r) != ids([]tickets.Ticket{taken}) || ids(e) != ids([]tickets.Ticket{taken}) {
		t.Errorf("Due after the hand-back = %s, %s; want %s in both", ids(r), ids(e), taken.ID)
	}
	if err := errors.Join(s.MarkNotified(ctx, taken.ID), s.MarkEscalated(ctx, taken.ID)); err != nil {
		t.Fatal(err)
	}
	// Claimed while Due held it: the next claim does not see it.
	again := create(t, s, ask("tg:1403", 0))
	now := t0.Add(6 * time.Hour)
	if r, _ := due(t, s, now); ids(r) != ids([]tickets.Ticket{again}) {
		t.Fatalf("Due = %s, want %s", ids(r), again.ID)
	}
	claim(t, s, again.ID, "tg:8", now)
	if r, e := due(t, s, now.Add(time.Hour)); len(r)+len(e) != 0 {
		t.Errorf("Due after the claim = %s, %s; want nothing", ids(r), ids(e))
	}
}

func testMarks(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	tk := create(t, s, ask("tg:1501", 0))
	for range 2 {
		if err := s.MarkNotified(ctx, tk.ID); err != nil {
			t.Fatalf("MarkNotified: %v", err)
		}
		if err := s.MarkEscalated(ctx, tk.ID); err != nil {
			t.Fatalf("MarkEscalated: %v", err)
		}
	}
	if g := get(t, s, tk.ID); g.Notified != 2 || !g.Escalated {
		t.Errorf("after marking twice: notified %d, escalated %v; want 2 and true", g.Notified, g.Escalated)
	}
	if err := s.MarkNotified(ctx, "NOSUCH22"); !errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("MarkNotified of a missing ticket = %v, want ErrNotFound", err)
	}
	if err := s.MarkEscalated(ctx, "NOSUCH22"); !errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("MarkEscalated of a missing ticket = %v, want ErrNotFound", err)
	}
}

func testDeleteChat(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	const chat = "tg:1601"
	old := create(t, s, ask(chat, 0))
	setPost(t, s, old.ID, "tg:-100:1")
	claim(t, s, old.ID, "tg:9", t0.Add(2*time.Minute))
	if _, err := s.Answered(ctx, old.ID, t0.Add(6*time.Minute)); err != nil {
		t.Fatal(err)
	}
	closeTicket(t, s, old.ID, t0.Add(time.Hour))
	cur := create(t, s, ask(chat, 2*time.Hour))
	setPost(t, s, cur.ID, "tg:-100:2")
	claim(t, s, cur.ID, "tg:9", t0.Add(3*time.Hour))
	neighbour := create(t, s, ask("tg:1602", 0))
	setPost(t, s, neighbour.ID, "tg:-100:3")
	before := stats(t, s, t0, t0.Add(24*time.Hour))

	if err := s.DeleteChat(ctx, chat); err != nil {
		t.Fatalf("DeleteChat: %v", err)
	}
	for _, id := range []string{old.ID, cur.ID} {
		if _, err := s.Get(ctx, id); !errors.Is(err, tickets.ErrNotFound) {
			t.Errorf("Get(%s) after DeleteChat = %v, want ErrNotFound", id, err)
		}
	}
	for _, post := range []string{"tg:-100:1", "tg:-100:2"} {
		if _, err := s.ByPost(ctx, post); !errors.Is(err, tickets.ErrNotFound) {
			t.Errorf("ByPost(%s) after DeleteChat = %v, want ErrNotFound", post, err)
		}
	}
	if _, ok, err := s.Active(ctx, chat); ok || err != nil {
		t.Errorf("Active after DeleteChat = %v, %v; want none", ok, err)
	}
	if mine, unclaimed, err := s.Open(ctx, "tg:9"); err != nil || len(mine) != 0 || ids(unclaimed) != ids([]tickets.Ticket{neighbour}) {
		t.Errorf("Open after DeleteChat = %s, %s, %v; want only the neighbour's", ids(mine), ids(unclaimed), err)
	}
	if r, _ := due(t, s, t0.Add(time.Hour)); ids(r) != ids([]tickets.Ticket{neighbour}) {
		t.Errorf("Due after DeleteChat = %s, want only the neighbour's", ids(r))
	}
	if g := get(t, s, neighbour.ID); g.Post != "tg:-100:3" {
		t.Errorf("the neighbour's ticket lost its post: %+v", g)
	}
	if after := stats(t, s, t0, t0.Add(24*time.Hour)); !sameStats(after, before) {
		t.Errorf("figures after DeleteChat = %+v, want them kept: %+v", after, before)
	}
	if err := s.DeleteChat(ctx, chat); err != nil {
		t.Errorf("DeleteChat of a chat with no tickets: %v", err)
	}
	create(t, s, ask(chat, 5*time.Hour)) // she may ask again
}

func testRetention(t *testing.T, h Harness) {
	for _, tt := range []struct {
		name      string
		retention time.Duration
		want      time.Duration
	}{
		{"default", 0, tickets.DefaultRetention},
		{"7 days", 7 * 24 * time.Hour, 7 * 24 * time.Hour},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := h.New(t, tickets.Options{Retention: tt.retention})
			old := create(t, s, ask("tg:1701", 0)) // open for ever: kept
			tk := create(t, s, ask("tg:1702", 0))
			setPost(t, s, tk.ID, "tg:-100:9")
			closed := t0.Add(time.Hour)
			closeTicket(t, s, tk.ID, closed)
			before := stats(t, s, t0, t0.Add(24*time.Hour))
			if n, err := s.Purge(ctx, closed.Add(tt.want-time.Millisecond)); err != nil || n != 0 {
				t.Fatalf("Purge just before the retention = %d, %v; want 0", n, err)
			}
			get(t, s, tk.ID)
			if n, err := s.Purge(ctx, closed.Add(tt.want)); err != nil || n != 1 {
				t.Fatalf("Purge at the retention = %d, %v; want 1", n, err)
			}
			if _, err := s.Get(ctx, tk.ID); !errors.Is(err, tickets.ErrNotFound) {
				t.Errorf("Get after the retention = %v, want ErrNotFound", err)
			}
			if _, err := s.ByPost(ctx, "tg:-100:9"); !errors.Is(err, tickets.ErrNotFound) {
				t.Errorf("ByPost after the retention = %v, want ErrNotFound", err)
			}
			get(t, s, old.ID)
			if n, err := s.Purge(ctx, closed.Add(10*tt.want)); err != nil || n != 0 {
				t.Errorf("Purge again = %d, %v; want 0", n, err)
			}
			if after := stats(t, s, t0, t0.Add(24*time.Hour)); !sameStats(after, before) {
				t.Errorf("figures after the retention = %+v, want them kept: %+v", after, before)
			}
		})
	}
}

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

func testCanceled(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	tk := create(t, s, ask("tg:2001", 0))
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	ops := map[string]func() error{
		"Create":   func() error { _, err := s.Create(canceled, ask("tg:2002", 0)); return err },
		"Get":      func() error { _, err := s.Get(canceled, tk.ID); return err },
		"Claim":    func() error { _, err := s.Claim(canceled, tk.ID, "tg:9", "Nam", t0); return err },
		"Release":  func() error { _, err := s.Release(canceled, tk.ID, "tg:9"); return err },
		"Answered": func() error { _, err := s.Answered(canceled, tk.ID, t0); return err },
		"Close":    func() error { _, err := s.Close(canceled, tk.ID, t0); return err },
		"SetPost":  func() error { return s.SetPost(canceled, tk.ID, "tg:-1:1") },
		"Open":     func() error { _, _, err := s.Open(canceled, "tg:9"); return err },
		"Active":   func() error { _, _, err := s.Active(canceled, tk.Chat); return err },
		"ByPost":   func() error { _, err := s.ByPost(canceled, "tg:-1:1"); return err },
		"Due": func() error {
			_, _, err := s.Due(canceled, t0.Add(5*time.Hour), renotifyAfter, escalateAfter)
			return err
		},
		"MarkNotified":  func() error { return s.MarkNotified(canceled, tk.ID) },
		"MarkEscalated": func() error { return s.MarkEscalated(canceled, tk.ID) },
		"DeleteChat":    func() error { return s.DeleteChat(canceled, tk.Chat) },
		"Purge":         func() error { _, err := s.Purge(canceled, t0.AddDate(1, 0, 0)); return err },
		"Stats":         func() error { _, err := s.Stats(canceled, t0, t0.Add(time.Hour)); return err },
	}
	for name, op := range ops {
		if err := op(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context = %v, want context.Canceled", name, err)
		}
	}
	if g := get(t, s, tk.ID); !same(g, tk) {
		t.Errorf("after canceled calls the ticket is %+v, want it unchanged: %+v", g, tk)
	}
	if r, _ := due(t, s, t0.Add(renotifyAfter)); len(r) != 1 {
		t.Errorf("Due after a canceled Due = %s, want the ticket: a canceled call claims nothing", ids(r))
	}
}

func testRestart(t *testing.T, h Harness) {
	s := h.New(t, tickets.Options{})
	open := create(t, s, ask("tg:2101", 0))
	setPost(t, s, open.ID, "tg:-100:21")
	taken := create(t, s, ask("tg:2102", 0))
	claim(t, s, taken.ID, "tg:9", t0.Add(time.Minute))
	done := create(t, s, ask("tg:2103", 0))
	claim(t, s, done.ID, "tg:9", t0.Add(time.Minute))
	closeTicket(t, s, done.ID, t0.Add(10*time.Minute))
	held := t0.Add(renotifyAfter)
	if r, _ := due(t, s, held); ids(r) != ids([]tickets.Ticket{open}) {
		t.Fatalf("Due before the restart = %s, want %s", ids(r), open.ID)
	}
	before := map[string]tickets.Ticket{}
	for _, id := range []string{open.ID, taken.ID, done.ID} {
		before[id] = get(t, s, id)
	}
	figures := stats(t, s, t0, t0.Add(time.Hour))

	r := h.Reopen(t, s)
	for id, want := range before {
		if got, err := r.Get(ctx, id); err != nil || !same(got, want) {
			t.Errorf("after the restart Get(%s) = %+v, %v; want %+v", id, got, err, want)
		}
	}
	if got, ok, err := r.Active(ctx, "tg:2102"); err != nil || !ok || got.Volunteer != "tg:9" {
		t.Errorf("after the restart Active = %+v, %v, %v; want tg:9's ticket", got, ok, err)
	}
	if got, err := r.ByPost(ctx, "tg:-100:21"); err != nil || got.ID != open.ID {
		t.Errorf("after the restart ByPost = %s, %v; want %s", got.ID, err, open.ID)
	}
	if mine, unclaimed, err := r.Open(ctx, "tg:9"); err != nil || ids(mine) != ids([]tickets.Ticket{taken}) || ids(unclaimed) != ids([]tickets.Ticket{open}) {
		t.Errorf("after the restart Open = %s, %s, %v", ids(mine), ids(unclaimed), err)
	}
	if got := stats(t, r, t0, t0.Add(time.Hour)); !sameStats(got, figures) {
		t.Errorf("after the restart Stats = %+v, want %+v", got, figures)
	}
	// The claim Due held before the restart holds until its lease ends.
	if got, _ := due(t, r, held.Add(time.Minute)); len(got) != 0 {
		t.Errorf("after the restart, within the lease, Due = %s, want nothing", ids(got))
	}
	if got, _ := due(t, r, held.Add(tickets.DefaultLease)); ids(got) != ids([]tickets.Ticket{open}) {
		t.Errorf("after the restart, at the lease's end, Due = %s, want %s", ids(got), open.ID)
	}
	// The old and the new store race for one ticket.
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	for i, st := range []tickets.Store{s, r} {
		wg.Go(func() {
			_, err := st.Claim(ctx, open.ID, fmt.Sprintf("tg:%d", 7+i), "Anh", t0.Add(time.Hour))
			if err != nil && !errors.Is(err, tickets.ErrTaken) {
				t.Errorf("Claim: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("an old and a restarted replica claimed at once: %d won, want 1", wins)
	}
}
