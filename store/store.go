package store

import (
	"context"
	"errors"
	"time"
)

// Errors a store returns; compare with errors.Is.
var (
	// ErrConflict means the conversation changed since it was loaded.
	ErrConflict = errors.New("store: conversation changed concurrently")
	// ErrDuplicate means the update was already handled.
	ErrDuplicate = errors.New("store: update already handled")
	// ErrUnavailable wraps a failure to reach the backend (Redis down,
	// timeout); the backend's own error stays in the chain. The caller
	// apologises and the citizen tries again. A Load wrote nothing; a
	// Commit or Delete may or may not have landed (the reply can be lost
	// after the write), which is safe: trying the same update id again
	// reports ErrDuplicate if the first attempt landed.
	ErrUnavailable = errors.New("store: unavailable")
	// ErrReplyHeld means the reply of an update is being delivered by
	// another handler (another replica, or an earlier delivery of the
	// update still under way); it is worth trying again after the hold.
	ErrReplyHeld = errors.New("store: reply held by another delivery")
)

// Snapshot is a conversation as loaded.
type Snapshot struct {
	// Data is the saved conversation, nil when there is none.
	Data []byte
	// Version changes on every save; 0 when there is no conversation.
	Version int64
	// Seen reports that the update being loaded for was already handled.
	Seen bool
	// Blocked reports that the chat had blocked the bot (see Blocklist):
	// the commit of this update, which means she wrote again, clears it.
	Blocked bool
	// Reply, when Seen, is the reply committed for the update and not yet
	// delivered (or what is left of it, see SetReply); nil once delivered,
	// or when there was nothing to deliver.
	Reply []byte

	// recent marks a snapshot this process remembered from its own last
	// commit rather than loaded (see recent.go): Seen and Blocked were
	// not read, and the commit checks them.
	recent bool
}

// Change is what handling one update makes of a conversation.
type Change struct {
	// Data is the conversation to save; nil deletes it.
	Data []byte
	// Reply is what the bot must deliver for the update: it is kept with
	// the update id until SetReply says it was delivered, so that a
	// redelivery of the update, after a failed send or a crash, sends it
	// instead of nothing. nil when there is nothing to deliver, and
	// ignored for an update without an id.
	Reply []byte

	// recent: made from a remembered snapshot, which did not read the
	// chat's block mark; the commit refuses it (ErrConflict) when the
	// chat is marked blocked, so that it is made again from a Load.
	recent bool
}

// Conversations keeps one record per conversation (a chat on a channel,
// e.g. "tg:123"), each changed atomically. A conversation id is non-empty
// and has no '{' or '}' (it becomes a Redis hash tag); other ids are
// refused with an error.
type Conversations interface {
	// Load returns the conversation and whether updateID was already
	// handled for it. An empty updateID is never seen. Loading does not
	// extend the conversation's idle time.
	Load(ctx context.Context, conv, updateID string) (Snapshot, error)
	// Commit saves c.Data if the conversation is still at version, and
	// remembers updateID (for DedupTTL) with c.Reply, the reply still to
	// deliver. c.Data nil deletes the conversation. It returns ErrConflict
	// when the version moved and ErrDuplicate when updateID was already
	// handled (ErrDuplicate when both hold); neither writes anything. The
	// saved conversation expires after the store's idle time unless
	// committed again.
	Commit(ctx context.Context, conv, updateID string, version int64, c Change) error
	// SetReply replaces the reply kept for updateID by what is still to
	// deliver: nil once all of it was delivered. An update id that is not
	// remembered (never committed, or forgotten) is left alone, without
	// error. The id is remembered as long as it would have been.
	SetReply(ctx context.Context, conv, updateID string, reply []byte) error
	// ClaimReply takes the reply kept for updateID for delivery: it holds
	// it for the store's ReplyHold (as Commit does for the reply it
	// saves), so that two deliveries of one update never send it both.
	// It returns nil when nothing is left to deliver (or the id is not
	// remembered), and ErrReplyHeld while another delivery holds it.
	ClaimReply(ctx context.Context, conv, updateID string) ([]byte, error)
	// Delete erases the conversation (and nothing else: remembered update
	// ids stay). Deleting a missing conversation is not an error.
	Delete(ctx context.Context, conv string) error
}

// Delivery names an update whose reply got through.
type Delivery struct {
	Conv, UpdateID string
}

