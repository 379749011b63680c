package reminders

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/store/redistest"
)

// The benchmarks' data: reminders as citizens would enter them, each
// built by Schedule.Begin at benchNow, and stored as Save stores them.
var (
	benchSched = DefaultSchedule()
	// benchNow is half a minute after 08:00, when the day's reminders
	// fall due.
	benchNow    = time.Date(2026, 6, 15, 8, 0, 30, 0, flows.Vietnam())
	benchLabels = []string{"Tôi", "Mẹ", "Bố", "Bé An", "Ông nội", "Bà ngoại", "Vợ", "Chồng"}
)

// benchReminder is the i-th reminder of the data, perChat to a chat.
// The first windows*per of them fall due per at a time, at 08:00 on
// benchNow's day and each of the following windows-1 days (their cards
// expire 30 days later); the others over the year after.
func benchReminder(i, perChat, windows, per int) Reminder {
	chat := "tg:" + strconv.Itoa(5_000_000_000+(i/perChat)*7919)
	days := 30 + windows + i%365
	if i < windows*per {
		days = 30 + i/per
	}
	expiry := flows.DateOf(benchNow).AddDays(days)
	r := Reminder{Chat: chat, ID: strconv.Itoa(i%perChat + 1), Label: benchLabels[i%len(benchLabels)], Expiry: expiry}
	return benchSched.Begin(r, benchNow.Add(-time.Hour))
}

// bulkLoad writes n reminders into s's keys as Save would, but in
// pipelines of thousands of commands: a million take seconds, not minutes.
func bulkLoad(tb testing.TB, client redis.UniversalClient, s *Redis, n, perChat, windows, per int) {
	tb.Helper()
	ctx := context.Background()
	b := s.b.(*redisBackend)
	const batch = 5000
	for start := 0; start < n; start += batch {
		pipe := client.Pipeline()
		zs := make([]redis.Z, 0, batch)
		for i := start; i < min(start+batch, n); i++ {
			r := benchReminder(i, perChat, windows, per)
			name, rec := member(r.Chat, r.ID), encode(r)
			pipe.HSet(ctx, b.bucketOf(r.Chat), name, rec)
			if score := s.due(r); score != noDue {
				zs = append(zs, redis.Z{Score: float64(score), Member: name + " " + rec})
			}
		}
		pipe.ZAdd(ctx, b.due, zs...)
		if _, err := pipe.Exec(ctx); err != nil {
			tb.Fatalf("bulk load: %v", err)
		}
	}
}

// TestBulkLoadIsSave checks that the benchmarks measure what Save writes.
func TestBulkLoadIsSave(t *testing.T) {
	ctx := context.Background()
	client := redistest.Start(t).Client(t)
	bulk := NewRedis(client, benchSched, Options{Prefix: "bulk"})
	saved := NewRedis(client, benchSched, Options{Prefix: "saved"})
	const n, perChat, windows, due = 60, 3, 2, 10
	bulkLoad(t, client, bulk, n, perChat, windows, due)
	for i := range n {
		if err := saved.Save(ctx, benchReminder(i, perChat, windows, due)); err != nil {
			t.Fatalf("Save: %v", err)
		}
	}
	dump := func(prefix string) string {
		var out []string
		for _, key := range client.Keys(ctx, prefix+":*").Val() {
			k := strings.TrimPrefix(key, prefix)
			if strings.HasSuffix(key, ":due") {
				for _, z := range client.ZRangeWithScores(ctx, key, 0, -1).Val() {
					out = append(out, fmt.Sprintf("%s %s %.0f", k, z.Member, z.Score))
				}
				continue
			}
			for f, v := range client.HGetAll(ctx, key).Val() {
				out = append(out, k+" "+f+" "+v)
			}
		}
		slices.Sort(out)
		return strings.Join(out, "\n")
	}
	if b, s := dump("bulk"), dump("saved"); b != s || b == "" {
		t.Errorf("bulk load wrote\n%s\nSave wrote\n%s", b, s)
	}
	cs, err := bulk.Claim(ctx, benchNow, time.Minute, 100)
	if err != nil || len(cs) != due {
		t.Errorf("Claim = %d, %v; want the %d due", len(cs), err, due)
	}
}

