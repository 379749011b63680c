package outbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/store"
)

// ErrQuota refuses a message because the bot's messages for this month are
// spent (Zalo's free plan: 3,000 a month), or the channel said so (Zalo's
// 429). It is not retried: nothing changes before the month ends.
var ErrQuota = errors.New("outbox: the monthly quota of messages is spent")

// Quota bounds the messages an outbox sends in a calendar month, counted in
// the outbox's Location.
type Quota struct {
	// Limit is the messages a month.
	Limit int
	// Counter keeps the months' counts, shared by every replica when it is
	// RedisCounter.
	Counter Counter
}

// Counter keeps how many messages were sent in each month ("2026-11").
type Counter interface {
	// Add adds n (which may be negative) to month's count and returns the
	// count after.
	Add(ctx context.Context, month string, n int) (int, error)
	// Count is month's count.
	Count(ctx context.Context, month string) (int, error)
	// Spend raises month's count to at least limit: the channel said the
	// quota is spent.
	Spend(ctx context.Context, month string, limit int) error
}

// quotaSpent is an error of a channel saying the month's quota is spent
// (Zalo's 429); *zalo.SendError is one.
type quotaSpent interface {
	QuotaSpent() bool
}

// month is the quota's month of t, in the outbox's Location.
func (o *Outbox) month(t time.Time) string { return t.In(o.loc).Format("2006-01") }

// reserve takes one message of this month's quota, before a send. It
// reports false when the quota is spent. A counter that cannot be reached
// lets the message go: the channel still refuses past its quota, and a
// missed count must not stop the reminders.
func (o *Outbox) reserve(ctx context.Context, month string) (reserved, ok bool) {
	n, err := o.quota.Counter.Add(ctx, month, 1)
	if err != nil {
		o.log.Warn("outbox: the quota counter is unreachable; sending uncounted", "err", err)
		return false, true
	}
	if n > o.quota.Limit {
		o.unreserve(ctx, month)
		return false, false
	}
	return true, true
}

// unreserve gives back a message reserved and not sent.
func (o *Outbox) unreserve(ctx context.Context, month string) {
	if _, err := o.quota.Counter.Add(context.WithoutCancel(ctx), month, -1); err != nil {
		o.log.Warn("outbox: give back a message of the quota", "err", err)
	}
}

// spend marks the month's quota spent, as the channel said.
func (o *Outbox) spend(ctx context.Context, month string) {
	o.log.Warn("outbox: the channel says the monthly quota is spent", "month", month)
	if err := o.quota.Counter.Spend(context.WithoutCancel(ctx), month, o.quota.Limit); err != nil {
		o.log.Warn("outbox: mark the monthly quota spent", "err", err)
	}
}

// QuotaLeft is how many messages this month's quota still allows, for
// staff to see before a notice ("this notice would exceed the quota").
// limited is false, and left 0, for an outbox without a quota.
func (o *Outbox) QuotaLeft(ctx context.Context) (left int, limited bool, err error) {
	if o.quota == nil {
		return 0, false, nil
	}
	n, err := o.quota.Counter.Count(ctx, o.month(o.now()))
	if err != nil {
		return 0, true, fmt.Errorf("outbox: quota left: %w", err)
	}
	return max(0, o.quota.Limit-n), true, nil
}

// MemoryCounter is a Counter in memory, for one process.
type MemoryCounter struct {
	mu     sync.Mutex
	months map[string]int
}

// NewMemoryCounter returns an empty MemoryCounter.
func NewMemoryCounter() *MemoryCounter { return &MemoryCounter{months: map[string]int{}} }

// Add implements Counter.
func (c *MemoryCounter) Add(_ context.Context, month string, n int) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.months[month] += n
	return c.months[month], nil
}

// Count implements Counter.
func (c *MemoryCounter) Count(_ context.Context, month string) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.months[month], nil
}

// Spend implements Counter.
func (c *MemoryCounter) Spend(_ context.Context, month string, limit int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.months[month] = max(c.months[month], limit)
	return nil
}

// quotaTTL keeps a month's count a little past the month's end.
const quotaTTL = 40 * 24 * time.Hour

// RedisCounter is a Counter in Redis, shared by every replica of a bot: one
// key a month, <prefix>:{quota:<name>}:<yyyy-mm>, expiring after 40 days.
type RedisCounter struct {
	client redis.UniversalClient
	tag    string
}

// NewRedisCounter counts the months of the quota name (a bot: "zalo").
func NewRedisCounter(client redis.UniversalClient, prefix, name string) *RedisCounter {
	return &RedisCounter{client: client, tag: prefix + ":{quota:" + name + "}:"}
}

// Add implements Counter.
func (c *RedisCounter) Add(ctx context.Context, month string, n int) (int, error) {
	key := c.tag + month
	var incr *redis.IntCmd
	_, err := c.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		incr = p.IncrBy(ctx, key, int64(n))
		p.Expire(ctx, key, quotaTTL)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("outbox: count the quota: %w", store.Unavailable(err))
	}
	return int(incr.Val()), nil
}

// Count implements Counter.
func (c *RedisCounter) Count(ctx context.Context, month string) (int, error) {
	n, err := c.client.Get(ctx, c.tag+month).Int()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("outbox: read the quota: %w", store.Unavailable(err))
	}
	return n, nil
}

// spendScript raises a count to a limit, keeping a higher one.
var spendScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
return 1`)

// Spend implements Counter.
func (c *RedisCounter) Spend(ctx context.Context, month string, limit int) error {
	if err := spendScript.Run(ctx, c.client, []string{c.tag + month}, limit, int(quotaTTL.Seconds())).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("outbox: mark the quota spent: %w", store.Unavailable(err))
	}
	return nil
}
