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
	// Commit saves data if the conversation is still at version, and
	// remembers updateID (for DedupTTL). data nil deletes the conversation.
	// It returns ErrConflict when the version moved and ErrDuplicate when
	// updateID was already handled (ErrDuplicate when both hold); neither
	// writes anything. The saved conversation expires after the store's
	// idle time unless committed again.
	Commit(ctx context.Context, conv, updateID string, version int64, data []byte) error
	// Delete erases the conversation (and nothing else: remembered update
	// ids stay). Deleting a missing conversation is not an error.
	Delete(ctx context.Context, conv string) error
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
)

// maxAttempts bounds the retries of Update under contention.
const maxAttempts = 50

// Update loads conv, calls fn with its data and commits what fn returns, as
// one atomic change: when another writer got there first, it loads again and
// calls fn again, so no update is ever dropped. fn must be free of side
// effects other than its result, since it may run more than once.
//
// It returns ErrDuplicate, without calling fn, when updateID was already
// handled. fn returning nil deletes the conversation.
func Update(ctx context.Context, s Conversations, conv, updateID string, fn func(old []byte) (data []byte, err error)) error {
	return UpdateSnapshot(ctx, s, conv, updateID, func(snap Snapshot) ([]byte, error) { return fn(snap.Data) })
}

// UpdateSnapshot is Update for a caller that needs more of the snapshot
// than the data (whether the chat had blocked the bot).
func UpdateSnapshot(ctx context.Context, s Conversations, conv, updateID string, fn func(snap Snapshot) (data []byte, err error)) error {
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		var snap Snapshot
		snap, err = s.Load(ctx, conv, updateID)
		if err != nil {
			return err
		}
		if snap.Seen {
			return ErrDuplicate
		}
		var data []byte
		data, err = fn(snap)
		if err != nil {
			return err
		}
		err = s.Commit(ctx, conv, updateID, snap.Version, data)
		if !errors.Is(err, ErrConflict) {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return err
}
