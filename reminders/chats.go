package reminders

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// bucketsPerTrip is how many buckets Redis's Chats reads in one round
// trip: 16 trips for the 4096 buckets, a few thousand names each at most.
const bucketsPerTrip = 256

// Chats calls each with every chat that has at least one reminder, once,
// and stops at each's first error; see Store.
func (c core) Chats(ctx context.Context, each func(chat string) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("reminders: chats: %w", err)
	}
	if err := c.b.walkChats(ctx, each); err != nil {
		return fmt.Errorf("reminders: chats: %w", err)
	}
	return nil
}

// walkChats walks the buckets, HKEYS of bucketsPerTrip of them pipelined in
// one round trip. A chat's reminders are all in its bucket, so a chat is
// met in one bucket only: deduplicating within the bucket gives each
// chat once, and memory holds one trip's names, not every chat.
func (b *redisBackend) walkChats(ctx context.Context, each func(chat string) error) error {
	for first := 0; first < buckets; first += bucketsPerTrip {
		pipe := b.client.Pipeline()
		cmds := make([]*redis.StringSliceCmd, 0, bucketsPerTrip)
		for n := first; n < first+bucketsPerTrip; n++ {
			cmds = append(cmds, pipe.HKeys(ctx, b.bucket+strconv.Itoa(n)))
		}
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return failure(err)
		}
		for _, cmd := range cmds {
			if err := eachChat(cmd.Val(), each); err != nil {
				return err
			}
		}
	}
	return nil
}

// eachChat calls each with the distinct chats of the names of one
// bucket, in order.
func eachChat(names []string, each func(chat string) error) error {
	chats := make([]string, 0, len(names))
	for _, name := range names {
		if chat, _, ok := splitMember(name); ok {
			chats = append(chats, chat)
		}
	}
	slices.Sort(chats)
	for _, chat := range slices.Compact(chats) {
		if err := each(chat); err != nil {
			return err
		}
	}
	return nil
}

// walkChats calls each with the chats that have a record, in order, outside
// the lock: each may use the store.
func (m *memBackend) walkChats(_ context.Context, each func(chat string) error) error {
	m.mu.Lock()
	chats := make([]string, 0, len(m.chats))
	for chat, recs := range m.chats {
		if len(recs) > 0 {
			chats = append(chats, chat)
		}
	}
	m.mu.Unlock()
	slices.Sort(chats)
	for _, chat := range chats {
		if err := each(chat); err != nil {
			return err
		}
	}
	return nil
}
