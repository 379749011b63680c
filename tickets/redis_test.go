package tickets_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/redistest"
	"github.com/motcua/motcua/tickets"
	"github.com/motcua/motcua/tickets/ticketstest"
)

func TestRedis(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client(t)
	var n atomic.Int64
	prefixes := make(map[tickets.Store]string)
	ticketstest.Run(t, ticketstest.Harness{
		// A prefix of its own per store: Open, Due and Purge see every
		// ticket under it.
		New: func(t *testing.T, o tickets.Options) tickets.Store {
			o.Prefix = "t" + strconv.FormatInt(n.Add(1), 10)
			s := tickets.NewRedis(client, o)
			prefixes[s] = o.Prefix
			return s
		},
		// A new client and a new store on the same Redis, as a restarted
		// replica gets.
		Reopen: func(t *testing.T, s tickets.Store) tickets.Store {
			c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
			t.Cleanup(func() { _ = c.Close() })
			return tickets.NewRedis(c, tickets.Options{Prefix: prefixes[s]})
		},
	})
}

var ctx = context.Background()

// t0 is when the tests below start: 09:00 in Vietnam.
var t0 = time.Date(2026, 7, 15, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

func question(chat string) tickets.Ticket {
	return tickets.Ticket{Chat: chat, Name: "Bà Lan", Question: "Làm căn cước cho con ở đâu?", Village: "Thôn 3", Created: t0}
}

// TestRedisKeys checks the key layout the package doc describes, that
// every key shares one hash tag, and that deleting tickets leaves only
// the figures.
func TestRedisKeys(t *testing.T) {
	client := redistest.Start(t).Client(t)
	s := tickets.NewRedis(client, tickets.Options{})
	mine := question("tg:5012345678")
	mine.ID = "AB23CD45"
	must(t, errOf(s.Create(ctx, mine)))
	must(t, s.SetPost(ctx, mine.ID, "tg:-100123:57"))
	must(t, errOf(s.Claim(ctx, mine.ID, "tg:456", "Anh Nam", t0.Add(time.Minute))))
	other, err := s.Create(ctx, question("tg:77"))
	must(t, err)

	hash := client.HGetAll(ctx, "mc:{tk}:t:AB23CD45").Val()
	wantFields := map[string]string{
		"v": "3", "chat": "tg:5012345678", "st": "claimed", "vol": "tg:456", "voln": "Anh Nam",
		"cr": strconv.FormatInt(t0.UnixMilli(), 10), "cl": strconv.FormatInt(t0.Add(time.Minute).UnixMilli(), 10),
		"fa": "", "n": "1", "esc": "0", "post": "tg:-100123:57", "posts": "tg:-100123:57", "village": "Thôn 3",
	}
	for f, want := range wantFields {
		if hash[f] != want {
			t.Errorf("HGET mc:{tk}:t:AB23CD45 %s = %q, want %q", f, hash[f], want)
		}
	}
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"ZRANGE mc:{tk}:claimed", client.ZRange(ctx, "mc:{tk}:claimed", 0, -1).Val(), []string{"AB23CD45"}},
		{"ZRANGE mc:{tk}:open", client.ZRange(ctx, "mc:{tk}:open", 0, -1).Val(), []string{other.ID}},
		{"ZRANGE mc:{tk}:renotify", client.ZRange(ctx, "mc:{tk}:renotify", 0, -1).Val(), []string{other.ID}},
		{"ZRANGE mc:{tk}:escalate", client.ZRange(ctx, "mc:{tk}:escalate", 0, -1).Val(), []string{other.ID}},
		{"HGET mc:{tk}:active", client.HGet(ctx, "mc:{tk}:active", "tg:5012345678").Val(), "AB23CD45"},
		{"HGET mc:{tk}:posts", client.HGet(ctx, "mc:{tk}:posts", "tg:-100123:57").Val(), "AB23CD45"},
		{"SMEMBERS mc:{tk}:c:tg:5012345678", client.SMembers(ctx, "mc:{tk}:c:tg:5012345678").Val(), []string{"AB23CD45"}},
		// 09:00 in Vietnam is 02:00 UTC: the figures of 15/07.
		{"ZSCORE mc:{tk}:f:20260715 (asked)", client.ZScore(ctx, "mc:{tk}:f:20260715", "a AB23CD45 0 Thôn 3").Val(), float64(t0.UnixMilli())},
		{"ZSCORE mc:{tk}:f:20260715 (claimed)", client.ZScore(ctx, "mc:{tk}:f:20260715", "c AB23CD45 60000 Thôn 3").Val(), float64(t0.Add(time.Minute).UnixMilli())},
		{"ZCARD mc:{tk}:f:20260715", client.ZCard(ctx, "mc:{tk}:f:20260715").Val(), int64(3)},
		{"OBJECT ENCODING mc:{tk}:f:20260715", client.ObjectEncoding(ctx, "mc:{tk}:f:20260715").Val(), "listpack"},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	for _, key := range client.Keys(ctx, "*").Val() {
		if open, close := strings.Index(key, "{"), strings.Index(key, "}"); key[open+1:close] != "tk" {
			t.Errorf("key %s has the hash tag %q, want {tk}", key, key[open+1:close])
		}
	}

	must(t, s.DeleteChat(ctx, "tg:5012345678"))
	must(t, errOf(s.Close(ctx, other.ID, t0.Add(time.Hour))))
	n, err := s.Purge(ctx, t0.Add(time.Hour+tickets.DefaultRetention))
	if err != nil || n != 1 {
		t.Fatalf("Purge = %d, %v; want 1", n, err)
	}
	if keys := client.Keys(ctx, "*").Val(); fmt.Sprint(keys) != "[mc:{tk}:f:20260715]" {
		t.Errorf("keys %v after deleting every ticket, want the figures only", keys)
	}
}