// BenchmarkClaim measures a tick's claim of 1,000 due reminders among
// 10,000 and among 1,000,000 stored: the claim script, whose due entries
// carry the records. Each round claims other reminders (those of the next
// day), so that Redis does not find them warm in its caches. Besides
// ns/op (the whole Claim call), it reports
//
//	redis-ms/claim   the wall time of the Redis calls, as the client
//	                 sees them (round trips included)
//	server-ms/claim  the time Redis spent in them (INFO commandstats)
//	hget-ms/claim    of which in HGETs that load records: none, but for
//	                 due entries of the layout before, which were bare
//	                 names (a lookup in a bucket of 244 records at a
//	                 million cost as much as the rest of the claim)
//
// The target is at most 50 ms, and 1,000,000 stored within 1.5 times of
// 10,000.
func BenchmarkClaim(b *testing.B) {
	const due, lease = 1000, 5 * time.Minute
	sizes := []struct{ stored, windows int }{{10_000, 5}, {1_000_000, 100}}
	for _, size := range sizes {
		srv := redistest.Start(b)
		admin := srv.Client(b)
		timed := srv.Client(b)
		var hook timingHook
		timed.AddHook(&hook)
		s := NewRedis(timed, benchSched, Options{})
		bulkLoad(b, admin, s, size.stored, 1, size.windows, due)
		ctx := context.Background()
		be := s.b.(*redisBackend)
		day := func(w int) time.Time { return benchSched.At(flows.DateOf(benchNow).AddDays(w)) }
		// park moves claimed reminders' due entries out of the way, or
		// back to the day they fall due, outside the timer, and ends
		// their leases.
		park := func(b *testing.B, names []string, at time.Time) {
			if len(names) == 0 {
				return
			}
			zs := make([]redis.Z, len(names))
			members := make([]any, len(names))
			for i, entry := range names {
				zs[i] = redis.Z{Score: float64(at.UnixMilli()), Member: entry}
				members[i], _, _ = strings.Cut(entry, " ")
			}
			pipe := admin.TxPipeline()
			pipe.ZRem(ctx, be.leased, members...)
			pipe.ZAdd(ctx, be.due, zs...)
			if _, err := pipe.Exec(ctx); err != nil {
				b.Fatal(err)
			}
		}

		// claimed holds what each window's claim took, parked; b.Run
		// calls the function below several times, with a larger b.N.
		claimed := make([][]string, size.windows)
		b.Run(fmt.Sprintf("stored=%d", size.stored), func(b *testing.B) {
			for w, names := range claimed {
				park(b, names, day(w))
			}
			admin.ConfigResetStat(ctx)
			hook.reset()
			b.ResetTimer()
			for i := range b.N {
				w := i % size.windows
				if w == 0 && i > 0 {
					b.StopTimer()
					for w, names := range claimed {
						park(b, names, day(w))
					}
					b.StartTimer()
				}
				cs, err := s.Claim(ctx, day(w).Add(30*time.Second), lease, due)
				if err != nil || len(cs) != due {
					b.Fatalf("Claim = %d, %v; want %d", len(cs), err, due)
				}
				b.StopTimer()
				claimed[w] = claimed[w][:0]
				for _, c := range cs {
					claimed[w] = append(claimed[w], member(c.Chat, c.ID)+" "+c.rec)
				}
				park(b, claimed[w], day(10_000))
				b.StartTimer()
			}
			b.StopTimer()
			b.ReportMetric(hook.total().Seconds()*1000/float64(b.N), "redis-ms/claim")
			b.ReportMetric(serverMillis(b, admin, "evalsha", "eval", "hget")/float64(b.N), "server-ms/claim")
			b.ReportMetric(serverMillis(b, admin, "hget")/float64(b.N), "hget-ms/claim")
		})
		srv.Stop(b) // give back the memory before the next size
	}
}

