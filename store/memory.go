package store

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"
)

// sweepEvery is how often, by the store's clock, Memory walks its maps to
// drop what has expired. Between sweeps expired entries are ignored when
// met, so the sweep only bounds memory, never correctness.
const sweepEvery = time.Minute

// Memory keeps conversations in this process: for a trial run and for
// tests. It is safe for concurrent use. Everything is lost when the
// process exits.
type Memory struct {
	now     func() time.Time
	idleTTL time.Duration

	mu        sync.Mutex
	convs     map[string]memRecord
	seen      map[seenKey]time.Time // update → when it is forgotten
	blocked   map[string]bool
	nextSweep time.Time
}

// memRecord is one saved conversation.
type memRecord struct {
	data    []byte
	version int64
	expires time.Time
}

// seenKey names an update handled for a conversation; update ids are
// remembered per conversation, as in Redis.
type seenKey struct {
	conv, update string
}

var _ Conversations = (*Memory)(nil)

// NewMemory returns an empty store. It uses opts.IdleTTL and opts.Now and
// ignores opts.Prefix.
func NewMemory(opts Options) *Memory {
	opts = opts.withDefaults()
	return &Memory{
		now:     opts.Now,
		idleTTL: opts.IdleTTL,
		convs:   make(map[string]memRecord),
		seen:    make(map[seenKey]time.Time),
		blocked: make(map[string]bool),
	}
}

// Block marks the chat as having blocked the bot; see Blocklist.
func (m *Memory) Block(ctx context.Context, conv string) error {
	if err := checkConv("block", conv); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.blocked[conv] = true
	return nil
}

// Blocked reports whether the chat blocked the bot and has not written since.
func (m *Memory) Blocked(ctx context.Context, conv string) (bool, error) {
	if err := checkConv("blocked", conv); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.blocked[conv], nil
}

// Load returns a copy of the conversation and whether updateID was handled.
func (m *Memory) Load(ctx context.Context, conv, updateID string) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return Snapshot{}, fmt.Errorf("load %s: %w", conv, err)
	}
	if err := checkConv("load", conv); err != nil {
		return Snapshot{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.tick()
	var snap Snapshot
	if rec, ok := m.record(conv, now); ok {
		snap.Data = bytes.Clone(rec.data)
		snap.Version = rec.version
	}
	snap.Seen = m.isSeen(conv, updateID, now)
	snap.Blocked = m.blocked[conv]
	return snap, nil
}

// Commit saves a copy of data if conv is still at version; see
// Conversations.Commit.
func (m *Memory) Commit(ctx context.Context, conv, updateID string, version int64, data []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit %s: %w", conv, err)
	}
	if err := checkConv("commit", conv); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.tick()
	if m.isSeen(conv, updateID, now) {
		return ErrDuplicate
	}
	rec, _ := m.record(conv, now)
	if rec.version != version {
		return ErrConflict
	}
	if data == nil {
		delete(m.convs, conv)
	} else {
		m.convs[conv] = memRecord{
			data:    bytes.Clone(data),
			version: rec.version + 1,
			expires: now.Add(m.idleTTL),
		}
	}
	delete(m.blocked, conv)
	if updateID != "" {
		m.seen[seenKey{conv, updateID}] = now.Add(DedupTTL)
	}
	return nil
}

// Delete erases the conversation; the update ids it remembers stay.
func (m *Memory) Delete(ctx context.Context, conv string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete %s: %w", conv, err)
	}
	if err := checkConv("delete", conv); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tick()
	delete(m.convs, conv)
	return nil
}

// record returns the live record of conv; an expired one is dropped and
// reported missing (version 0), as Redis would have.
func (m *Memory) record(conv string, now time.Time) (memRecord, bool) {
	rec, ok := m.convs[conv]
	if ok && !now.Before(rec.expires) {
		delete(m.convs, conv)
		return memRecord{}, false
	}
	return rec, ok
}

// isSeen reports whether updateID was handled for conv and is still
// remembered. An empty id is never seen.
func (m *Memory) isSeen(conv, updateID string, now time.Time) bool {
	if updateID == "" {
		return false
	}
	key := seenKey{conv, updateID}
	until, ok := m.seen[key]
	if ok && !now.Before(until) {
		delete(m.seen, key)
		return false
	}
	return ok
}

// tick reads the clock and, once per sweepEvery, drops every expired entry
// so that conversations and update ids nobody asks about again do not stay
// in memory forever. The caller holds m.mu.
func (m *Memory) tick() time.Time {
	now := m.now()
	if now.Before(m.nextSweep) {
		return now
	}
	m.nextSweep = now.Add(sweepEvery)
	for conv, rec := range m.convs {
		if !now.Before(rec.expires) {
			delete(m.convs, conv)
		}
	}
	for key, until := range m.seen {
		if !now.Before(until) {
			delete(m.seen, key)
		}
	}
	return now
}
