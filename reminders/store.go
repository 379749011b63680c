package reminders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/flows"
)

// Store keeps reminders and hands out the due ones. Both implementations,
// Redis and Memory, pass the conformance suite in package reminderstest.
type Store interface {
	// Save creates r or replaces the reminder of the same chat and id,
	// and schedules it at its Next time. It does not skip past stages:
	// build r with Schedule.Begin.
	Save(ctx context.Context, r Reminder) error
	// List returns the chat's reminders, the earliest expiry first.
	List(ctx context.Context, chat string) ([]Reminder, error)
	// Delete removes one reminder; a missing one is not an error.
	Delete(ctx context.Context, chat, id string) error
	// DeleteChat removes every reminder of the chat (/xoadulieu).
	DeleteChat(ctx context.Context, chat string) error
	// Claim takes up to max reminders due at now, the longest due first,
	// each with the stage to send. Their due time moves to now+lease, so
	// that other replicas skip them; a claim nobody records as Done falls
	// due again when the lease ends.
	Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]Claimed, error)
	// Renew extends the claims still held to now+lease, and returns them
	// with their new Lease, in the order given. A claim is no longer held
	// once its reminder was recorded Done or changed (renewed, snoozed,
	// paused, deleted), or once its lease ended and another claim took it:
	// it is left out, and its holder must not send it. A holder renews
	// well within the lease, so that a crash costs a short lease, not the
	// time a whole batch takes to send.
	Renew(ctx context.Context, cs []Claimed, now time.Time, lease time.Duration) ([]Claimed, error)
	// Done records that the claimed reminder's stage was sent and
	// schedules its next stage. It changes nothing, and returns nil, when
	// the reminder changed since it was claimed (renewed, snoozed, paused,
	// deleted, or already recorded), so recording twice is harmless.
	Done(ctx context.Context, c Claimed, sentStage int) error
	// Snooze makes the reminder come back at until (Reminder.Snoozed);
	// ErrNotFound when there is no such reminder.
	Snooze(ctx context.Context, chat, id string, until time.Time) error
	// SetPaused pauses or resumes every reminder of the chat: a paused one
	// is never due; a resumed one falls due at its Next time, which may
	// have passed (it is then sent at once, the latest missed stage only).
	SetPaused(ctx context.Context, chat string, paused bool) error
	// Chats calls each with every chat that has at least one reminder,
	// paused or not, once, without holding them all in memory; it stops
	// at each's first error and returns it. The families with a BHYT
	// reminder are an audience of commune notices. A chat whose
	// reminders are saved or deleted during the walk may be missed.
	Chats(ctx context.Context, each func(chat string) error) error
}

// Claimed is a reminder claimed for sending.
type Claimed struct {
	Reminder
	// Stage is the stage to send: an index in Schedule.Stages; the last
	// one is the day after expiry when the schedule has one.
	Stage int
	// At is when it fell due: the stage's time, or the snooze's end.
	At time.Time
	// Lease is when the claim ends and the reminder falls due again
	// unless it was recorded as Done.
	Lease time.Time

	rec string // the record as claimed; Done changes it only if unchanged
}

// Key names this sending of the reminder, for the outbox and the logs:
// the same reminder, expiry, stage and snooze give the same key, so a
// stage re-delivered after a lease has the key of the first attempt.
func (c Claimed) Key() string {
	snooze := int64(0)
	if !c.SnoozedUntil.IsZero() {
		snooze = c.SnoozedUntil.Unix()
	}
	return member(c.Chat, c.ID) + "|" + c.Expiry.ISO() + "|" + strconv.Itoa(c.Stage) + "|" + strconv.FormatInt(snooze, 10)
}

// Errors of the stores, checked with errors.Is. A failure to reach Redis
// wraps store.ErrUnavailable, as the conversation store's do.
var (
	// ErrNotFound means there is no such reminder.
	ErrNotFound = errors.New("reminders: no such reminder")
	// ErrInvalid means a reminder, chat or id that cannot be stored.
	ErrInvalid = errors.New("reminders: invalid")
)

// maxAttempts bounds the retries of a read-modify-write under contention.
const maxAttempts = 50