// TestRedisUnavailable checks that a Redis that does not answer gives
// errors matching store.ErrUnavailable, quickly, and that a restart (empty,
// without the scripts) ends them.
func TestRedisUnavailable(t *testing.T) {
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
	s := tickets.NewRedis(client, tickets.Options{})
	tk, err := s.Create(ctx, question("tg:1"))
	must(t, err)

	srv.Stop(t)
	ops := map[string]func() error{
		"Create":        func() error { return errOf(s.Create(ctx, question("tg:2"))) },
		"Get":           func() error { return errOf(s.Get(ctx, tk.ID)) },
		"Claim":         func() error { return errOf(s.Claim(ctx, tk.ID, "tg:9", "Nam", t0)) },
		"Release":       func() error { return errOf(s.Release(ctx, tk.ID, "tg:9")) },
		"Answered":      func() error { return errOf(s.Answered(ctx, tk.ID, t0)) },
		"Close":         func() error { return errOf(s.Close(ctx, tk.ID, t0)) },
		"SetPost":       func() error { return s.SetPost(ctx, tk.ID, "tg:-1:1") },
		"Open":          func() error { _, _, err := s.Open(ctx, "tg:9"); return err },
		"Active":        func() error { _, _, err := s.Active(ctx, "tg:1"); return err },
		"ByPost":        func() error { return errOf(s.ByPost(ctx, "tg:-1:1")) },
		"Due":           func() error { _, _, err := s.Due(ctx, t0.Add(time.Hour), time.Minute, time.Hour); return err },
		"MarkNotified":  func() error { return s.MarkNotified(ctx, tk.ID) },
		"MarkEscalated": func() error { return s.MarkEscalated(ctx, tk.ID) },
		"DeleteChat":    func() error { return s.DeleteChat(ctx, "tg:1") },
		"Purge":         func() error { return errOf(s.Purge(ctx, t0)) },
		"Stats":         func() error { return errOf(s.Stats(ctx, t0, t0.Add(time.Hour))) },
	}
	for name, op := range ops {
		start := time.Now()
		if err := op(); !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s with Redis down = %v, want store.ErrUnavailable", name, err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s with Redis down took %v", name, took)
		}
	}

	srv.Restart(t) // empty, and without the scripts
	again, err := s.Create(ctx, question("tg:1"))
	if err != nil {
		t.Fatalf("Create after the restart: %v", err)
	}
	if _, err := s.Claim(ctx, again.ID, "tg:9", "Nam", t0); err != nil {
		t.Errorf("Claim after the restart: %v", err)
	}
}

