package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/scheduler"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/tickets"
)

// The chats of the tickets' tests.
const (
	volunteersGroup = "tg:-100123"
	staffChat       = "tg:-100999"
)

// deskHours are the commune's of the tests: Monday to Friday, 07:30 to
// 11:30 and 13:30 to 17:00, in Vietnam.
func deskHours(t time.Time) bool {
	t = t.In(hcm)
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	return 7*60+30 <= m && m < 11*60+30 || 13*60+30 <= m && m < 17*60
}

// ticketWords are the fixed words of the tests: "again <chat>" with a
// claim button, and "staff <chat>".
type ticketWords struct{}

func (ticketWords) Repost(t tickets.Ticket) bot.Message {
	return bot.Message{Text: "again " + t.Chat, Buttons: []bot.Button{{Label: "Nhận", Data: "tk:claim:" + t.ID}}}
}

func (ticketWords) Escalate(t tickets.Ticket) bot.Message {
	return bot.Message{Text: "staff " + t.Chat}
}

// handed is a Sender that keeps every message handed to the outbox under
// it, whatever came of it.
type handed struct {
	scheduler.Sender
	mu   sync.Mutex
	msgs []outbox.Message
}

func (h *handed) Send(ctx context.Context, m outbox.Message) error {
	h.mu.Lock()
	h.msgs = append(h.msgs, m)
	h.mu.Unlock()
	return h.Sender.Send(ctx, m)
}

// ticketRig is replicas of a TicketJob, each with its own outbox, over
// one memory store and one fake channel, all on one fake clock.
type ticketRig struct {
	clock   *clock
	store   *tickets.Memory
	channel *channel
	handed  []*handed
	jobs    []*scheduler.TicketJob
}

// newTicketRig builds a rig of replicas jobs at start. Group, Staff, Now
// and, when unset, DeskHours and Logger are the tests'. wrap, when
// given, puts a TicketDue around the store.
func newTicketRig(t *testing.T, start time.Time, replicas int, opts scheduler.TicketOptions, wrap ...func(scheduler.TicketDue) scheduler.TicketDue) *ticketRig {
	t.Helper()
	r := &ticketRig{clock: &clock{now: start}, store: tickets.NewMemory(tickets.Options{})}
	r.channel = newChannel(r.clock)
	var d scheduler.TicketDue = r.store
	for _, w := range wrap {
		d = w(d)
	}
	opts.Group, opts.Staff, opts.Now = volunteersGroup, staffChat, r.clock.Now
	if opts.Logger == nil {
		opts.Logger = discard
	}
	for range replicas {
		h := &handed{Sender: ticketOutbox(t, r.channel, r.clock)}
		job, err := scheduler.NewTicketJob(d, h, ticketWords{}, opts)
		if err != nil {
			t.Fatalf("NewTicketJob: %v", err)
		}
		r.handed = append(r.handed, h)
		r.jobs = append(r.jobs, job)
	}
	return r
}

// ticketOutbox is an outbox without rate limits and one attempt a
// message, on clk.
func ticketOutbox(t *testing.T, ch outbox.Sender, clk *clock) *outbox.Outbox {
	return outbox.New(ch, outbox.Options{
		PerSecond:   rate.Inf,
		PerChat:     rate.Inf,
		PerGroup:    rate.Inf,
		MaxAttempts: 1,
		Now:         clk.Now,
		Wait: func(_ context.Context, d time.Duration) error {
			t.Errorf("the outbox waited %v: the tests' outbox has no limits", d)
			return nil
		},
		Logger: discard,
	})
}

// ask creates chat's ticket at created.
func (r *ticketRig) ask(t *testing.T, chat string, created time.Time) tickets.Ticket {
	t.Helper()
	tk, err := r.store.Create(context.Background(), tickets.Ticket{
		Chat: chat, Name: "Bà Lan", Question: "Làm giấy khai sinh cần gì?", Created: created,
	})
	if err != nil {
		t.Fatalf("Create(%s): %v", chat, err)
	}
	return tk
}

// tick moves the clock to now and ticks every replica at once; it returns
// their reports added up.
func (r *ticketRig) tick(t *testing.T, now time.Time) scheduler.TicketReport {
	t.Helper()
	r.clock.Set(now)
	reps, errs := r.tickAll(now)
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("Tick at %s: %v", now.In(hcm).Format(time.DateTime), err)
	}
	var sum scheduler.TicketReport
	for _, rep := range reps {
		sum.Reposts += rep.Reposts
		sum.Reposted += rep.Reposted
		sum.Escalations += rep.Escalations
		sum.Escalated += rep.Escalated
		sum.Purged += rep.Purged
		sum.DeskHours = sum.DeskHours || rep.DeskHours
		if rep.QuietUntil.After(sum.QuietUntil) {
			sum.QuietUntil = rep.QuietUntil
		}
	}
	return sum
}