// backend is what a store keeps: records, one per reminder, named by
// member(chat, id); a due set of the same names scored by due time in
// Unix milliseconds; and a leased set of the names claimed, scored by the
// end of their lease. Redis and Memory implement it; core holds every
// rule on top of it, so the two behave alike by construction.
type backend interface {
	// claim returns up to max reminders due at now (score ≤ now) and not
	// leased beyond now, lowest score first, and leases them until until,
	// atomically. Each is its name and its record, "<name> <record>", or
	// the name alone when its record must be looked up (a due entry of
	// the layout before).
	claim(ctx context.Context, now, until int64, max int) ([]string, error)
	// renew moves the lease of each name whose lease ends at held[i] to
	// until, and reports which it moved.
	renew(ctx context.Context, names []string, held []int64, until int64) ([]bool, error)
	// records returns the record of each name, "" for a missing one.
	records(ctx context.Context, names []string) ([]string, error)
	// chat returns the names and records of the chat's reminders, in
	// pairs; with del it also removes them and their due entries, in the
	// same atomic step.
	chat(ctx context.Context, chat string, del bool) ([]string, error)
	// put applies changes to reminders of one chat, all or none: none
	// when the record of a change is not what it wants. A change ends
	// the claim of its reminder: the name leaves the leased set.
	put(ctx context.Context, chat string, changes []change) (bool, error)
	// walkChats calls each with every chat that has a record, once.
	walkChats(ctx context.Context, each func(chat string) error) error
}

// change sets one reminder's record and due entry.
type change struct {
	name string
	// want is the record the change expects: anyRecord for any, "" for
	// none.
	want string
	// rec is the new record; "" removes it.
	rec string
	// due is the new due score (Unix ms); noDue removes the due entry.
	due int64
}

const (
	anyRecord       = "*"
	noDue     int64 = -1
)

// core implements Store on a backend.
type core struct {
	b     backend
	sched Schedule
	log   *slog.Logger
}

func newCore(b backend, sched Schedule, log *slog.Logger) core {
	if err := sched.Validate(); err != nil {
		panic(err)
	}
	if sched.Location == nil {
		sched.Location = flows.Vietnam()
	}
	if log == nil {
		log = slog.Default()
	}
	return core{b: b, sched: sched, log: log}
}

// Save creates or replaces r and schedules it; see Store.
func (c core) Save(ctx context.Context, r Reminder) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("reminders: save: %w", err)
	}
	if err := c.check(r); err != nil {
		return fmt.Errorf("reminders: save: %w", err)
	}
	name := member(r.Chat, r.ID)
	ch := change{name: name, want: anyRecord, rec: encode(r), due: c.due(r)}
	if _, err := c.b.put(ctx, r.Chat, []change{ch}); err != nil {
		return fmt.Errorf("reminders: save %s: %w", name, err)
	}
	return nil
}

