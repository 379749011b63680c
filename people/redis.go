package people

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/store"
)

// Scripts run as EVALSHA, falling back to EVAL when Redis does not know
// them yet.
var (
	//go:embed person.lua
	personSource string
	//go:embed page.lua
	pageSource string
	//go:embed figures.lua
	figuresSource string
	//go:embed migrate.lua
	migrateSource string

	personScript  = redis.NewScript(personSource)
	pageScript    = redis.NewScript(pageSource)
	figuresScript = redis.NewScript(figuresSource)
	migrateScript = redis.NewScript(migrateSource)
)

// batch is how many members of a sorted set one round trip of Audience
// reads: a few milliseconds of Redis's time, 20 round trips for 10,000
// people.
const batch = 500

// Options configures a Redis store.
type Options struct {
	// Prefix starts every key ("mc" when empty); it must not contain '{'
	// or '}'.
	Prefix string
}

// Redis keeps people in Redis (one node, Sentinel or Cluster); see the
// package doc for the keys. It is safe for concurrent use; several
// replicas may share one Redis.
type Redis struct {
	client redis.UniversalClient
	// keys of the person script: records, all, off, villages, groups.
	keys    []string
	village string // a village's key prefix: "mc:{people}:v:"
}

var _ Store = (*Redis)(nil)

// NewRedis returns a store on client. It panics if opts.Prefix contains a
// brace, which would move the hash tag.
func NewRedis(client redis.UniversalClient, opts Options) *Redis {
	p := store.TaggedPrefix(opts.Prefix, "people")
	return &Redis{
		client:  client,
		keys:    []string{p + "p", p + "all", p + "off", p + "villages", p + "g"},
		village: p + "v:",
	}
}

func (r *Redis) records() string  { return r.keys[0] }
func (r *Redis) all() string      { return r.keys[1] }
func (r *Redis) off() string      { return r.keys[2] }
func (r *Redis) villages() string { return r.keys[3] }
func (r *Redis) groups() string   { return r.keys[4] }

// person runs the person script; false when the person is unknown.
func (r *Redis) person(ctx context.Context, chat, op, arg string) (bool, error) {
	if err := checkChat(chat); err != nil {
		return false, err
	}
	n, err := personScript.Run(ctx, r.client, r.keys, r.village, chat, op, arg).Int()
	if err != nil {
		return false, failure(op+" "+chat, err)
	}
	return n == 1, nil
}

// Seen implements Store.
func (r *Redis) Seen(ctx context.Context, chat string, now time.Time) error {
	_, err := r.person(ctx, chat, "seen", strconv.FormatInt(now.UnixMilli(), 10))
	return err
}

// SetVillage implements Store.
func (r *Redis) SetVillage(ctx context.Context, chat, village string) error {
	ok, err := r.person(ctx, chat, "village", village)
	if err == nil && !ok {
		err = fmt.Errorf("village %s: %w", chat, ErrNotFound)
	}
	return err
}

// SetNotices implements Store.
func (r *Redis) SetNotices(ctx context.Context, chat string, on bool) error {
	stopped := "1"
	if on {
		stopped = "0"
	}
	ok, err := r.person(ctx, chat, "notices", stopped)
	if err == nil && !ok {
		err = fmt.Errorf("notices %s: %w", chat, ErrNotFound)
	}
	return err
}

// DeleteChat implements Store.
func (r *Redis) DeleteChat(ctx context.Context, chat string) error {
	_, err := r.person(ctx, chat, "delete", "")
	return err
}

// Get implements Store.
func (r *Redis) Get(ctx context.Context, chat string) (Person, bool, error) {
	if err := checkChat(chat); err != nil {
		return Person{}, false, err
	}
	rec, err := r.client.HGet(ctx, r.records(), chat).Result()
	if errors.Is(err, redis.Nil) {
		return Person{}, false, nil
	}
	if err != nil {
		return Person{}, false, failure("get "+chat, err)
	}
	p, err := decode(chat, rec)
	return p, err == nil, err
}

// Stopped implements Store: one SMISMEMBER on the off set (Redis 6.2 or
// later), which person.lua keeps in step with the records.
func (r *Redis) Stopped(ctx context.Context, chats []string) ([]bool, error) {
	members := make([]any, len(chats))
	for i, c := range chats {
		if err := checkChat(c); err != nil {
			return nil, err
		}
		members[i] = c
	}
	if len(chats) == 0 {
		return []bool{}, nil // SMISMEMBER needs a member
	}
	off, err := r.client.SMIsMember(ctx, r.off(), members...).Result()
	if err != nil {
		return nil, failure(fmt.Sprintf("stopped (%d chats)", len(chats)), err)
	}
	if len(off) != len(chats) {
		return nil, fmt.Errorf("stopped: %d answers for %d chats", len(off), len(chats))
	}
	return off, nil
}