// Batcher is a store that records many delivered replies in one round
// trip; Redis is one. It does what SetReply(nil) does for each.
type Batcher interface {
	Delivered(ctx context.Context, ds []Delivery) error
}

// Blocklist remembers the chats that blocked the bot (Telegram's 403), so
// that bulk sends skip them. The next Commit for the chat, which means she
// wrote to the bot again, clears the mark.
type Blocklist interface {
	Block(ctx context.Context, conv string) error
	Blocked(ctx context.Context, conv string) (bool, error)
}

// Durations the stores share.
const (
	// DedupTTL is how long an update id is remembered.
	DedupTTL = 24 * time.Hour
	// DefaultIdleTTL is how long an idle conversation is kept.
	DefaultIdleTTL = 30 * 24 * time.Hour
	// DefaultReplyHold is how long a delivery holds an update's reply.
	DefaultReplyHold = 30 * time.Second
)

// maxAttempts bounds the retries of Update under contention.
const maxAttempts = 50

// Update loads conv, calls fn with its data and commits what fn returns, as
// one atomic change: when another writer got there first, it loads again and
// calls fn again, so no update is ever dropped. fn must be free of side
// effects other than its result, since it may run more than once.
//
// It returns ErrDuplicate when updateID was already handled, and saves
// nothing fn returned: a store that starts from what it committed last
// (Redis) learns of the duplicate only at the commit, after calling fn.
// fn must not change the bytes it is given. fn returning nil deletes the
// conversation.
func Update(ctx context.Context, s Conversations, conv, updateID string, fn func(old []byte) (data []byte, err error)) error {
	_, err := UpdateSnapshot(ctx, s, conv, updateID, func(snap Snapshot) (Change, error) {
		data, err := fn(snap.Data)
		return Change{Data: data}, err
	})
	return err
}

// UpdateSnapshot is Update for a caller that needs more of the snapshot
// than the data (whether the chat had blocked the bot) and keeps a reply
// with the update. On ErrDuplicate it returns the snapshot that found the
// update handled, whose Reply is what is still to deliver for it.
func UpdateSnapshot(ctx context.Context, s Conversations, conv, updateID string, fn func(snap Snapshot) (Change, error)) (Snapshot, error) {
	snap, known := Snapshot{}, false
	if r, ok := s.(remembering); ok {
		snap, known = r.recentSnapshot(conv)
	}
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if !known {
			if snap, err = s.Load(ctx, conv, updateID); err != nil {
				return Snapshot{}, err
			}
		}
		if snap.Seen {
			return snap, ErrDuplicate
		}
		var c Change
		if c, err = fn(snap); err != nil {
			return Snapshot{}, err
		}
		c.recent = snap.recent
		err = s.Commit(ctx, conv, updateID, snap.Version, c)
		if err == nil {
			return snap, nil
		}
		var stale *StaleError
		if errors.As(err, &stale) {
			// The commit read the record as it is: start from there.
			snap, known = stale.Now, true
			continue
		}
		known = false
		if errors.Is(err, ErrDuplicate) {
			// Another delivery of the update committed between our Load
			// and Commit: what it left to deliver is the answer.
			if snap, lerr := s.Load(ctx, conv, updateID); lerr == nil && snap.Seen {
				return snap, err
			}
			return Snapshot{Seen: true}, err
		}
		if !errors.Is(err, ErrConflict) {
			return Snapshot{}, err
		}
		if err := ctx.Err(); err != nil {
			return Snapshot{}, err
		}
	}
	return Snapshot{}, err
}

// remembering is a store that remembers what it committed last (Redis):
// UpdateSnapshot starts from that instead of a Load, and the commit, which
// checks the version anyway, answers a *StaleError when it was stale.
type remembering interface {
	recentSnapshot(conv string) (Snapshot, bool)
}

// StaleError is Commit's ErrConflict or ErrDuplicate (Err) with the record
// as the commit found it (Now), so that the caller starts again from there
// without loading it: for ErrDuplicate, Now.Seen is set and Now.Reply is
// what is left to deliver. Compare with errors.Is(err, ErrConflict) as
// for any commit error.
type StaleError struct {
	Err error
	Now Snapshot
}

func (e *StaleError) Error() string { return e.Err.Error() }
func (e *StaleError) Unwrap() error { return e.Err }
