package scheduler

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/tickets"
)

// TicketDue is what a TicketJob needs of the tickets store;
// tickets.Store has it. Due hands out, under a lease, the unclaimed
// tickets due for a re-post and for staff (an escalateAfter of 0 hands
// out none for staff); MarkNotified and MarkEscalated record that they
// went out.
type TicketDue interface {
	Due(ctx context.Context, now time.Time, renotifyAfter, escalateAfter time.Duration) (renotify, escalate []tickets.Ticket, err error)
	MarkNotified(ctx context.Context, id string) error
	MarkEscalated(ctx context.Context, id string) error
}

var _ TicketDue = (tickets.Store)(nil)

// purger deletes the content of closed tickets past their retention;
// tickets.Store is one. Each tick calls it when the store has it.
type purger interface {
	Purge(ctx context.Context, now time.Time) (int, error)
}

// TicketWords makes the messages of a TicketJob: the re-post of a ticket
// nobody claimed to the volunteers' group (with its "Nhận" button) and
// the notice to the staff chat. Their words come from the bot's YAML
// messages, never from this package. It must be safe for concurrent use.
type TicketWords interface {
	Repost(t tickets.Ticket) bot.Message
	Escalate(t tickets.Ticket) bot.Message
}

// TicketOptions configures a TicketJob. Group and Staff are required; the
// zero value of the rest is the defaults.
type TicketOptions struct {
	// Group is the volunteers' group chat, "tg:-100123": re-posts go there.
	Group string
	// Staff is the staff chat: tickets nobody took go there.
	Staff string
	// RenotifyAfter is how long after it was asked an unclaimed ticket is
	// posted again (DefaultRenotifyAfter when zero).
	RenotifyAfter time.Duration
	// EscalateAfter is how long after it was asked staff are told of an
	// unclaimed ticket (DefaultEscalateAfter when zero), within desk hours.
	EscalateAfter time.Duration
	// DeskHours reports whether t is within the commune's desk hours,
	// the only time staff are told; nil means always. It is called with
	// the tick's time, in whatever location that has.
	DeskHours func(t time.Time) bool
	// Urgent sends re-posts and notices in the outbox's quiet hours too
	// (21:00 to 07:00). By default they wait for the morning, like every
	// message the bot sends unasked; a commune whose volunteers want the
	// pings at night sets it.
	Urgent bool
	// Lease is the tickets store's lease (tickets.DefaultLease when
	// zero): a tick's sends stop at 9/10 of it, so that they never overlap
	// another replica's hand-out of the same tickets. Set it when the
	// store's tickets.Options.Lease is set.
	Lease time.Duration
	// Spec says when to tick, as robfig/cron parses it ("@every 1m" when
	// empty).
	Spec string
	// Location is where Spec's hours count (Asia/Ho_Chi_Minh when nil).
	Location *time.Location
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Logger gets the ticks' summaries (slog.Default() when nil). Ticket
	// ids are logged at debug level only.
	Logger *slog.Logger
}

// Defaults of TicketOptions: the issue's.
const (
	DefaultRenotifyAfter = 30 * time.Minute
	DefaultEscalateAfter = 4 * time.Hour
)

// TicketJob re-posts the tickets nobody claimed to the volunteers' group
// and tells staff of those still unclaimed hours later:
//
//	job, err := scheduler.NewTicketJob(ticketStore, ob, words, scheduler.TicketOptions{
//		Group: "tg:-100123", Staff: "tg:-100456", DeskHours: desk.Contains,
//	})
//	err = job.Start(ctx) // Tick every minute, with robfig/cron
//	defer job.Stop(shutdownCtx)
//
// Every replica runs one. The store hands each due ticket to one of them
// under its lease (tickets.Store.Due); the job sends, then marks, so a
// ticket is re-posted once and staff are told once, unless a replica dies
// between a send and its mark: delivery is at least once, as for
// reminders, with the same outbox Key. Both waits count from when the
// citizen asked, and only while nobody holds the ticket.
type TicketJob struct {
	due           TicketDue
	sender        Sender
	words         TicketWords
	group, staff  string
	renotifyAfter time.Duration
	escalateAfter time.Duration
	deskHours     func(time.Time) bool
	urgent        bool
	lease         time.Duration
	now           func() time.Time
	log           *slog.Logger
	runner        *cronRunner
}