// Audience implements Store: a batch at a time, each one round trip.
// Everyone is one walk of the sorted set of all chats; villages are a
// walk of each village's set in turn. A channel is a range of members
// ("tg:" up to "tg;"), so that the other channel's chats are not read.
func (r *Redis) Audience(ctx context.Context, f Filter, each func(chat string) error) error {
	if err := checkFilter(f); err != nil {
		return err
	}
	sets := []string{r.all()}
	if len(f.Villages) > 0 {
		sets = sets[:0]
		for _, v := range slices.Compact(slices.Sorted(slices.Values(f.Villages))) {
			sets = append(sets, r.village+v)
		}
	}
	min, max := "-", "+"
	if f.Channel != "" {
		min, max = "["+f.Channel+":", "("+f.Channel+";" // ';' follows ':'
	}
	urgent := "0"
	if f.Urgent {
		urgent = "1"
	}
	for _, set := range sets {
		from := min
		for {
			out, err := pageScript.Run(ctx, r.client, []string{set, r.off()}, from, max, batch, urgent).StringSlice()
			if err != nil {
				return failure("audience", err)
			}
			for _, chat := range out[1:] {
				if err := each(chat); err != nil {
					return err
				}
			}
			if out[0] == "" {
				break
			}
			from = "(" + out[0]
		}
	}
	return nil
}

// Count implements Store. It walks the audience: tens of round trips for
// a commune, which a preview can afford, and the only way to count the
// people of a village and a channel who did not stop notices without
// keeping a count for every combination.
func (r *Redis) Count(ctx context.Context, f Filter) (int, error) {
	n := 0
	err := r.Audience(ctx, f, func(string) error { n++; return nil })
	return n, err
}

// AddGroup implements Store.
func (r *Redis) AddGroup(ctx context.Context, g Group) error {
	if err := checkGroup(g); err != nil {
		return err
	}
	if err := r.client.HSet(ctx, r.groups(), g.Chat, g.Village).Err(); err != nil {
		return failure("add group "+g.Chat, err)
	}
	return nil
}

// RemoveGroup implements Store.
func (r *Redis) RemoveGroup(ctx context.Context, chat string) error {
	if err := checkChat(chat); err != nil {
		return err
	}
	if err := r.client.HDel(ctx, r.groups(), chat).Err(); err != nil {
		return failure("remove group "+chat, err)
	}
	return nil
}

// MigrateGroup implements Store.
func (r *Redis) MigrateGroup(ctx context.Context, old, new string) error {
	if err := checkChat(old); err != nil {
		return err
	}
	if err := checkChat(new); err != nil {
		return err
	}
	if err := migrateScript.Run(ctx, r.client, []string{r.groups()}, old, new).Err(); err != nil {
		return failure("migrate group "+old, err)
	}
	return nil
}

// Groups implements Store. The groups are few (one or two a village):
// one HGETALL.
func (r *Redis) Groups(ctx context.Context, villages []string) ([]Group, error) {
	all, err := r.client.HGetAll(ctx, r.groups()).Result()
	if err != nil {
		return nil, failure("groups", err)
	}
	var out []Group
	for c, v := range all {
		if len(villages) == 0 || slices.Contains(villages, v) {
			out = append(out, Group{Chat: c, Village: v})
		}
	}
	slices.SortFunc(out, func(a, b Group) int { return strings.Compare(a.Chat, b.Chat) })
	return out, nil
}

// Figures implements Store.
func (r *Redis) Figures(ctx context.Context) (Figures, error) {
	keys := []string{r.all(), r.off(), r.villages()}
	out, err := figuresScript.Run(ctx, r.client, keys, r.village).Slice()
	if err != nil {
		return Figures{}, failure("figures", err)
	}
	if len(out) < 2 || len(out)%2 != 0 {
		return Figures{}, fmt.Errorf("figures: unexpected reply %v", out)
	}
	people, _ := out[0].(int64)
	stopped, _ := out[1].(int64)
	f := Figures{People: int(people), NoNotices: int(stopped), Villages: make(map[string]int)}
	known := 0
	for i := 2; i < len(out); i += 2 {
		v, _ := out[i].(string)
		n, _ := out[i+1].(int64)
		if n > 0 {
			f.Villages[v] = int(n)
			known += int(n)
		}
	}
	if f.People > known {
		f.Villages[""] = f.People - known
	}
	return f, nil
}

// failure wraps an error of Redis from op. A failure to get an answer
// also matches store.ErrUnavailable, as in package store; a caller's
// cancellation and a genuine error reply do not.
func failure(op string, err error) error {
	return fmt.Errorf("%s: %w", op, store.Unavailable(err))
}
