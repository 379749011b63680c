package tickets

import (
	"context"
	"time"

	"github.com/motcua/motcua/store"
)

// Store keeps tickets. Both implementations, Redis and Memory, pass the
// conformance suite in package ticketstest. No method reads a clock: the
// caller passes the time of the update or of the scheduler's tick.
type Store interface {
	// Create stores a new open ticket and returns it as stored. The caller
	// fills Chat, Name, Question, Created and what else it knows of the
	// citizen; the store sets the rest (Status Open, Notified 1) and picks
	// an ID when t has none. It returns ErrActive when her chat has a
	// ticket under way, ErrExists when t's ID is taken, and ErrInvalid
	// for what cannot be stored.
	Create(ctx context.Context, t Ticket) (Ticket, error)
	// Get returns the ticket; ErrNotFound when there is none.
	Get(ctx context.Context, id string) (Ticket, error)

	// Claim gives an open ticket to volunteer (a user id, "tg:456") named
	// name, atomically: of several claimers one wins. The others get
	// ErrTaken with the ticket as it stands, which names the winner; the
	// same holds for the winner pressing again. A closed ticket gives
	// ErrClosed, with the ticket.
	Claim(ctx context.Context, id, volunteer, name string, now time.Time) (Ticket, error)
	// Release hands a claimed ticket back ("Trả lại"): it is Open again,
	// with its times, counts and posts. Only its claimer may: anyone else
	// gets ErrNotYours (ErrClosed for a closed ticket), with the ticket.
	Release(ctx context.Context, id, volunteer string) (Ticket, error)
	// Answered records that an answer was relayed to the citizen; only
	// the first sets FirstAnswer. A closed ticket gives ErrClosed.
	Answered(ctx context.Context, id string, now time.Time) (Ticket, error)
	// Close closes the ticket, for good. Closing a closed ticket changes
	// nothing: both sides may close at once.
	Close(ctx context.Context, id string, now time.Time) (Ticket, error)
	// SetPost records post as the group message that announced the
	// ticket; ByPost finds the ticket by it, and by earlier ones.
	SetPost(ctx context.Context, id, post string) error

	// Open lists, oldest first, the tickets volunteer holds and the
	// unclaimed ones (/phieu). An empty volunteer holds none.
	Open(ctx context.Context, volunteer string) (mine, unclaimed []Ticket, err error)
	// Active returns the citizen's ticket under way (open or claimed), so
	// that the bot routes her messages to the volunteer.
	Active(ctx context.Context, chat string) (Ticket, bool, error)
	// ByPost returns the ticket a group message announced; ErrNotFound
	// when none did.
	ByPost(ctx context.Context, post string) (Ticket, error)

	// Due claims the unclaimed tickets due for a re-post to the volunteers
	// (Created+renotifyAfter ≤ now, Notified < 2) and for telling staff
	// (Created+escalateAfter ≤ now, not Escalated). A non-positive
	// duration claims none of its kind: outside desk hours the scheduler
	// passes escalateAfter 0. Each ticket returned is held for
	// Options.Lease: other callers of Due do not get it, so replicas
	// ticking at once notify once. The caller sends, then marks; a ticket
	// left unmarked (the replica died, the send failed) comes again when
	// the lease ends. At most 100 of each kind are claimed at once.
	Due(ctx context.Context, now time.Time, renotifyAfter, escalateAfter time.Duration) (renotify, escalate []Ticket, err error)
	// MarkNotified records the re-post (Notified 2); MarkEscalated that
	// staff were told. Marking twice is marking once. ErrNotFound when the
	// ticket is gone.
	MarkNotified(ctx context.Context, id string) error
	MarkEscalated(ctx context.Context, id string) error

	// DeleteChat deletes every ticket of the chat, whatever its state
	// (/xoadulieu): the content goes, the figures stay.
	DeleteChat(ctx context.Context, chat string) error
	// Purge deletes the tickets closed at least Options.Retention before
	// now, and returns how many; the figures stay. The scheduler calls it
	// on its ticks; it deletes at most 500 at once.
	Purge(ctx context.Context, now time.Time) (int, error)
	// Stats returns the figures of what happened from since, included, to
	// until, excluded; ErrInvalid for a span longer than MaxStatsSpan.
	Stats(ctx context.Context, since, until time.Time) (Stats, error)
}

// Defaults of Options.
const (
	// DefaultRetention is how long a closed ticket's content is kept.
	DefaultRetention = 30 * 24 * time.Hour
	// DefaultLease is how long Due holds a ticket for its caller: far
	// longer than a post to Telegram takes, short enough that a missed
	// re-post comes again within a couple of ticks.
	DefaultLease = 2 * time.Minute
)

// Options configures a store. The zero value is ready to use.
type Options struct {
	// Prefix starts every Redis key ("mc" when empty); it must not
	// contain '{' or '}'. The memory store ignores it.
	Prefix string
	// Retention is how long a closed ticket's content is kept
	// (DefaultRetention when zero or negative).
	Retention time.Duration
	// Lease is how long Due holds a ticket for its caller (DefaultLease
	// when zero or negative).
	Lease time.Duration
}

func (o Options) withDefaults() Options {
	if o.Prefix == "" {
		o.Prefix = store.DefaultPrefix
	}
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	return o
}

// Bounds of the batch operations.
const (
	maxDue   = 100
	maxPurge = 500
)

// MaxStatsSpan is the longest span Stats adds up, about ten years: Redis
// reads the figures a day at a time, and "since the zero time" would be
// 740,000 days.
const MaxStatsSpan = 3653 * 24 * time.Hour
