// Package storetest is the conformance suite every store.Conversations
// backend must pass. A backend's test calls Run with a Harness:
//
//	func TestMemory(t *testing.T) {
//		clock := newFakeClock()
//		storetest.Run(t, storetest.Harness{
//			New:     func(t *testing.T) store.Conversations { return store.NewMemory(store.Options{Now: clock.Now}) },
//			Advance: clock.Advance,
//		})
//	}
//
// Each subtest uses its own conversation ids, so stores returned by New may
// share one backend. Subtests run one after another: Advance moves a clock
// they share.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/store"
)

// Harness tells Run how to get stores of the backend under test.
type Harness struct {
	// New returns a store configured with IdleTTL.
	New func(t *testing.T) store.Conversations
	// Advance moves the clock of the stores New returns. It is nil for a
	// backend whose clock cannot move (Redis); the subtests that need time
	// to pass are then not run, and the backend checks its TTLs itself.
	Advance func(d time.Duration)
	// IdleTTL is the Options.IdleTTL New uses; store.DefaultIdleTTL when
	// zero.
	IdleTTL time.Duration
	// ReplyHold is the Options.ReplyHold New uses; store.DefaultReplyHold
	// when zero.
	ReplyHold time.Duration
}

// Run runs the conformance suite, each check as a subtest.
func Run(t *testing.T, h Harness) {
	if h.IdleTTL <= 0 {
		h.IdleTTL = store.DefaultIdleTTL
	}
	if h.ReplyHold <= 0 {
		h.ReplyHold = store.DefaultReplyHold
	}
	tests := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"LoadMissing", testLoadMissing},
		{"CommitThenLoad", testCommitThenLoad},
		{"EmptyDataIsARecord", testEmptyData},
		{"DataIsCopied", testDataIsCopied},
		{"VersionConflict", testVersionConflict},
		{"Duplicate", testDuplicate},
		{"DuplicateBeforeConflict", testDuplicateBeforeConflict},
		{"EmptyUpdateIDNeverDuplicate", testEmptyUpdateID},
		{"Delete", testDelete},
		{"CommitNilDeletes", testCommitNilDeletes},
		{"UpdateUnderContention", testUpdateContention},
		{"UpdateDuplicateSkipsFn", testUpdateDuplicate},
		{"ConcurrentDuplicates", testConcurrentDuplicates},
		{"IdleExpiry", testIdleExpiry},
		{"UpdateIDForgotten", testUpdateIDForgotten},
		{"ConversationsIndependent", testIndependent},
		{"InvalidConversationID", testInvalidConv},
		{"CanceledContext", testCanceled},
		{"BlockedUntilSheWrites", testBlocked},
		{"ReplyKeptUntilDelivered", testReplyKept},
		{"ReplyHeldByOneDelivery", testReplyHeld},
		{"ReplyHoldEnds", testReplyHoldEnds},
		{"ReplyWithoutUpdateID", testReplyWithoutUpdateID},
		{"DuplicateUpdateGivesReply", testDuplicateGivesReply},
	}
	for _, tt := range tests {
		if h.Advance == nil && clocked[tt.name] {
			// Not a skip: this backend tests its expiry itself (Redis reads
			// PTTL), so CI shows no skipped test.
			continue
		}
		t.Run(tt.name, func(t *testing.T) { tt.run(t, h) })
	}
}

// clocked are the checks that need the store's clock to move.
var clocked = map[string]bool{"IdleExpiry": true, "UpdateIDForgotten": true, "ReplyHoldEnds": true}

func testLoadMissing(t *testing.T, h Harness) {
	s := h.New(t)
	got := load(t, s, "test:missing", "u1")
	want := store.Snapshot{}
	if !equal(got, want) {
		t.Errorf("Load of a missing conversation = %+v, want %+v", got, want)
	}
}

