// Package reminderstest is the conformance suite every reminders.Store
// must pass. A backend's test calls Run with a Harness:
//
//	func TestMemory(t *testing.T) {
//		reminderstest.Run(t, reminderstest.Harness{
//			New: func(t *testing.T, s reminders.Schedule) reminders.Store { return reminders.NewMemory(s) },
//		})
//	}
//
// Time is whatever the suite passes to Claim: no test sleeps.
package reminderstest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/reminders"
)

// Harness tells Run how to get stores of the backend under test.
type Harness struct {
	// New returns an empty store on sched. A claim sees every reminder of
	// its store, so two stores New returns must not share reminders.
	New func(t *testing.T, sched reminders.Schedule) reminders.Store
}

// Run runs the conformance suite, each check as a subtest.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		run  func(t *testing.T, s reminders.Store)
	}{
		{"SaveListDelete", testSaveListDelete},
		{"SaveReplaces", testSaveReplaces},
		{"Invalid", testInvalid},
		{"ClaimDueOnly", testClaimDueOnly},
		{"LeaseRedelivers", testLeaseRedelivers},
		{"RenewKeepsTheClaim", testRenewKeeps},
		{"RenewDropsWhatIsNoLongerHeld", testRenewDrops},
		{"ConcurrentClaimers", testConcurrentClaimers},
		{"DoneMovesToNextStage", testDoneNextStage},
		{"DoneTwiceIsHarmless", testDoneTwice},
		{"DoneDoesNotClobber", testDoneDoesNotClobber},
		{"CatchUpSendsLatestOnly", testCatchUp},
		{"Snooze", testSnooze},
		{"SnoozeAfterTheLastStage", testSnoozeLast},
		{"PauseAndResume", testPause},
		{"DeleteChat", testDeleteChat},
		{"Chats", testChats},
		{"CanceledContext", testCanceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, h.New(t, sched)) })
	}
}

// sched is the schedule: 30, 7 and 1 days before expiry and the
// day after, at 08:00 in Asia/Ho_Chi_Minh.
var sched = reminders.DefaultSchedule()

// expiry is the card most tests remind of; its stages are 08:00 on
// 15/06, 08/07, 14/07 and 16/07/2026.
var expiry = flows.Date{Year: 2026, Month: time.July, Day: 15}

// stage is when stage i of a card expiring on expiry falls due.
func stage(i int) time.Time {
	return sched.Stages(reminders.Reminder{Expiry: expiry})[i]
}

// created is when the tests' cards are entered: before every stage.
var created = stage(0).Add(-10 * 24 * time.Hour)

const lease = 5 * time.Minute

// card is a new reminder of chat and id, expiring on expiry.
func card(chat, id, label string) reminders.Reminder {
	return sched.Begin(reminders.Reminder{Chat: chat, ID: id, Label: label, Expiry: expiry}, created)
}

func save(t *testing.T, s reminders.Store, rs ...reminders.Reminder) {
	t.Helper()
	for _, r := range rs {
		if err := s.Save(context.Background(), r); err != nil {
			t.Fatalf("Save(%s|%s): %v", r.Chat, r.ID, err)
		}
	}
}

func list(t *testing.T, s reminders.Store, chat string) []reminders.Reminder {
	t.Helper()
	rs, err := s.List(context.Background(), chat)
	if err != nil {
		t.Fatalf("List(%s): %v", chat, err)
	}
	return rs
}

func claim(t *testing.T, s reminders.Store, now time.Time, max int) []reminders.Claimed {
	t.Helper()
	cs, err := s.Claim(context.Background(), now, lease, max)
	if err != nil {
		t.Fatalf("Claim(%v): %v", now, err)
	}
	return cs
}

func done(t *testing.T, s reminders.Store, c reminders.Claimed) {
	t.Helper()
	if err := s.Done(context.Background(), c, c.Stage); err != nil {
		t.Fatalf("Done(%s|%s, %d): %v", c.Chat, c.ID, c.Stage, err)
	}
}

