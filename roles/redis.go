package roles

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/store"
)

// joinScript runs as EVALSHA, falling back to EVAL (which also caches it
// on the server) when Redis does not know it yet, e.g. after a restart.
var (
	//go:embed join.lua
	joinSource string
	joinScript = redis.NewScript(joinSource)
)

// ranked lists the roles lowest first, as join.lua reads them:
// "tinhnguyenvien canbo".
var ranked = func() string {
	names := make([]string, len(ordered))
	for i, r := range ordered {
		names[i] = string(r)
	}
	return strings.Join(names, " ")
}()

// Redis keeps roles and invite codes in Redis (one node, Sentinel or
// Cluster); see the package doc for the keys. It is safe for concurrent
// use; several replicas may share one Redis.
type Redis struct {
	client redis.UniversalClient
	users  string // the key of the users' hash
	code   string // the start of a code's key
	tries  string // the start of a user's tries' key
	ttl    time.Duration
	// most and window bound a user's tries of codes.
	most   int
	window time.Duration
}

var _ Store = (*Redis)(nil)

// NewRedis returns a store on client. It panics if opts.Prefix contains a
// brace, which would move the hash tag.
func NewRedis(client redis.UniversalClient, opts Options) *Redis {
	opts = opts.withDefaults()
	p := store.TaggedPrefix(opts.Prefix, "roles")
	return &Redis{
		client: client, users: p + "users", code: p + "code:", tries: p + "tries:", ttl: opts.InviteTTL,
		most: opts.JoinTries, window: opts.JoinWindow,
	}
}

// Role returns the user's role; see Store.
func (r *Redis) Role(ctx context.Context, user string) (Role, bool, error) {
	if err := begin(ctx, "role", user); err != nil {
		return "", false, err
	}
	v, err := r.client.HGet(ctx, r.users, user).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, redisFailure("role "+user, err)
	}
	role := Role(v)
	if !role.Valid() {
		return "", false, fmt.Errorf("roles: role %s: stored role %q is unknown", user, v)
	}
	return role, true, nil
}

// Grant gives the user role ro; see Store.
func (r *Redis) Grant(ctx context.Context, user string, ro Role) error {
	if err := begin(ctx, "grant", user); err != nil {
		return err
	}
	if err := checkRole(ro); err != nil {
		return fmt.Errorf("roles: grant %s: %w", user, err)
	}
	if err := r.client.HSet(ctx, r.users, user, string(ro)).Err(); err != nil {
		return redisFailure("grant "+user, err)
	}
	return nil
}

// Revoke takes the user's role away; see Store.
func (r *Redis) Revoke(ctx context.Context, user string) error {
	if err := begin(ctx, "revoke", user); err != nil {
		return err
	}
	if err := r.client.HDel(ctx, r.users, user).Err(); err != nil {
		return redisFailure("revoke "+user, err)
	}
	return nil
}

// Invite returns a new one-time code for ro; see Store. The code's key
// holds its role and its expiry by now, which Join compares with the
// time it is given; Redis deletes the key InviteTTL later by its own
// clock.
func (r *Redis) Invite(ctx context.Context, ro Role, now time.Time) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("roles: invite: %w", err)
	}
	if err := checkRole(ro); err != nil {
		return "", fmt.Errorf("roles: invite: %w", err)
	}
	val := string(ro) + " " + strconv.FormatInt(now.Add(r.ttl).UnixMilli(), 10)
	for range maxInviteAttempts {
		code := newCode()
		// A SET sent again after a lost reply finds its own key and says
		// no: the next code is drawn, and the first expires unused.
		ok, err := r.client.SetNX(ctx, r.code+code, val, r.ttl).Result()
		if err != nil {
			return "", redisFailure("invite", err)
		}
		if ok {
			return code, nil
		}
	}
	return "", errors.New("roles: invite: every code drawn was in use")
}

// Join uses code for user at now, in one round trip (join.lua); see
// Store. The code's key keeps who used it, so that when go-redis sends
// the script again after losing its reply, the second run reports the
// user's role instead of ErrInvalidCode.
func (r *Redis) Join(ctx context.Context, code, user string, now time.Time) (Role, error) {
	if err := begin(ctx, "join", user); err != nil {
		return "", err
	}
	code, ok := normalizeCode(code)
	if !ok {
		return "", ErrInvalidCode
	}
	res, err := joinScript.Run(ctx, r.client, []string{r.code + code, r.users, r.tries + user},
		user, now.UnixMilli(), ranked, r.most, r.window.Milliseconds()).Text()
	if err != nil {
		return "", redisFailure("join "+user, err)
	}
	switch res {
	case "invalid":
		return "", ErrInvalidCode
	case "limited":
		return "", ErrTooManyTries
	}
	v, ok := strings.CutPrefix(res, "ok ")
	if role := Role(v); ok && role.Valid() {
		return role, nil
	}
	return "", fmt.Errorf("roles: join %s: unexpected script result %q", user, res)
}

// List returns every user with a role: one HGETALL.
func (r *Redis) List(ctx context.Context) (map[string]Role, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("roles: list: %w", err)
	}
	all, err := r.client.HGetAll(ctx, r.users).Result()
	if err != nil {
		return nil, redisFailure("list", err)
	}
	out := make(map[string]Role, len(all))
	for user, v := range all {
		role := Role(v)
		if !role.Valid() {
			return nil, fmt.Errorf("roles: list: stored role %q of %s is unknown", v, user)
		}
		out[user] = role
	}
	return out, nil
}

// redisFailure wraps err, from op, with context; a failure to get an
// answer from Redis also matches store.ErrUnavailable.
func redisFailure(op string, err error) error {
	return fmt.Errorf("roles: %s: %w", op, store.Unavailable(err))
}