func testCommitThenLoad(t *testing.T, h Harness) {
	s := h.New(t)
	const conv = "test:commit"
	commit(t, s, conv, "u1", 0, []byte("xin chào"))
	if got, want := load(t, s, conv, ""), (store.Snapshot{Data: []byte("xin chào"), Version: 1}); !equal(got, want) {
		t.Fatalf("after one commit Load = %+v, want %+v", got, want)
	}
	commit(t, s, conv, "u2", 1, []byte("tạm biệt"))
	if got, want := load(t, s, conv, "u3"), (store.Snapshot{Data: []byte("tạm biệt"), Version: 2}); !equal(got, want) {
		t.Errorf("after two commits Load = %+v, want %+v", got, want)
	}
}

func testEmptyData(t *testing.T, h Harness) {
	s := h.New(t)
	const conv = "test:empty"
	commit(t, s, conv, "u1", 0, []byte{})
	got := load(t, s, conv, "")
	if got.Data == nil || len(got.Data) != 0 || got.Version != 1 {
		t.Errorf("Load after committing empty data = %+v, want non-nil empty data at version 1", got)
	}
}

func testDataIsCopied(t *testing.T, h Harness) {
	s := h.New(t)
	const conv = "test:copy"
	data := []byte("abc")
	commit(t, s, conv, "", 0, data)
	data[0] = 'X'
	first := load(t, s, conv, "")
	first.Data[1] = 'Y'
	if got := load(t, s, conv, ""); string(got.Data) != "abc" {
		t.Errorf("Load = %q after the caller changed its slices, want %q", got.Data, "abc")
	}
}

func testVersionConflict(t *testing.T, h Harness) {
	s := h.New(t)
	const conv = "test:conflict"
	tests := []struct {
		name    string
		version int64
	}{
		{"stale", 0},
		{"ahead", 2},
		{"negative", -1},
	}
	commit(t, s, conv, "u1", 0, []byte("first"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			update := "conflict-" + tt.name
			err := s.Commit(context.Background(), conv, update, tt.version, store.Change{Data: []byte("lost")})
			if !errors.Is(err, store.ErrConflict) {
				t.Fatalf("Commit at version %d = %v, want ErrConflict", tt.version, err)
			}
			got := load(t, s, conv, update)
			want := store.Snapshot{Data: []byte("first"), Version: 1}
			if !equal(got, want) {
				t.Errorf("after a conflict Load = %+v, want %+v (nothing written, update id not remembered)", got, want)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		const conv = "test:conflict-missing"
		err := s.Commit(context.Background(), conv, "u1", 3, store.Change{Data: []byte("lost")})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("Commit of a missing conversation at version 3 = %v, want ErrConflict", err)
		}
		if got := load(t, s, conv, "u1"); !equal(got, store.Snapshot{}) {
			t.Errorf("after a conflict Load = %+v, want nothing", got)
		}
	})
}

func testDuplicate(t *testing.T, h Harness) {
	s := h.New(t)
	const conv = "test:dup"
	commit(t, s, conv, "u1", 0, []byte("once"))
	snap := load(t, s, conv, "u1")
	if !snap.Seen {
		t.Errorf("Load with a handled update id: Seen = false, want true")
	}
	err := s.Commit(context.Background(), conv, "u1", snap.Version, store.Change{Data: []byte("twice")})
	if !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("Commit of a handled update id = %v, want ErrDuplicate", err)
	}
	want := store.Snapshot{Data: []byte("once"), Version: 1}
	if got := load(t, s, conv, ""); !equal(got, want) {
		t.Errorf("after a duplicate Load = %+v, want %+v", got, want)
	}
}

func testDuplicateBeforeConflict(t *testing.T, h Harness) {
	s := h.New(t)
	const conv = "test:dup-conflict"
	commit(t, s, conv, "u1", 0, []byte("once"))
	commit(t, s, conv, "u2", 1, []byte("twice"))
	err := s.Commit(context.Background(), conv, "u1", 0, store.Change{Data: []byte("again")})
	if !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("Commit of a handled update id at a stale version = %v, want ErrDuplicate", err)
	}
}

