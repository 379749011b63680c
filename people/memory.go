package people

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Memory keeps people in the process, for tests and a single replica
// without Redis. It is safe for concurrent use.
type Memory struct {
	mu     sync.Mutex
	people map[string]Person
	groups map[string]string // chat → village
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty store.
func NewMemory() *Memory {
	return &Memory{people: make(map[string]Person), groups: make(map[string]string)}
}

// Seen implements Store.
func (m *Memory) Seen(ctx context.Context, chat string, now time.Time) error {
	if err := begin(ctx, chat); err != nil {
		return err
	}
	now = now.Truncate(time.Millisecond)
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.people[chat]
	if !ok {
		p = Person{Chat: chat, FirstSeen: now, LastSeen: now}
	}
	if now.Before(p.FirstSeen) {
		p.FirstSeen = now
	}
	if now.After(p.LastSeen) {
		p.LastSeen = now
	}
	m.people[chat] = p
	return nil
}

// SetVillage implements Store.
func (m *Memory) SetVillage(ctx context.Context, chat, village string) error {
	return m.update(ctx, chat, func(p *Person) { p.Village = village })
}

// SetNotices implements Store.
func (m *Memory) SetNotices(ctx context.Context, chat string, on bool) error {
	return m.update(ctx, chat, func(p *Person) { p.NoNotices = !on })
}

func (m *Memory) update(ctx context.Context, chat string, f func(*Person)) error {
	if err := begin(ctx, chat); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.people[chat]
	if !ok {
		return fmt.Errorf("update %s: %w", chat, ErrNotFound)
	}
	f(&p)
	m.people[chat] = p
	return nil
}

// Get implements Store.
func (m *Memory) Get(ctx context.Context, chat string) (Person, bool, error) {
	if err := begin(ctx, chat); err != nil {
		return Person{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.people[chat]
	return p, ok, nil
}

// Stopped implements Store.
func (m *Memory) Stopped(ctx context.Context, chats []string) ([]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, c := range chats {
		if err := checkChat(c); err != nil {
			return nil, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]bool, len(chats))
	for i, c := range chats {
		out[i] = m.people[c].NoNotices // a stranger's zero Person: false
	}
	return out, nil
}

// Audience implements Store. It copies the chosen chats, then calls each
// without holding the lock, so that each may use the store.
func (m *Memory) Audience(ctx context.Context, f Filter, each func(chat string) error) error {
	chats, err := m.audience(ctx, f)
	if err != nil {
		return err
	}
	for _, c := range chats {
		if err := each(c); err != nil {
			return err
		}
	}
	return nil
}

// Count implements Store.
func (m *Memory) Count(ctx context.Context, f Filter) (int, error) {
	chats, err := m.audience(ctx, f)
	return len(chats), err
}

func (m *Memory) audience(ctx context.Context, f Filter) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkFilter(f); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var chats []string
	for c, p := range m.people {
		switch {
		case p.NoNotices && !f.Urgent:
		case len(f.Villages) > 0 && !slices.Contains(f.Villages, p.Village):
		case f.Channel != "" && c[:len(f.Channel)+1] != f.Channel+":":
		default:
			chats = append(chats, c)
		}
	}
	slices.Sort(chats)
	return chats, nil
}

// AddGroup implements Store.
func (m *Memory) AddGroup(ctx context.Context, g Group) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkGroup(g); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.groups[g.Chat] = g.Village
	return nil
}

// RemoveGroup implements Store.
func (m *Memory) RemoveGroup(ctx context.Context, chat string) error {
	if err := begin(ctx, chat); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.groups, chat)
	return nil
}

// MigrateGroup implements Store.
func (m *Memory) MigrateGroup(ctx context.Context, old, new string) error {
	if err := begin(ctx, old); err != nil {
		return err
	}
	if err := checkChat(new); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.groups[old]; ok {
		delete(m.groups, old)
		m.groups[new] = v
	}
	return nil
}

// Groups implements Store.
func (m *Memory) Groups(ctx context.Context, villages []string) ([]Group, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Group
	for c, v := range m.groups {
		if len(villages) == 0 || slices.Contains(villages, v) {
			out = append(out, Group{Chat: c, Village: v})
		}
	}
	slices.SortFunc(out, func(a, b Group) int { return strings.Compare(a.Chat, b.Chat) })
	return out, nil
}

// Figures implements Store.
func (m *Memory) Figures(ctx context.Context) (Figures, error) {
	if err := ctx.Err(); err != nil {
		return Figures{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f := Figures{People: len(m.people), Villages: make(map[string]int)}
	for _, p := range m.people {
		f.Villages[p.Village]++
		if p.NoNotices {
			f.NoNotices++
		}
	}
	return f, nil
}

// DeleteChat implements Store.
func (m *Memory) DeleteChat(ctx context.Context, chat string) error {
	if err := begin(ctx, chat); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.people, chat)
	delete(m.groups, chat)
	return nil
}

// begin checks what every call on a chat checks first.
func begin(ctx context.Context, chat string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return checkChat(chat)
}
