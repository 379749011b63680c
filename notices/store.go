package notices

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/store"
)

var (
	//go:embed create.lua
	createSource string
	//go:embed promote.lua
	promoteSource string
	//go:embed start.lua
	startSource string
	//go:embed record.lua
	recordSource string
	//go:embed finish.lua
	finishSource string
	//go:embed pause.lua
	pauseSource string
	//go:embed cancel.lua
	cancelSource string
	//go:embed refresh.lua
	refreshSource string

	createScript  = redis.NewScript(createSource)
	promoteScript = redis.NewScript(promoteSource)
	startScript   = redis.NewScript(startSource)
	recordScript  = redis.NewScript(recordSource)
	finishScript  = redis.NewScript(finishSource)
	pauseScript   = redis.NewScript(pauseSource)
	cancelScript  = redis.NewScript(cancelSource)
	refreshScript = redis.NewScript(refreshSource)
)

// DefaultRetention is how long a finished notice, its done set and the
// daily figures are kept.
const DefaultRetention = 90 * 24 * time.Hour

// Options configures a Store.
type Options struct {
	// Prefix starts every key ("mc" when empty); it must not contain '{'
	// or '}'.
	Prefix string
	// Retention is how long a finished notice and the daily figures are
	// kept (DefaultRetention when zero).
	Retention time.Duration
	// Location is where the days of the figures begin
	// (Asia/Ho_Chi_Minh when nil).
	Location *time.Location
}

// Store keeps notices in Redis, with their jobs' stream; see the package
// doc for the keys. It is safe for concurrent use by several replicas.
type Store struct {
	client    redis.UniversalClient
	prefix    string // "mc:{notices}:"
	retention time.Duration
	loc       *time.Location
}

// NewStore returns a store on client. It panics if opts.Prefix contains
// a brace, which would move the hash tag.
func NewStore(client redis.UniversalClient, opts Options) *Store {
	return &Store{
		client:    client,
		prefix:    store.TaggedPrefix(opts.Prefix, "notices"),
		retention: cmp.Or(opts.Retention, DefaultRetention),
		loc:       cmp.Or(opts.Location, flows.Vietnam()),
	}
}

func (s *Store) seq() string              { return s.prefix + "seq" }
func (s *Store) record(id string) string  { return s.prefix + "n:" + id }
func (s *Store) key(k string) string      { return s.prefix + "k:" + k }
func (s *Store) doneSet(id string) string { return s.prefix + "d:" + id }
func (s *Store) recent() string           { return s.prefix + "recent" }
func (s *Store) scheduled() string        { return s.prefix + "sched" }
func (s *Store) stream() string           { return s.prefix + "jobs" }
func (s *Store) day(t time.Time) string {
	return s.prefix + "day:" + t.In(s.loc).Format("20060102")
}

// retentionSeconds is the retention as EXPIRE takes it.
func (s *Store) retentionSeconds() int64 { return int64(s.retention / time.Second) }

// body is what a record keeps of a notice as JSON: what does not change
// once created.
type body struct {
	Author     string     `json:"author"`
	AuthorName string     `json:"name,omitempty"`
	Audience   Audience   `json:"audience"`
	Text       string     `json:"text,omitempty"`
	Photo      *bot.Photo `json:"photo,omitempty"`
	Urgent     bool       `json:"urgent,omitempty"`
	At         int64      `json:"at,omitempty"`
	Created    int64      `json:"created"`
}

