package ticketstest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/tickets"
)

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