// List returns the chat's reminders; see Store.
func (c core) List(ctx context.Context, chat string) ([]Reminder, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reminders: list: %w", err)
	}
	if err := checkChat(chat); err != nil {
		return nil, fmt.Errorf("reminders: list: %w", err)
	}
	pairs, err := c.b.chat(ctx, chat, false)
	if err != nil {
		return nil, fmt.Errorf("reminders: list %s: %w", chat, err)
	}
	out := make([]Reminder, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		r, err := c.decode(pairs[i], pairs[i+1])
		if err != nil {
			return nil, fmt.Errorf("reminders: list %s: %w", chat, err)
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Reminder) int {
		if n := a.Expiry.Compare(b.Expiry); n != 0 {
			return n
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Delete removes one reminder; see Store.
func (c core) Delete(ctx context.Context, chat, id string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("reminders: delete: %w", err)
	}
	if err := checkName(chat, id); err != nil {
		return fmt.Errorf("reminders: delete: %w", err)
	}
	name := member(chat, id)
	ch := change{name: name, want: anyRecord, due: noDue}
	if _, err := c.b.put(ctx, chat, []change{ch}); err != nil {
		return fmt.Errorf("reminders: delete %s: %w", name, err)
	}
	return nil
}

// DeleteChat removes every reminder of the chat; see Store.
func (c core) DeleteChat(ctx context.Context, chat string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("reminders: delete chat: %w", err)
	}
	if err := checkChat(chat); err != nil {
		return fmt.Errorf("reminders: delete chat: %w", err)
	}
	if _, err := c.b.chat(ctx, chat, true); err != nil {
		return fmt.Errorf("reminders: delete chat %s: %w", chat, err)
	}
	return nil
}

// Claim takes up to max due reminders; see Store.
//
// A due entry carries its reminder's record, written with it in one
// atomic step, so a claim reads no record. An entry whose record is
// unreadable or not due at now (which the atomic writes should never
// leave behind) gets the due entry its record calls for, and is not
// returned.
func (c core) Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]Claimed, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reminders: claim: %w", err)
	}
	if lease <= 0 {
		return nil, fmt.Errorf("reminders: claim: lease %v: %w: must be positive", lease, ErrInvalid)
	}
	if max <= 0 {
		return nil, nil
	}
	until := now.Add(lease)
	taken, err := c.b.claim(ctx, now.UnixMilli(), until.UnixMilli(), max)
	if err != nil {
		return nil, fmt.Errorf("reminders: claim: %w", err)
	}
	if len(taken) == 0 {
		return nil, nil
	}
	names := make([]string, len(taken))
	recs := make([]string, len(taken))
	var bare []string // names whose record is to be looked up
	var at []int      // bare[k] is names[at[k]]
	for i, t := range taken {
		var ok bool
		names[i], recs[i], ok = strings.Cut(t, " ")
		if !ok {
			bare = append(bare, names[i])
			at = append(at, i)
		}
	}
	if len(bare) > 0 {
		got, err := c.b.records(ctx, bare)
		if err != nil {
			// The claims stand: they fall due again when the lease ends.
			return nil, fmt.Errorf("reminders: claim: load %d records: %w", len(bare), err)
		}
		for k, i := range at {
			recs[i] = got[k]
		}
	}
	out := make([]Claimed, 0, len(names))
	for i, name := range names {
		cl, fix, ok := c.resolve(name, recs[i], now)
		if ok {
			cl.Lease = until
			out = append(out, cl)
			continue
		}
		chat, _, _ := splitMember(name)
		if _, err := c.b.put(ctx, chat, []change{fix}); err != nil {
			return nil, fmt.Errorf("reminders: claim: reschedule %s: %w", name, err)
		}
	}
	return out, nil
}

// Renew extends the claims still held; see Store.
func (c core) Renew(ctx context.Context, cs []Claimed, now time.Time, lease time.Duration) ([]Claimed, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reminders: renew: %w", err)
	}
	if lease <= 0 {
		return nil, fmt.Errorf("reminders: renew: lease %v: %w: must be positive", lease, ErrInvalid)
	}
	if len(cs) == 0 {
		return nil, nil
	}
	names := make([]string, len(cs))
	held := make([]int64, len(cs))
	for i, cl := range cs {
		names[i] = member(cl.Chat, cl.ID)
		held[i] = cl.Lease.UnixMilli()
	}
	until := now.Add(lease)
	ok, err := c.b.renew(ctx, names, held, until.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("reminders: renew %d claims: %w", len(cs), err)
	}
	out := make([]Claimed, 0, len(cs))
	for i, cl := range cs {
		if ok[i] {
			cl.Lease = until
			out = append(out, cl)
		}
	}
	return out, nil
}

// resolve reads a claimed name's record: the Claimed to send, or the
// change that gives its due entry the time its record calls for.
func (c core) resolve(name, rec string, now time.Time) (Claimed, change, bool) {
	fix := change{name: name, want: rec, rec: rec, due: noDue}
	if rec == "" {
		return Claimed{}, fix, false
	}
	r, err := c.decode(name, rec)
	if err != nil {
		c.log.Error("reminders: unreadable record taken out of the due set", "reminder", name, "err", err)
		return Claimed{}, fix, false
	}
	stage, ok := c.sched.Due(r, now)
	if !ok {
		fix.due = c.due(r)
		return Claimed{}, fix, false
	}
	at := c.sched.stage(r, stage)
	if r.SnoozedUntil.After(at) {
		at = r.SnoozedUntil
	}
	return Claimed{Reminder: r, Stage: stage, At: at, rec: rec}, change{}, true
}