func testEmptyUpdateID(t *testing.T, h Harness) {
	s := h.New(t)
	const conv = "test:no-id"
	for version := range int64(3) {
		if snap := load(t, s, conv, ""); snap.Seen {
			t.Fatalf("Load with an empty update id: Seen = true")
		}
		commit(t, s, conv, "", version, fmt.Appendf(nil, "v%d", version+1))
	}
	want := store.Snapshot{Data: []byte("v3"), Version: 3}
	if got := load(t, s, conv, ""); !equal(got, want) {
		t.Errorf("Load = %+v, want %+v", got, want)
	}
}

func testDelete(t *testing.T, h Harness) {
	s := h.New(t)
	const conv = "test:delete"
	ctx := context.Background()
	commit(t, s, conv, "u1", 0, []byte("private"))
	if err := s.Delete(ctx, conv); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if got := load(t, s, conv, ""); !equal(got, store.Snapshot{}) {
		t.Errorf("after Delete Load = %+v, want nothing", got)
	}
	if got := load(t, s, conv, "u1"); !got.Seen {
		t.Errorf("Delete forgot the handled update id; it must erase the conversation only")
	}
	if err := s.Delete(ctx, conv); err != nil {
		t.Errorf("Delete of a missing conversation: %v", err)
	}
	commit(t, s, conv, "u2", 0, []byte("again"))
	if got, want := load(t, s, conv, ""), (store.Snapshot{Data: []byte("again"), Version: 1}); !equal(got, want) {
		t.Errorf("a conversation started after Delete: Load = %+v, want %+v", got, want)
	}
}

func testCommitNilDeletes(t *testing.T, h Harness) {
	s := h.New(t)
	const conv = "test:commit-nil"
	commit(t, s, conv, "u1", 0, []byte("private"))
	commit(t, s, conv, "u2", 1, nil)
	got := load(t, s, conv, "u2")
	if want := (store.Snapshot{Seen: true}); !equal(got, want) {
		t.Errorf("after Commit(nil) Load = %+v, want %+v (gone, update remembered)", got, want)
	}
	err := s.Commit(context.Background(), conv, "u2", 0, store.Change{Data: []byte("replay")})
	if !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("replaying the deleting update = %v, want ErrDuplicate", err)
	}
	commit(t, s, "test:commit-nil-missing", "u1", 0, nil)
	if got := load(t, s, "test:commit-nil-missing", "u1"); !equal(got, store.Snapshot{Seen: true}) {
		t.Errorf("Commit(nil) of a missing conversation: Load = %+v, want only Seen", got)
	}
}

func testUpdateContention(t *testing.T, h Harness) {
	s := h.New(t)
	const (
		conv    = "test:contention"
		writers = 20
	)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			err := store.Update(context.Background(), s, conv, fmt.Sprintf("u%d", i), func(old []byte) ([]byte, error) {
				return append(bytes.Clone(old), byte('A'+i)), nil
			})
			if err != nil {
				t.Errorf("writer %d: Update: %v", i, err)
			}
		})
	}
	wg.Wait()
	got := load(t, s, conv, "")
	sorted := slices.Sorted(slices.Values(got.Data))
	want := make([]byte, writers)
	for i := range want {
		want[i] = byte('A' + i)
	}
	if !bytes.Equal(sorted, want) {
		t.Errorf("after %d concurrent updates the data holds %q, want each of %q once", writers, got.Data, want)
	}
	if got.Version != writers {
		t.Errorf("version = %d, want %d", got.Version, writers)
	}
}

func testUpdateDuplicate(t *testing.T, h Harness) {
	s := h.New(t)
	const conv = "test:update-dup"
	ctx := context.Background()
	calls := 0
	fn := func(old []byte) ([]byte, error) {
		calls++
		return append(bytes.Clone(old), 'x'), nil
	}
	if err := store.Update(ctx, s, conv, "u1", fn); err != nil {
		t.Fatalf("first Update: %v", err)
	}
	if err := store.Update(ctx, s, conv, "u1", fn); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("repeated Update = %v, want ErrDuplicate", err)
	}
	// A store that starts from what it committed last (Redis) learns of
	// the duplicate only at the commit, after fn: fn may run again, but
	// what it returns is dropped.
	if calls < 1 || calls > 2 {
		t.Errorf("fn ran %d times, want once or twice", calls)
	}
	if got := load(t, s, conv, ""); string(got.Data) != "x" {
		t.Errorf("data = %q, want %q", got.Data, "x")
	}
}

