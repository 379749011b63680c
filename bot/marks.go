package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/motcua/motcua/store"
)

// maxMarks bounds the marks queued, and those written in one round trip.
const maxMarks = 512

// markLinger is how long a mark waits for others to share its round trip.
// It is off every update's path; under load (thousands of updates a
// second) it makes one write carry tens of marks instead of two or three.
const markLinger = 10 * time.Millisecond

// marker records, off the path of an update, that replies got through:
// the reply of an update delivered whole need not wait for its mark
// (Service.Delivered). A mark waits up to markLinger for others, and
// marks queued while one write is under way go together in the next, so
// that under load many updates share a round trip. A mark not yet written
// when the process dies leaves its reply
// kept: a redelivery of that update (Telegram does not redeliver an update
// it got 200 for; polling after a crash does) would send it again — the
// same bound as a crash between sending and marking.
type marker struct {
	st   store.Batcher
	log  *slog.Logger
	in   chan store.Delivery
	done chan struct{}

	mu     sync.RWMutex // held to send on in, and to close it
	closed bool
}

func newMarker(st store.Batcher, log *slog.Logger) *marker {
	m := &marker{st: st, log: log, in: make(chan store.Delivery, maxMarks), done: make(chan struct{})}
	go m.run()
	return m
}

// add queues a mark; false when the queue is full (the caller writes it
// itself).
func (m *marker) add(d store.Delivery) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return false
	}
	select {
	case m.in <- d:
		return true
	default:
		return false
	}
}

func (m *marker) run() {
	defer close(m.done)
	linger := time.NewTimer(markLinger)
	for d := range m.in {
		batch := []store.Delivery{d}
		linger.Reset(markLinger)
	more:
		for len(batch) < maxMarks {
			select {
			case d, ok := <-m.in:
				if !ok {
					break more
				}
				batch = append(batch, d)
			case <-linger.C:
				break more
			}
		}
		linger.Stop()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := m.st.Delivered(ctx, batch); err != nil {
			m.log.Warn("record delivered replies", "n", len(batch), "err", err)
		}
		cancel()
	}
}

// close writes the marks queued and stops, or gives up when ctx ends.
func (m *marker) close(ctx context.Context) error {
	m.mu.Lock()
	if !m.closed {
		m.closed = true
		close(m.in)
	}
	m.mu.Unlock()
	select {
	case <-m.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
