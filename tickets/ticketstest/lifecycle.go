package ticketstest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/tickets"
)

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
