package store

import (
	"sync"
	"time"
)

// recent remembers, for a bounded number of conversations, what this
// process last committed: the version and data. The next update of the
// chat starts from it instead of loading, which saves a round trip on the
// hot path. It is a guess, never trusted: the commit checks the version,
// as it always does, and a guess gone stale (another replica wrote, the
// record expired or was lost in a failover, the chat blocked the bot)
// makes the commit answer ErrConflict with the record as it is, so the
// update is handled again from there. See Recent.
type recent struct {
	mu      sync.Mutex
	entries map[string]recentEntry
	max     int
	maxAge  time.Duration
	now     func() time.Time
}

type recentEntry struct {
	version int64
	data    []byte
	at      time.Time
}

func newRecent(max int, maxAge time.Duration, now func() time.Time) *recent {
	return &recent{entries: make(map[string]recentEntry, min(max, 1024)), max: max, maxAge: maxAge, now: now}
}

// get returns the snapshot committed last for conv, unless there is none
// or it is older than maxAge.
func (c *recent) get(conv string) (Snapshot, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[conv]
	if !ok {
		return Snapshot{}, false
	}
	if c.now().Sub(e.at) > c.maxAge {
		delete(c.entries, conv)
		return Snapshot{}, false
	}
	return Snapshot{Data: e.data, Version: e.version, recent: true}, true
}

// put remembers what was committed for conv; data is not copied and must
// not change afterwards. When full, an arbitrary entry makes room: Go's
// map order is random, so this is random eviction, without the
// bookkeeping of an LRU list; an evicted chat costs one Load.
func (c *recent) put(conv string, version int64, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[conv]; !ok && len(c.entries) >= c.max {
		for k := range c.entries {
			delete(c.entries, k)
			break
		}
	}
	c.entries[conv] = recentEntry{version: version, data: data, at: c.now()}
}

// forget drops conv: its record changed in a way the entry does not show.
func (c *recent) forget(conv string) {
	c.mu.Lock()
	delete(c.entries, conv)
	c.mu.Unlock()
}
