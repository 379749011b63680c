package notices

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// What a worker asks of the store while it runs a job. Each is one round
// trip, most one script under the hash tag.

// start marks the notice id as sending (from queued, or again after a
// takeover or quiet hours) and returns it; a canceled or finished one is
// returned as it is.
func (s *Store) start(ctx context.Context, id string, now time.Time) (Notice, error) {
	v, err := startScript.Run(ctx, s.client, []string{s.record(id)}, now.UnixMilli()).StringSlice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return Notice{}, s.failure("start "+id, err)
	}
	h := make(map[string]string, len(v)/2)
	for i := 0; i+1 < len(v); i += 2 {
		h[v[i]] = v[i+1]
	}
	n, err := decode(id, h)
	if err != nil {
		return Notice{}, fmt.Errorf("notices: start %s: %w", id, err)
	}
	return n, nil
}

// done reports which of chats have an outcome recorded for notice id.
func (s *Store) done(ctx context.Context, id string, chats []string) ([]bool, error) {
	members := make([]any, len(chats))
	for i, c := range chats {
		members[i] = c
	}
	got, err := s.client.SMIsMember(ctx, s.doneSet(id), members...).Result()
	if err != nil {
		return nil, s.failure("read the recipients done", err)
	}
	return got, nil
}

// recordOutcome records how chat ended for notice id, at now (the day of
// the figures). It reports whether the outcome was new, and the notice's
// status.
func (s *Store) recordOutcome(ctx context.Context, id, chat, outcome string, now time.Time) (bool, Status, error) {
	keys := []string{s.record(id), s.doneSet(id), s.day(now)}
	v, err := recordScript.Run(ctx, s.client, keys, chat, outcome, s.retentionSeconds()).Slice()
	if err != nil {
		return false, "", s.failure("record "+outcome, err)
	}
	added, _ := v[0].(int64)
	status, _ := v[1].(string)
	return added == 1, Status(status), nil
}

// setProgress keeps the ref of the progress message.
func (s *Store) setProgress(ctx context.Context, id, ref string) error {
	// HSET only on a record that exists: a late report must not make a
	// record of an expired notice.
	if err := progressScript.Run(ctx, s.client, []string{s.record(id)}, ref).Err(); err != nil {
		return s.failure("keep the progress ref", err)
	}
	return nil
}

// progressScript sets the ref of a record that exists.
var progressScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'progress', ARGV[1]) end
return 1`)

// finish ends the job of notice id and acknowledges its entry; see
// finish.lua. It returns the status the notice ended with.
func (s *Store) finish(ctx context.Context, id string, status Status, now time.Time, entry, group string) (Status, error) {
	keys := []string{s.record(id), s.doneSet(id), s.stream(), s.day(now)}
	st, err := finishScript.Run(ctx, s.client, keys, string(status), now.UnixMilli(), entry, group, s.retentionSeconds()).Text()
	if err != nil {
		return "", s.failure("finish "+id, err)
	}
	return Status(st), nil
}

// pause holds notice id until until and acknowledges its entry; see
// pause.lua. It returns the notice's status: Canceled when it was
// canceled meanwhile, and nothing changed.
func (s *Store) pause(ctx context.Context, id string, until time.Time, entry, group string) (Status, error) {
	keys := []string{s.record(id), s.scheduled(), s.stream()}
	st, err := pauseScript.Run(ctx, s.client, keys, id, until.UnixMilli(), entry, group).Text()
	if err != nil {
		return "", s.failure("pause "+id, err)
	}
	return Status(st), nil
}

// refresh renews consumer's hold on entry; false when it is no longer
// consumer's.
func (s *Store) refresh(ctx context.Context, group, consumer, entry string) (bool, error) {
	n, err := refreshScript.Run(ctx, s.client, []string{s.stream()}, group, consumer, entry).Int()
	if err != nil {
		return false, s.failure("renew "+entry, err)
	}
	return n == 1, nil
}
