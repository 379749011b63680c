package tickets

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// backend is what a store keeps: records (one per ticket, see record),
// the indexes derived from them, the Due queues and the figures. Redis
// and Memory implement it; core holds every rule on top of it, so that
// the two behave alike by construction.
type backend interface {
	// load returns the record of each id, nil for a missing one.
	load(ctx context.Context, ids []string) ([]record, error)
	// put applies w in one atomic step and returns putOK, putConflict
	// (the version moved; nothing written) or putActive+" <id>" (w.create
	// and the chat has that ticket under way; nothing written).
	put(ctx context.Context, w write) (string, error)
	// list returns the ids of the open or the claimed tickets, by
	// Created, then by id.
	list(ctx context.Context, st Status) ([]string, error)
	// active returns the id of the chat's ticket under way, "" for none.
	active(ctx context.Context, chat string) (string, error)
	// post returns the id of the ticket post announced, "" for none.
	post(ctx context.Context, post string) (string, error)
	// chat returns the ids of every ticket of the chat.
	chat(ctx context.Context, chat string) ([]string, error)
	// closed returns up to max ids of the tickets closed at or before
	// cut (Unix ms), the earliest first.
	closed(ctx context.Context, cut int64, max int) ([]string, error)
	// remove deletes the tickets ids (chats[i] is the chat of ids[i])
	// with their index entries, each in one atomic step; with cut ≥ 0
	// only those closed at or before cut. It returns how many it deleted.
	remove(ctx context.Context, ids, chats []string, cut int64) (int, error)
	// due claims the ids due, as dueArgs says.
	due(ctx context.Context, d dueArgs) (renotify, escalate []string, err error)
	// events returns the members of the events at since ≤ t < until
	// (Unix ms).
	events(ctx context.Context, since, until int64) ([]string, error)
}

// write is one atomic change of a ticket.
//
// Every write also keeps the indexes in step with the new record: the
// open, claimed and closed sets; the Due queues (a ticket is queued for a
// re-post while open with Notified < 2, for staff while open and not
// escalated, scored by Created unless already queued, so that a write
// never shortens a lease Due took); the chat's ticket under way; the
// chat's tickets; the posts. And it adds its events to the figures.
type write struct {
	id, chat string
	// want is the version the writer read; 0 creates the ticket.
	want int64
	// create refuses the write when the chat has a ticket under way.
	create bool
	// token names this write, so that a run sent twice (the client lost
	// the first reply) reports ok the second time instead of a conflict.
	token string
	rec   record
	// events are added to the figures with the change.
	events []event
}

// Results of backend.put.
const (
	putOK       = "ok"
	putConflict = "conflict"
	putActive   = "active"
)

// dueArgs says what backend.due claims: from each queue (renotify,
// escalate), when asked, up to max ids scored at or before its cut,
// lowest score first; each gets its lease score, so that it comes again
// when the lease ends.
type dueArgs struct {
	renotify, escalate           bool
	renotifyCut, escalateCut     int64 // Unix ms: now - after
	renotifyLease, escalateLease int64 // Unix ms: lease end - after
	max                          int
}

// maxAttempts bounds the retries of a read-modify-write under contention.
const maxAttempts = 50

// core implements Store on a backend.
type core struct {
	b         backend
	retention time.Duration
	lease     time.Duration
}

func newCore(b backend, opts Options) core {
	opts = opts.withDefaults()
	return core{b: b, retention: opts.Retention, lease: opts.Lease}
}