// tickAll ticks every replica at once, at now.
func (r *ticketRig) tickAll(now time.Time) ([]scheduler.TicketReport, []error) {
	reps := make([]scheduler.TicketReport, len(r.jobs))
	errs := make([]error, len(r.jobs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, job := range r.jobs {
		wg.Go(func() {
			<-start
			reps[i], errs[i] = job.Tick(context.Background(), now)
		})
	}
	close(start)
	wg.Wait()
	return reps, errs
}

// tickEvery ticks from from (inclusive) to to (exclusive) every step.
func (r *ticketRig) tickEvery(t *testing.T, from, to time.Time, step time.Duration) {
	t.Helper()
	for now := from; now.Before(to); now = now.Add(step) {
		r.tick(t, now)
	}
}

// get returns the ticket as stored.
func (r *ticketRig) get(t *testing.T, id string) tickets.Ticket {
	t.Helper()
	tk, err := r.store.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return tk
}

// messages returns every message handed to the outboxes.
func (r *ticketRig) messages() []outbox.Message {
	var all []outbox.Message
	for _, h := range r.handed {
		h.mu.Lock()
		all = append(all, h.msgs...)
		h.mu.Unlock()
	}
	return all
}

func TestTicketRepostedOnceAfter30Minutes(t *testing.T) {
	created := at(2026, 7, 15, 9, 0) // a Wednesday
	r := newTicketRig(t, created, 3, scheduler.TicketOptions{DeskHours: deskHours})
	tk := r.ask(t, "tg:1", created)
	// Three replicas tick together, every minute, for two hours.
	r.tickEvery(t, created, created.Add(2*time.Hour), time.Minute)

	checkGot(t, r.channel, volunteersGroup, "again tg:1 at 15/07/2026 09:30")
	checkGot(t, r.channel, staffChat)
	if g := r.get(t, tk.ID); g.Notified != 2 || g.Escalated {
		t.Errorf("after the re-post: notified %d, escalated %v; want 2, false", g.Notified, g.Escalated)
	}
	msgs := r.messages()
	want := outbox.Message{Chat: volunteersGroup, Group: true, Body: ticketWords{}.Repost(tk), Key: "ticket:" + tk.ID + ":repost"}
	if len(msgs) != 1 || msgs[0].Chat != want.Chat || !msgs[0].Group || msgs[0].Urgent || msgs[0].Key != want.Key ||
		msgs[0].Body.Text != want.Body.Text || !slices.Equal(msgs[0].Body.Buttons, want.Body.Buttons) {
		t.Errorf("handed to the outbox %+v, want only %+v", msgs, want)
	}
}

func TestTicketEscalatedWithinDeskHours(t *testing.T) {
	tests := []struct {
		name      string
		created   time.Time
		deskHours func(time.Time) bool
		want      string // when staff are told
	}{
		{"4 hours later, within desk hours", at(2026, 7, 15, 10, 0), deskHours, "15/07/2026 14:00"},
		{"asked before the desk opens", at(2026, 7, 15, 7, 0), deskHours, "15/07/2026 11:00"},
		{"due in the lunch break", at(2026, 7, 15, 9, 0), deskHours, "15/07/2026 13:30"},
		{"due after hours", at(2026, 7, 15, 14, 0), deskHours, "16/07/2026 07:30"},
		{"due at the weekend", at(2026, 7, 17, 15, 0), deskHours, "20/07/2026 07:30"},
		{"without desk hours, on a Saturday", at(2026, 7, 18, 10, 0), nil, "18/07/2026 14:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTicketRig(t, tt.created, 3, scheduler.TicketOptions{DeskHours: tt.deskHours})
			tk := r.ask(t, "tg:1", tt.created)
			r.tickEvery(t, tt.created, tt.created.Add(4*24*time.Hour), 5*time.Minute)
			checkGot(t, r.channel, volunteersGroup, "again tg:1 at "+tt.created.Add(30*time.Minute).Format("02/01/2006 15:04"))
			checkGot(t, r.channel, staffChat, "staff tg:1 at "+tt.want)
			if g := r.get(t, tk.ID); !g.Escalated {
				t.Errorf("after telling staff the ticket is not marked escalated")
			}
			for _, m := range r.messages() {
				if m.Chat == staffChat && (m.Key != "ticket:"+tk.ID+":escalate" || !m.Group || m.Urgent) {
					t.Errorf("the notice to staff was handed over as %+v", m)
				}
			}
		})
	}
}

func TestTicketDeskHoursOnlyAskFor(t *testing.T) {
	// A spy on what the job asks of the store.
	var asked []time.Duration
	var mu sync.Mutex
	r := newTicketRig(t, at(2026, 7, 15, 12, 0), 1, scheduler.TicketOptions{DeskHours: deskHours},
		func(d scheduler.TicketDue) scheduler.TicketDue {
			return dueSpy{TicketDue: d, due: func(_, escalateAfter time.Duration) {
				mu.Lock()
				asked = append(asked, escalateAfter)
				mu.Unlock()
			}}
		})
	if rep := r.tick(t, at(2026, 7, 15, 12, 0)); rep.DeskHours {
		t.Errorf("a tick in the lunch break reports desk hours")
	}
	if rep := r.tick(t, at(2026, 7, 15, 14, 0)); !rep.DeskHours {
		t.Errorf("a tick at 14:00 on a Wednesday does not report desk hours")
	}
	if want := []time.Duration{0, 4 * time.Hour}; !slices.Equal(asked, want) {
		t.Errorf("the job asked for escalations after %v, want %v: 0 outside desk hours", asked, want)
	}
}

// dueSpy tells of each Due.
type dueSpy struct {
	scheduler.TicketDue
	due func(renotifyAfter, escalateAfter time.Duration)
}

func (s dueSpy) Due(ctx context.Context, now time.Time, renotifyAfter, escalateAfter time.Duration) ([]tickets.Ticket, []tickets.Ticket, error) {
	s.due(renotifyAfter, escalateAfter)
	return s.TicketDue.Due(ctx, now, renotifyAfter, escalateAfter)
}

func TestTicketClaimedWaitsForNobody(t *testing.T) {
	ctx := context.Background()
	created := at(2026, 7, 15, 9, 0)
	r := newTicketRig(t, created, 3, scheduler.TicketOptions{DeskHours: deskHours})
	taken := r.ask(t, "tg:1", created)
	closed := r.ask(t, "tg:2", created)
	if _, err := r.store.Claim(ctx, taken.ID, "tg:456", "Anh Nam", created.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.store.Close(ctx, closed.ID, created.Add(20*time.Minute)); err != nil {
		t.Fatal(err)
	}
	r.tickEvery(t, created, at(2026, 7, 15, 15, 0), time.Minute)
	checkGot(t, r.channel, volunteersGroup)
	checkGot(t, r.channel, staffChat)

	// Handed back at 15:00, it has waited six hours since it was asked:
	// posted again and staff told, at once.
	if _, err := r.store.Release(ctx, taken.ID, "tg:456"); err != nil {
		t.Fatal(err)
	}
	r.tickEvery(t, at(2026, 7, 15, 15, 0), at(2026, 7, 15, 17, 0), time.Minute)
	checkGot(t, r.channel, volunteersGroup, "again tg:1 at 15/07/2026 15:00")
	checkGot(t, r.channel, staffChat, "staff tg:1 at 15/07/2026 15:00")
}

func TestTicketFailedSendRetried(t *testing.T) {
	created := at(2026, 7, 15, 9, 0)
	r := newTicketRig(t, created, 1, scheduler.TicketOptions{DeskHours: deskHours})
	tk := r.ask(t, "tg:1", created)
	r.channel.fail(volunteersGroup, badGW)
	rep := r.tick(t, at(2026, 7, 15, 9, 30))
	if rep.Reposts != 1 || rep.Reposted != 0 || rep.Left() != 1 {
		t.Errorf("the tick whose send failed: %+v, want one handed out and left", rep)
	}
	if g := r.get(t, tk.ID); g.Notified != 1 {
		t.Errorf("a failed re-post is recorded: notified %d, want 1", g.Notified)
	}
	// The lease holds it for two minutes, then it goes.
	if rep := r.tick(t, at(2026, 7, 15, 9, 31)); rep.Reposts != 0 {
		t.Errorf("a tick within the lease: %+v, want nothing handed out", rep)
	}
	r.tickEvery(t, at(2026, 7, 15, 9, 32), at(2026, 7, 15, 10, 0), time.Minute)
	checkGot(t, r.channel, volunteersGroup, "again tg:1 at 15/07/2026 09:32")

	// Staff likewise: due at 13:00, told from 13:30, when the desk opens
	// again after lunch; twice failed, each time held for the lease.
	r.channel.fail(staffChat, badGW, badGW)
	r.tickEvery(t, at(2026, 7, 15, 10, 0), at(2026, 7, 15, 14, 0), time.Minute)
	checkGot(t, r.channel, staffChat, "staff tg:1 at 15/07/2026 13:34")
	if n := r.channel.triesTo(staffChat); n != 3 {
		t.Errorf("%d sends to the staff chat, want 3: two failed, each retried after the lease", n)
	}
}

func TestTicketSendsStopAtAChatsFirstFailure(t *testing.T) {
	created := at(2026, 7, 15, 9, 0)
	r := newTicketRig(t, created, 1, scheduler.TicketOptions{DeskHours: deskHours})
	r.ask(t, "tg:1", created)
	r.ask(t, "tg:2", created.Add(time.Minute))
	r.channel.fail(volunteersGroup, badGW)
	rep := r.tick(t, at(2026, 7, 15, 9, 31))
	if rep.Reposts != 2 || rep.Reposted != 0 {
		t.Errorf("the tick whose first send failed: %+v, want two handed out, none sent", rep)
	}
	if n := r.channel.triesTo(volunteersGroup); n != 1 {
		t.Errorf("%d sends to the group, want 1: the second was left after the first failed", n)
	}
	// Both come back with the lease, in either order: their leases end
	// together.
	r.tickEvery(t, at(2026, 7, 15, 9, 32), at(2026, 7, 15, 10, 0), time.Minute)
	var got []string
	for _, d := range r.channel.got(volunteersGroup) {
		got = append(got, d.text+" at "+d.at.In(hcm).Format("15:04"))
	}
	slices.Sort(got)
	if want := []string{"again tg:1 at 09:33", "again tg:2 at 09:33"}; !slices.Equal(got, want) {
		t.Errorf("the group received %q, want %q", got, want)
	}
}

func TestTicketRefusingChatIsLoggedAndKept(t *testing.T) {
	log := make(messages, 64)
	created := at(2026, 7, 15, 9, 0)
	r := newTicketRig(t, created, 1, scheduler.TicketOptions{Logger: slog.New(log)})
	tk := r.ask(t, "tg:1", created)
	r.channel.fail(volunteersGroup, badReq) // a wrong group id
	rep := r.tick(t, at(2026, 7, 15, 9, 30))
	if rep.Reposted != 0 || rep.Left() != 1 {
		t.Errorf("a tick refused by the group: %+v, want the ticket left", rep)
	}
	awaitMessage(t, log, "scheduler: tickets: the chat refuses the bot's messages; check its id in the configuration and that the bot is a member")
	if g := r.get(t, tk.ID); g.Notified != 1 {
		t.Errorf("a refused re-post was given up: notified %d, want 1", g.Notified)
	}
	r.tick(t, at(2026, 7, 15, 9, 32))
	checkGot(t, r.channel, volunteersGroup, "again tg:1 at 15/07/2026 09:32")
}

func TestTicketQuietHours(t *testing.T) {
	created := at(2026, 7, 15, 20, 45)
	t.Run("wait for the morning", func(t *testing.T) {
		r := newTicketRig(t, created, 1, scheduler.TicketOptions{DeskHours: deskHours})
		r.ask(t, "tg:1", created)
		rep := r.tick(t, at(2026, 7, 15, 21, 15))
		if want := at(2026, 7, 16, 7, 0); !rep.QuietUntil.Equal(want) || rep.Reposts != 0 {
			t.Errorf("a tick at 21:15: %+v, want nothing handed out, quiet until %v", rep, want)
		}
		r.tickEvery(t, at(2026, 7, 15, 21, 20), at(2026, 7, 16, 8, 0), 5*time.Minute)
		checkGot(t, r.channel, volunteersGroup, "again tg:1 at 16/07/2026 07:00")
	})
	t.Run("urgent", func(t *testing.T) {
		r := newTicketRig(t, created, 1, scheduler.TicketOptions{DeskHours: deskHours, Urgent: true})
		r.ask(t, "tg:1", created)
		r.tickEvery(t, created, at(2026, 7, 16, 8, 0), 5*time.Minute)
		checkGot(t, r.channel, volunteersGroup, "again tg:1 at 15/07/2026 21:15")
		for _, m := range r.messages() {
			if !m.Urgent {
				t.Errorf("handed over as not urgent: %+v", m)
			}
		}
	})
}

// failingMarks is a store whose marks fail with err.
type failingMarks struct {
	scheduler.TicketDue
	err error
}

func (f failingMarks) MarkNotified(context.Context, string) error  { return f.err }
func (f failingMarks) MarkEscalated(context.Context, string) error { return f.err }

func TestTicketRecordFailure(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		wantErr error // nil: the tick goes on
	}{
		{"Redis down stops the tick", fmt.Errorf("mark: %w", store.ErrUnavailable), store.ErrUnavailable},
		{"a ticket deleted since is fine", fmt.Errorf("mark: %w", tickets.ErrNotFound), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			created := at(2026, 7, 15, 9, 0)
			r := newTicketRig(t, created, 1, scheduler.TicketOptions{DeskHours: deskHours},
				func(d scheduler.TicketDue) scheduler.TicketDue { return failingMarks{d, tt.err} })
			r.ask(t, "tg:1", created)
			r.ask(t, "tg:2", created)
			r.clock.Set(at(2026, 7, 15, 9, 30))
			rep, err := r.jobs[0].Tick(context.Background(), at(2026, 7, 15, 9, 30))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("Tick: %v, want %v", err, tt.wantErr)
			}
			wantSent := 2
			if tt.wantErr != nil {
				wantSent = 1 // sent, not recorded: no more sends
			}
			if rep.Reposts != 2 || rep.Reposted != wantSent {
				t.Errorf("report %+v, want 2 handed out and %d sent", rep, wantSent)
			}
		})
	}
}