// NewTicketJob returns a job that takes due tickets from d, words them
// with w and sends them through s. It reports every problem of the
// options at once.
func NewTicketJob(d TicketDue, s Sender, w TicketWords, opts TicketOptions) (*TicketJob, error) {
	var errs []error
	if d == nil {
		errs = append(errs, errors.New("no tickets store"))
	}
	if s == nil {
		errs = append(errs, errors.New("no sender"))
	}
	if w == nil {
		errs = append(errs, errors.New("no words"))
	}
	if opts.Group == "" {
		errs = append(errs, errors.New("no volunteers' group"))
	}
	if opts.Staff == "" {
		errs = append(errs, errors.New("no staff chat"))
	}
	for name, v := range map[string]time.Duration{"renotify after": opts.RenotifyAfter, "escalate after": opts.EscalateAfter, "lease": opts.Lease} {
		if v < 0 {
			errs = append(errs, fmt.Errorf("%s %v: negative", name, v))
		}
	}
	spec := cmp.Or(opts.Spec, DefaultSpec)
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		errs = append(errs, fmt.Errorf("spec %q: %w", spec, err))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("scheduler: tickets: %w", err)
	}
	j := &TicketJob{
		due:           d,
		sender:        s,
		words:         w,
		group:         opts.Group,
		staff:         opts.Staff,
		renotifyAfter: cmp.Or(opts.RenotifyAfter, DefaultRenotifyAfter),
		escalateAfter: cmp.Or(opts.EscalateAfter, DefaultEscalateAfter),
		deskHours:     opts.DeskHours,
		urgent:        opts.Urgent,
		lease:         cmp.Or(opts.Lease, tickets.DefaultLease),
		now:           opts.Now,
		log:           cmp.Or(opts.Logger, slog.Default()),
	}
	if j.now == nil {
		j.now = time.Now
	}
	j.runner = &cronRunner{
		schedule: sched,
		loc:      cmp.Or(opts.Location, flows.Vietnam()),
		log:      j.log,
		what:     "scheduler: tickets",
		tick:     j.run,
	}
	return j, nil
}

// Start runs Tick on the job's schedule, with the time of
// TicketOptions.Now, until Stop or until ctx ends. A tick due while the
// previous one still runs is skipped. A job starts once: Start returns an
// error when it was started before, even if stopped since.
func (j *TicketJob) Start(ctx context.Context) error { return j.runner.start(ctx) }

// Stop stops the ticks and waits for a running one to end, or for ctx to
// end first: the running tick is then canceled (what it was handed and
// did not send comes back after the lease; what it sent is still
// recorded) and Stop returns ctx's error. A job never started stops at
// once.
func (j *TicketJob) Stop(ctx context.Context) error { return j.runner.stop(ctx) }

// run is one tick on the cron schedule.
func (j *TicketJob) run(ctx context.Context) {
	if _, err := j.Tick(ctx, j.now()); err != nil {
		j.log.Error("scheduler: tickets: tick", "err", err)
	}
}

// TicketReport says what a tick did. Each ticket handed out was sent or
// left for the store's lease to bring back.
type TicketReport struct {
	// Reposts and Escalations count the tickets Due handed out for a
	// re-post and for staff.
	Reposts, Escalations int
	// Reposted and Escalated count those the channel accepted. Each was
	// recorded, unless the store failed: the tick then returned its error.
	Reposted, Escalated int
	// DeskHours reports that the tick asked for escalations: it was
	// within desk hours.
	DeskHours bool
	// QuietUntil, when not zero, is when the quiet hours that held the
	// tick back end: before it asked for anything, or when the outbox
	// refused a message.
	QuietUntil time.Time
	// Purged counts the closed tickets whose content was deleted, past
	// the store's retention.
	Purged int
}

