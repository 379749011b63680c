package store_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/redistest"
	"github.com/motcua/motcua/store/storetest"
)

func TestRedis(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client(t)
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) store.Conversations {
			return store.NewRedis(client, store.Options{})
		},
		// Advance is nil: Redis keeps time itself; TestRedisKeys reads
		// the TTLs instead.
	})
}

// TestRedisReplyHoldEnds checks, on Redis's own clock, that a reply held
// by a delivery that died is claimed by a redelivery once the hold ends,
// and that the update id keeps its time to live through the claim.
func TestRedisReplyHoldEnds(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	client := srv.Client(t)
	s := store.NewRedis(client, store.Options{ReplyHold: 300 * time.Millisecond})
	const conv = "tg:held"
	if err := s.Commit(ctx, conv, "u1", 0, store.Change{Data: []byte("d"), Reply: []byte("reply")}); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if _, err := s.ClaimReply(ctx, conv, "u1"); !errors.Is(err, store.ErrReplyHeld) {
		t.Fatalf("ClaimReply at once = %v, want ErrReplyHeld", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := s.ClaimReply(ctx, conv, "u1")
		if err == nil {
			if string(got) != "reply" {
				t.Fatalf("ClaimReply = %q, want the reply", got)
			}
			break
		}
		if !errors.Is(err, store.ErrReplyHeld) || time.Now().After(deadline) {
			t.Fatalf("ClaimReply = %v; the hold of 300 ms never ended", err)
		}
		time.Sleep(20 * time.Millisecond) // polling Redis's clock, not synchronising
	}
	checkTTL(t, client, "mc:{tg:held}:u:u1", store.DedupTTL)
}

// TestRedisKeys checks the key layout and the TTLs Redis was given.
func TestRedisKeys(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	client := srv.Client(t)
	tests := []struct {
		name      string
		opts      store.Options
		conv      string
		convKey   string
		updateKey string
		idleTTL   time.Duration
	}{
		{
			name:      "defaults",
			conv:      "tg:1",
			convKey:   "mc:{tg:1}:conv",
			updateKey: "mc:{tg:1}:u:42",
			idleTTL:   store.DefaultIdleTTL,
		},
		{
			name:      "prefix and idle ttl",
			opts:      store.Options{Prefix: "motcua-test", IdleTTL: 90 * time.Minute},
			conv:      "zalo:abc",
			convKey:   "motcua-test:{zalo:abc}:conv",
			updateKey: "motcua-test:{zalo:abc}:u:42",
			idleTTL:   90 * time.Minute,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := store.NewRedis(client, tt.opts)
			if err := s.Commit(ctx, tt.conv, "42", 0, store.Change{Data: []byte("data")}); err != nil {
				t.Fatalf("Commit: %v", err)
			}
			rec, err := client.Get(ctx, tt.convKey).Result()
			if err != nil {
				t.Fatalf("GET %s: %v", tt.convKey, err)
			}
			if v, rest, _ := strings.Cut(rec, " "); v != "1" || !strings.HasSuffix(rest, " data") {
				t.Errorf("GET %s = %q, want \"1 <token> data\"", tt.convKey, rec)
			}
			checkTTL(t, client, tt.convKey, tt.idleTTL)
			checkTTL(t, client, tt.updateKey, store.DedupTTL)

			if err := s.Commit(ctx, tt.conv, "43", 1, store.Change{Data: nil}); err != nil {
				t.Fatalf("Commit(nil): %v", err)
			}
			if n := client.Exists(ctx, tt.convKey).Val(); n != 0 {
				t.Errorf("after Commit(nil) %s still exists", tt.convKey)
			}
			checkTTL(t, client, strings.TrimSuffix(tt.updateKey, "42")+"43", store.DedupTTL)
		})
	}
}

// checkTTL fails unless key expires within want, and not more than a
// minute sooner (the test may run slowly; it must not fail for that).
func checkTTL(t *testing.T, client *redis.Client, key string, want time.Duration) {
	t.Helper()
	got, err := client.PTTL(context.Background(), key).Result()
	if err != nil {
		t.Fatalf("PTTL %s: %v", key, err)
	}
	if got > want || got < want-time.Minute {
		t.Errorf("PTTL %s = %v, want about %v", key, got, want)
	}
}

// roundTrips counts what a client sends: calls through go-redis hooks (one
// per command or pipeline) and writes on its connections (one per flush
// to the network).
type roundTrips struct {
	mu     sync.Mutex
	calls  []string // "get+exists" for a pipeline
	writes int
}

