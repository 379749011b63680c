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
	hold    time.Duration

	mu        sync.Mutex
	convs     map[string]memRecord
	seen      map[seenKey]memSeen
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

// memSeen is a remembered update: until when, and its reply while it is
// undelivered, held by a delivery until held.
type memSeen struct {
	until time.Time
	reply []byte
	held  time.Time
}

var _ Conversations = (*Memory)(nil)

// NewMemory returns an empty store. It uses opts.IdleTTL and opts.Now and
// ignores opts.Prefix.
func NewMemory(opts Options) *Memory {
	opts = opts.withDefaults()
	return &Memory{
		now:     opts.Now,
		idleTTL: opts.IdleTTL,
		hold:    opts.ReplyHold,
		convs:   make(map[string]memRecord),
		seen:    make(map[seenKey]memSeen),
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
	if e, ok := m.seenEntry(conv, updateID, now); ok {
		snap.Seen = true
		snap.Reply = bytes.Clone(e.reply)
	}
	snap.Blocked = m.blocked[conv]
	return snap, nil
}

// Commit saves a copy of c.Data if conv is still at version; see
// Conversations.Commit.
func (m *Memory) Commit(ctx context.Context, conv, updateID string, version int64, c Change) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit %s: %w", conv, err)
	}
	if err := checkConv("commit", conv); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.tick()
	if _, ok := m.seenEntry(conv, updateID, now); ok {
		return ErrDuplicate
	}
	rec, _ := m.record(conv, now)
	if rec.version != version {
		return ErrConflict
	}
	if c.Data == nil {
		delete(m.convs, conv)
	} else {
		m.convs[conv] = memRecord{
			data:    bytes.Clone(c.Data),
			version: rec.version + 1,
			expires: now.Add(m.idleTTL),
		}
	}
	delete(m.blocked, conv)
	if updateID != "" {
		e := memSeen{until: now.Add(DedupTTL)}
		if len(c.Reply) > 0 {
			e.reply, e.held = bytes.Clone(c.Reply), now.Add(m.hold)
		}
		m.seen[seenKey{conv, updateID}] = e
	}
	return nil
}

// SetReply replaces the reply kept for updateID; see
// Conversations.SetReply.
func (m *Memory) SetReply(ctx context.Context, conv, updateID string, reply []byte) error {
	if err := checkConv("set reply", conv); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.tick()
	e, ok := m.seenEntry(conv, updateID, now)
	if !ok {
		return nil
	}
	e.reply, e.held = nil, time.Time{}
	if len(reply) > 0 {
		e.reply = bytes.Clone(reply)
	}
	m.seen[seenKey{conv, updateID}] = e
	return nil
}

// ClaimReply takes the undelivered reply of updateID; see
// Conversations.ClaimReply.
func (m *Memory) ClaimReply(ctx context.Context, conv, updateID string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("claim reply of %s: %w", conv, err)
	}
	if err := checkConv("claim reply", conv); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.tick()
	e, ok := m.seenEntry(conv, updateID, now)
	switch {
	case !ok || e.reply == nil:
		return nil, nil
	case now.Before(e.held):
		return nil, fmt.Errorf("claim reply of %s: %w", conv, ErrReplyHeld)
	}
	e.held = now.Add(m.hold)
	m.seen[seenKey{conv, updateID}] = e
	return bytes.Clone(e.reply), nil
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

// seenEntry returns updateID's entry when it was handled for conv and is
// still remembered. An empty id is never seen.
func (m *Memory) seenEntry(conv, updateID string, now time.Time) (memSeen, bool) {
	if updateID == "" {
		return memSeen{}, false
	}
	key := seenKey{conv, updateID}
	e, ok := m.seen[key]
	if ok && !now.Before(e.until) {
		delete(m.seen, key)
		return memSeen{}, false
	}
	return e, ok
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
	for key, e := range m.seen {
		if !now.Before(e.until) {
			delete(m.seen, key)
		}
	}
	return now
}
