package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// redisFailure wraps err, from an op on conv, with context. A failure to get
// an answer from Redis (refused, reset, timed out, pool exhausted, or a
// server that is loading, read-only or out of its cluster) also matches
// ErrUnavailable; the original error stays in the chain for errors.As and
// for staff to read. A caller's cancellation and a genuine error reply
// (WRONGTYPE, a script bug) do not match ErrUnavailable: trying again would
// not help.
func redisFailure(op, conv string, err error) error {
	return fmt.Errorf("%s %s: %w", op, conv, Unavailable(err))
}

// Unavailable returns err, from go-redis, so that it also matches
// ErrUnavailable when IsUnavailable says so; other errors come back as
// they are. Every package that talks to Redis wraps its errors with it.
func Unavailable(err error) error {
	if IsUnavailable(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// IsUnavailable reports whether an error of go-redis means Redis could not
// be reached or could not serve for now (refused, reset, timed out, pool
// exhausted, loading, read-only, out of its cluster, busy) or refuses
// writes until an operator acts (out of memory under maxmemory with
// noeviction, unable to persist, too few replicas): worth trying again
// later, never a bug of the caller's. A caller's cancellation and a
// genuine error reply are not. Every package that talks to Redis sorts
// its errors with it.
func IsUnavailable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var reply redis.Error
	if !errors.As(err, &reply) {
		return true // network, timeout, pool or closed client
	}
	return redis.IsLoadingError(err) ||
		redis.IsReadOnlyError(err) ||
		redis.IsMasterDownError(err) ||
		redis.IsClusterDownError(err) ||
		redis.IsTryAgainError(err) ||
		redis.IsNoReplicasError(err) ||
		redis.IsMaxClientsError(err) ||
		redis.HasErrorPrefix(err, "BUSY") ||
		redis.HasErrorPrefix(err, "OOM") ||
		redis.HasErrorPrefix(err, "MISCONF")
}