// claimOne claims at now and fails unless exactly the reminder chat|id
// comes, at stage want.
func claimOne(t *testing.T, s reminders.Store, now time.Time, chat, id string, want int) reminders.Claimed {
	t.Helper()
	cs := claim(t, s, now, 10)
	if len(cs) != 1 || cs[0].Chat != chat || cs[0].ID != id || cs[0].Stage != want {
		t.Fatalf("Claim(%v) = %s, want %s|%s at stage %d", now, describe(cs), chat, id, want)
	}
	return cs[0]
}

// claimNone fails if anything is due at now.
func claimNone(t *testing.T, s reminders.Store, now time.Time) {
	t.Helper()
	if cs := claim(t, s, now, 10); len(cs) > 0 {
		t.Fatalf("Claim(%v) = %s, want nothing", now, describe(cs))
	}
}

func describe(cs []reminders.Claimed) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s|%s at stage %d", c.Chat, c.ID, c.Stage)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// same reports whether a and b hold the same reminder; times are compared
// as instants, to the second, as stores keep them.
func same(a, b reminders.Reminder) bool {
	return a.Chat == b.Chat && a.ID == b.ID && a.Label == b.Label && a.Expiry == b.Expiry &&
		a.Sent == b.Sent && a.Paused == b.Paused &&
		a.SnoozedUntil.Truncate(time.Second).Equal(b.SnoozedUntil.Truncate(time.Second))
}

