package stats

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/motcua/motcua/flows"
)

// Batch is what a Buffered store writes at once: counts to add and the
// chats active, by day.
type Batch struct {
	Counts map[flows.Date]map[string]int64
	Active map[flows.Date][]string
}

// Batcher is a store that writes a Batch in one round trip, as Redis
// does.
type Batcher interface {
	Store
	Write(ctx context.Context, b Batch) error
}

// maxBuffered bounds the chats and fields a Buffered store holds while
// its writes fail: past it, what comes is dropped (and said in the log).
const maxBuffered = 100_000

// Buffered keeps what it is given to add for a moment and writes it all
// in one round trip (Flush, every interval while Run runs): a person's
// first message of the day then costs no round trip of its own, and a
// thousand of them cost one. Reads (Days, Reach) write what it holds
// first. What it holds when the process dies is lost — figures of use are
// approximate by design (the HyperLogLog of Active), and a second of them
// is their price; a write that fails is kept and tried again, up to
// maxBuffered entries.
type Buffered struct {
	next Batcher
	log  *slog.Logger

	mu      sync.Mutex
	pending Batch
	size    int
	dropped int
}

var _ Store = (*Buffered)(nil)

// NewBuffered returns a store that buffers its writes to next.
func NewBuffered(next Batcher, log *slog.Logger) *Buffered {
	if log == nil {
		log = slog.Default()
	}
	return &Buffered{next: next, log: log}
}

// Add implements Store: it adds to what is held.
func (b *Buffered) Add(ctx context.Context, day flows.Date, counts map[string]int64) error {
	if err := checkAdd(day, counts); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for field, n := range counts {
		if n != 0 {
			b.count(day, field, n)
		}
	}
	return nil
}

// Active implements Store: it holds the chat for the next write.
func (b *Buffered) Active(ctx context.Context, day flows.Date, chat string) error {
	if err := checkActive(day, chat); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.active(day, chat)
	return nil
}

// count adds n to a field's count of the day, if there is room for a
// new field. The caller holds b.mu.
func (b *Buffered) count(day flows.Date, field string, n int64) {
	if b.pending.Counts == nil {
		b.pending.Counts = map[flows.Date]map[string]int64{}
	}
	c := b.pending.Counts[day]
	if c == nil {
		c = map[string]int64{}
		b.pending.Counts[day] = c
	}
	if _, ok := c[field]; !ok && !b.room() {
		return
	}
	c[field] += n
}

// active holds a chat as active on the day, reporting false when there
// is no room. The caller holds b.mu.
func (b *Buffered) active(day flows.Date, chat string) bool {
	if !b.room() {
		return false
	}
	if b.pending.Active == nil {
		b.pending.Active = map[flows.Date][]string{}
	}
	b.pending.Active[day] = append(b.pending.Active[day], chat)
	return true
}

// room reports whether one more entry may be held, counting it. The
// caller holds b.mu.
func (b *Buffered) room() bool {
	if b.size >= maxBuffered {
		b.dropped++
		return false
	}
	b.size++
	return true
}

// Days implements Store, after writing what is held.
func (b *Buffered) Days(ctx context.Context, from, to flows.Date) ([]Day, error) {
	if err := b.Flush(ctx); err != nil {
		b.log.Warn("stats: write the figures held before reading them", "err", err)
	}
	return b.next.Days(ctx, from, to)
}

// Reach implements Store, after writing what is held.
func (b *Buffered) Reach(ctx context.Context, from, to flows.Date) (int, error) {
	if err := b.Flush(ctx); err != nil {
		b.log.Warn("stats: write the figures held before reading them", "err", err)
	}
	return b.next.Reach(ctx, from, to)
}

// Flush writes what is held, in one round trip. When the write fails,
// what it held is kept for the next.
func (b *Buffered) Flush(ctx context.Context) error {
	b.mu.Lock()
	batch, dropped := b.pending, b.dropped
	b.pending, b.size, b.dropped = Batch{}, 0, 0
	b.mu.Unlock()
	if dropped > 0 {
		b.log.Warn("stats: figures dropped while they could not be written", "dropped", dropped)
	}
	if len(batch.Counts) == 0 && len(batch.Active) == 0 {
		return nil
	}
	if err := b.next.Write(ctx, batch); err != nil {
		b.keep(batch)
		return fmt.Errorf("stats: write %d days of figures: %w", max(len(batch.Counts), len(batch.Active)), err)
	}
	return nil
}

// keep puts back a batch that could not be written, under what came
// meanwhile.
func (b *Buffered) keep(batch Batch) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for day, counts := range batch.Counts {
		for field, n := range counts {
			b.count(day, field, n)
		}
	}
	for day, chats := range batch.Active {
		for _, chat := range chats {
			if !b.active(day, chat) {
				break
			}
		}
	}
}

// Run writes what is held every interval until ctx ends, then once more
// (with a moment of its own) so that a stop loses nothing.
func (b *Buffered) Run(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if err := b.Flush(ctx); err != nil {
				b.log.Warn("stats: write the figures held", "err", err)
			}
		case <-ctx.Done():
			last, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := b.Flush(last); err != nil {
				b.log.Warn("stats: figures lost at stop", "err", err)
			}
			return
		}
	}
}