// Create stores a new open ticket; see Store.
func (c core) Create(ctx context.Context, t Ticket) (Ticket, error) {
	if err := ctx.Err(); err != nil {
		return Ticket{}, fmt.Errorf("tickets: create: %w", err)
	}
	s := stored{Ticket: Ticket{
		ID:       t.ID,
		Chat:     t.Chat,
		Name:     t.Name,
		Question: t.Question,
		Flow:     t.Flow,
		Step:     t.Step,
		Shared:   t.Shared,
		Village:  t.Village,
		Status:   Open,
		Created:  truncate(t.Created),
		Notified: 1,
	}}
	picked := s.ID == ""
	for range maxAttempts {
		if picked {
			s.ID = NewID()
		}
		if err := checkNew(s.Ticket); err != nil {
			return Ticket{}, fmt.Errorf("tickets: create: %w", err)
		}
		res, err := c.b.put(ctx, write{
			id:     s.ID,
			chat:   s.Chat,
			create: true,
			token:  token(),
			rec:    encode(s),
			events: []event{newEvent(evAsked, s.Ticket, s.Created)},
		})
		switch {
		case err != nil:
			return Ticket{}, fmt.Errorf("tickets: create %s: %w", s.ID, err)
		case res == putOK:
			return s.Ticket, nil
		case strings.HasPrefix(res, putActive):
			return Ticket{}, fmt.Errorf("tickets: create for %s: %w: %s", s.Chat, ErrActive, strings.TrimPrefix(res, putActive+" "))
		case !picked:
			return Ticket{}, fmt.Errorf("tickets: create %s: %w", s.ID, ErrExists)
		}
		// A random ID in use: pick another.
	}
	return Ticket{}, fmt.Errorf("tickets: create: %d random ids in use", maxAttempts)
}

// Get returns the ticket; see Store.
func (c core) Get(ctx context.Context, id string) (Ticket, error) {
	if err := ctx.Err(); err != nil {
		return Ticket{}, fmt.Errorf("tickets: get %s: %w", id, err)
	}
	if err := checkID(id); err != nil {
		return Ticket{}, fmt.Errorf("tickets: get: %w", err)
	}
	s, err := c.get(ctx, id)
	if err != nil {
		return Ticket{}, fmt.Errorf("tickets: get %s: %w", id, err)
	}
	return s.Ticket, nil
}

// Claim gives an open ticket to volunteer; see Store.
func (c core) Claim(ctx context.Context, id, volunteer, name string, now time.Time) (Ticket, error) {
	if err := errors.Join(checkRef("volunteer", volunteer, false, maxRef), checkLine("volunteer name", name, maxName)); err != nil {
		return Ticket{}, fmt.Errorf("tickets: claim %s: %w", id, err)
	}
	now = truncate(now)
	return c.modify(ctx, "claim", id, func(s *stored) ([]event, error) {
		switch s.Status {
		case Claimed:
			return nil, fmt.Errorf("%w by %s", ErrTaken, s.Volunteer)
		case Closed:
			return nil, ErrClosed
		}
		s.Status, s.Volunteer, s.VolunteerName = Claimed, volunteer, name
		if !s.Claimed.IsZero() {
			return nil, nil // claimed before and handed back: not a first claim
		}
		s.Claimed = now
		return []event{newEvent(evClaimed, s.Ticket, now)}, nil
	})
}

// Release hands a claimed ticket back; see Store.
func (c core) Release(ctx context.Context, id, volunteer string) (Ticket, error) {
	return c.modify(ctx, "release", id, func(s *stored) ([]event, error) {
		switch {
		case s.Status == Closed:
			return nil, ErrClosed
		case s.Status != Claimed || s.Volunteer != volunteer:
			return nil, ErrNotYours
		}
		s.Status, s.Volunteer, s.VolunteerName = Open, "", ""
		return nil, nil
	})
}

// Answered records an answer relayed to the citizen; see Store.
func (c core) Answered(ctx context.Context, id string, now time.Time) (Ticket, error) {
	now = truncate(now)
	return c.modify(ctx, "answered", id, func(s *stored) ([]event, error) {
		switch {
		case s.Status == Closed:
			return nil, ErrClosed
		case !s.FirstAnswer.IsZero():
			return nil, errUnchanged
		}
		s.FirstAnswer = now
		return []event{newEvent(evAnswered, s.Ticket, now)}, nil
	})
}

