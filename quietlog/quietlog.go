// Package quietlog keeps one condition from flooding the logs. When Redis
// is down or full, every update meets the same failure, and a log line per
// update (80,000 lines in a few minutes, measured) buries everything else
// and fills the disk. A Handler lets the first warning or error of each
// kind through — the kind is its level and message, the attributes aside —
// then drops the same kind for an interval, counting; the next line of
// that kind after the interval carries the count as "repeated". Lines
// below warning pass untouched: they are off in production, or few.
//
// The count of the last interval of a condition that stopped is never
// written: the line that would carry it does not come. That is the price
// of writing nothing in the background.
package quietlog

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// maxKinds bounds the kinds remembered; past it, those whose interval is
// over are forgotten.
const maxKinds = 1024

// Handler is a slog.Handler that passes at most one warning or error of a
// kind per interval to the handler it wraps.
type Handler struct {
	next  slog.Handler
	every time.Duration
	now   func() time.Time
	state *state // shared by the handlers WithAttrs and WithGroup derive
}

type state struct {
	mu    sync.Mutex
	kinds map[kind]*count
}

type kind struct {
	level slog.Level
	msg   string
}

type count struct {
	until    time.Time // the kind is quiet until then
	repeated int       // lines dropped meanwhile
}

// New wraps next: a warning or error of a kind already written less than
// every ago is dropped and counted. every zero or less drops nothing.
// now tells the time (time.Now when nil).
func New(next slog.Handler, every time.Duration, now func() time.Time) *Handler {
	if now == nil {
		now = time.Now
	}
	return &Handler{next: next, every: every, now: now, state: &state{kinds: map[kind]*count{}}}
}

// Enabled reports whether the wrapped handler writes lines of the level.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// Handle writes r, unless its kind is quiet; the first line after a quiet
// interval says how many were dropped in it.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn || h.every <= 0 {
		return h.next.Handle(ctx, r)
	}
	repeated, write := h.state.take(kind{r.Level, r.Message}, h.now(), h.every)
	if !write {
		return nil
	}
	if repeated > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int("repeated", repeated))
	}
	return h.next.Handle(ctx, r)
}

// take reports whether a line of k is written at now, and how many of its
// kind were dropped since the last one written.
func (s *state) take(k kind, now time.Time, every time.Duration) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.kinds[k]
	if c != nil && now.Before(c.until) {
		c.repeated++
		return 0, false
	}
	repeated := 0
	if c != nil {
		repeated = c.repeated
	}
	if c == nil && len(s.kinds) >= maxKinds {
		for k, c := range s.kinds {
			if !now.Before(c.until) {
				delete(s.kinds, k)
			}
		}
	}
	s.kinds[k] = &count{until: now.Add(every)}
	return repeated, true
}

// WithAttrs returns a handler whose lines carry attrs, counted with this
// one's.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{next: h.next.WithAttrs(attrs), every: h.every, now: h.now, state: h.state}
}

// WithGroup returns a handler whose attributes go in the group, counted
// with this one's.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name), every: h.every, now: h.now, state: h.state}
}