func testConcurrentDuplicates(t *testing.T, h Harness) {
	s := h.New(t)
	const (
		conv     = "test:concurrent-dup"
		copies   = 10
		updateID = "u-redelivered"
	)
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		ok, dupes int
	)
	for range copies {
		wg.Go(func() {
			err := store.Update(context.Background(), s, conv, updateID, func(old []byte) ([]byte, error) {
				return append(bytes.Clone(old), 'x'), nil
			})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, store.ErrDuplicate):
				dupes++
			default:
				t.Errorf("Update: %v", err)
			}
		})
	}
	wg.Wait()
	if ok != 1 || dupes != copies-1 {
		t.Errorf("%d deliveries of one update: %d applied, %d duplicates; want 1 and %d", copies, ok, dupes, copies-1)
	}
	if got := load(t, s, conv, ""); string(got.Data) != "x" {
		t.Errorf("data = %q, want %q", got.Data, "x")
	}
}

func testIdleExpiry(t *testing.T, h Harness) {
	needClock(t, h)
	s := h.New(t)
	const conv = "test:idle"
	commit(t, s, conv, "", 0, []byte("one"))
	h.Advance(h.IdleTTL / 2)
	commit(t, s, conv, "", 1, []byte("two"))
	h.Advance(h.IdleTTL - time.Second)
	if got := load(t, s, conv, ""); got.Version != 2 {
		t.Fatalf("just before IdleTTL after the last commit Load = %+v, want version 2 (a commit restarts the idle time)", got)
	}
	h.Advance(time.Second)
	if got := load(t, s, conv, ""); !equal(got, store.Snapshot{}) {
		t.Errorf("IdleTTL after the last commit Load = %+v, want nothing", got)
	}
	commit(t, s, conv, "", 0, []byte("fresh"))
}

func testUpdateIDForgotten(t *testing.T, h Harness) {
	needClock(t, h)
	s := h.New(t)
	const conv = "test:forget"
	commit(t, s, conv, "u1", 0, nil)
	h.Advance(store.DedupTTL - time.Second)
	if !load(t, s, conv, "u1").Seen {
		t.Fatalf("just before DedupTTL the update id is forgotten")
	}
	h.Advance(time.Second)
	if load(t, s, conv, "u1").Seen {
		t.Fatalf("after DedupTTL the update id is still remembered")
	}
	commit(t, s, conv, "u1", 0, []byte("again"))
}

func testIndependent(t *testing.T, h Harness) {
	s := h.New(t)
	const a, b = "test:indep-a", "test:indep-b"
	commit(t, s, a, "u1", 0, []byte("a"))
	if got := load(t, s, b, "u1"); !equal(got, store.Snapshot{}) {
		t.Errorf("conversation b after a commit to a: Load = %+v, want nothing, update unseen", got)
	}
	commit(t, s, b, "u1", 0, []byte("b"))
	commit(t, s, b, "u2", 1, []byte("bb"))
	if err := s.Delete(context.Background(), b); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if got, want := load(t, s, a, "u2"), (store.Snapshot{Data: []byte("a"), Version: 1}); !equal(got, want) {
		t.Errorf("conversation a after changes to b: Load = %+v, want %+v", got, want)
	}
}

func testInvalidConv(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := context.Background()
	tests := []struct{ name, conv string }{
		{"empty", ""},
		{"open brace", "a{b"},
		{"leading close brace", "}x"},
		{"hash tag", "{tg:1}"},
	}
	for _, tt := range tests {
		conv := tt.conv
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Load(ctx, conv, "u1"); err == nil {
				t.Errorf("Load(%q) succeeded, want an error", conv)
			}
			if err := s.Commit(ctx, conv, "u1", 0, store.Change{Data: []byte("x")}); err == nil {
				t.Errorf("Commit(%q) succeeded, want an error", conv)
			}
			if err := s.Delete(ctx, conv); err == nil {
				t.Errorf("Delete(%q) succeeded, want an error", conv)
			}
		})
	}
}