// Left counts the tickets handed out and not sent, which come back when
// the lease ends.
func (r TicketReport) Left() int {
	return r.Reposts - r.Reposted + r.Escalations - r.Escalated
}

// Tick sends what is due at now, once; Start calls it on the schedule,
// tests with a clock of their own.
//
// In quiet hours, unless TicketOptions.Urgent, it asks for nothing: the
// outbox would refuse every message. Otherwise it asks the store for the
// tickets due for a re-post and, within desk hours only, for staff
// (outside them it passes escalateAfter 0, so none is handed out). It
// posts each re-post to the group and each notice to the staff chat, both
// chats at once and each chat's messages in turn, and records each only
// once the outbox accepted it.
//
// A chat's sends stop at its first failure, for it would most likely
// fail for the next too (the channel is down, or the bot is no longer in
// the group): the ticket and those after it are left for the store's
// lease, which brings them back in a later tick. Sends also stop at 9/10
// of the lease, measured from the tick's start.
//
// Tick returns the store's error when Due or a record failed, and the
// context's when it ended; the report counts what was done until then.
func (j *TicketJob) Tick(ctx context.Context, now time.Time) (TicketReport, error) {
	started := j.now()
	rep, failures, err := j.tick(ctx, now)
	j.logTick(rep, failures, err, j.now().Sub(started))
	return rep, err
}

// tick is Tick without the log; failures are the sends that failed.
func (j *TicketJob) tick(ctx context.Context, now time.Time) (TicketReport, []error, error) {
	var rep TicketReport
	// Closed tickets' content past its retention goes, whatever the hour.
	if p, ok := j.due.(purger); ok {
		n, err := p.Purge(ctx, now)
		if err != nil {
			return rep, nil, fmt.Errorf("scheduler: tickets: purge: %w", err)
		}
		rep.Purged = n
	}
	if !j.urgent {
		if until := j.sender.QuietUntil(now); until.After(now) {
			rep.QuietUntil = until
			return rep, nil, nil
		}
	}
	var escalateAfter time.Duration // 0: none for staff
	if j.deskHours == nil || j.deskHours(now) {
		rep.DeskHours = true
		escalateAfter = j.escalateAfter
	}
	again, staff, err := j.due.Due(ctx, now, j.renotifyAfter, escalateAfter)
	if err != nil {
		return rep, nil, fmt.Errorf("scheduler: tickets: due: %w", err)
	}
	rep.Reposts, rep.Escalations = len(again), len(staff)
	if len(again)+len(staff) == 0 {
		return rep, nil, nil
	}

	ctx, cancel := context.WithTimeoutCause(ctx, j.lease-j.lease/10,
		fmt.Errorf("scheduler: tickets: sends took 9/10 of the %v lease, the rest is left to it: %w", j.lease, context.DeadlineExceeded))
	defer cancel()
	chats := []ticketChat{
		{chat: j.group, kind: "repost", tickets: again, words: j.words.Repost, mark: j.due.MarkNotified},
		{chat: j.staff, kind: "escalate", tickets: staff, words: j.words.Escalate, mark: j.due.MarkEscalated},
	}
	var wg sync.WaitGroup
	for i := range chats {
		if len(chats[i].tickets) > 0 {
			wg.Go(func() { j.send(ctx, &chats[i]) })
		}
	}
	wg.Wait()

	rep.Reposted, rep.Escalated = chats[0].sent, chats[1].sent
	var failures, errs []error
	for _, c := range chats {
		if c.failure != nil {
			failures = append(failures, c.failure)
		}
		if c.err != nil {
			errs = append(errs, c.err)
		}
		if c.quietUntil.After(rep.QuietUntil) {
			rep.QuietUntil = c.quietUntil
		}
	}
	return rep, failures, errors.Join(errs...)
}