// TestRedisSurvivesRestart is the proof that a ticket survives a
// restart: Redis itself is killed and started again (with its append-only
// file, as production runs it), and a new replica sees every ticket as it
// was, its figures and the lease Due took, and claims with scripts that
// Redis no longer knows.
func TestRedisSurvivesRestart(t *testing.T) {
	srv := redistest.StartPersistent(t)
	before := tickets.NewRedis(srv.Client(t), tickets.Options{})
	tk, err := before.Create(ctx, question("tg:1"))
	must(t, err)
	must(t, before.SetPost(ctx, tk.ID, "tg:-100:1"))
	taken, err := before.Create(ctx, question("tg:2"))
	must(t, err)
	taken, err = before.Claim(ctx, taken.ID, "tg:9", "Anh Nam", t0.Add(time.Minute))
	must(t, err)
	if r, _, err := before.Due(ctx, t0.Add(30*time.Minute), 30*time.Minute, 4*time.Hour); err != nil || len(r) != 1 {
		t.Fatalf("Due = %v, %v; want the open ticket", r, err)
	}
	figures, err := before.Stats(ctx, t0, t0.Add(time.Hour))
	must(t, err)

	srv.Restart(t)
	after := tickets.NewRedis(srv.Client(t), tickets.Options{})
	if got, err := after.ByPost(ctx, "tg:-100:1"); err != nil || got.ID != tk.ID || got.Question != tk.Question {
		t.Errorf("after the restart ByPost = %+v, %v; want %s", got, err, tk.ID)
	}
	if got, ok, err := after.Active(ctx, "tg:2"); err != nil || !ok || got.Volunteer != "tg:9" || !got.Claimed.Equal(taken.Claimed) {
		t.Errorf("after the restart Active(tg:2) = %+v, %v, %v; want claimed by tg:9", got, ok, err)
	}
	if got, err := after.Stats(ctx, t0, t0.Add(time.Hour)); err != nil || got.Figures != figures.Figures {
		t.Errorf("after the restart Stats = %+v, %v; want %+v", got.Figures, err, figures.Figures)
	}
	if r, _, err := after.Due(ctx, t0.Add(31*time.Minute), 30*time.Minute, 4*time.Hour); err != nil || len(r) != 0 {
		t.Errorf("after the restart, within the lease, Due = %v, %v; want nothing", r, err)
	}
	if _, err := after.Claim(ctx, tk.ID, "tg:8", "Chị Hoa", t0.Add(40*time.Minute)); err != nil {
		t.Errorf("Claim after the restart: %v", err)
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

// TestRedisScriptsResent checks that a write run twice reports what it did
// once: a Create is not refused as ErrExists or ErrActive by its own first
// run, a Claim is not ErrTaken by its own, an event counts once. A Due
// whose answer is lost leaves its tickets to the lease's end.
func TestRedisScriptsResent(t *testing.T) {
	client := redistest.Start(t).Client(t)
	client.AddHook(resendHook{})
	s := tickets.NewRedis(client, tickets.Options{})
	tk, err := s.Create(ctx, question("tg:1"))
	if err != nil {
		t.Fatalf("Create run twice: %v", err)
	}
	mine := question("tg:2")
	mine.ID = "MINE"
	if _, err := s.Create(ctx, mine); err != nil {
		t.Fatalf("Create with an ID, run twice: %v", err)
	}
	if _, err := s.Claim(ctx, tk.ID, "tg:9", "Nam", t0.Add(time.Minute)); err != nil {
		t.Fatalf("Claim run twice: %v", err)
	}
	if _, err := s.Answered(ctx, tk.ID, t0.Add(2*time.Minute)); err != nil {
		t.Fatalf("Answered run twice: %v", err)
	}
	if _, err := s.Close(ctx, tk.ID, t0.Add(3*time.Minute)); err != nil {
		t.Fatalf("Close run twice: %v", err)
	}
	st, err := s.Stats(ctx, t0, t0.Add(time.Hour))
	if want := (tickets.Figures{Asked: 2, Claimed: 1, Answered: 1, Closed: 1, ToClaim: time.Minute, ToAnswer: 2 * time.Minute}); err != nil || st.Figures != want {
		t.Errorf("Stats = %+v, %v; want %+v", st.Figures, err, want)
	}
	now := t0.Add(30 * time.Minute)
	if r, _, err := s.Due(ctx, now, 30*time.Minute, 4*time.Hour); err != nil || len(r) != 0 {
		t.Errorf("Due whose answer was lost = %v, %v; want nothing", r, err)
	}
	plainClient := redis.NewClient(client.Options())
	t.Cleanup(func() { _ = plainClient.Close() })
	plain := tickets.NewRedis(plainClient, tickets.Options{})
	if r, _, err := plain.Due(ctx, now.Add(tickets.DefaultLease), 30*time.Minute, 4*time.Hour); err != nil || len(r) != 1 || r[0].ID != "MINE" {
		t.Errorf("Due at the lost claim's lease end = %v, %v; want MINE", r, err)
	}
	if err := s.DeleteChat(ctx, "tg:2"); err != nil {
		t.Errorf("DeleteChat run twice: %v", err)
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
			tickets.NewRedis(client, tickets.Options{Prefix: prefix})
		}()
	}
}

// must fails the test on an error.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// errOf drops a result, keeping the error.
func errOf[T any](_ T, err error) error { return err }
