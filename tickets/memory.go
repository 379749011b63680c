package tickets

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Memory keeps tickets in this process: for a trial run and for tests of
// other packages. It is safe for concurrent use and behaves as Redis
// does; everything is lost when the process exits. Lookups walk every
// ticket, which is fine for the few hundred of a trial.
type Memory struct {
	core
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty store. It uses opts.Retention and opts.Lease
// and ignores opts.Prefix.
func NewMemory(opts Options) *Memory {
	return &Memory{newCore(&memBackend{
		tickets:  make(map[string]record),
		renotify: make(map[string]int64),
		escalate: make(map[string]int64),
		figures:  make(map[string]int64),
	}, opts)}
}

// memBackend is the backend of Memory: the records, the Due queues and
// the figures as Redis keeps them, in maps under one lock. The other
// indexes are found by walking the records.
type memBackend struct {
	mu       sync.Mutex
	tickets  map[string]record // id → record
	renotify map[string]int64  // id → score, as in Redis's sorted set
	escalate map[string]int64
	figures  map[string]int64 // event member → Unix ms
}

func (m *memBackend) load(_ context.Context, ids []string) ([]record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]record, len(ids))
	for i, id := range ids {
		if rec, ok := m.tickets[id]; ok {
			out[i] = maps.Clone(rec)
		}
	}
	return out, nil
}

func (m *memBackend) put(_ context.Context, w write) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.tickets[w.id]
	version := int64(0)
	if old != nil {
		version, _ = strconv.ParseInt(old["v"], 10, 64)
	}
	if version != w.want {
		if old != nil && old["tok"] == w.token {
			return putOK, nil
		}
		return putConflict, nil
	}
	if w.create {
		if id := m.activeLocked(w.chat); id != "" {
			return putActive + " " + id, nil
		}
	}
	rec := maps.Clone(w.rec)
	rec["v"] = strconv.FormatInt(version+1, 10)
	rec["tok"] = w.token
	m.tickets[w.id] = rec

	created, _ := strconv.ParseInt(rec["cr"], 10, 64)
	notified, _ := strconv.Atoi(rec["n"])
	open := rec["st"] == Open.String()
	queue(m.renotify, w.id, created, open && notified < 2)
	queue(m.escalate, w.id, created, open && rec["esc"] == "0")
	for _, e := range w.events {
		m.figures[e.member] = e.at
	}
	return putOK, nil
}

// queue puts id in a Due queue at score unless it is there already (a
// write keeps a lease Due took), or takes it out.
func queue(q map[string]int64, id string, score int64, in bool) {
	if !in {
		delete(q, id)
		return
	}
	if _, ok := q[id]; !ok {
		q[id] = score
	}
}

func (m *memBackend) list(_ context.Context, st Status) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	scores := make(map[string]int64)
	for id, rec := range m.tickets {
		if rec["st"] == st.String() {
			scores[id], _ = strconv.ParseInt(rec["cr"], 10, 64)
		}
	}
	return byScore(scores, len(scores)), nil
}

func (m *memBackend) active(_ context.Context, chat string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.activeLocked(chat), nil
}

// activeLocked returns the id of the chat's ticket under way, "" for none.
func (m *memBackend) activeLocked(chat string) string {
	for id, rec := range m.tickets {
		if rec["chat"] == chat && rec["st"] != Closed.String() {
			return id
		}
	}
	return ""
}

func (m *memBackend) post(_ context.Context, post string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, rec := range m.tickets {
		if slices.Contains(strings.Fields(rec["posts"]), post) {
			return id, nil
		}
	}
	return "", nil
}

func (m *memBackend) chat(_ context.Context, chat string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []string
	for id, rec := range m.tickets {
		if rec["chat"] == chat {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func (m *memBackend) closed(_ context.Context, cut int64, max int) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	scores := make(map[string]int64)
	for id, rec := range m.tickets {
		if rec["st"] != Closed.String() {
			continue
		}
		if at, _ := strconv.ParseInt(rec["cd"], 10, 64); at <= cut {
			scores[id] = at
		}
	}
	return byScore(scores, max), nil
}

func (m *memBackend) remove(_ context.Context, ids, _ []string, cut int64) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, id := range ids {
		rec, ok := m.tickets[id]
		if !ok {
			continue
		}
		if cut >= 0 {
			at, _ := strconv.ParseInt(rec["cd"], 10, 64)
			if rec["st"] != Closed.String() || at > cut {
				continue
			}
		}
		delete(m.tickets, id)
		delete(m.renotify, id)
		delete(m.escalate, id)
		n++
	}
	return n, nil
}

func (m *memBackend) due(_ context.Context, d dueArgs) (renotify, escalate []string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	take := func(q map[string]int64, cut, lease int64) []string {
		due := make(map[string]int64)
		for id, score := range q {
			if score <= cut {
				due[id] = score
			}
		}
		ids := byScore(due, d.max)
		for _, id := range ids {
			q[id] = lease
		}
		return ids
	}
	if d.renotify {
		renotify = take(m.renotify, d.renotifyCut, d.renotifyLease)
	}
	if d.escalate {
		escalate = take(m.escalate, d.escalateCut, d.escalateLease)
	}
	return renotify, escalate, nil
}

func (m *memBackend) events(_ context.Context, since, until int64) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	scores := make(map[string]int64)
	for member, at := range m.figures {
		if since <= at && at < until {
			scores[member] = at
		}
	}
	return byScore(scores, len(scores)), nil
}

// byScore returns up to max keys of scores in Redis's order for a sorted
// set: by score, then by name.
func byScore(scores map[string]int64, max int) []string {
	keys := slices.Collect(maps.Keys(scores))
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(scores[a], scores[b]), strings.Compare(a, b))
	})
	return keys[:min(len(keys), max)]
}