func testCanceled(t *testing.T, h Harness) {
	s := h.New(t)
	const conv = "test:canceled"
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Load(ctx, conv, "u1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Load with a canceled context = %v, want context.Canceled", err)
	}
	if err := s.Commit(ctx, conv, "u1", 0, store.Change{Data: []byte("x")}); !errors.Is(err, context.Canceled) {
		t.Errorf("Commit with a canceled context = %v, want context.Canceled", err)
	}
	if err := s.Delete(ctx, conv); !errors.Is(err, context.Canceled) {
		t.Errorf("Delete with a canceled context = %v, want context.Canceled", err)
	}
	if got := load(t, s, conv, "u1"); !equal(got, store.Snapshot{}) {
		t.Errorf("after a canceled Commit Load = %+v, want nothing", got)
	}
}

// needClock fails a check that needs time to pass when the backend's
// clock cannot move (Run does not call those checks then).
func needClock(t *testing.T, h Harness) {
	t.Helper()
	if h.Advance == nil {
		t.Fatal("this check needs Harness.Advance")
	}
}

// load calls s.Load and fails the test on an error.
func load(t *testing.T, s store.Conversations, conv, updateID string) store.Snapshot {
	t.Helper()
	snap, err := s.Load(context.Background(), conv, updateID)
	if err != nil {
		t.Fatalf("Load(%q, %q): %v", conv, updateID, err)
	}
	return snap
}

// commit calls s.Commit and fails the test on an error.
func commit(t *testing.T, s store.Conversations, conv, updateID string, version int64, data []byte) {
	t.Helper()
	if err := s.Commit(context.Background(), conv, updateID, version, store.Change{Data: data}); err != nil {
		t.Fatalf("Commit(%q, %q, %d): %v", conv, updateID, version, err)
	}
}

// equal compares snapshots, telling nil data from empty data.
func equal(a, b store.Snapshot) bool {
	return bytes.Equal(a.Data, b.Data) && (a.Data == nil) == (b.Data == nil) &&
		a.Version == b.Version && a.Seen == b.Seen
}

// Bench measures one Load and Commit of a 256-byte conversation with a new
// update id each time, the work of one message; each backend's benchmark
// calls it.
func Bench(b *testing.B, s store.Conversations) {
	ctx := context.Background()
	data := bytes.Repeat([]byte("x"), 256)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		id := strconv.Itoa(i)
		i++
		snap, err := s.Load(ctx, "tg:1", id)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Commit(ctx, "tg:1", id, snap.Version, store.Change{Data: data}); err != nil {
			b.Fatal(err)
		}
	}
}

// testBlocked checks the blocklist: a mark stays until the chat's next
// commit, and marks are per chat.
func testBlocked(t *testing.T, h Harness) {
	s := h.New(t)
	bl, ok := s.(store.Blocklist)
	if !ok {
		t.Fatalf("%T does not keep a Blocklist", s)
	}
	ctx := context.Background()
	check := func(conv string, want bool) {
		t.Helper()
		got, err := bl.Blocked(ctx, conv)
		if err != nil || got != want {
			t.Fatalf("Blocked(%s) = %v, %v; want %v", conv, got, err, want)
		}
	}
	check("tg:blocked", false)
	if err := bl.Block(ctx, "tg:blocked"); err != nil {
		t.Fatal(err)
	}
	check("tg:blocked", true)
	check("tg:other", false)
	if snap := load(t, s, "tg:blocked", "u1"); !snap.Blocked {
		t.Error("Load must report the block, for the update that clears it")
	}
	commit(t, s, "tg:blocked", "u1", 0, []byte("she wrote again"))
	check("tg:blocked", false)
	if snap := load(t, s, "tg:blocked", ""); snap.Blocked {
		t.Error("the commit cleared the block")
	}
}