func TestNewTicketJobReportsEveryProblem(t *testing.T) {
	_, err := scheduler.NewTicketJob(nil, nil, nil, scheduler.TicketOptions{
		RenotifyAfter: -time.Minute, EscalateAfter: -time.Hour, Lease: -time.Second, Spec: "every now and then",
	})
	if err == nil {
		t.Fatal("NewTicketJob with nothing right: no error")
	}
	for _, want := range []string{"no tickets store", "no sender", "no words", "no volunteers' group", "no staff chat",
		"renotify after -1m0s", "escalate after -1h0m0s", "lease -1s", `spec "every now and then"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("NewTicketJob: %v\nwant it to say %q", err, want)
		}
	}
}

func TestTicketJobStartStop(t *testing.T) {
	created := at(2026, 7, 15, 9, 0)
	r := newTicketRig(t, created, 1, scheduler.TicketOptions{Spec: "@every 1s"})
	tk := r.ask(t, "tg:1", created)
	r.clock.Set(at(2026, 7, 15, 9, 30))
	delivered := make(chan struct{}, 16)
	r.channel.afterSend = func() { delivered <- struct{}{} }
	job := r.jobs[0]
	if err := job.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := job.Start(context.Background()); err == nil {
		t.Errorf("a second Start: no error, want one")
	}
	await(t, delivered, "re-post")
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	if err := job.Stop(ctx); err != nil {
		t.Errorf("Stop: %v", err)
	}
	checkGot(t, r.channel, volunteersGroup, "again tg:1 at 15/07/2026 09:30")
	if g := r.get(t, tk.ID); g.Notified != 2 {
		t.Errorf("after Stop the re-post is not recorded: notified %d", g.Notified)
	}
}

// TestClosedTicketsArePurged: past the retention a closed ticket's content
// is gone, deleted by the job's tick; an open one stays.
func TestClosedTicketsArePurged(t *testing.T) {
	created := at(2026, 7, 15, 9, 0)
	r := newTicketRig(t, created, 1, scheduler.TicketOptions{DeskHours: deskHours})
	closed := r.ask(t, "tg:1", created)
	open := r.ask(t, "tg:2", created)
	if _, err := r.store.Close(context.Background(), closed.ID, created.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if rep := r.tick(t, created.Add(29*24*time.Hour)); rep.Purged != 0 {
		t.Errorf("purged %d before the retention", rep.Purged)
	}
	if rep := r.tick(t, created.Add(31*24*time.Hour)); rep.Purged != 1 {
		t.Errorf("purged %d after the retention, want the closed one", rep.Purged)
	}
	if _, err := r.store.Get(context.Background(), closed.ID); !errors.Is(err, tickets.ErrNotFound) {
		t.Errorf("the closed ticket is still there: %v", err)
	}
	r.get(t, open.ID)
}
