package store

import (
	"context"
	_ "embed"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

//go:embed commit.lua
var commitSource string

// commitScript runs as EVALSHA, falling back to EVAL (which also caches it
// on the server) when Redis does not know the script yet, e.g. after a
// restart.
var commitScript = redis.NewScript(commitSource)

// Results of commitScript.
const (
	commitOK        = "ok"
	commitDuplicate = "dup"
	commitConflict  = "conflict"
)

// Redis keeps conversations in Redis (one node, Sentinel or Cluster). It is
// safe for concurrent use; several replicas may share one Redis.
type Redis struct {
	client  redis.UniversalClient
	prefix  string
	idleTTL int64 // milliseconds
}

var _ Conversations = (*Redis)(nil)

// NewRedis returns a store on client; see the package doc for the keys it
// uses. Options.Now is ignored: Redis expires keys by its own clock.
// It panics if opts.Prefix contains a brace, which would break the hash
// tags that keep a conversation's keys in one cluster slot.
func NewRedis(client redis.UniversalClient, opts Options) *Redis {
	opts = opts.withDefaults()
	if strings.ContainsAny(opts.Prefix, "{}") {
		panic(fmt.Sprintf("store: Redis key prefix %q must not contain '{' or '}'", opts.Prefix))
	}
	return &Redis{
		client:  client,
		prefix:  opts.Prefix,
		idleTTL: max(1, opts.IdleTTL.Milliseconds()),
	}
}

// Load reads the conversation and whether updateID was handled, in one
// round trip: HMGET and EXISTS, pipelined. They need not be atomic
// together: Commit checks both again.
func (r *Redis) Load(ctx context.Context, conv, updateID string) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return Snapshot{}, fmt.Errorf("load %s: %w", conv, err)
	}
	if err := checkConv("load", conv); err != nil {
		return Snapshot{}, err
	}
	pipe := r.client.Pipeline()
	fields := pipe.HMGet(ctx, r.convKey(conv), "v", "d")
	var seen *redis.IntCmd
	if updateID != "" {
		seen = pipe.Exists(ctx, r.updateKey(conv, updateID))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return Snapshot{}, redisFailure("load", conv, err)
	}
	snap, err := parseRecord(fields.Val())
	if err != nil {
		return Snapshot{}, fmt.Errorf("load %s: %w", conv, err)
	}
	snap.Seen = seen != nil && seen.Val() > 0
	return snap, nil
}

// parseRecord turns the reply of HMGET v d into a Snapshot.
func parseRecord(vals []any) (Snapshot, error) {
	if len(vals) != 2 || (vals[0] == nil && vals[1] == nil) {
		return Snapshot{}, nil
	}
	v, vok := vals[0].(string)
	d, dok := vals[1].(string)
	if !vok || !dok {
		return Snapshot{}, fmt.Errorf("store: malformed record: v=%v, d present=%t", vals[0], dok)
	}
	version, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return Snapshot{}, fmt.Errorf("store: malformed record version: %w", err)
	}
	// A fresh slice even for "": a saved empty conversation is not nil.
	data := make([]byte, len(d))
	copy(data, d)
	return Snapshot{Data: data, Version: version}, nil
}

// Commit saves data if conv is still at version and remembers updateID, in
// one round trip (commit.lua); see Conversations.Commit.
//
// When the answer is lost (a timeout or a dropped connection), go-redis
// sends the script again; the token passed to it lets the second run
// recognise the first one's write and answer ok. An error that matches
// ErrUnavailable therefore means the outcome is unknown: a later Commit of
// the same update id reports ErrDuplicate if the first one landed.
func (r *Redis) Commit(ctx context.Context, conv, updateID string, version int64, data []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit %s: %w", conv, err)
	}
	if err := checkConv("commit", conv); err != nil {
		return err
	}
	keys := []string{r.convKey(conv)}
	if updateID != "" {
		keys = append(keys, r.updateKey(conv, updateID))
	}
	args := []any{version, r.idleTTL, DedupTTL.Milliseconds(), rand.Uint64()}
	if data != nil {
		args = append(args, data)
	}
	res, err := commitScript.Run(ctx, r.client, keys, args...).Text()
	if err != nil {
		return redisFailure("commit", conv, err)
	}
	switch res {
	case commitOK:
		return nil
	case commitDuplicate:
		return ErrDuplicate
	case commitConflict:
		return ErrConflict
	default:
		return fmt.Errorf("commit %s: store: unexpected script result %q", conv, res)
	}
}

// Delete erases the conversation record; remembered update ids stay.
func (r *Redis) Delete(ctx context.Context, conv string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete %s: %w", conv, err)
	}
	if err := checkConv("delete", conv); err != nil {
		return err
	}
	if err := r.client.Del(ctx, r.convKey(conv)).Err(); err != nil {
		return redisFailure("delete", conv, err)
	}
	return nil
}

// convKey names the conversation record: "mc:{tg:1}:conv".
func (r *Redis) convKey(conv string) string {
	return r.prefix + ":{" + conv + "}:conv"
}

// updateKey names a remembered update: "mc:{tg:1}:u:42". It shares the hash
// tag of convKey, so commit.lua may touch both in a cluster.
func (r *Redis) updateKey(conv, updateID string) string {
	return r.prefix + ":{" + conv + "}:u:" + updateID
}