// testReplyKept checks that the reply committed with an update is kept
// with its id until SetReply says what is left of it, then nothing.
func testReplyKept(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := context.Background()
	const conv = "test:reply-kept"
	if err := s.Commit(ctx, conv, "u1", 0, store.Change{Data: []byte("d"), Reply: []byte("three messages")}); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	snap := load(t, s, conv, "u1")
	if !snap.Seen || string(snap.Reply) != "three messages" {
		t.Fatalf("Load(u1) = seen %v, reply %q; want seen with the reply committed", snap.Seen, snap.Reply)
	}
	if other := load(t, s, conv, "u2"); other.Seen || other.Reply != nil {
		t.Errorf("Load(u2) = seen %v, reply %q; want an unseen update with no reply", other.Seen, other.Reply)
	}
	if err := s.SetReply(ctx, conv, "u1", []byte("one message")); err != nil {
		t.Fatalf("SetReply(rest): %v", err)
	}
	if snap := load(t, s, conv, "u1"); !snap.Seen || string(snap.Reply) != "one message" {
		t.Errorf("after SetReply(rest): seen %v, reply %q; want the rest", snap.Seen, snap.Reply)
	}
	if err := s.SetReply(ctx, conv, "u1", nil); err != nil {
		t.Fatalf("SetReply(nil): %v", err)
	}
	if snap := load(t, s, conv, "u1"); !snap.Seen || snap.Reply != nil {
		t.Errorf("after SetReply(nil): seen %v, reply %q; want seen, nothing left", snap.Seen, snap.Reply)
	}
	// A delivered update is still a duplicate.
	if err := s.Commit(ctx, conv, "u1", 1, store.Change{Data: []byte("again")}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("Commit of a delivered update = %v, want ErrDuplicate", err)
	}
	// An update not remembered is left alone.
	if err := s.SetReply(ctx, conv, "u9", []byte("x")); err != nil {
		t.Fatalf("SetReply of an unknown update: %v", err)
	}
	if snap := load(t, s, conv, "u9"); snap.Seen {
		t.Error("SetReply of an unknown update made it seen")
	}
	if got, err := s.ClaimReply(ctx, conv, "u9"); err != nil || got != nil {
		t.Errorf("ClaimReply of an unknown update = %q, %v; want nothing", got, err)
	}
	// A commit without a reply leaves nothing to deliver.
	commit(t, s, conv, "u3", 1, []byte("quiet"))
	if snap := load(t, s, conv, "u3"); !snap.Seen || snap.Reply != nil {
		t.Errorf("update committed without reply: seen %v, reply %q", snap.Seen, snap.Reply)
	}
	if got, err := s.ClaimReply(ctx, conv, "u3"); err != nil || got != nil {
		t.Errorf("ClaimReply of an update without reply = %q, %v; want nothing", got, err)
	}
}

// testReplyHeld checks that one delivery at a time holds a reply: the
// committer first; another claims it once the holder gave back what is
// left (SetReply), and then holds it in turn.
func testReplyHeld(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := context.Background()
	const conv = "test:reply-held"
	if err := s.Commit(ctx, conv, "u1", 0, store.Change{Data: []byte("d"), Reply: []byte("reply")}); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if got, err := s.ClaimReply(ctx, conv, "u1"); !errors.Is(err, store.ErrReplyHeld) {
		t.Fatalf("ClaimReply while the committer delivers = %q, %v; want ErrReplyHeld", got, err)
	}
	// The committer could not deliver the second message: it gives the
	// rest back, and a redelivery may take it at once.
	if err := s.SetReply(ctx, conv, "u1", []byte("rest")); err != nil {
		t.Fatalf("SetReply: %v", err)
	}
	got, err := s.ClaimReply(ctx, conv, "u1")
	if err != nil || string(got) != "rest" {
		t.Fatalf("ClaimReply after the rest was given back = %q, %v; want %q", got, err, "rest")
	}
	if got, err := s.ClaimReply(ctx, conv, "u1"); !errors.Is(err, store.ErrReplyHeld) {
		t.Errorf("second ClaimReply = %q, %v; want ErrReplyHeld", got, err)
	}
	if err := s.SetReply(ctx, conv, "u1", nil); err != nil {
		t.Fatalf("SetReply(nil): %v", err)
	}
	if got, err := s.ClaimReply(ctx, conv, "u1"); err != nil || got != nil {
		t.Errorf("ClaimReply of a delivered reply = %q, %v; want nothing", got, err)
	}
}

