package store

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

//go:embed commit.lua
var commitSource string

//go:embed claim.lua
var claimSource string

// The scripts run as EVALSHA, falling back to EVAL (which also caches
// them on the server) when Redis does not know them yet, e.g. after a
// restart.
var (
	commitScript = redis.NewScript(commitSource)
	claimScript  = redis.NewScript(claimSource)
)

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
	hold    int64 // milliseconds
	recent  *recent
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
		hold:    max(1, opts.ReplyHold.Milliseconds()),
		recent:  newRecent(recentMax, min(opts.IdleTTL, recentAge), time.Now),
	}
}

// What Redis remembers of its own commits (recent.go): up to recentMax
// conversations (a few hundred bytes each), each for recentAge, enough
// for a citizen's next answer and short enough that a chat served by
// another replica meanwhile is rarely tried stale (which costs nothing
// more than a Load would: the refused commit carries the record).
const (
	recentMax = 10_000
	recentAge = 10 * time.Minute
)

// recentSnapshot returns what this store last committed for conv, for
// UpdateSnapshot to start from; see remembering.
func (r *Redis) recentSnapshot(conv string) (Snapshot, bool) {
	return r.recent.get(conv)
}

// Load reads the conversation and whether updateID was handled, in one
// round trip: GET and EXISTS, pipelined. They need not be atomic
// together: Commit checks both again.
func (r *Redis) Load(ctx context.Context, conv, updateID string) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return Snapshot{}, fmt.Errorf("load %s: %w", conv, err)
	}
	if err := checkConv("load", conv); err != nil {
		return Snapshot{}, err
	}
	pipe := r.client.Pipeline()
	rec := pipe.Get(ctx, r.convKey(conv))
	blocked := pipe.Exists(ctx, r.blockedKey(conv))
	var seen *redis.StringCmd
	if updateID != "" {
		seen = pipe.Get(ctx, r.updateKey(conv, updateID))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return Snapshot{}, redisFailure("load", conv, err)
	}
	snap, err := parseRecord(rec)
	if err != nil {
		return Snapshot{}, fmt.Errorf("load %s: %w", conv, err)
	}
	if seen != nil && seen.Err() == nil {
		snap.Seen = true
		snap.Reply = pendingReply(seen.Val())
	}
	snap.Blocked = blocked.Val() > 0
	return snap, nil
}

// pendingReply reads the reply still to deliver from an update key's
// value, "<token>" or "<token> <held until> <reply>" (see commit.lua); nil
// when nothing is left.
func pendingReply(v string) []byte {
	_, rest, ok := strings.Cut(v, " ")
	if !ok {
		return nil
	}
	_, reply, _ := strings.Cut(rest, " ")
	return []byte(reply)
}

// parseRecord reads a record "<version> <token> <data>" into a Snapshot.
func parseRecord(cmd *redis.StringCmd) (Snapshot, error) {
	rec, err := cmd.Bytes()
	if errors.Is(err, redis.Nil) {
		return Snapshot{}, nil
	}
	if err != nil {
		return Snapshot{}, err
	}
	return parseRecordBytes(rec)
}

// parseRecordBytes reads the bytes of a record, as parseRecord; rec is not
// kept.
func parseRecordBytes(rec []byte) (Snapshot, error) {
	v, rest, ok1 := bytes.Cut(rec, []byte{' '})
	_, data, ok2 := bytes.Cut(rest, []byte{' '})
	if !ok1 || !ok2 {
		return Snapshot{}, fmt.Errorf("store: malformed record of %d bytes", len(rec))
	}
	version, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return Snapshot{}, fmt.Errorf("store: malformed record version: %w", err)
	}
	// A slice of its own even for "": a saved empty conversation is not nil.
	return Snapshot{Data: append([]byte{}, data...), Version: version}, nil
}

// Commit saves data if conv is still at version and remembers updateID, in
// one round trip (commit.lua); see Conversations.Commit.
//
// When the answer is lost (a timeout or a dropped connection), go-redis
// sends the script again; the token passed to it lets the second run
// recognise the first one's write and answer ok. An error that matches
// ErrUnavailable therefore means the outcome is unknown: a later Commit of
// the same update id reports ErrDuplicate if the first one landed.
func (r *Redis) Commit(ctx context.Context, conv, updateID string, version int64, c Change) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit %s: %w", conv, err)
	}
	if err := checkConv("commit", conv); err != nil {
		return err
	}
	keys := []string{r.convKey(conv), r.blockedKey(conv)}
	if updateID != "" {
		keys = append(keys, r.updateKey(conv, updateID))
	}
	fromRecent := "0"
	if c.recent {
		fromRecent = "1"
	}
	args := []any{version, r.idleTTL, DedupTTL.Milliseconds(), rand.Uint64(), r.hold, c.Reply, fromRecent}
	if c.Data != nil {
		args = append(args, c.Data)
	}
	res, err := commitScript.Run(ctx, r.client, keys, args...).Result()
	if err != nil {
		r.recent.forget(conv)
		return redisFailure("commit", conv, err)
	}
	if res == commitOK {
		if c.Data == nil {
			r.recent.forget(conv)
		} else {
			r.recent.put(conv, version+1, c.Data)
		}
		return nil
	}
	r.recent.forget(conv)
	return refused(conv, res)
}