// Done records a sent stage; see Store.
func (c core) Done(ctx context.Context, cl Claimed, sentStage int) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("reminders: done: %w", err)
	}
	name := member(cl.Chat, cl.ID)
	if sentStage < 0 || sentStage >= c.sched.stages() {
		return fmt.Errorf("reminders: done %s: stage %d: %w", name, sentStage, ErrInvalid)
	}
	r, err := c.decode(name, cl.rec)
	if err != nil {
		return fmt.Errorf("reminders: done %s: not a claimed reminder: %w", name, err)
	}
	r = r.sent(sentStage)
	ch := change{name: name, want: cl.rec, rec: encode(r), due: c.due(r)}
	if _, err := c.b.put(ctx, r.Chat, []change{ch}); err != nil {
		return fmt.Errorf("reminders: done %s: %w", name, err)
	}
	return nil
}

// Snooze makes a reminder come back at until; see Store.
func (c core) Snooze(ctx context.Context, chat, id string, until time.Time) error {
	if err := checkName(chat, id); err != nil {
		return fmt.Errorf("reminders: snooze: %w", err)
	}
	if until.Unix() <= 0 {
		return fmt.Errorf("reminders: snooze: until %v: %w", until, ErrInvalid)
	}
	name := member(chat, id)
	err := c.update(ctx, chat, func() ([]change, error) {
		recs, err := c.b.records(ctx, []string{name})
		if err != nil {
			return nil, err
		}
		if recs[0] == "" {
			return nil, ErrNotFound
		}
		r, err := c.decode(name, recs[0])
		if err != nil {
			return nil, err
		}
		r = r.Snoozed(until)
		return []change{{name: name, want: recs[0], rec: encode(r), due: c.due(r)}}, nil
	})
	if err != nil {
		return fmt.Errorf("reminders: snooze %s: %w", name, err)
	}
	return nil
}

// SetPaused pauses or resumes the chat's reminders; see Store.
func (c core) SetPaused(ctx context.Context, chat string, paused bool) error {
	if err := checkChat(chat); err != nil {
		return fmt.Errorf("reminders: pause: %w", err)
	}
	err := c.update(ctx, chat, func() ([]change, error) {
		pairs, err := c.b.chat(ctx, chat, false)
		if err != nil {
			return nil, err
		}
		var changes []change
		for i := 0; i+1 < len(pairs); i += 2 {
			name, rec := pairs[i], pairs[i+1]
			r, err := c.decode(name, rec)
			if err != nil {
				return nil, err
			}
			if r.Paused == paused {
				continue
			}
			r.Paused = paused
			changes = append(changes, change{name: name, want: rec, rec: encode(r), due: c.due(r)})
		}
		return changes, nil
	})
	if err != nil {
		return fmt.Errorf("reminders: pause %s (%t): %w", chat, paused, err)
	}
	return nil
}

// update puts the changes plan returns, all of them or, when a record
// changed in between, none, and then plans again.
func (c core) update(ctx context.Context, chat string, plan func() ([]change, error)) error {
	for range maxAttempts {
		if err := ctx.Err(); err != nil {
			return err
		}
		changes, err := plan()
		if err != nil || len(changes) == 0 {
			return err
		}
		ok, err := c.b.put(ctx, chat, changes)
		if err != nil || ok {
			return err
		}
	}
	return fmt.Errorf("changed concurrently %d times", maxAttempts)
}

// due is r's due score, or noDue.
func (c core) due(r Reminder) int64 {
	if t, ok := c.sched.Next(r); ok {
		return t.UnixMilli()
	}
	return noDue
}

// check reports why r cannot be stored.
func (c core) check(r Reminder) error {
	if err := checkName(r.Chat, r.ID); err != nil {
		return err
	}
	if err := checkLabel(r.Label); err != nil {
		return err
	}
	if !validDate(r.Expiry) {
		return fmt.Errorf("expiry %+v: %w: not a date", r.Expiry, ErrInvalid)
	}
	if r.Sent < 0 || r.Sent > c.sched.stages() {
		return fmt.Errorf("sent %d: %w: the schedule has %d stages", r.Sent, ErrInvalid, c.sched.stages())
	}
	if !r.SnoozedUntil.IsZero() && r.SnoozedUntil.Unix() <= 0 {
		return fmt.Errorf("snoozed until %v: %w", r.SnoozedUntil, ErrInvalid)
	}
	return nil
}

// decode reads the record of name.
func (c core) decode(name, rec string) (Reminder, error) {
	return decode(name, rec, c.sched.Location)
}
