package tickets

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/store"
)

// Scripts run as EVALSHA, falling back to EVAL (which also caches them on
// the server) when Redis does not know them yet, e.g. after a restart.
var (
	//go:embed put.lua
	putSource string
	//go:embed remove.lua
	removeSource string
	//go:embed due.lua
	dueSource string

	putScript    = redis.NewScript(putSource)
	removeScript = redis.NewScript(removeSource)
	dueScript    = redis.NewScript(dueSource)
)

// Redis keeps tickets in Redis (one node, Sentinel or Cluster); see the
// package doc for the keys. It is safe for concurrent use; several
// replicas may share one Redis.
type Redis struct {
	core
}

var _ Store = (*Redis)(nil)

// NewRedis returns a store on client. It panics if opts.Prefix contains a
// brace, which would move the hash tag.
func NewRedis(client redis.UniversalClient, opts Options) *Redis {
	opts = opts.withDefaults()
	p := store.TaggedPrefix(opts.Prefix, "tk")
	return &Redis{newCore(&redisBackend{client: client, key: keyNames{
		ticket:   p + "t:",
		open:     p + "open",
		claimed:  p + "claimed",
		closed:   p + "closed",
		renotify: p + "renotify",
		escalate: p + "escalate",
		active:   p + "active",
		posts:    p + "posts",
		chat:     p + "c:",
		figures:  p + "f:",
	}}, opts)}
}

// redisBackend is the backend of Redis. Every key shares the hash tag
// {tk}; see the package doc.
type redisBackend struct {
	client redis.UniversalClient
	key    keyNames
}

// keyNames are the names of the keys, with the default prefix
// "mc:{tk}:t:" + id for a ticket, "mc:{tk}:c:" + chat for a chat's
// tickets, "mc:{tk}:f:" + day for a day's figures, "mc:{tk}:open" and so
// on for the rest.
type keyNames struct {
	ticket, open, claimed, closed, renotify, escalate, active, posts, chat, figures string
}

// indexes are the keys every write and every deletion keeps in step, in
// the order put.lua and remove.lua expect them after the ticket's.
func (b *redisBackend) indexes() []string {
	return []string{b.key.open, b.key.claimed, b.key.closed, b.key.renotify, b.key.escalate, b.key.active, b.key.posts}
}

func (b *redisBackend) load(ctx context.Context, ids []string) ([]record, error) {
	pipe := b.client.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HGetAll(ctx, b.key.ticket+id)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, failure(err)
	}
	out := make([]record, len(ids))
	for i, cmd := range cmds {
		if rec := cmd.Val(); len(rec) > 0 {
			out[i] = rec
		}
	}
	return out, nil
}

func (b *redisBackend) put(ctx context.Context, w write) (string, error) {
	// The events of one write all happen at its time: one day's key.
	day := b.key.figures
	if len(w.events) > 0 {
		day = b.dayKey(w.events[0].at)
	}
	keys := []string{
		b.key.ticket + w.id, b.key.open, b.key.claimed, b.key.closed, b.key.renotify, b.key.escalate,
		b.key.active, b.key.posts, b.key.chat + w.chat, day,
	}
	create := ""
	if w.create {
		create = "create"
	}
	args := make([]any, 0, 5+2*len(w.events)+2*len(w.rec))
	args = append(args, w.id, w.want, w.token, create, len(w.events))
	for _, e := range w.events {
		args = append(args, e.at, e.member)
	}
	for k, v := range w.rec {
		args = append(args, k, v)
	}
	res, err := putScript.Run(ctx, b.client, keys, args...).Text()
	if err != nil {
		return "", failure(err)
	}
	return res, nil
}

func (b *redisBackend) list(ctx context.Context, st Status) ([]string, error) {
	key := b.key.open
	if st == Claimed {
		key = b.key.claimed
	}
	ids, err := b.client.ZRange(ctx, key, 0, -1).Result()
	if err != nil {
		return nil, failure(err)
	}
	return ids, nil
}

func (b *redisBackend) active(ctx context.Context, chat string) (string, error) {
	return b.hget(ctx, b.key.active, chat)
}

