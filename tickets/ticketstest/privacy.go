package ticketstest

import (
	"errors"
	"testing"
	"time"

	"github.com/motcua/motcua/tickets"
)

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
