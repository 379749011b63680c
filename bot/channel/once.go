package channel

import (
	"sync"
	"time"
)

// onceKept bounds how long Once remembers an update that never came back
// (Telegram stopped delivering it): longer than any redelivery is spaced.
const onceKept = time.Hour

// Once remembers the updates something was done for once — an apology
// while the store is unreachable — until they are done with, so that a
// citizen gets one apology per update, not one per delivery. What is
// never done with is forgotten after an hour, so it cannot grow for ever.
// The zero value is ready to use.
type Once struct {
	mu    sync.Mutex
	seen  map[string]time.Time
	sweep time.Time
}

// First reports whether id is met for the first time (since an hour), and
// remembers it.
func (o *Once) First(id string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := time.Now()
	if o.seen == nil {
		o.seen = map[string]time.Time{}
	}
	if now.After(o.sweep) {
		o.sweep = now.Add(onceKept)
		for k, t := range o.seen {
			if now.Sub(t) > onceKept {
				delete(o.seen, k)
			}
		}
	}
	if t, ok := o.seen[id]; ok && now.Sub(t) <= onceKept {
		return false
	}
	o.seen[id] = now
	return true
}

// Done forgets id: its update was handled.
func (o *Once) Done(id string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.seen, id)
}
