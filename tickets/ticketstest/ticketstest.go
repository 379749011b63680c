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
	"strings"
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
