package outbox

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/motcua/motcua/store"
)

// Pacer spreads one bot's pace over every replica: each send reserves the
// next free instant of a schedule kept in one place, and a rate limit seen
// by one replica pauses them all. Without it, N replicas each pace at the
// bot's rate and together exceed it.
type Pacer interface {
	// Reserve takes the next free instant at or after now and returns how
	// long to wait for it.
	Reserve(ctx context.Context, now time.Time) (time.Duration, error)
	// Pause holds every replica's sends until until.
	Pause(ctx context.Context, until time.Time) error
}

//go:embed pace.lua
var paceSource string

var paceScript = redis.NewScript(paceSource)

// RedisPacer is a Pacer in Redis: the generic cell rate algorithm, one
// key holding the next free instant ("theoretical arrival time") and one
// the end of a pause, under one hash tag. One round trip a send.
type RedisPacer struct {
	client   redis.UniversalClient
	next     string
	paused   string
	interval time.Duration
}

// NewRedisPacer paces at limit per second across every replica using the
// keys <prefix>:{pace:<bot>}:….
func NewRedisPacer(client redis.UniversalClient, prefix, bot string, limit rate.Limit) *RedisPacer {
	tag := prefix + ":{pace:" + bot + "}:"
	return &RedisPacer{client: client, next: tag + "next", paused: tag + "paused", interval: time.Duration(float64(time.Second) / float64(limit))}
}

// Reserve implements Pacer.
func (p *RedisPacer) Reserve(ctx context.Context, now time.Time) (time.Duration, error) {
	ms, err := paceScript.Run(ctx, p.client, []string{p.next, p.paused}, now.UnixMicro(), p.interval.Microseconds()).Int64()
	if err != nil {
		return 0, p.failure("reserve", err)
	}
	return time.Duration(ms) * time.Microsecond, nil
}

// Pause implements Pacer.
func (p *RedisPacer) Pause(ctx context.Context, until time.Time) error {
	ttl := time.Until(until) + time.Second
	if ttl < time.Second {
		ttl = time.Second
	}
	// A longer pause already set stays.
	if err := pauseScript.Run(ctx, p.client, []string{p.paused}, until.UnixMicro(), ttl.Milliseconds()).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return p.failure("pause", err)
	}
	return nil
}

// pauseScript sets the end of a pause unless a later one is set.
var pauseScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1`)

func (p *RedisPacer) failure(op string, err error) error {
	return fmt.Errorf("outbox: pace %s: %w", op, store.Unavailable(err))
}