// testReplyHoldEnds checks that a hold ends: a delivery that died (a
// killed replica) does not keep its reply from a redelivery for longer
// than ReplyHold.
func testReplyHoldEnds(t *testing.T, h Harness) {
	needClock(t, h)
	s := h.New(t)
	ctx := context.Background()
	const conv = "test:reply-hold-ends"
	if err := s.Commit(ctx, conv, "u1", 0, store.Change{Data: []byte("d"), Reply: []byte("reply")}); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	h.Advance(h.ReplyHold - time.Millisecond)
	if _, err := s.ClaimReply(ctx, conv, "u1"); !errors.Is(err, store.ErrReplyHeld) {
		t.Fatalf("ClaimReply just before the hold ends = %v; want ErrReplyHeld", err)
	}
	h.Advance(time.Millisecond)
	if got, err := s.ClaimReply(ctx, conv, "u1"); err != nil || string(got) != "reply" {
		t.Fatalf("ClaimReply once the hold ended = %q, %v; want the reply", got, err)
	}
}

// testReplyWithoutUpdateID checks that a reply of an update without id (the
// terminal, a staff action) is not kept: nothing could ask for it again.
func testReplyWithoutUpdateID(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := context.Background()
	const conv = "test:reply-no-id"
	if err := s.Commit(ctx, conv, "", 0, store.Change{Data: []byte("d"), Reply: []byte("reply")}); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if snap := load(t, s, conv, ""); snap.Seen || snap.Reply != nil || string(snap.Data) != "d" {
		t.Errorf("Load = %+v; want the data, unseen, no reply", snap)
	}
	if err := s.SetReply(ctx, conv, "", []byte("x")); err != nil {
		t.Errorf("SetReply without update id: %v", err)
	}
	if got, err := s.ClaimReply(ctx, conv, ""); err != nil || got != nil {
		t.Errorf("ClaimReply without update id = %q, %v; want nothing", got, err)
	}
}

// testDuplicateGivesReply checks that UpdateSnapshot, finding the update
// handled, returns what is left to deliver of it, and saves nothing that
// fn returns (a store that starts from what it committed last calls fn
// before it learns of the duplicate).
func testDuplicateGivesReply(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := context.Background()
	const conv = "test:dup-reply"
	fn := func(snap store.Snapshot) (store.Change, error) {
		return store.Change{Data: []byte("d"), Reply: []byte("the reply")}, nil
	}
	if _, err := store.UpdateSnapshot(ctx, s, conv, "u1", fn); err != nil {
		t.Fatalf("first UpdateSnapshot: %v", err)
	}
	snap, err := store.UpdateSnapshot(ctx, s, conv, "u1", func(store.Snapshot) (store.Change, error) {
		return store.Change{Data: []byte("not saved"), Reply: []byte("not kept")}, nil
	})
	if !errors.Is(err, store.ErrDuplicate) || !snap.Seen || string(snap.Reply) != "the reply" {
		t.Errorf("repeated UpdateSnapshot = seen %v, reply %q, %v; want ErrDuplicate with the reply", snap.Seen, snap.Reply, err)
	}
	if got := load(t, s, conv, "u1"); string(got.Data) != "d" || string(got.Reply) != "the reply" {
		t.Errorf("after the duplicate: data %q, reply %q; want %q, %q", got.Data, got.Reply, "d", "the reply")
	}
}