// check reports why n cannot be sent.
func check(n Notice) error {
	var errs []error
	if n.Author == "" {
		errs = append(errs, errors.New("no author"))
	}
	if strings.TrimSpace(n.Text) == "" && n.Photo == nil {
		errs = append(errs, errors.New("no text and no photo"))
	}
	if n.Photo != nil && len(n.Photo.PNG) > 0 {
		errs = append(errs, errors.New("a drawn picture cannot be kept: give an id or a URL"))
	}
	a := n.Audience
	if !a.People && !a.Groups && !a.Reminders {
		errs = append(errs, errors.New("no audience"))
	}
	if f := a.Filter; f.Channel != "" && f.Channel != people.Telegram && f.Channel != people.Zalo {
		errs = append(errs, fmt.Errorf("channel %q", f.Channel))
	}
	if slices.Contains(a.Filter.Villages, "") {
		errs = append(errs, errors.New("an empty village"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}

// Create stores n, created at now, and queues it: scheduled when n.At is
// after now, on the stream for the workers otherwise. n.Counts.Total may
// carry the preview's count, shown until the walk of the audience ends.
// It returns the notice as stored, with its ID and Status.
func (s *Store) Create(ctx context.Context, n Notice, now time.Time) (Notice, error) {
	if err := check(n); err != nil {
		return Notice{}, fmt.Errorf("notices: create: %w", err)
	}
	n.Audience.Filter.Urgent = n.Urgent
	n.Created = now.Truncate(time.Millisecond)
	n.Status = Queued
	if n.At.After(now) {
		n.Status = Scheduled
	} else {
		n.At = time.Time{}
	}
	n.Counts = Counts{Total: n.Counts.Total}
	n.Progress, n.Started, n.Finished, n.Waiting = "", time.Time{}, time.Time{}, time.Time{}
	seq, err := s.client.Incr(ctx, s.seq()).Result()
	if err != nil {
		return Notice{}, s.failure("create", err)
	}
	n.ID = strconv.FormatInt(seq, 10)
	js, err := json.Marshal(body{
		Author: n.Author, AuthorName: n.AuthorName, Audience: n.Audience, Text: n.Text,
		Photo: n.Photo, Urgent: n.Urgent, At: unixMilli(n.At), Created: n.Created.UnixMilli(),
	})
	if err != nil {
		return Notice{}, fmt.Errorf("notices: create: %w", err)
	}
	keys := []string{s.record(n.ID), s.recent(), s.scheduled(), s.stream()}
	if n.Key != "" {
		keys = append(keys, s.key(n.Key))
	}
	id, err := createScript.Run(ctx, s.client, keys, js, string(n.Status), unixMilli(n.At),
		n.Created.UnixMilli(), n.ID, n.Counts.Total, now.Add(-s.retention).UnixMilli(), s.retentionSeconds()).Text()
	if err != nil {
		return Notice{}, s.failure("create", err)
	}
	if id != n.ID {
		// Created before, under the same key: that one stands.
		return s.Get(ctx, id)
	}
	return n, nil
}

// Get returns the notice id; ErrNotFound when there is none.
func (s *Store) Get(ctx context.Context, id string) (Notice, error) {
	h, err := s.client.HGetAll(ctx, s.record(id)).Result()
	if err != nil {
		return Notice{}, s.failure("get "+id, err)
	}
	n, err := decode(id, h)
	if err != nil {
		return Notice{}, fmt.Errorf("notices: get %s: %w", id, err)
	}
	return n, nil
}

// Cancel stops the notice id at now: a scheduled or queued one is never
// sent; a running one stops at its next recipient, and its worker makes
// the final report with the counts so far. ErrNotFound when there is no
// such notice, ErrFinished when it ended already.
func (s *Store) Cancel(ctx context.Context, id string, now time.Time) error {
	keys := []string{s.record(id), s.scheduled(), s.stream(), s.doneSet(id)}
	r, err := cancelScript.Run(ctx, s.client, keys, id, now.UnixMilli(), s.retentionSeconds()).Int()
	if err != nil {
		return s.failure("cancel "+id, err)
	}
	switch r {
	case -1:
		return fmt.Errorf("notices: cancel %s: %w", id, ErrNotFound)
	case 0:
		return fmt.Errorf("notices: cancel %s: %w", id, ErrFinished)
	}
	return nil
}

// List returns up to max notices, the newest first, of author when it is
// not "" (all staff's otherwise), from those created within the
// retention.
func (s *Store) List(ctx context.Context, author string, max int) ([]Notice, error) {
	var out []Notice
	const page = 100
	for start := int64(0); len(out) < max; start += page {
		ids, err := s.client.ZRevRange(ctx, s.recent(), start, start+page-1).Result()
		if err != nil {
			return nil, s.failure("list", err)
		}
		if len(ids) == 0 {
			break
		}
		pipe := s.client.Pipeline()
		cmds := make([]*redis.MapStringStringCmd, len(ids))
		for i, id := range ids {
			cmds[i] = pipe.HGetAll(ctx, s.record(id))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, s.failure("list", err)
		}
		for i, cmd := range cmds {
			n, err := decode(ids[i], cmd.Val())
			if errors.Is(err, ErrNotFound) {
				continue // expired
			}
			if err != nil {
				return nil, fmt.Errorf("notices: list: %w", err)
			}
			if (author == "" || n.Author == author) && len(out) < max {
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// DeleteChat forgets that chat was among the recipients of the notices
// kept (/xoadulieu): it leaves every done set, in one round trip. The
// counts stay, as figures without a name.
func (s *Store) DeleteChat(ctx context.Context, chat string) error {
	ids, err := s.client.ZRange(ctx, s.recent(), 0, -1).Result()
	if err != nil {
		return s.failure("delete chat", err)
	}
	if len(ids) == 0 {
		return nil
	}
	pipe := s.client.Pipeline()
	for _, id := range ids {
		pipe.SRem(ctx, s.doneSet(id), chat)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return s.failure("delete chat", err)
	}
	return nil
}

// MaxStatsSpan bounds the span Stats reads: the figures are kept for the
// retention only.
const MaxStatsSpan = 400 * 24 * time.Hour

// Stats returns the figures of the days from from to to, both included,
// as days begin in Options.Location: notices finished and messages
// delivered. Days past the retention count nothing.
func (s *Store) Stats(ctx context.Context, from, to time.Time) (Figures, error) {
	if to.Sub(from) > MaxStatsSpan {
		return Figures{}, fmt.Errorf("notices: stats: span %v over %v: %w", to.Sub(from), MaxStatsSpan, ErrInvalid)
	}
	pipe := s.client.Pipeline()
	var cmds []*redis.SliceCmd
	// Noon of each day: adding days to it never skips or repeats a date.
	y, m, d := from.In(s.loc).Date()
	last := to.In(s.loc).Format("20060102")
	for day := time.Date(y, m, d, 12, 0, 0, 0, s.loc); day.Format("20060102") <= last; day = day.AddDate(0, 0, 1) {
		cmds = append(cmds, pipe.HMGet(ctx, s.day(day), "notices", "delivered", "blocked"))
	}
	if len(cmds) == 0 {
		return Figures{}, nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return Figures{}, s.failure("stats", err)
	}
	var f Figures
	for _, cmd := range cmds {
		v := cmd.Val()
		f.Notices += atoi(v[0])
		f.Delivered += atoi(v[1])
		f.Blocked += atoi(v[2])
	}
	return f, nil
}

// Promote queues the scheduled notices due at now (at most max), and
// those paused for quiet hours that have ended; it returns how many.
// Workers call it in their loop; it is atomic, so replicas calling it at
// once queue each notice once.
func (s *Store) Promote(ctx context.Context, now time.Time, max int) (int, error) {
	n, err := promoteScript.Run(ctx, s.client, []string{s.scheduled(), s.stream()},
		now.UnixMilli(), max, s.prefix+"n:").Int()
	if err != nil {
		return 0, s.failure("promote", err)
	}
	return n, nil
}

// decode reads a record's hash.
func decode(id string, h map[string]string) (Notice, error) {
	if len(h) == 0 {
		return Notice{}, ErrNotFound
	}
	var b body
	if err := json.Unmarshal([]byte(h["n"]), &b); err != nil {
		return Notice{}, fmt.Errorf("notice %s: unreadable record: %w", id, err)
	}
	return Notice{
		ID: id, Author: b.Author, AuthorName: b.AuthorName, Audience: b.Audience,
		Text: b.Text, Photo: b.Photo, Urgent: b.Urgent, At: fromMilli(b.At), Created: fromMilli(b.Created),
		Status: Status(h["status"]),
		Counts: Counts{
			Total: atoi(h["total"]), Sent: atoi(h["sent"]), Blocked: atoi(h["blocked"]),
			Failed: atoi(h["failed"]), Skipped: atoi(h["skipped"]),
		},
		Progress: h["progress"],
		Started:  fromMilli(int64(atoi(h["started"]))),
		Finished: fromMilli(int64(atoi(h["finished"]))),
		Waiting:  fromMilli(int64(atoi(h["waiting"]))),
	}, nil
}

// atoi reads a counter or a time, 0 for none; v is a string or nil.
func atoi(v any) int {
	s, _ := v.(string)
	n, _ := strconv.Atoi(s)
	return n
}

func unixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMilli(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// failure wraps an error of Redis from op; one of a Redis that cannot be
// reached matches store.ErrUnavailable.
func (s *Store) failure(op string, err error) error {
	return fmt.Errorf("notices: %s: %w", op, store.Unavailable(err))
}
