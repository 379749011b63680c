package ticketstest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/tickets"
)

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