// ticketChat is one chat's sends in a tick: what to send, how, and how
// it went.
type ticketChat struct {
	chat    string
	kind    string // in the message key: "repost", "escalate"
	tickets []tickets.Ticket
	words   func(tickets.Ticket) bot.Message
	mark    func(ctx context.Context, id string) error

	sent       int
	failure    error     // the send that stopped the chat's sends
	err        error     // the store's or the context's: Tick returns it
	quietUntil time.Time // when the outbox refused for quiet hours
}

// send sends c's messages in turn, each recorded once the outbox accepted
// it, until one is not.
func (j *TicketJob) send(ctx context.Context, c *ticketChat) {
	for _, t := range c.tickets {
		m := outbox.Message{
			Chat: c.chat,
			// Both chats are groups; were the staff chat a person's, group
			// pacing would only be slower than needed.
			Group:  true,
			Body:   c.words(t),
			Urgent: j.urgent,
			Key:    "ticket:" + t.ID + ":" + c.kind,
		}
		err := j.sender.Send(ctx, m)
		if err != nil {
			j.sendFailed(ctx, c, m, err)
			return
		}
		c.sent++
		err = record(ctx, func(ctx context.Context) error { return c.mark(ctx, t.ID) })
		if err != nil && !errors.Is(err, tickets.ErrNotFound) { // deleted since: nothing to record
			// Sent but not recorded: it goes again after the lease. More
			// sends now would only make more such.
			c.err = fmt.Errorf("scheduler: tickets: record %s: %w", c.kind, err)
			return
		}
	}
}

// sendFailed notes why m, of c, was not sent.
func (j *TicketJob) sendFailed(ctx context.Context, c *ticketChat, m outbox.Message, err error) {
	c.failure = fmt.Errorf("%s to %s: %w", c.kind, c.chat, err)
	switch {
	case errors.Is(err, outbox.ErrQuietHours):
		// A tick that crossed 21:00.
		c.quietUntil = j.sender.QuietUntil(j.now())
	case errors.Is(err, outbox.ErrBlocked), errors.Is(err, outbox.ErrPermanent):
		// The chat is the configuration's, not a citizen's: the bot was
		// removed from it, or its id is wrong. Nothing is given up; the
		// tickets wait for someone to fix it.
		j.log.Error("scheduler: tickets: the chat refuses the bot's messages; check its id in the configuration and that the bot is a member",
			"chat", c.chat, "kind", c.kind, "err", err)
	case ctx.Err() != nil:
		c.err = context.Cause(ctx)
	default:
		j.log.Debug("scheduler: tickets: not sent, the lease brings it back", "key", m.Key, "err", err)
	}
}

// logTick logs a tick's summary, with the failed sends: at debug level
// when nothing was due.
func (j *TicketJob) logTick(rep TicketReport, failures []error, err error, took time.Duration) {
	attrs := []any{"reposts", rep.Reposts, "reposted", rep.Reposted,
		"escalations", rep.Escalations, "escalated", rep.Escalated,
		"desk_hours", rep.DeskHours, "took", took}
	if !rep.QuietUntil.IsZero() {
		attrs = append(attrs, "quiet_until", rep.QuietUntil.In(j.runner.loc).Format("02/01/2006 15:04"))
	}
	if len(failures) > 0 {
		attrs = append(attrs, "failures", errors.Join(failures...))
	}
	switch {
	case err != nil:
		// Tick's caller logs the error itself.
		j.log.Warn("scheduler: tickets: tick stopped", attrs...)
	case rep.Reposts+rep.Escalations == 0:
		j.log.Debug("scheduler: tickets: tick", attrs...)
	case rep.Left() > 0:
		j.log.Warn("scheduler: tickets: tick left tickets for their lease to bring back", attrs...)
	default:
		j.log.Info("scheduler: tickets: tick", attrs...)
	}
}