// BenchmarkMemoryPerReminder reports the Redis memory a stored reminder
// takes, its due entry and its record together, from INFO used_memory
// before and after storing 100,000 (target: at most 200 bytes), for
// chats of one reminder and of three. due-bytes and record-bytes split
// it, by MEMORY USAGE of the due set and of the other keys.
//
// The chat-keys runs measure the layout the package does not use, for
// comparison: each chat's records in a hash of its own,
// "mc:{tg:123}:rem", id → record.
func BenchmarkMemoryPerReminder(b *testing.B) {
	const n = 100_000
	runs := []struct {
		name     string
		perChat  int
		chatKeys bool
	}{
		{"per-chat=1", 1, false},
		{"per-chat=3", 3, false},
		{"chat-keys/per-chat=1", 1, true},
		{"chat-keys/per-chat=3", 3, true},
	}
	for _, run := range runs {
		b.Run(run.name, func(b *testing.B) {
			ctx := context.Background()
			srv := redistest.Start(b)
			client := srv.Client(b)
			s := NewRedis(client, benchSched, Options{})
			before := redistest.UsedMemory(b, client)
			if run.chatKeys {
				loadChatKeys(b, client, s, n, run.perChat)
			} else {
				bulkLoad(b, client, s, n, run.perChat, 0, 0)
			}
			after := redistest.UsedMemory(b, client)
			var dueBytes, recBytes int64
			hashtables := 0
			var cursor uint64
			for {
				keys, next, err := client.Scan(ctx, cursor, "mc:*", 1000).Result()
				if err != nil {
					b.Fatalf("SCAN: %v", err)
				}
				for _, key := range keys {
					used := client.MemoryUsage(ctx, key, 0).Val()
					if strings.HasSuffix(key, ":due") {
						dueBytes += used
						continue
					}
					recBytes += used
					// A hash past 512 fields or with a value past 64
					// bytes turns into a hashtable: twice the memory.
					if client.ObjectEncoding(ctx, key).Val() == "hashtable" {
						hashtables++
					}
				}
				if cursor = next; cursor == 0 {
					break
				}
			}
			for b.Loop() {
				// The figures are the load's, measured once: with
				// b.Loop, this function runs once.
			}
			b.ReportMetric(float64(after-before)/n, "bytes/reminder")
			b.ReportMetric(float64(dueBytes)/n, "due-bytes/reminder")
			b.ReportMetric(float64(recBytes)/n, "record-bytes/reminder")
			b.ReportMetric(float64(hashtables), "hashtables")
		})
	}
}

// loadChatKeys stores n reminders in the layout the package does not
// use: a hash per chat.
func loadChatKeys(tb testing.TB, client redis.UniversalClient, s *Redis, n, perChat int) {
	tb.Helper()
	ctx := context.Background()
	due := s.b.(*redisBackend).due
	const batch = 5000
	for start := 0; start < n; start += batch {
		pipe := client.Pipeline()
		for i := start; i < min(start+batch, n); i++ {
			r := benchReminder(i, perChat, 0, 0)
			pipe.HSet(ctx, "mc:{"+r.Chat+"}:rem", r.ID, encode(r))
			pipe.ZAdd(ctx, due, redis.Z{Score: float64(s.due(r)), Member: member(r.Chat, r.ID) + " " + encode(r)})
		}
		if _, err := pipe.Exec(ctx); err != nil {
			tb.Fatalf("load: %v", err)
		}
	}
}

// serverMillis sums the time Redis spent in the named commands since the
// last CONFIG RESETSTAT, from INFO commandstats.
func serverMillis(tb testing.TB, c *redis.Client, cmds ...string) float64 {
	tb.Helper()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		tb.Fatalf("INFO commandstats: %v", err)
	}
	var usec float64
	for line := range strings.Lines(info) {
		name, stats, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || !slices.Contains(cmds, strings.TrimPrefix(name, "cmdstat_")) {
			continue
		}
		for field := range strings.SplitSeq(stats, ",") {
			if v, ok := strings.CutPrefix(field, "usec="); ok {
				n, _ := strconv.ParseFloat(v, 64)
				usec += n
			}
		}
	}
	return usec / 1000
}

// timingHook adds up the wall time of a client's calls.
type timingHook struct {
	mu  sync.Mutex
	sum time.Duration
}

func (h *timingHook) add(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sum += d
}

func (h *timingHook) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sum = 0
}

func (h *timingHook) total() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sum
}

func (h *timingHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *timingHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmd)
		h.add(time.Since(start))
		return err
	}
}

func (h *timingHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmds)
		h.add(time.Since(start))
		return err
	}
}
