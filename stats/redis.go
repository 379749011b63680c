package stats

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/store"
)

// Options configures a Redis store.
type Options struct {
	// Prefix starts every key ("mc" when empty); it must not contain '{'
	// or '}'.
	Prefix string
}

// Redis keeps the figures in Redis (one node, Sentinel or Cluster); see
// the package doc for the keys. It is safe for concurrent use; several
// replicas may share one Redis.
type Redis struct {
	client redis.UniversalClient
	prefix string // "mc:{stats}:"
}

var _ Store = (*Redis)(nil)

// NewRedis returns a store on client. It panics if opts.Prefix contains a
// brace, which would move the hash tag.
func NewRedis(client redis.UniversalClient, opts Options) *Redis {
	return &Redis{client: client, prefix: store.TaggedPrefix(opts.Prefix, "stats")}
}

// countsKey is the hash of day's counters; activeKey its HyperLogLog of
// chats.
func (r *Redis) countsKey(day flows.Date) string { return r.prefix + "d:" + day.ISO() }
func (r *Redis) activeKey(day flows.Date) string { return r.prefix + "a:" + day.ISO() }

// expiry is when the keys of day go: Retention days after the day, from
// the date alone, so that every write sets the same time and a late write
// does not keep a day longer.
func expiry(day flows.Date) time.Time {
	d := day.AddDays(Retention + 1)
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// Add implements Store: one MULTI of an HINCRBY per field and an
// EXPIREAT, sent in one round trip.
func (r *Redis) Add(ctx context.Context, day flows.Date, counts map[string]int64) error {
	if err := checkAdd(day, counts); err != nil {
		return err
	}
	pipe := r.client.TxPipeline()
	if !r.queueCounts(ctx, pipe, day, counts) {
		return nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return failure("add "+day.ISO(), err)
	}
	return nil
}

// Active implements Store: one MULTI of PFADD and EXPIREAT.
func (r *Redis) Active(ctx context.Context, day flows.Date, chat string) error {
	if err := checkActive(day, chat); err != nil {
		return err
	}
	pipe := r.client.TxPipeline()
	r.queueActive(ctx, pipe, day, []string{chat})
	if _, err := pipe.Exec(ctx); err != nil {
		return failure("active "+day.ISO(), err)
	}
	return nil
}

// queueCounts queues an HINCRBY per non-zero count of day and the key's
// EXPIREAT, reporting whether there was any.
func (r *Redis) queueCounts(ctx context.Context, pipe redis.Pipeliner, day flows.Date, counts map[string]int64) bool {
	key := r.countsKey(day)
	n := 0
	for field, c := range counts {
		if c != 0 {
			pipe.HIncrBy(ctx, key, field, c)
			n++
		}
	}
	if n > 0 {
		pipe.ExpireAt(ctx, key, expiry(day))
	}
	return n > 0
}

// queueActive queues the PFADD of chats on day and the key's EXPIREAT.
func (r *Redis) queueActive(ctx context.Context, pipe redis.Pipeliner, day flows.Date, chats []string) {
	if len(chats) == 0 {
		return
	}
	key := r.activeKey(day)
	args := make([]any, len(chats))
	for i, c := range chats {
		args[i] = c
	}
	pipe.PFAdd(ctx, key, args...)
	pipe.ExpireAt(ctx, key, expiry(day))
}

// Days implements Store: an HGETALL and a PFCOUNT per day, all in one
// pipeline.
func (r *Redis) Days(ctx context.Context, from, to flows.Date) ([]Day, error) {
	n, err := period(from, to)
	if err != nil {
		return nil, err
	}
	op := "days " + from.ISO() + " " + to.ISO()
	hashes := make([]*redis.MapStringStringCmd, n)
	actives := make([]*redis.IntCmd, n)
	pipe := r.client.Pipeline()
	for i := range n {
		d := from.AddDays(i)
		hashes[i] = pipe.HGetAll(ctx, r.countsKey(d))
		actives[i] = pipe.PFCount(ctx, r.activeKey(d))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, failure(op, err)
	}
	days := make([]Day, n)
	for i := range days {
		fields := hashes[i].Val()
		counts := make(map[string]int64, len(fields))
		for field, v := range fields {
			c, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: field %s of %s: %w", op, field, r.countsKey(from.AddDays(i)), err)
			}
			counts[field] = c
		}
		days[i] = Day{Date: from.AddDays(i), Counts: counts, Active: int(actives[i].Val())}
	}
	return days, nil
}

// Reach implements Store: one PFCOUNT of the days' HyperLogLogs, which
// Redis merges. Redis Cluster allows it because they share a slot.
func (r *Redis) Reach(ctx context.Context, from, to flows.Date) (int, error) {
	n, err := period(from, to)
	if err != nil {
		return 0, err
	}
	keys := make([]string, n)
	for i := range keys {
		keys[i] = r.activeKey(from.AddDays(i))
	}
	c, err := r.client.PFCount(ctx, keys...).Result()
	if err != nil {
		return 0, failure("reach "+from.ISO()+" "+to.ISO(), err)
	}
	return int(c), nil
}

// failure wraps an error of go-redis with what was being done; one from a
// Redis that cannot be reached also matches store.ErrUnavailable.
func failure(op string, err error) error {
	return fmt.Errorf("stats: %s: %w", op, store.Unavailable(err))
}

// Write implements Batcher: every day's HINCRBYs and PFADD, each key's
// EXPIREAT, in one MULTI sent in one round trip (all the keys share the
// hash tag {stats}).
func (r *Redis) Write(ctx context.Context, b Batch) error {
	for day, counts := range b.Counts {
		if err := checkAdd(day, counts); err != nil {
			return err
		}
	}
	pipe := r.client.TxPipeline()
	for day, counts := range b.Counts {
		r.queueCounts(ctx, pipe, day, counts)
	}
	for day, chats := range b.Active {
		r.queueActive(ctx, pipe, day, chats)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return failure("write a batch", err)
	}
	return nil
}