// Close closes the ticket; see Store.
func (c core) Close(ctx context.Context, id string, now time.Time) (Ticket, error) {
	now = truncate(now)
	return c.modify(ctx, "close", id, func(s *stored) ([]event, error) {
		if s.Status == Closed {
			return nil, errUnchanged
		}
		s.Status, s.Closed = Closed, now
		return []event{newEvent(evClosed, s.Ticket, now)}, nil
	})
}

// SetPost records a group message that announced the ticket; see Store.
func (c core) SetPost(ctx context.Context, id, post string) error {
	if err := checkRef("post", post, false, maxPost); err != nil {
		return fmt.Errorf("tickets: set post of %s: %w", id, err)
	}
	_, err := c.modify(ctx, "set post of", id, func(s *stored) ([]event, error) {
		if s.Post == post {
			return nil, errUnchanged
		}
		s.addPost(post)
		return nil, nil
	})
	return err
}

// MarkNotified records the re-post; see Store.
func (c core) MarkNotified(ctx context.Context, id string) error {
	_, err := c.modify(ctx, "mark notified", id, func(s *stored) ([]event, error) {
		if s.Notified >= 2 {
			return nil, errUnchanged
		}
		s.Notified = 2
		return nil, nil
	})
	return err
}

// MarkEscalated records that staff were told; see Store.
func (c core) MarkEscalated(ctx context.Context, id string) error {
	_, err := c.modify(ctx, "mark escalated", id, func(s *stored) ([]event, error) {
		if s.Escalated {
			return nil, errUnchanged
		}
		s.Escalated = true
		return nil, nil
	})
	return err
}

// errUnchanged tells modify that there is nothing to write.
var errUnchanged = errors.New("unchanged")

// modify reads ticket id, lets fn change it and writes it if nobody else
// wrote in between, else reads again. fn returns the events of its change,
// errUnchanged when there is none, or an error that modify returns with
// the ticket as read. fn must have no other effect: it may run more than
// once.
func (c core) modify(ctx context.Context, op, id string, fn func(s *stored) ([]event, error)) (Ticket, error) {
	if err := checkID(id); err != nil {
		return Ticket{}, fmt.Errorf("tickets: %s: %w", op, err)
	}
	for range maxAttempts {
		if err := ctx.Err(); err != nil {
			return Ticket{}, fmt.Errorf("tickets: %s %s: %w", op, id, err)
		}
		s, err := c.get(ctx, id)
		if err != nil {
			return Ticket{}, fmt.Errorf("tickets: %s %s: %w", op, id, err)
		}
		read := s.Ticket
		events, err := fn(&s)
		if errors.Is(err, errUnchanged) {
			return read, nil
		}
		if err != nil {
			return read, fmt.Errorf("tickets: %s %s: %w", op, id, err)
		}
		res, err := c.b.put(ctx, write{id: id, chat: s.Chat, want: s.version, token: token(), rec: encode(s), events: events})
		if err != nil {
			return Ticket{}, fmt.Errorf("tickets: %s %s: %w", op, id, err)
		}
		if res == putOK {
			return s.Ticket, nil
		}
		// Another write came first: read again.
	}
	return Ticket{}, fmt.Errorf("tickets: %s %s: changed concurrently %d times", op, id, maxAttempts)
}

// Open lists the volunteer's tickets and the unclaimed ones; see Store.
func (c core) Open(ctx context.Context, volunteer string) (mine, unclaimed []Ticket, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("tickets: open: %w", err)
	}
	var held []string
	if volunteer != "" {
		if held, err = c.b.list(ctx, Claimed); err != nil {
			return nil, nil, fmt.Errorf("tickets: open: %w", err)
		}
	}
	free, err := c.b.list(ctx, Open)
	if err != nil {
		return nil, nil, fmt.Errorf("tickets: open: %w", err)
	}
	// A ticket claimed or handed back between the two reads is in both
	// lists or in neither; the filters below keep it in one at most.
	if mine, err = c.loadAll(ctx, held, func(s stored) bool { return s.Status == Claimed && s.Volunteer == volunteer }); err != nil {
		return nil, nil, fmt.Errorf("tickets: open: %w", err)
	}
	if unclaimed, err = c.loadAll(ctx, free, func(s stored) bool { return s.Status == Open }); err != nil {
		return nil, nil, fmt.Errorf("tickets: open: %w", err)
	}
	return mine, unclaimed, nil
}