func testSaveListDelete(t *testing.T, s reminders.Store) {
	ctx := context.Background()
	me := card("tg:1", "1", "Tôi")
	mom := card("tg:1", "2", "Mẹ già ở quê")
	mom.Expiry = flows.Date{Year: 2026, Month: time.March, Day: 1}
	mom.Sent = 2
	mom.SnoozedUntil = time.Date(2026, 2, 27, 8, 0, 0, 0, time.UTC)
	child := card("tg:1", "3", "Bé An")
	child.Paused = true
	other := card("tg:12", "1", "Bố")
	save(t, s, me, mom, child, other)

	got := list(t, s, "tg:1")
	want := []reminders.Reminder{mom, me, child} // earliest expiry, then id
	if !slices.EqualFunc(got, want, same) {
		t.Errorf("List(tg:1) =\n%+v\nwant\n%+v", got, want)
	}
	if got := list(t, s, "tg:12"); !slices.EqualFunc(got, []reminders.Reminder{other}, same) {
		t.Errorf("List(tg:12) = %+v, want %+v", got, other)
	}
	if got := list(t, s, "tg:nobody"); len(got) != 0 {
		t.Errorf("List of a chat without reminders = %+v", got)
	}

	if err := s.Delete(ctx, "tg:1", "2"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := s.Delete(ctx, "tg:1", "9"); err != nil {
		t.Errorf("Delete of a missing reminder: %v", err)
	}
	if got := list(t, s, "tg:1"); !slices.EqualFunc(got, []reminders.Reminder{me, child}, same) {
		t.Errorf("List after Delete = %+v", got)
	}
	// The deleted one is never due.
	for _, c := range claim(t, s, stage(3), 100) {
		if c.ID == "2" && c.Chat == "tg:1" {
			t.Errorf("a deleted reminder was claimed")
		}
	}
}

func testSaveReplaces(t *testing.T, s reminders.Store) {
	r := card("tg:1", "1", "Tôi")
	save(t, s, r)
	// Renewed before the first stage: a year later.
	r.Expiry = flows.Date{Year: 2027, Month: time.July, Day: 15}
	r = sched.Begin(r, created)
	save(t, s, r)
	if got := list(t, s, "tg:1"); !slices.EqualFunc(got, []reminders.Reminder{r}, same) {
		t.Fatalf("List = %+v, want the renewed reminder alone", got)
	}
	claimNone(t, s, stage(3))
	first := sched.Stages(r)[0]
	claimOne(t, s, first, "tg:1", "1", 0)
}

func testInvalid(t *testing.T, s reminders.Store) {
	ctx := context.Background()
	good := card("tg:1", "1", "Tôi")
	tests := []struct {
		name string
		edit func(r *reminders.Reminder)
	}{
		{"no chat", func(r *reminders.Reminder) { r.Chat = "" }},
		{"bar in chat", func(r *reminders.Reminder) { r.Chat = "tg:1|2" }},
		{"space in chat", func(r *reminders.Reminder) { r.Chat = "tg: 1" }},
		{"no id", func(r *reminders.Reminder) { r.ID = "" }},
		{"long id", func(r *reminders.Reminder) { r.ID = "123456789" }},
		{"bar in id", func(r *reminders.Reminder) { r.ID = "a|b" }},
		{"no label", func(r *reminders.Reminder) { r.Label = "" }},
		{"label of 31 characters", func(r *reminders.Reminder) { r.Label = strings.Repeat("ư", 31) }},
		{"label on two lines", func(r *reminders.Reminder) { r.Label = "Mẹ\nBố" }},
		{"no expiry", func(r *reminders.Reminder) { r.Expiry = flows.Date{} }},
		{"no such day", func(r *reminders.Reminder) { r.Expiry = flows.Date{Year: 2026, Month: 2, Day: 29} }},
		{"negative sent", func(r *reminders.Reminder) { r.Sent = -1 }},
		{"sent past the stages", func(r *reminders.Reminder) { r.Sent = 5 }},
	}
	for _, tt := range tests {
		r := good
		tt.edit(&r)
		if err := s.Save(ctx, r); !errors.Is(err, reminders.ErrInvalid) {
			t.Errorf("%s: Save = %v, want ErrInvalid", tt.name, err)
		}
	}
	long := good
	long.Label = strings.Repeat("ữ", 30) // 30 characters, 90 bytes
	save(t, s, long)
	if got := list(t, s, "tg:1"); !slices.EqualFunc(got, []reminders.Reminder{long}, same) {
		t.Errorf("List = %+v, want only the valid reminder", got)
	}
	if _, err := s.Claim(ctx, stage(0), 0, 10); !errors.Is(err, reminders.ErrInvalid) {
		t.Errorf("Claim with no lease = %v, want ErrInvalid", err)
	}
	if err := s.Snooze(ctx, "tg:1", "", stage(1)); !errors.Is(err, reminders.ErrInvalid) {
		t.Errorf("Snooze of no id = %v, want ErrInvalid", err)
	}
}

func testClaimDueOnly(t *testing.T, s reminders.Store) {
	early := card("tg:1", "1", "Tôi")
	early.Expiry = expiry.AddDays(-2)
	onTime := card("tg:2", "1", "Tôi")
	later := card("tg:3", "1", "Tôi")
	later.Expiry = expiry.AddDays(1)
	paused := card("tg:4", "1", "Tôi")
	paused.Paused = true
	save(t, s, later, paused, onTime, early)

	claimNone(t, s, stage(0).Add(-2*24*time.Hour-time.Millisecond))
	now := stage(0)
	// Due first, claimed first; max bounds how many.
	got := claim(t, s, now, 1)
	if len(got) != 1 || got[0].Chat != "tg:1" || got[0].Stage != 0 {
		t.Fatalf("Claim(max 1) = %s, want tg:1|1 at stage 0", describe(got))
	}
	if !got[0].At.Equal(now.Add(-2*24*time.Hour)) || !got[0].Lease.Equal(now.Add(lease)) {
		t.Errorf("claimed At %v, Lease %v; want %v and %v", got[0].At, got[0].Lease, now.Add(-48*time.Hour), now.Add(lease))
	}
	if !same(got[0].Reminder, early) {
		t.Errorf("claimed %+v, want %+v", got[0].Reminder, early)
	}
	done(t, s, got[0])
	done(t, s, claimOne(t, s, now, "tg:2", "1", 0))
	claimNone(t, s, now) // tg:3 is due tomorrow; tg:4 is paused
	claimOne(t, s, now.Add(24*time.Hour), "tg:3", "1", 0)
}

func testLeaseRedelivers(t *testing.T, s reminders.Store) {
	save(t, s, card("tg:1", "1", "Tôi"))
	now := stage(0).Add(time.Minute)
	first := claimOne(t, s, now, "tg:1", "1", 0)
	// Its holder died without Done: nobody gets it during the lease...
	claimNone(t, s, now)
	claimNone(t, s, now.Add(lease-time.Millisecond))
	// ...then it comes again, once, the same stage with the same key.
	again := claimOne(t, s, now.Add(lease), "tg:1", "1", 0)
	if again.Key() != first.Key() {
		t.Errorf("Key of the redelivery %q, want %q", again.Key(), first.Key())
	}
	claimNone(t, s, now.Add(lease+time.Minute))
	done(t, s, again)
	claimNone(t, s, now.Add(3*lease))
}

func testRenewKeeps(t *testing.T, s reminders.Store) {
	ctx := context.Background()
	save(t, s, card("tg:1", "1", "Tôi"), card("tg:2", "1", "Mẹ"))
	now := stage(0).Add(time.Minute)
	cs := claim(t, s, now, 10)
	if len(cs) != 2 {
		t.Fatalf("Claim = %s, want both", describe(cs))
	}
	// Renewed twice, each time just before the lease ends: nobody else
	// gets them, for three leases.
	at := now
	for range 2 {
		at = at.Add(lease - time.Millisecond)
		got, err := s.Renew(ctx, cs, at, lease)
		if err != nil {
			t.Fatalf("Renew at %v: %v", at, err)
		}
		if len(got) != 2 || !got[0].Lease.Equal(at.Add(lease)) || got[0].Key() != cs[0].Key() || got[1].Key() != cs[1].Key() {
			t.Fatalf("Renew at %v = %s leased until %v, want both, in order, until %v", at, describe(got), got[0].Lease, at.Add(lease))
		}
		claimNone(t, s, at.Add(time.Millisecond)) // past the lease before
		cs = got
	}
	claimNone(t, s, at.Add(lease-time.Millisecond))
	// Renewing ends; the claims come back when the last lease ends, and
	// what was renewed can still be recorded.
	done(t, s, cs[0])
	claimOne(t, s, at.Add(lease), "tg:2", "1", 0)
	if got, err := s.Renew(ctx, nil, at, lease); err != nil || len(got) != 0 {
		t.Errorf("Renew of nothing = %s, %v", describe(got), err)
	}
	if _, err := s.Renew(ctx, cs, at, 0); !errors.Is(err, reminders.ErrInvalid) {
		t.Errorf("Renew with no lease = %v, want ErrInvalid", err)
	}
}

func testRenewDrops(t *testing.T, s reminders.Store) {
	ctx := context.Background()
	for _, chat := range []string{"tg:done", "tg:snoozed", "tg:deleted", "tg:paused", "tg:lapsed", "tg:kept"} {
		save(t, s, card(chat, "1", "Tôi"))
	}
	now := stage(0)
	cs := claim(t, s, now, 10)
	if len(cs) != 6 {
		t.Fatalf("Claim = %s, want all six", describe(cs))
	}
	byChat := map[string]reminders.Claimed{}
	for _, c := range cs {
		byChat[c.Chat] = c
	}
	done(t, s, byChat["tg:done"])
	if err := s.Snooze(ctx, "tg:snoozed", "1", now.Add(72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "tg:deleted", "1"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPaused(ctx, "tg:paused", true); err != nil {
		t.Fatal(err)
	}
	// tg:lapsed's holder stalled past its lease: another replica claimed
	// it, and holds it now.
	late := now.Add(lease)
	kept, err := s.Renew(ctx, []reminders.Claimed{byChat["tg:kept"]}, late.Add(-time.Millisecond), lease)
	if err != nil || len(kept) != 1 {
		t.Fatalf("Renew of tg:kept = %s, %v", describe(kept), err)
	}
	other := claimOne(t, s, late, "tg:lapsed", "1", 0)

	got, err := s.Renew(ctx, []reminders.Claimed{byChat["tg:done"], byChat["tg:snoozed"], byChat["tg:deleted"],
		byChat["tg:paused"], byChat["tg:lapsed"], kept[0]}, late, lease)
	if err != nil {
		t.Fatalf("Renew: %v", err)
	}
	if len(got) != 1 || got[0].Chat != "tg:kept" {
		t.Errorf("Renew = %s, want tg:kept alone: the others were recorded, changed or taken", describe(got))
	}
	// The other replica's claim stands: the stalled one's renewal did not
	// take it back.
	claimNone(t, s, late.Add(lease-time.Millisecond))
	if held, err := s.Renew(ctx, []reminders.Claimed{other}, late.Add(lease-time.Millisecond), lease); err != nil || len(held) != 1 {
		t.Errorf("the other replica's Renew = %s, %v; want its claim", describe(held), err)
	}
}

func testConcurrentClaimers(t *testing.T, s reminders.Store) {
	const n, replicas, batch = 2000, 3, 50
	for i := range n {
		r := card("tg:"+strconv.Itoa(i%700), strconv.Itoa(i), "Tôi")
		r.Expiry = expiry.AddDays(-i % 5) // due over five days
		save(t, s, r)
	}
	now := stage(0)
	var mu sync.Mutex
	seen := make(map[string]int)
	total := 0
	var wg sync.WaitGroup
	errs := make(chan error, replicas)
	for range replicas {
		wg.Go(func() {
			for {
				cs, err := s.Claim(context.Background(), now, lease, batch)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for _, c := range cs {
					seen[c.Chat+"|"+c.ID]++
					total++
				}
				// Stop when nothing is left, or when a broken store
				// hands out the same reminders again and again.
				over := len(cs) == 0 || total > 2*n
				mu.Unlock()
				if over {
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Claim: %v", err)
	}
	if len(seen) != n {
		t.Errorf("%d reminders claimed, want %d", len(seen), n)
	}
	for name, k := range seen {
		if k != 1 {
			t.Errorf("%s claimed %d times", name, k)
		}
	}
}

func testDoneNextStage(t *testing.T, s reminders.Store) {
	save(t, s, card("tg:1", "1", "Tôi"))
	for i := range 4 {
		claimNone(t, s, stage(i).Add(-time.Millisecond))
		c := claimOne(t, s, stage(i), "tg:1", "1", i)
		done(t, s, c)
		if got := list(t, s, "tg:1"); len(got) != 1 || got[0].Sent != i+1 {
			t.Fatalf("after Done of stage %d: %+v, want Sent %d", i, got, i+1)
		}
	}
	// The series is over: nothing more, ever, but the card is still listed.
	claimNone(t, s, stage(3).AddDate(1, 0, 0))
}

func testDoneTwice(t *testing.T, s reminders.Store) {
	ctx := context.Background()
	save(t, s, card("tg:1", "1", "Tôi"))
	c := claimOne(t, s, stage(0), "tg:1", "1", 0)
	done(t, s, c)
	done(t, s, c)
	// A redelivered claim of the same stage, recorded late, changes nothing.
	if err := s.Done(ctx, c, 0); err != nil {
		t.Fatalf("Done: %v", err)
	}
	if got := list(t, s, "tg:1"); got[0].Sent != 1 {
		t.Errorf("Sent %d after recording stage 0 three times, want 1", got[0].Sent)
	}
	claimNone(t, s, stage(1).Add(-time.Millisecond))
	claimOne(t, s, stage(1), "tg:1", "1", 1)
	if err := s.Done(ctx, reminders.Claimed{}, 0); err == nil {
		t.Errorf("Done of a zero Claimed: no error")
	}
}

func testDoneDoesNotClobber(t *testing.T, s reminders.Store) {
	ctx := context.Background()
	renewed := flows.Date{Year: 2027, Month: time.July, Day: 15}
	tests := []struct {
		name string
		// change happens between the claim and its Done.
		change func(r reminders.Reminder) error
		check  func(t *testing.T, got []reminders.Reminder)
	}{
		{
			name: "renewed",
			change: func(r reminders.Reminder) error {
				r.Expiry = renewed
				return s.Save(ctx, sched.Begin(r, stage(0)))
			},
			check: func(t *testing.T, got []reminders.Reminder) {
				if len(got) != 1 || got[0].Expiry != renewed || got[0].Sent != 0 {
					t.Errorf("after renewal and a late Done: %+v, want expiry %v, nothing sent", got, renewed)
				}
			},
		},
		{
			name:   "snoozed",
			change: func(r reminders.Reminder) error { return s.Snooze(ctx, r.Chat, r.ID, stage(0).Add(72*time.Hour)) },
			check: func(t *testing.T, got []reminders.Reminder) {
				if len(got) != 1 || got[0].SnoozedUntil.IsZero() {
					t.Errorf("after a snooze and a late Done: %+v, want snoozed", got)
				}
			},
		},
		{
			name:   "deleted",
			change: func(r reminders.Reminder) error { return s.Delete(ctx, r.Chat, r.ID) },
			check: func(t *testing.T, got []reminders.Reminder) {
				if len(got) != 0 {
					t.Errorf("after a deletion and a late Done: %+v, want nothing", got)
				}
			},
		},
		{
			name:   "paused",
			change: func(r reminders.Reminder) error { return s.SetPaused(ctx, r.Chat, true) },
			check: func(t *testing.T, got []reminders.Reminder) {
				if len(got) != 1 || !got[0].Paused {
					t.Errorf("after a pause and a late Done: %+v, want paused", got)
				}
			},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chat := "tg:clobber" + strconv.Itoa(i)
			r := card(chat, "1", "Mẹ")
			save(t, s, r)
			c := claimOne(t, s, stage(0), chat, "1", 0)
			if err := tt.change(r); err != nil {
				t.Fatalf("change: %v", err)
			}
			done(t, s, c)
			tt.check(t, list(t, s, chat))
		})
	}
	// The changes kept their own due times: the renewal a year on, the
	// snooze three days on; the deleted and the paused never.
	claimNone(t, s, stage(0).Add(72*time.Hour-time.Millisecond))
	done(t, s, claimOne(t, s, stage(0).Add(72*time.Hour), "tg:clobber1", "1", 0))
	done(t, s, claimOne(t, s, stage(3).AddDate(0, 6, 0), "tg:clobber1", "1", 3))
	first := sched.Stages(reminders.Reminder{Expiry: renewed})[0]
	claimNone(t, s, first.Add(-time.Millisecond))
	claimOne(t, s, first, "tg:clobber0", "1", 0)
}

func testCatchUp(t *testing.T, s reminders.Store) {
	save(t, s, card("tg:1", "1", "Tôi"))
	// Down from before the 30-day stage until after the 1-day one: only
	// the 1-day stage is sent, late, and once.
	now := stage(2).Add(3 * time.Hour)
	c := claimOne(t, s, now, "tg:1", "1", 2)
	if !c.At.Equal(stage(2)) {
		t.Errorf("claimed At %v, want the 1-day stage's time %v", c.At, stage(2))
	}
	done(t, s, c)
	claimNone(t, s, now.Add(time.Hour))
	claimNone(t, s, stage(3).Add(-time.Millisecond))
	// Down again past the day after: it is sent once.
	done(t, s, claimOne(t, s, stage(3).Add(48*time.Hour), "tg:1", "1", 3))
	claimNone(t, s, stage(3).AddDate(0, 1, 0))
}

func testSnooze(t *testing.T, s reminders.Store) {
	ctx := context.Background()
	save(t, s, card("tg:1", "1", "Tôi"))
	first := claimOne(t, s, stage(0), "tg:1", "1", 0)
	done(t, s, first)
	// "Nhắc lại sau", pressed twice.
	until := sched.SnoozeEnd(stage(0).Add(time.Hour))
	for range 2 {
		if err := s.Snooze(ctx, "tg:1", "1", until); err != nil {
			t.Fatalf("Snooze: %v", err)
		}
	}
	claimNone(t, s, until.Add(-time.Millisecond))
	again := claimOne(t, s, until, "tg:1", "1", 0)
	if again.Key() == first.Key() {
		t.Errorf("the snoozed stage has the key of its first sending, %q", first.Key())
	}
	if !again.At.Equal(until) {
		t.Errorf("claimed At %v, want the snooze's end %v", again.At, until)
	}
	done(t, s, again)
	got := list(t, s, "tg:1")
	if got[0].Sent != 1 || !got[0].SnoozedUntil.IsZero() {
		t.Errorf("after the snoozed stage was sent: %+v, want Sent 1 and no snooze", got[0])
	}
	claimNone(t, s, stage(1).Add(-time.Millisecond))
	claimOne(t, s, stage(1), "tg:1", "1", 1)

	if err := s.Snooze(ctx, "tg:1", "9", until); !errors.Is(err, reminders.ErrNotFound) {
		t.Errorf("Snooze of a missing reminder = %v, want ErrNotFound", err)
	}
}

func testSnoozeLast(t *testing.T, s reminders.Store) {
	ctx := context.Background()
	r := card("tg:1", "1", "Tôi")
	r.Sent = 3
	save(t, s, r)
	done(t, s, claimOne(t, s, stage(3), "tg:1", "1", 3))
	claimNone(t, s, stage(3).AddDate(0, 1, 0))
	// Not renewed yet; "Nhắc lại sau" on the last reminder brings it back.
	until := sched.SnoozeEnd(stage(3))
	if err := s.Snooze(ctx, "tg:1", "1", until); err != nil {
		t.Fatalf("Snooze: %v", err)
	}
	done(t, s, claimOne(t, s, until, "tg:1", "1", 3))
	claimNone(t, s, until.AddDate(0, 1, 0))
}

func testPause(t *testing.T, s reminders.Store) {
	ctx := context.Background()
	save(t, s, card("tg:1", "1", "Tôi"), card("tg:1", "2", "Mẹ"), card("tg:2", "1", "Tôi"))
	if err := s.SetPaused(ctx, "tg:1", true); err != nil {
		t.Fatalf("SetPaused: %v", err)
	}
	for _, r := range list(t, s, "tg:1") {
		if !r.Paused {
			t.Errorf("%s|%s not paused", r.Chat, r.ID)
		}
	}
	// Only tg:2's comes, through every stage; tg:1's never.
	for i := range 4 {
		done(t, s, claimOne(t, s, stage(i), "tg:2", "1", i))
	}
	if err := s.SetPaused(ctx, "tg:nobody", true); err != nil {
		t.Errorf("SetPaused of a chat without reminders: %v", err)
	}
	// She writes again after the 7-day stage: the latest missed stage of
	// each of her cards comes at once, once.
	now := stage(1).Add(24 * time.Hour)
	for range 2 {
		if err := s.SetPaused(ctx, "tg:1", false); err != nil {
			t.Fatalf("SetPaused(false): %v", err)
		}
	}
	cs := claim(t, s, now, 10)
	if len(cs) != 2 || cs[0].Chat != "tg:1" || cs[1].Chat != "tg:1" || cs[0].Stage != 1 || cs[1].Stage != 1 {
		t.Fatalf("Claim after resuming = %s, want tg:1's two at stage 1", describe(cs))
	}
	claimNone(t, s, now)
}

func testDeleteChat(t *testing.T, s reminders.Store) {
	ctx := context.Background()
	save(t, s, card("tg:1", "1", "Tôi"), card("tg:1", "2", "Mẹ"), card("tg:11", "1", "Tôi"))
	if err := s.DeleteChat(ctx, "tg:1"); err != nil {
		t.Fatalf("DeleteChat: %v", err)
	}
	if got := list(t, s, "tg:1"); len(got) != 0 {
		t.Errorf("List after DeleteChat = %+v", got)
	}
	if got := list(t, s, "tg:11"); len(got) != 1 {
		t.Errorf("another chat's reminders after DeleteChat = %+v", got)
	}
	claimOne(t, s, stage(3), "tg:11", "1", 3)
	if err := s.DeleteChat(ctx, "tg:nobody"); err != nil {
		t.Errorf("DeleteChat of a chat without reminders: %v", err)
	}
}

func testCanceled(t *testing.T, s reminders.Store) {
	save(t, s, card("tg:1", "1", "Tôi"))
	c := claimOne(t, s, stage(0), "tg:1", "1", 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := map[string]error{
		"Save":       s.Save(ctx, card("tg:1", "2", "Mẹ")),
		"Delete":     s.Delete(ctx, "tg:1", "1"),
		"DeleteChat": s.DeleteChat(ctx, "tg:1"),
		"Done":       s.Done(ctx, c, 0),
		"Snooze":     s.Snooze(ctx, "tg:1", "1", stage(1)),
		"SetPaused":  s.SetPaused(ctx, "tg:1", true),
	}
	_, calls["List"] = s.List(ctx, "tg:1")
	_, calls["Claim"] = s.Claim(ctx, stage(1), lease, 10)
	_, calls["Renew"] = s.Renew(ctx, []reminders.Claimed{c}, stage(0), lease)
	calls["Chats"] = s.Chats(ctx, func(string) error { return nil })
	for name, err := range calls {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context = %v, want context.Canceled", name, err)
		}
	}
	if got := list(t, s, "tg:1"); len(got) != 1 || got[0].Sent != 0 || got[0].Paused {
		t.Errorf("after canceled calls: %+v, want the reminder unchanged", got)
	}
}

// chats returns what Chats calls each with, in order.
func chats(t *testing.T, s reminders.Store) []string {
	t.Helper()
	var out []string
	if err := s.Chats(context.Background(), func(chat string) error {
		out = append(out, chat)
		return nil
	}); err != nil {
		t.Fatalf("Chats: %v", err)
	}
	return out
}

func testChats(t *testing.T, s reminders.Store) {
	if got := chats(t, s); len(got) != 0 {
		t.Errorf("Chats of an empty store = %v", got)
	}
	// Many chats, some with several reminders, one paused, one finished:
	// every chat that has a reminder is a family with a BHYT card.
	want := map[string]bool{}
	for i := range 300 {
		chat := fmt.Sprintf("tg:%d", 1000+i)
		want[chat] = true
		save(t, s, card(chat, "1", "Tôi"))
		if i%3 == 0 {
			save(t, s, card(chat, "2", "Mẹ"), card(chat, "3", "Bé An"))
		}
	}
	save(t, s, card("zl:abc", "1", "Tôi"))
	want["zl:abc"] = true
	if err := s.SetPaused(context.Background(), "tg:1000", true); err != nil {
		t.Fatal(err)
	}
	finished := card("tg:9", "1", "Ông")
	finished.Sent = len(sched.Stages(finished))
	save(t, s, finished)
	want["tg:9"] = true
	save(t, s, card("tg:gone", "1", "Tôi"), card("tg:gone", "2", "Mẹ"))
	if err := s.DeleteChat(context.Background(), "tg:gone"); err != nil {
		t.Fatal(err)
	}
	save(t, s, card("tg:deleted", "1", "Tôi"))
	if err := s.Delete(context.Background(), "tg:deleted", "1"); err != nil {
		t.Fatal(err)
	}

	got := chats(t, s)
	seen := map[string]int{}
	for _, chat := range got {
		seen[chat]++
	}
	for chat := range want {
		if seen[chat] != 1 {
			t.Errorf("Chats called %s %d times, want once", chat, seen[chat])
		}
	}
	if len(got) != len(want) {
		t.Errorf("Chats called %d chats, want %d: %v", len(got), len(want), got)
	}

	// each's error stops the walk and comes back.
	stop := errors.New("stop")
	n := 0
	err := s.Chats(context.Background(), func(string) error {
		n++
		if n == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 5 {
		t.Errorf("Chats with each failing at the 5th = %v after %d calls, want stop after 5", err, n)
	}
}
