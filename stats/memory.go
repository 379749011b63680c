package stats

import (
	"context"
	"maps"
	"sync"

	"github.com/motcua/motcua/flows"
)

// Memory keeps the figures in memory, for a trial run and for tests. It
// counts active people exactly, with a set of chats per day, and keeps
// every day (a trial run does not last Retention days). It is safe for
// concurrent use.
type Memory struct {
	mu     sync.Mutex
	counts map[flows.Date]map[string]int64
	active map[flows.Date]map[string]struct{}
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty store.
func NewMemory() *Memory {
	return &Memory{
		counts: make(map[flows.Date]map[string]int64),
		active: make(map[flows.Date]map[string]struct{}),
	}
}

// Add implements Store.
func (m *Memory) Add(ctx context.Context, day flows.Date, counts map[string]int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkAdd(day, counts); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for field, n := range counts {
		if n == 0 {
			continue
		}
		c := m.counts[day]
		if c == nil {
			c = make(map[string]int64)
			m.counts[day] = c
		}
		c[field] += n
	}
	return nil
}

// Active implements Store.
func (m *Memory) Active(ctx context.Context, day flows.Date, chat string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkActive(day, chat); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	a := m.active[day]
	if a == nil {
		a = make(map[string]struct{})
		m.active[day] = a
	}
	a[chat] = struct{}{}
	return nil
}

// Days implements Store.
func (m *Memory) Days(ctx context.Context, from, to flows.Date) ([]Day, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n, err := period(from, to)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	days := make([]Day, n)
	for i := range days {
		d := from.AddDays(i)
		days[i] = Day{Date: d, Counts: maps.Clone(m.counts[d]), Active: len(m.active[d])}
		if days[i].Counts == nil {
			days[i].Counts = make(map[string]int64)
		}
	}
	return days, nil
}

// Reach implements Store.
func (m *Memory) Reach(ctx context.Context, from, to flows.Date) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n, err := period(from, to)
	if err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := make(map[string]struct{})
	for i := range n {
		maps.Copy(seen, m.active[from.AddDays(i)])
	}
	return len(seen), nil
}