func (rt *roundTrips) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countingConn{Conn: conn, rt: rt}, nil
	}
}

func (rt *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		rt.record(cmd.Name())
		return next(ctx, cmd)
	}
}

func (rt *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		names := make([]string, len(cmds))
		for i, cmd := range cmds {
			names[i] = cmd.Name()
		}
		rt.record(strings.Join(names, "+"))
		return next(ctx, cmds)
	}
}

func (rt *roundTrips) record(call string) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.calls = append(rt.calls, call)
}

// take returns what was counted since the last take.
func (rt *roundTrips) take() (calls []string, writes int) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	calls, writes = rt.calls, rt.writes
	rt.calls, rt.writes = nil, 0
	return calls, writes
}

type countingConn struct {
	net.Conn
	rt *roundTrips
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.rt.mu.Lock()
	c.rt.writes++
	c.rt.mu.Unlock()
	return c.Conn.Write(p)
}

// countedStore returns a store on client, and what counts the round trips
// client makes from then on.
func countedStore(client *redis.Client) (*store.Redis, *roundTrips) {
	rt := &roundTrips{}
	client.AddHook(rt)
	return store.NewRedis(client, store.Options{}), rt
}

// TestRedisRoundTrips checks that Load and Commit each cost one round trip
// once the connection is open and the script cached.
func TestRedisRoundTrips(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	client := srv.Client(t)
	s, rt := countedStore(client)
	const conv = "tg:7"

	// Open the connections: go-redis keeps one pool for commands and
	// another for pipelines. The script is not cached yet.
	if err := client.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING: %v", err)
	}
	if _, err := s.Load(ctx, conv, "u0"); err != nil {
		t.Fatalf("Load: %v", err)
	}
	rt.take()
	if err := s.Commit(ctx, conv, "u0", 0, store.Change{Data: []byte("a")}); err != nil {
		t.Fatalf("first Commit: %v", err)
	}
	calls, _ := rt.take()
	t.Logf("first Commit on a fresh server: %v", calls)
	if want := []string{"evalsha", "eval"}; !equalStrings(calls, want) {
		t.Errorf("first Commit sent %v, want %v (EVALSHA misses, EVAL caches the script)", calls, want)
	}

	version := int64(1)
	tests := []struct {
		name string
		op   func() error
		want string
	}{
		{"load with update id", func() error {
			_, err := s.Load(ctx, conv, "u1")
			return err
		}, "get+exists+get"},
		{"load without update id", func() error {
			_, err := s.Load(ctx, conv, "")
			return err
		}, "get+exists"},
		{"commit", func() error {
			err := s.Commit(ctx, conv, "u1", version, store.Change{Data: []byte("b")})
			version++
			return err
		}, "evalsha"},
		{"commit without update id", func() error {
			err := s.Commit(ctx, conv, "", version, store.Change{Data: []byte("c")})
			version++
			return err
		}, "evalsha"},
		{"commit with a reply", func() error {
			err := s.Commit(ctx, conv, "u3", version, store.Change{Data: []byte("d"), Reply: []byte("r")})
			version++
			return err
		}, "evalsha"},
		{"reply delivered", func() error {
			return s.SetReply(ctx, conv, "u3", nil)
		}, "set"},
		{"commit nil", func() error {
			return s.Commit(ctx, conv, "u2", version, store.Change{Data: nil})
		}, "evalsha"},
		{"delete", func() error {
			return s.Delete(ctx, conv)
		}, "del"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.op(); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			calls, writes := rt.take()
			if !equalStrings(calls, []string{tt.want}) || writes != 1 {
				t.Errorf("%s: %d write(s) carrying %v, want one carrying [%s]", tt.name, writes, calls, tt.want)
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	return strings.Join(a, " ") == strings.Join(b, " ")
}

// TestRedisUnavailable stops Redis under a store and starts it again.
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
	s := store.NewRedis(client, store.Options{})
	const conv = "tg:9"
	if err := s.Commit(ctx, conv, "u1", 0, store.Change{Data: []byte("before")}); err != nil {
		t.Fatalf("Commit: %v", err)
	}

	srv.Stop(t)
	tests := []struct {
		name string
		op   func(ctx context.Context) error
	}{
		{"load", func(ctx context.Context) error {
			_, err := s.Load(ctx, conv, "u2")
			return err
		}},
		{"commit", func(ctx context.Context) error {
			return s.Commit(ctx, conv, "u2", 1, store.Change{Data: []byte("during")})
		}},
		{"delete", func(ctx context.Context) error {
			return s.Delete(ctx, conv)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The deadline only keeps a broken client from hanging the
			// test; the client's own timeouts should answer far sooner.
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			start := time.Now()
			err := tt.op(ctx)
			took := time.Since(start)
			t.Logf("%s with Redis down: %v after %v", tt.name, err, took)
			if !errors.Is(err, store.ErrUnavailable) {
				t.Fatalf("%s with Redis down = %v, want ErrUnavailable", tt.name, err)
			}
			if errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s waited for the caller's deadline; the client's timeouts should have ended it", tt.name)
			}
			var netErr net.Error
			if !errors.As(err, &netErr) && !errors.Is(err, io.EOF) {
				t.Errorf("%s: the network error is missing from the chain of %v", tt.name, err)
			}
			if !strings.HasPrefix(err.Error(), tt.name+" "+conv+": ") {
				t.Errorf("error %q does not start with %q", err, tt.name+" "+conv+": ")
			}
		})
	}

	srv.Restart(t)
	// Redis lost its data (no persistence) and its script cache.
	if err := s.Commit(ctx, conv, "u3", 0, store.Change{Data: []byte("after")}); err != nil {
		t.Fatalf("Commit after Restart: %v", err)
	}
	snap, err := s.Load(ctx, conv, "u3")
	if err != nil {
		t.Fatalf("Load after Restart: %v", err)
	}
	if string(snap.Data) != "after" || snap.Version != 1 || !snap.Seen {
		t.Errorf("Load after Restart = %+v, want data %q at version 1, seen", snap, "after")
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

// TestRedisCommitResent checks that a commit whose script runs twice
// reports success, not a duplicate or a conflict of its own making.
func TestRedisCommitResent(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	client := srv.Client(t)
	client.AddHook(resendHook{})
	s := store.NewRedis(client, store.Options{})
	tests := []struct {
		name     string
		updateID string
		data     []byte
		want     store.Snapshot
	}{
		{"with update id", "u1", []byte("x"), store.Snapshot{Data: []byte("x"), Version: 2}},
		{"without update id", "", []byte("x"), store.Snapshot{Data: []byte("x"), Version: 2}},
		{"delete with update id", "u1", nil, store.Snapshot{}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conv := "tg:resend-" + strconv.Itoa(i)
			if err := s.Commit(ctx, conv, "u0", 0, store.Change{Data: []byte("start")}); err != nil {
				t.Fatalf("first Commit: %v", err)
			}
			if err := s.Commit(ctx, conv, tt.updateID, 1, store.Change{Data: tt.data}); err != nil {
				t.Fatalf("Commit run twice = %v, want success", err)
			}
			got, err := s.Load(ctx, conv, "")
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if string(got.Data) != string(tt.want.Data) || got.Version != tt.want.Version {
				t.Errorf("Load = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func BenchmarkRedisLoadCommit(b *testing.B) {
	storetest.Bench(b, store.NewRedis(redistest.Start(b).Client(b), store.Options{}))
}

func TestNewRedisRefusesBracedPrefix(t *testing.T) {
	// The client is never used; its address leads nowhere, on purpose.
	client := redis.NewClient(&redis.Options{Addr: "unused.invalid:1"})
	t.Cleanup(func() { _ = client.Close() })
	for _, prefix := range []string{"mc{", "a}b", "{mc}"} {
		t.Run(prefix, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("NewRedis with prefix %q did not panic", prefix)
				}
			}()
			store.NewRedis(client, store.Options{Prefix: prefix})
		})
	}
}

// TestRedisDeliveredMany: Delivered marks many updates' replies as got
// through in one round trip, leaves an update not remembered alone, and
// keeps each id's time to live.
func TestRedisDeliveredMany(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	client := srv.Client(t)
	s, rt := countedStore(client)
	var ds []store.Delivery
	for i := range 20 {
		conv := "tg:" + strconv.Itoa(i)
		if err := s.Commit(ctx, conv, "u1", 0, store.Change{Data: []byte("d"), Reply: []byte("r")}); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, store.Delivery{Conv: conv, UpdateID: "u1"})
	}
	ds = append(ds, store.Delivery{Conv: "tg:never", UpdateID: "u9"})
	if _, err := s.Load(ctx, "tg:0", "u1"); err != nil { // opens the pipelines' connection
		t.Fatal(err)
	}
	rt.take()
	if err := s.Delivered(ctx, ds); err != nil {
		t.Fatalf("Delivered: %v", err)
	}
	if calls, writes := rt.take(); len(calls) != 1 || writes != 1 {
		t.Errorf("Delivered of 21 updates took %v in %d writes, want one pipeline", calls, writes)
	}
	for _, d := range ds[:20] {
		snap, err := s.Load(ctx, d.Conv, d.UpdateID)
		if err != nil || !snap.Seen || snap.Reply != nil {
			t.Errorf("%s after Delivered: seen %v, reply %q, %v", d.Conv, snap.Seen, snap.Reply, err)
		}
	}
	if snap, _ := s.Load(ctx, "tg:never", "u9"); snap.Seen {
		t.Error("Delivered made an unknown update seen")
	}
	checkTTL(t, client, "mc:{tg:3}:u:u1", store.DedupTTL)
}

// TestRedisStartsFromItsLastCommit checks what Redis remembers of its own
// commits: the next update of a chat costs one round trip (the commit), and
// whatever made the memory stale (another replica's write, a block mark, a
// record gone) is found by that commit, which hands back the record as it
// is, so the update is handled again from there in one more round trip and
// nothing is lost.
func TestRedisStartsFromItsLastCommit(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	client := srv.Client(t)
	s, rt := countedStore(client)
	other := store.NewRedis(srv.Client(t), store.Options{}) // another replica
	const conv = "tg:8"

	var seen []store.Snapshot
	appendTo := func(suffix string) func(store.Snapshot) (store.Change, error) {
		return func(snap store.Snapshot) (store.Change, error) {
			seen = append(seen, snap)
			return store.Change{Data: append(bytes.Clone(snap.Data), suffix...)}, nil
		}
	}
	update := func(st store.Conversations, id, suffix string) {
		t.Helper()
		seen = nil
		if _, err := store.UpdateSnapshot(ctx, st, conv, id, appendTo(suffix)); err != nil {
			t.Fatalf("update %s: %v", id, err)
		}
	}
	update(s, "u1", "a") // loads: nothing remembered yet (and the script gets cached)
	rt.take()

	update(s, "u2", "b")
	if calls, writes := rt.take(); !equalStrings(calls, []string{"evalsha"}) || writes != 1 {
		t.Errorf("update after its own commit: %d write(s) carrying %v, want one carrying [evalsha]", writes, calls)
	}

	update(other, "u3", "c") // the other replica writes; s's memory is stale
	rt.take()
	update(s, "u4", "d")
	calls, writes := rt.take()
	if !equalStrings(calls, []string{"evalsha", "evalsha"}) || writes != 2 {
		t.Errorf("update after another replica's write: %d write(s) carrying %v, want two evalsha (refused with the record, then saved)", writes, calls)
	}
	if len(seen) != 2 || string(seen[1].Data) != "abc" {
		t.Errorf("fn saw %d snapshots, the last %q; want the other replica's record %q second", len(seen), seen[len(seen)-1].Data, "abc")
	}

	if err := other.Block(ctx, conv); err != nil {
		t.Fatal(err)
	}
	update(s, "u5", "e")
	if len(seen) != 2 || seen[0].Blocked || !seen[1].Blocked {
		t.Errorf("update after a block mark: fn saw Blocked %v; want false then true (the commit tells)", blocked(seen))
	}

	if err := other.Delete(ctx, conv); err != nil {
		t.Fatal(err)
	}
	update(s, "u6", "f")
	if len(seen) != 2 || seen[1].Data != nil || seen[1].Version != 0 {
		t.Errorf("update after the record was erased elsewhere: fn saw %q last; want no record", seen[len(seen)-1].Data)
	}

	// A redelivery of an update handled here is found by the commit too:
	// its reply, nothing saved.
	if _, err := store.UpdateSnapshot(ctx, s, conv, "u7", func(snap store.Snapshot) (store.Change, error) {
		return store.Change{Data: append(bytes.Clone(snap.Data), 'g'), Reply: []byte("the reply")}, nil
	}); err != nil {
		t.Fatal(err)
	}
	snap, err := store.UpdateSnapshot(ctx, s, conv, "u7", appendTo("h"))
	if !errors.Is(err, store.ErrDuplicate) || string(snap.Reply) != "the reply" {
		t.Errorf("redelivery: %q, %v; want ErrDuplicate with the reply", snap.Reply, err)
	}
	if got, _ := s.Load(ctx, conv, ""); string(got.Data) != "fg" {
		t.Errorf("record %q, want %q", got.Data, "fg")
	}
}

func blocked(snaps []store.Snapshot) []bool {
	var b []bool
	for _, s := range snaps {
		b = append(b, s.Blocked)
	}
	return b
}