// Active returns the citizen's ticket under way; see Store.
func (c core) Active(ctx context.Context, chat string) (Ticket, bool, error) {
	if err := ctx.Err(); err != nil {
		return Ticket{}, false, fmt.Errorf("tickets: active of %s: %w", chat, err)
	}
	if err := checkRef("chat", chat, false, maxRef); err != nil {
		return Ticket{}, false, fmt.Errorf("tickets: active: %w", err)
	}
	id, err := c.b.active(ctx, chat)
	if err != nil || id == "" {
		return Ticket{}, false, wrapIf(err, "tickets: active of %s: %w", chat)
	}
	s, err := c.get(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return Ticket{}, false, nil // deleted since
	case err != nil:
		return Ticket{}, false, fmt.Errorf("tickets: active of %s: %w", chat, err)
	case s.Status == Closed:
		return Ticket{}, false, nil // closed since
	}
	return s.Ticket, true, nil
}

// ByPost returns the ticket a group message announced; see Store.
func (c core) ByPost(ctx context.Context, post string) (Ticket, error) {
	if err := ctx.Err(); err != nil {
		return Ticket{}, fmt.Errorf("tickets: by post %s: %w", post, err)
	}
	if err := checkRef("post", post, false, maxPost); err != nil {
		return Ticket{}, fmt.Errorf("tickets: by post: %w", err)
	}
	id, err := c.b.post(ctx, post)
	if err != nil {
		return Ticket{}, fmt.Errorf("tickets: by post %s: %w", post, err)
	}
	if id == "" {
		return Ticket{}, fmt.Errorf("tickets: by post %s: %w", post, ErrNotFound)
	}
	s, err := c.get(ctx, id)
	if err != nil {
		return Ticket{}, fmt.Errorf("tickets: by post %s: %w", post, err)
	}
	return s.Ticket, nil
}

// Due claims the tickets due for a re-post and for staff; see Store.
func (c core) Due(ctx context.Context, now time.Time, renotifyAfter, escalateAfter time.Duration) (renotify, escalate []Ticket, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("tickets: due: %w", err)
	}
	end := now.Add(c.lease)
	d := dueArgs{max: maxDue}
	if renotifyAfter > 0 {
		d.renotify = true
		d.renotifyCut = now.Add(-renotifyAfter).UnixMilli()
		d.renotifyLease = end.Add(-renotifyAfter).UnixMilli()
	}
	if escalateAfter > 0 {
		d.escalate = true
		d.escalateCut = now.Add(-escalateAfter).UnixMilli()
		d.escalateLease = end.Add(-escalateAfter).UnixMilli()
	}
	if !d.renotify && !d.escalate {
		return nil, nil, nil
	}
	rIDs, eIDs, err := c.b.due(ctx, d)
	if err != nil {
		return nil, nil, fmt.Errorf("tickets: due: %w", err)
	}
	// The claims stand if what follows fails: they come again when the
	// lease ends. A ticket claimed, marked or deleted between the claim
	// and the load is no longer due: the write that changed it took it
	// off the queue.
	if renotify, err = c.loadAll(ctx, rIDs, func(s stored) bool { return s.Status == Open && s.Notified < 2 }); err != nil {
		return nil, nil, fmt.Errorf("tickets: due: %w", err)
	}
	if escalate, err = c.loadAll(ctx, eIDs, func(s stored) bool { return s.Status == Open && !s.Escalated }); err != nil {
		return nil, nil, fmt.Errorf("tickets: due: %w", err)
	}
	return renotify, escalate, nil
}

