package reminders_test

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/reminders/reminderstest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/redistest"
)

func TestRedis(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client(t)
	var n atomic.Int64
	reminderstest.Run(t, reminderstest.Harness{
		// A prefix of its own per store: a claim sees every reminder
		// under its prefix.
		New: func(t *testing.T, s reminders.Schedule) reminders.Store {
			prefix := "t" + strconv.FormatInt(n.Add(1), 10)
			return reminders.NewRedis(client, s, reminders.Options{Prefix: prefix})
		},
	})
}

// fnv32 is FNV-1a, the hash that chooses a chat's bucket.
func fnv32(chat string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(chat))
	return h.Sum32()
}

// TestRedisKeys checks the key layout the package doc describes.
func TestRedisKeys(t *testing.T) {
	ctx := context.Background()
	client := redistest.Start(t).Client(t)
	sched := reminders.DefaultSchedule()
	s := reminders.NewRedis(client, sched, reminders.Options{})
	r := reminders.Reminder{Chat: "tg:5012345678", ID: "1", Label: "Bé An", Expiry: date(2026, 7, 15)}
	if err := s.Save(ctx, r); err != nil {
		t.Fatalf("Save: %v", err)
	}
	bucket := fmt.Sprintf("mc:{rem}:r:%d", fnv32(r.Chat)%4096)
	if got, err := client.HGet(ctx, bucket, "tg:5012345678|1").Result(); err != nil || got != "20260715 0 0 0 Bé An" {
		t.Errorf("HGET %s = %q, %v; want the record %q", bucket, got, err, "20260715 0 0 0 Bé An")
	}
	if enc := client.ObjectEncoding(ctx, bucket).Val(); enc != "listpack" {
		t.Errorf("the bucket is a %s, want a listpack", enc)
	}
	first, _ := sched.Next(r)
	// due is the only due entry: the name and the record, at its score.
	due := func() (string, int64) {
		zs := client.ZRangeWithScores(ctx, "mc:{rem}:due", 0, -1).Val()
		if len(zs) != 1 {
			t.Fatalf("due set %v, want one entry", zs)
		}
		return zs[0].Member.(string), int64(zs[0].Score)
	}
	if entry, score := due(); entry != "tg:5012345678|1 20260715 0 0 0 Bé An" || score != first.UnixMilli() {
		t.Errorf("due entry %q at %d; want the name and the record at %d, the first stage in Unix ms", entry, score, first.UnixMilli())
	}
	if keys := client.Keys(ctx, "*").Val(); len(keys) != 2 {
		t.Errorf("keys %v, want the due set and one bucket", keys)
	}

	// A claim leases the name in the leased set, and leaves its due entry.
	cs, err := s.Claim(ctx, first, time.Minute, 10)
	if err != nil || len(cs) != 1 {
		t.Fatalf("Claim = %v, %v", cs, err)
	}
	if score, err := client.ZScore(ctx, "mc:{rem}:leased", "tg:5012345678|1").Result(); err != nil || int64(score) != first.Add(time.Minute).UnixMilli() {
		t.Errorf("ZSCORE mc:{rem}:leased = %v, %v; want the lease's end", score, err)
	}
	if entry, score := due(); entry != "tg:5012345678|1 20260715 0 0 0 Bé An" || score != first.UnixMilli() {
		t.Errorf("after the claim, due entry %q at %d; want it as before", entry, score)
	}
	// Done ends the lease, and the due entry, with the record, moves to
	// the next stage.
	if err := s.Done(ctx, cs[0], cs[0].Stage); err != nil {
		t.Fatal(err)
	}
	if n := client.Exists(ctx, "mc:{rem}:leased").Val(); n != 0 {
		t.Errorf("after Done the leased set is still there")
	}
	if entry, score := due(); entry != "tg:5012345678|1 20260715 1 0 0 Bé An" || score <= first.UnixMilli() {
		t.Errorf("after Done, due entry %q at %d; want the record with one stage sent, at the next stage", entry, score)
	}

	if err := s.DeleteChat(ctx, r.Chat); err != nil {
		t.Fatalf("DeleteChat: %v", err)
	}
	if keys := client.Keys(ctx, "*").Val(); len(keys) != 0 {
		t.Errorf("keys %v after DeleteChat, want none", keys)
	}
}