func (b *redisBackend) post(ctx context.Context, post string) (string, error) {
	return b.hget(ctx, b.key.posts, post)
}

// hget returns a field of a hash, "" when it is missing.
func (b *redisBackend) hget(ctx context.Context, key, field string) (string, error) {
	v, err := b.client.HGet(ctx, key, field).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", failure(err)
	}
	return v, nil
}

func (b *redisBackend) chat(ctx context.Context, chat string) ([]string, error) {
	ids, err := b.client.SMembers(ctx, b.key.chat+chat).Result()
	if err != nil {
		return nil, failure(err)
	}
	return ids, nil
}

func (b *redisBackend) closed(ctx context.Context, cut int64, max int) ([]string, error) {
	ids, err := b.client.ZRangeByScore(ctx, b.key.closed, &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(cut, 10), Count: int64(max),
	}).Result()
	if err != nil {
		return nil, failure(err)
	}
	return ids, nil
}

func (b *redisBackend) remove(ctx context.Context, ids, chats []string, cut int64) (int, error) {
	keys := slices.Grow(b.indexes(), 2*len(ids))
	args := make([]any, 0, 1+len(ids))
	if cut >= 0 {
		args = append(args, cut)
	} else {
		args = append(args, "")
	}
	for i, id := range ids {
		keys = append(keys, b.key.ticket+id, b.key.chat+chats[i])
		args = append(args, id)
	}
	n, err := removeScript.Run(ctx, b.client, keys, args...).Int()
	if err != nil {
		return 0, failure(err)
	}
	return n, nil
}

func (b *redisBackend) due(ctx context.Context, d dueArgs) (renotify, escalate []string, err error) {
	args := []any{"", "", "", "", d.max}
	if d.renotify {
		args[0], args[1] = d.renotifyCut, d.renotifyLease
	}
	if d.escalate {
		args[2], args[3] = d.escalateCut, d.escalateLease
	}
	res, err := dueScript.Run(ctx, b.client, []string{b.key.renotify, b.key.escalate}, args...).Slice()
	if err != nil {
		return nil, nil, failure(err)
	}
	if len(res) != 2 {
		return nil, nil, fmt.Errorf("due.lua returned %d lists, want 2", len(res))
	}
	lists := make([][]string, 2)
	for k, v := range res {
		items, _ := v.([]any)
		for _, item := range items {
			id, ok := item.(string)
			if !ok {
				return nil, nil, fmt.Errorf("due.lua returned %T, want an id", item)
			}
			lists[k] = append(lists[k], id)
		}
	}
	return lists[0], lists[1], nil
}

// events reads the days from since's to until's, one ZRANGEBYSCORE a
// day, pipelined: a year is one round trip of 365 commands.
func (b *redisBackend) events(ctx context.Context, since, until int64) ([]string, error) {
	by := &redis.ZRangeBy{Min: strconv.FormatInt(since, 10), Max: "(" + strconv.FormatInt(until, 10)}
	pipe := b.client.Pipeline()
	var cmds []*redis.StringSliceCmd
	for day := since / msPerDay; day <= (until-1)/msPerDay; day++ {
		cmds = append(cmds, pipe.ZRangeByScore(ctx, b.dayKey(day*msPerDay), by))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, failure(err)
	}
	var members []string
	for _, cmd := range cmds {
		members = append(members, cmd.Val()...)
	}
	return members, nil
}

const msPerDay = 24 * 60 * 60 * 1000

// dayKey names the figures of the UTC day of at (Unix ms):
// "mc:{tk}:f:20260715". The day only spreads the figures over small
// keys; scores keep the millisecond, so a span need not start at midnight.
func (b *redisBackend) dayKey(at int64) string {
	return b.key.figures + time.UnixMilli(at).UTC().Format("20060102")
}

// failure wraps an error of Redis. A failure to get an answer (refused,
// reset, timed out, pool exhausted, or a server that is loading,
// read-only or out of its cluster) also matches store.ErrUnavailable, as
// in package store; a caller's cancellation and a genuine error reply (a
// script bug) do not: trying again would not help.
func failure(err error) error {
	return store.Unavailable(err)
}
