package reminders

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"sync"
)

// Memory keeps reminders in this process: for a trial run and for tests
// of other packages. It is safe for concurrent use and behaves as Redis
// does; everything is lost when the process exits. A claim looks at every
// reminder, which is fine for the few thousand of a trial.
type Memory struct {
	core
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty store on sched. It panics if sched is
// invalid (check configuration with Schedule.Validate first).
func NewMemory(sched Schedule) *Memory {
	return &Memory{newCore(&memBackend{
		chats:  make(map[string]map[string]string),
		due:    make(map[string]int64),
		leased: make(map[string]int64),
	}, sched, slog.Default())}
}

// memBackend is the backend of Memory: the same records, due set and
// leased set as in Redis, in maps under one lock. A claim looks at every
// due reminder, which is fine for the few thousand of a trial.
type memBackend struct {
	mu     sync.Mutex
	chats  map[string]map[string]string // chat → name → record
	due    map[string]int64             // name → due score
	leased map[string]int64             // name → the end of its lease
}

func (m *memBackend) claim(_ context.Context, now, until int64, max int) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var names []string
	for name, score := range m.due {
		if end, ok := m.leased[name]; score <= now && (!ok || end <= now) {
			names = append(names, name)
		}
	}
	// Redis's order: by score, then by name.
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(m.due[a], m.due[b]), cmp.Compare(a, b))
	})
	names = names[:min(len(names), max)]
	out := make([]string, len(names))
	for i, name := range names {
		m.leased[name] = until
		chat, _, _ := splitMember(name)
		out[i] = name + " " + m.chats[chat][name]
	}
	return out, nil
}

func (m *memBackend) renew(_ context.Context, names []string, held []int64, until int64) ([]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]bool, len(names))
	for i, name := range names {
		if end, ok := m.leased[name]; ok && end == held[i] {
			m.leased[name] = until
			out[i] = true
		}
	}
	return out, nil
}

func (m *memBackend) records(_ context.Context, names []string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, len(names))
	for i, name := range names {
		chat, _, _ := splitMember(name)
		out[i] = m.chats[chat][name]
	}
	return out, nil
}

func (m *memBackend) chat(_ context.Context, chat string, del bool) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for name, rec := range m.chats[chat] {
		out = append(out, name, rec)
		if del {
			delete(m.due, name)
			delete(m.leased, name)
		}
	}
	if del {
		delete(m.chats, chat)
	}
	return out, nil
}

func (m *memBackend) put(_ context.Context, chat string, changes []change) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	recs := m.chats[chat]
	for _, ch := range changes {
		if ch.want != anyRecord && recs[ch.name] != ch.want {
			return false, nil
		}
	}
	for _, ch := range changes {
		switch {
		case ch.rec != "" && recs == nil:
			recs = map[string]string{ch.name: ch.rec}
			m.chats[chat] = recs
		case ch.rec != "":
			recs[ch.name] = ch.rec
		default:
			delete(recs, ch.name)
		}
		delete(m.leased, ch.name)
		if ch.due == noDue {
			delete(m.due, ch.name)
		} else {
			m.due[ch.name] = ch.due
		}
	}
	if recs != nil && len(recs) == 0 {
		delete(m.chats, chat)
	}
	return true, nil
}