// DeleteChat deletes every ticket of the chat; see Store.
func (c core) DeleteChat(ctx context.Context, chat string) error {
	if err := checkRef("chat", chat, false, maxRef); err != nil {
		return fmt.Errorf("tickets: delete chat: %w", err)
	}
	// A ticket created while deleting is met on the next round.
	for range maxAttempts {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("tickets: delete chat %s: %w", chat, err)
		}
		ids, err := c.b.chat(ctx, chat)
		if err != nil {
			return fmt.Errorf("tickets: delete chat %s: %w", chat, err)
		}
		if len(ids) == 0 {
			return nil
		}
		chats := make([]string, len(ids))
		for i := range chats {
			chats[i] = chat
		}
		if _, err := c.b.remove(ctx, ids, chats, -1); err != nil {
			return fmt.Errorf("tickets: delete chat %s: %w", chat, err)
		}
	}
	return fmt.Errorf("tickets: delete chat %s: new tickets kept coming", chat)
}

// Purge deletes the tickets closed before the retention; see Store.
func (c core) Purge(ctx context.Context, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("tickets: purge: %w", err)
	}
	cut := now.Add(-c.retention).UnixMilli()
	ids, err := c.b.closed(ctx, cut, maxPurge)
	if err != nil || len(ids) == 0 {
		return 0, wrapIf(err, "tickets: purge: %w")
	}
	recs, err := c.b.load(ctx, ids)
	if err != nil {
		return 0, fmt.Errorf("tickets: purge: %w", err)
	}
	chats := make([]string, len(ids))
	for i, rec := range recs {
		chats[i] = rec["chat"] // "" for one deleted since: remove skips it
	}
	n, err := c.b.remove(ctx, ids, chats, cut)
	if err != nil {
		return n, fmt.Errorf("tickets: purge: %w", err)
	}
	return n, nil
}

// Stats returns the figures of a span of time; see Store.
func (c core) Stats(ctx context.Context, since, until time.Time) (Stats, error) {
	if err := ctx.Err(); err != nil {
		return Stats{}, fmt.Errorf("tickets: stats: %w", err)
	}
	if !until.After(since) {
		return Stats{Villages: map[string]Figures{}}, nil
	}
	if since.Before(until.Add(-MaxStatsSpan)) {
		return Stats{}, fmt.Errorf("tickets: stats from %v to %v: %w: longer than %v", since, until, ErrInvalid, MaxStatsSpan)
	}
	members, err := c.b.events(ctx, since.UnixMilli(), until.UnixMilli())
	if err != nil {
		return Stats{}, fmt.Errorf("tickets: stats: %w", err)
	}
	st, err := tally(members)
	if err != nil {
		return Stats{}, fmt.Errorf("tickets: stats: %w", err)
	}
	return st, nil
}

// get reads one ticket; ErrNotFound when it is missing.
func (c core) get(ctx context.Context, id string) (stored, error) {
	recs, err := c.b.load(ctx, []string{id})
	if err != nil {
		return stored{}, err
	}
	if recs[0] == nil {
		return stored{}, ErrNotFound
	}
	return decode(id, recs[0])
}

// loadAll reads the tickets ids, in order, and returns those that keep
// says to keep; missing ones are skipped.
func (c core) loadAll(ctx context.Context, ids []string, keep func(stored) bool) ([]Ticket, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	recs, err := c.b.load(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []Ticket
	for i, rec := range recs {
		if rec == nil {
			continue
		}
		s, err := decode(ids[i], rec)
		if err != nil {
			return nil, err
		}
		if keep(s) {
			out = append(out, s.Ticket)
		}
	}
	return out, nil
}

// wrapIf wraps a non-nil err with format, whose last verb is %w; nil
// stays nil.
func wrapIf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format, append(args, err)...)
}

// token names one write; see write.token.
func token() string { return strconv.FormatUint(rand.Uint64(), 36) }

// truncate drops what a record cannot hold: below the millisecond, the
// monotonic reading and the location (records read back are in Local).
func truncate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.UnixMilli(t.UnixMilli())
}
