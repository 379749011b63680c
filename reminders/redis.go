package reminders

import (
	"context"
	_ "embed"
	"errors"
	"log/slog"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/store"
)

// Scripts run as EVALSHA, falling back to EVAL (which also caches them on
// the server) when Redis does not know them yet, e.g. after a restart.
var (
	//go:embed claim.lua
	claimSource string
	//go:embed put.lua
	putSource string
	//go:embed chat.lua
	chatSource string
	//go:embed renew.lua
	renewSource string

	claimScript = redis.NewScript(claimSource)
	putScript   = redis.NewScript(putSource)
	chatScript  = redis.NewScript(chatSource)
	renewScript = redis.NewScript(renewSource)
)

// buckets is how many hashes hold the records. A chat's records are all
// in one, chosen by a hash of the chat. 4096 keeps every bucket under
// Redis's hash-max-listpack-entries (512) up to about two million
// reminders, and costs about 100 bytes each when empty. Changing it moves
// every chat to another bucket: it needs a migration. (16,384 buckets,
// 61 records each at a million reminders rather than 244, made a claim's
// lookups no cheaper, and slower at a million: BenchmarkClaim.)
const buckets = 4096

// Options configures a Redis store.
type Options struct {
	// Prefix starts every key ("mc" when empty); it must not contain '{'
	// or '}'.
	Prefix string
	// Log receives what no caller can act on: a record Redis holds but
	// this code cannot read. slog.Default() when nil.
	Log *slog.Logger
}

// Redis keeps reminders in Redis (one node, Sentinel or Cluster); see the
// package doc for the keys. It is safe for concurrent use; several
// replicas may share one Redis.
type Redis struct {
	core
}

var _ Store = (*Redis)(nil)

// NewRedis returns a store on client with schedule sched. It panics if
// sched is invalid (check configuration with Schedule.Validate first) or
// if opts.Prefix contains a brace, which would move the hash tag.
func NewRedis(client redis.UniversalClient, sched Schedule, opts Options) *Redis {
	p := store.TaggedPrefix(opts.Prefix, "rem")
	b := &redisBackend{
		client: client,
		due:    p + "due",
		leased: p + "leased",
		bucket: p + "r:",
	}
	return &Redis{newCore(b, sched, opts.Log)}
}

// redisBackend is the backend of Redis.
type redisBackend struct {
	client redis.UniversalClient
	due    string // the due set: "mc:{rem}:due"
	leased string // the leased set: "mc:{rem}:leased"
	bucket string // the records' buckets' prefix: "mc:{rem}:r:"
}

// bucketOf names the bucket of chat's records: "mc:{rem}:r:1234". Its
// number is FNV-1a of the chat, modulo buckets.
func (b *redisBackend) bucketOf(chat string) string {
	h := uint32(2166136261)
	for i := 0; i < len(chat); i++ {
		h ^= uint32(chat[i])
		h *= 16777619
	}
	return b.bucket + strconv.FormatUint(uint64(h%buckets), 10)
}

// keys are the keys of a script on chat's reminders: the due set, the
// leased set and the chat's bucket.
func (b *redisBackend) keys(chat string) []string {
	return []string{b.due, b.leased, b.bucketOf(chat)}
}

func (b *redisBackend) claim(ctx context.Context, now, until int64, max int) ([]string, error) {
	names, err := claimScript.Run(ctx, b.client, []string{b.due, b.leased}, now, until, max).StringSlice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, failure(err)
	}
	return names, nil
}

// records reads the records in one round trip: an HGET each, pipelined.
func (b *redisBackend) records(ctx context.Context, names []string) ([]string, error) {
	pipe := b.client.Pipeline()
	cmds := make([]*redis.StringCmd, len(names))
	for i, name := range names {
		chat, _, _ := splitMember(name)
		cmds[i] = pipe.HGet(ctx, b.bucketOf(chat), name)
	}
	// Exec's error is the first command's; look at each: redis.Nil only
	// says that a record is missing.
	_, _ = pipe.Exec(ctx)
	out := make([]string, len(names))
	for i, cmd := range cmds {
		rec, err := cmd.Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, failure(err)
		}
		out[i] = rec
	}
	return out, nil
}

func (b *redisBackend) chat(ctx context.Context, chat string, del bool) ([]string, error) {
	mode := ""
	if del {
		mode = "del"
	}
	out, err := chatScript.Run(ctx, b.client, b.keys(chat), chat+"|", mode).StringSlice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, failure(err)
	}
	return out, nil
}

func (b *redisBackend) put(ctx context.Context, chat string, changes []change) (bool, error) {
	args := make([]any, 0, 4*len(changes))
	for _, ch := range changes {
		due := ""
		if ch.due != noDue {
			due = strconv.FormatInt(ch.due, 10)
		}
		args = append(args, ch.name, ch.want, ch.rec, due)
	}
	n, err := putScript.Run(ctx, b.client, b.keys(chat), args...).Int()
	if err != nil {
		return false, failure(err)
	}
	return n == 1, nil
}

func (b *redisBackend) renew(ctx context.Context, names []string, held []int64, until int64) ([]bool, error) {
	args := make([]any, 0, 1+2*len(names))
	args = append(args, until)
	for i, name := range names {
		args = append(args, name, held[i])
	}
	got, err := renewScript.Run(ctx, b.client, []string{b.leased}, args...).Int64Slice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, failure(err)
	}
	out := make([]bool, len(names))
	for i := range out {
		out[i] = i < len(got) && got[i] == 1
	}
	return out, nil
}

// failure wraps an error of Redis. A failure to get an answer (refused,
// reset, timed out, pool exhausted, or a server that is loading,
// read-only or out of its cluster) also matches store.ErrUnavailable, as
// in package store; a caller's cancellation and a genuine error reply (a
// script bug) do not: trying again would not help.
func failure(err error) error {
	return store.Unavailable(err)
}