// TestRedisClaimOfTheVersionBefore: the version before kept the record
// in its bucket only (a due entry was the bare name) and a claim as the
// due entry moved to the lease's end, with no leased set. Such a claim,
// left by a replica stopped for the upgrade, comes back when its lease
// ends, once, its record read from the bucket; its Done writes the due
// entry anew.
func TestRedisClaimOfTheVersionBefore(t *testing.T) {
	ctx := context.Background()
	client := redistest.Start(t).Client(t)
	sched := reminders.DefaultSchedule()
	s := reminders.NewRedis(client, sched, reminders.Options{})
	// As that version wrote it: the record in its bucket, the bare name
	// in the due set, at the lease's end.
	bucket := fmt.Sprintf("mc:{rem}:r:%d", fnv32("tg:2")%4096)
	client.HSet(ctx, bucket, "tg:2|1", "20260715 0 0 0 Bố")
	due := at(2026, 6, 15)
	leaseEnd := due.Add(5 * time.Minute)
	client.ZAdd(ctx, "mc:{rem}:due", redis.Z{Score: float64(leaseEnd.UnixMilli()), Member: "tg:2|1"})
	if cs, err := s.Claim(ctx, leaseEnd.Add(-time.Millisecond), time.Minute, 10); err != nil || len(cs) != 0 {
		t.Errorf("Claim within the old claim's lease = %v, %v; want nothing", cs, err)
	}
	cs, err := s.Claim(ctx, leaseEnd, time.Minute, 10)
	if err != nil || len(cs) != 1 || cs[0].Stage != 0 {
		t.Fatalf("Claim as the old claim's lease ends = %v, %v; want the 30-day stage", cs, err)
	}
	if cs, err := s.Claim(ctx, leaseEnd, time.Minute, 10); err != nil || len(cs) != 0 {
		t.Errorf("a second Claim = %v, %v; want nothing", cs, err)
	}
	// Done writes the due entry as this version does: name and record.
	if err := s.Done(ctx, cs[0], cs[0].Stage); err != nil {
		t.Fatal(err)
	}
	zs := client.ZRange(ctx, "mc:{rem}:due", 0, -1).Val()
	if len(zs) != 1 || zs[0] != "tg:2|1 20260715 1 0 0 Bố" {
		t.Errorf("due set after Done %q, want the name and its record", zs)
	}
}

// TestRedisUnavailable checks that a Redis that does not answer gives
// errors matching store.ErrUnavailable, quickly, and that a restart ends
// them.
func TestRedisUnavailable(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	client := redis.NewClient(&redis.Options{
		Addr:          srv.Addr(),
		DialTimeout:   200 * time.Millisecond,
		ReadTimeout:   200 * time.Millisecond,
		WriteTimeout:  200 * time.Millisecond,
		MaxRetries:    -1,
		DialerRetries: 1,
	})
	t.Cleanup(func() { _ = client.Close() })
	s := reminders.NewRedis(client, reminders.DefaultSchedule(), reminders.Options{})
	r := reminders.Reminder{Chat: "tg:1", ID: "1", Label: "Tôi", Expiry: date(2026, 7, 15)}
	if err := s.Save(ctx, r); err != nil {
		t.Fatalf("Save: %v", err)
	}
	cs, err := s.Claim(ctx, at(2026, 6, 15), time.Minute, 10)
	if err != nil || len(cs) != 1 {
		t.Fatalf("Claim = %v, %v; want the reminder", cs, err)
	}

	srv.Stop(t)
	ops := map[string]func() error{
		"Save":       func() error { return s.Save(ctx, r) },
		"List":       func() error { _, err := s.List(ctx, "tg:1"); return err },
		"Delete":     func() error { return s.Delete(ctx, "tg:1", "1") },
		"DeleteChat": func() error { return s.DeleteChat(ctx, "tg:1") },
		"Claim":      func() error { _, err := s.Claim(ctx, at(2026, 7, 8), time.Minute, 10); return err },
		"Done":       func() error { return s.Done(ctx, cs[0], 0) },
		"Snooze":     func() error { return s.Snooze(ctx, "tg:1", "1", at(2026, 6, 18)) },
		"SetPaused":  func() error { return s.SetPaused(ctx, "tg:1", true) },
	}
	for name, op := range ops {
		start := time.Now()
		err := op()
		if !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s with Redis down = %v, want store.ErrUnavailable", name, err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s with Redis down took %v", name, took)
		}
	}

	srv.Restart(t) // empty, and without the scripts
	if err := s.Save(ctx, r); err != nil {
		t.Errorf("Save after the restart: %v", err)
	}
	if cs, err := s.Claim(ctx, at(2026, 6, 15), time.Minute, 10); err != nil || len(cs) != 1 {
		t.Errorf("Claim after the restart = %v, %v; want the reminder", cs, err)
	}
}

// resendHook runs every script twice, as go-redis does when the reply to
// the first run is lost to a timeout or a dropped connection.
type resendHook struct{}

func (resendHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (resendHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if name := cmd.Name(); name == "evalsha" || name == "eval" {
			if err := next(ctx, cmd); err != nil {
				return err
			}
		}
		return next(ctx, cmd)
	}
}