// refused reads commit.lua's answer when it wrote nothing: {'dup', <update
// key's value>} or {'conflict', <record or nil>, <blocked 0/1>}, as a
// *StaleError.
func refused(conv string, res any) error {
	a, _ := res.([]any)
	if len(a) >= 2 && a[0] == commitDuplicate {
		if v, ok := a[1].(string); ok {
			return &StaleError{Err: ErrDuplicate, Now: Snapshot{Seen: true, Reply: pendingReply(v)}}
		}
	}
	if len(a) == 3 && a[0] == commitConflict {
		var now Snapshot
		if rec, ok := a[1].(string); ok {
			var err error
			if now, err = parseRecordBytes([]byte(rec)); err != nil {
				return fmt.Errorf("commit %s: %w", conv, err)
			}
		}
		blocked, _ := a[2].(int64)
		now.Blocked = blocked == 1
		return &StaleError{Err: ErrConflict, Now: now}
	}
	return fmt.Errorf("commit %s: store: unexpected script result %v", conv, res)
}

// SetReply replaces the reply kept for updateID; see
// Conversations.SetReply. One SET, only if the update is remembered
// (setReply).
func (r *Redis) SetReply(ctx context.Context, conv, updateID string, reply []byte) error {
	if err := checkConv("set reply", conv); err != nil {
		return err
	}
	if updateID == "" {
		return nil
	}
	err := r.setReply(ctx, r.client, conv, updateID, reply).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return redisFailure("set reply", conv, err)
	}
	return nil
}

// Delivered records that the replies of ds all got through, in one round
// trip: SetReply(nil) for many updates at once (setReply's SET each,
// pipelined). An update not remembered is left alone.
func (r *Redis) Delivered(ctx context.Context, ds []Delivery) error {
	pipe := r.client.Pipeline()
	for _, d := range ds {
		if err := checkConv("delivered", d.Conv); err != nil {
			return err
		}
		if d.UpdateID == "" {
			continue
		}
		r.setReply(ctx, pipe, d.Conv, d.UpdateID, nil)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return redisFailure("delivered", fmt.Sprintf("(%d updates)", len(ds)), err)
	}
	return nil
}

// setReply writes updateID's key for SetReply and Delivered, on c (the
// client or a pipeline): "d 0 <reply>", the reply held by no delivery,
// or "d" when nothing is left to deliver; only if the update is
// remembered (XX), keeping its time to live. The token is no longer
// needed once the commit returned, so "d" stands for it.
func (r *Redis) setReply(ctx context.Context, c redis.Cmdable, conv, updateID string, reply []byte) *redis.StatusCmd {
	value := "d"
	if len(reply) > 0 {
		value = "d 0 " + string(reply)
	}
	return c.SetArgs(ctx, r.updateKey(conv, updateID), value, redis.SetArgs{Mode: "XX", KeepTTL: true})
}

// ClaimReply takes the undelivered reply of updateID (claim.lua); see
// Conversations.ClaimReply.
func (r *Redis) ClaimReply(ctx context.Context, conv, updateID string) ([]byte, error) {
	if err := checkConv("claim reply", conv); err != nil {
		return nil, err
	}
	if updateID == "" {
		return nil, nil
	}
	res, err := claimScript.Run(ctx, r.client, []string{r.updateKey(conv, updateID)}, r.hold).Slice()
	if err != nil {
		return nil, redisFailure("claim reply", conv, err)
	}
	switch status, _ := res[0].(string); status {
	case "none":
		return nil, nil
	case "held":
		return nil, fmt.Errorf("claim reply of %s: %w", conv, ErrReplyHeld)
	case "ok":
		if len(res) == 2 {
			if reply, ok := res[1].(string); ok {
				return []byte(reply), nil
			}
		}
	}
	return nil, fmt.Errorf("claim reply of %s: store: unexpected script result %v", conv, res)
}

// Delete erases the conversation record; remembered update ids stay.
func (r *Redis) Delete(ctx context.Context, conv string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete %s: %w", conv, err)
	}
	if err := checkConv("delete", conv); err != nil {
		return err
	}
	r.recent.forget(conv)
	if err := r.client.Del(ctx, r.convKey(conv)).Err(); err != nil {
		return redisFailure("delete", conv, err)
	}
	return nil
}

// Block marks the chat as having blocked the bot; see Blocklist.
func (r *Redis) Block(ctx context.Context, conv string) error {
	if err := checkConv("block", conv); err != nil {
		return err
	}
	if err := r.client.Set(ctx, r.blockedKey(conv), "1", 0).Err(); err != nil {
		return redisFailure("block", conv, err)
	}
	return nil
}

// Blocked reports whether the chat blocked the bot and has not written since.
func (r *Redis) Blocked(ctx context.Context, conv string) (bool, error) {
	if err := checkConv("blocked", conv); err != nil {
		return false, err
	}
	n, err := r.client.Exists(ctx, r.blockedKey(conv)).Result()
	if err != nil {
		return false, redisFailure("blocked", conv, err)
	}
	return n > 0, nil
}

// blockedKey names the mark of a chat that blocked the bot:
// "mc:{tg:1}:blocked". It lives until the chat writes again.
func (r *Redis) blockedKey(conv string) string {
	return r.prefix + ":{" + conv + "}:blocked"
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