func (resendHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestRedisScriptsResent checks that a script run twice does what it did
// once, except a claim: its first answer is lost, and what it claimed
// falls due again when the lease ends.
func TestRedisScriptsResent(t *testing.T) {
	ctx := context.Background()
	client := redistest.Start(t).Client(t)
	client.AddHook(resendHook{})
	sched := reminders.DefaultSchedule()
	s := reminders.NewRedis(client, sched, reminders.Options{})
	r := sched.Begin(reminders.Reminder{Chat: "tg:1", ID: "1", Label: "Tôi", Expiry: date(2026, 7, 15)}, at(2026, 6, 1))
	if err := s.Save(ctx, r); err != nil {
		t.Fatalf("Save: %v", err)
	}
	now := at(2026, 6, 15)
	if cs, err := s.Claim(ctx, now, time.Minute, 10); err != nil || len(cs) != 0 {
		t.Fatalf("Claim whose answer was lost = %v, %v; want nothing", cs, err)
	}
	cs, err := s.Claim(ctx, now.Add(time.Minute), time.Minute, 10)
	if err != nil || len(cs) != 0 {
		t.Fatalf("Claim after the lost claim's lease = %v, %v; want nothing (its answer was lost too)", cs, err)
	}
	// Without the hook, the reminder comes after the lease of the second.
	plainClient := redis.NewClient(client.Options())
	t.Cleanup(func() { _ = plainClient.Close() })
	plain := reminders.NewRedis(plainClient, sched, reminders.Options{})
	cs, err = plain.Claim(ctx, now.Add(2*time.Minute), time.Minute, 10)
	if err != nil || len(cs) != 1 || cs[0].Stage != 0 {
		t.Fatalf("Claim after the lease = %v, %v; want stage 0", cs, err)
	}
	if err := s.Done(ctx, cs[0], 0); err != nil {
		t.Fatalf("Done run twice: %v", err)
	}
	if err := s.Snooze(ctx, "tg:1", "1", at(2026, 6, 18)); err != nil {
		t.Fatalf("Snooze run twice: %v", err)
	}
	if err := s.SetPaused(ctx, "tg:1", true); err != nil {
		t.Fatalf("SetPaused run twice: %v", err)
	}
	got, err := s.List(ctx, "tg:1")
	if err != nil || len(got) != 1 {
		t.Fatalf("List = %v, %v", got, err)
	}
	// Snoozed once: the 30-day stage comes again, not the one before it.
	if g := got[0]; g.Sent != 0 || !g.SnoozedUntil.Equal(at(2026, 6, 18)) || !g.Paused {
		t.Errorf("after Done, Snooze and SetPaused run twice: %+v, want Sent 0, snoozed to 18/06, paused", g)
	}
}

// TestRedisReplicasOneKilled is the proof at the store's level:
// three replicas on one Redis, 10,000 reminders due in the same minute,
// one replica killed after its claim: every reminder is sent exactly
// once, those of the dead replica after its lease.
func TestRedisReplicasOneKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 reminders")
	}
	ctx := context.Background()
	srv := redistest.Start(t)
	sched := reminders.DefaultSchedule()
	replica := func() (*reminders.Redis, *redis.Client) {
		c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
		t.Cleanup(func() { _ = c.Close() })
		return reminders.NewRedis(c, sched, reminders.Options{}), c
	}
	const n = 10_000
	created := at(2026, 5, 1)
	due := at(2026, 6, 15) // the 30-day stage of every card
	loader, _ := replica()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				r := reminders.Reminder{Chat: "tg:" + strconv.Itoa(7_000_000+i), ID: "1", Label: "Tôi", Expiry: date(2026, 7, 15)}
				if err := loader.Save(ctx, sched.Begin(r, created)); err != nil {
					t.Errorf("Save: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	const lease, batch = 2 * time.Minute, 500
	// The doomed replica claims a batch, then dies before sending any.
	doomed, doomedClient := replica()
	lost, err := doomed.Claim(ctx, due, lease, batch)
	if err != nil || len(lost) != batch {
		t.Fatalf("the doomed replica's Claim = %d, %v; want %d", len(lost), err, batch)
	}
	_ = doomedClient.Close()

	var mu sync.Mutex
	sent := make(map[string]int)
	work := func(s *reminders.Redis, now time.Time) {
		for {
			cs, err := s.Claim(ctx, now, lease, batch)
			if err != nil {
				t.Errorf("Claim: %v", err)
				return
			}
			if len(cs) == 0 {
				return
			}
			for _, c := range cs {
				mu.Lock()
				sent[c.Key()]++ // the fake Bot API
				mu.Unlock()
				if err := s.Done(ctx, c, c.Stage); err != nil {
					t.Errorf("Done: %v", err)
					return
				}
			}
		}
	}
	// The survivors tick through the minute, then after the lease.
	for _, now := range []time.Time{due, due.Add(30 * time.Second), due.Add(lease)} {
		for range 2 {
			s, _ := replica()
			wg.Go(func() { work(s, now) })
		}
		wg.Wait()
	}
	if len(sent) != n {
		t.Errorf("%d reminders sent, want %d", len(sent), n)
	}
	for key, k := range sent {
		if k != 1 {
			t.Errorf("%s sent %d times", key, k)
		}
	}
	for _, c := range lost {
		if sent[c.Key()] != 1 {
			t.Errorf("%s, claimed by the dead replica, sent %d times, want 1", c.Key(), sent[c.Key()])
		}
	}
}

func TestNewRedisRefusesBracedPrefix(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "unused.invalid:1"})
	t.Cleanup(func() { _ = client.Close() })
	for _, prefix := range []string{"mc{", "a}b"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewRedis with prefix %q did not panic", prefix)
				}
			}()
			reminders.NewRedis(client, reminders.DefaultSchedule(), reminders.Options{Prefix: prefix})
		}()
	}
}
