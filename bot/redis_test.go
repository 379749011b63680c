package bot_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/console"
	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/stats"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/redistest"
)

func redisStore(t testing.TB, client redis.UniversalClient) store.Conversations {
	return store.NewRedis(client, store.Options{Prefix: "mctest"})
}

// TestConversationOutlivesTheProcess checks that a second service (a
// restarted bot, or another replica) continues a conversation the first
// began.
func TestConversationOutlivesTheProcess(t *testing.T) {
	client := redistest.Start(t).Client(t)
	first := newChat(t, newService(t, redisStore(t, client)))
	first.say("/start thu")
	first.say("1")

	second := newChat(t, newService(t, redisStore(t, client)))
	second.n.Store(first.n.Load())
	contains(t, second.say("10/11/2026"), "Hạn là 09/01/2027 (còn 47 ngày).", "Nhà có mấy người?")
}

// TestTwoReplicasLoseNoUpdate feeds the updates of one chat to two services
// on one Redis at once, each update three times, each delivery repeated
// as a channel does while the answer is "try later": every update is
// handled exactly once and its reply sent once, none is lost.
func TestTwoReplicasLoseNoUpdate(t *testing.T) {
	client := redistest.Start(t).Client(t)
	a := newService(t, redisStore(t, client))
	b := newService(t, redisStore(t, client))
	chatID := bot.Chat{ID: "tg:42", Private: true}

	const updates = 30
	var (
		mu      sync.Mutex
		replies int
		wg      sync.WaitGroup
	)
	for i := range updates {
		u := bot.Update{ID: fmt.Sprintf("tg:u:%d", i), Chat: chatID, Text: "menu"}
		for _, svc := range []*bot.Service{a, b, a} {
			wg.Go(func() {
				ctx := context.Background()
				for {
					reply, err := svc.Handle(ctx, u)
					if errors.Is(err, bot.ErrTryLater) {
						runtime.Gosched() // the holder is delivering: come again
						continue
					}
					if err != nil {
						t.Errorf("update %s: %v", u.ID, err)
						return
					}
					if len(reply.Messages) > 0 {
						mu.Lock()
						replies++
						mu.Unlock()
					}
					if err := svc.Delivered(ctx, u, reply, len(reply.Messages)); err != nil {
						t.Errorf("delivered %s: %v", u.ID, err)
					}
					return
				}
			})
		}
	}
	wg.Wait()
	if replies != updates {
		t.Errorf("%d updates answered, want %d (each once)", replies, updates)
	}
	// Every handled update moved the turn once: none was lost.
	reply, err := a.Handle(context.Background(), bot.Update{ID: "last", Chat: chatID, Text: "menu"})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := parseTurn(reply)
	if data != updates+1 {
		t.Errorf("turn = %d after %d updates, want %d", data, updates+1, updates+1)
	}
}

// parseTurn reads the turn from the first button's data ("<turn>:…").
func parseTurn(r bot.Reply) (int, error) {
	for _, m := range r.Messages {
		for _, b := range m.Buttons {
			var n int
			_, err := fmt.Sscanf(b.Data, "%d:", &n)
			return n, err
		}
	}
	return 0, fmt.Errorf("no button")
}

// TestRedisOutage stops the test redis-server in the middle of a
// conversation: the citizen gets an apology, and once Redis is back the
// conversation continues where it was.
func TestRedisOutage(t *testing.T) {
	srv := redistest.StartPersistent(t)
	client := redis.NewClient(&redis.Options{
		Addr:        srv.Addr(),
		DialTimeout: 200 * time.Millisecond,
		ReadTimeout: 200 * time.Millisecond,
		MaxRetries:  -1,
	})
	t.Cleanup(func() { client.Close() })
	c := newChat(t, newService(t, redisStore(t, client)))
	c.say("/start thu")
	c.say("1")

	srv.Stop(t)
	reply, err := c.svc.Handle(context.Background(), bot.Update{ID: "down", Chat: bot.Chat{ID: c.id, Private: true}, Text: "10/11/2026"})
	if err == nil {
		t.Fatal("Handle must report the outage to the channel")
	}
	if got := console.RenderReply(reply); got != bot.DefaultMessages().StoreDown { // an update with an id comes again
		t.Fatalf("reply during the outage = %q", got)
	}

	srv.Restart(t)
	contains(t, c.say("10/11/2026"), "Hạn là 09/01/2027 (còn 47 ngày).", "Nhà có mấy người?")
}

// TestRoundTripsPerMessage counts the round trips a message costs on
// Redis: on its path, the commit that saves the reply with the
// conversation (the store starts from what it committed last for her, so
// a message after the first needs no load); off it, the mark that the
// reply was delivered
// (without it, a redelivery after a crash could not tell a delivered reply
// from a lost one), which marks of other updates may share.
func TestRoundTripsPerMessage(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client(t)
	counter := &roundTrips{}
	client.AddHook(counter)
	st := redisStore(t, client)
	watch := redisStore(t, srv.Client(t)) // the test's reads, not counted
	// The commune's side records her as seen on her first message of the
	// day only (with the figures: people.Seen, stats.Active), not on
	// every message.
	svc := bot.New(engine(t), st, bot.Options{Location: ict, Now: now, Retries: []time.Duration{}, Community: &bot.Community{
		People: people.NewRedis(client, people.Options{Prefix: "mctest"}),
		Stats:  stats.NewRedis(client, stats.Options{Prefix: "mctest"}),
	}})
	c := newChat(t, svc)
	c.say("/start thu") // loads the script, opens the connections
	c.say("1")
	marked := func(id string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			snap, err := watch.Load(context.Background(), c.id, id)
			if err == nil && snap.Seen && snap.Reply == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the reply of %s was never marked delivered", id)
			}
			time.Sleep(time.Millisecond) // the mark is written off the update's path
		}
	}
	marked("u2")
	counter.reset()
	c.say("10/11/2026")
	marked("u3")
	trips := counter.count()
	t.Logf("%d round trips: %v", trips, counter.names())
	if trips > 2 {
		t.Errorf("one message took %d round trips to Redis, want ≤ 2: the commit, the mark", trips)
	}
	if n := slices.Index(counter.names(), "set"); n < 0 {
		t.Errorf("no mark written after the message: %v", counter.names())
	}
}

// TestConversationMemory measures a mid-flow conversation in Redis.
func TestConversationMemory(t *testing.T) {
	client := redistest.Start(t).Client(t)
	c := newChat(t, newService(t, redisStore(t, client)))
	c.say("/start thu")
	c.say("1")
	c.say("10/11/2026")
	c.say("3")
	n, err := client.MemoryUsage(context.Background(), "mctest:{tg:1}:conv").Result()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("MEMORY USAGE of a mid-flow conversation: %d bytes", n)
	if n > 400 {
		t.Errorf("a mid-flow conversation takes %d bytes in Redis, want ≤ 400", n)
	}
}

type roundTrips struct {
	mu    sync.Mutex
	cmds  []string
	trips int
}

func (r *roundTrips) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cmds, r.trips = nil, 0
}

func (r *roundTrips) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.trips
}

func (r *roundTrips) names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.cmds)
}

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.mu.Lock()
		r.trips++
		r.cmds = append(r.cmds, cmd.Name())
		r.mu.Unlock()
		return next(ctx, cmd)
	}
}

func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.mu.Lock()
		r.trips++
		for _, c := range cmds {
			r.cmds = append(r.cmds, c.Name())
		}
		r.mu.Unlock()
		return next(ctx, cmds)
	}
}

// BenchmarkMessageRedis measures one citizen message through the service
// with the Redis store on loopback, and reports the median latency.
func BenchmarkMessageRedis(b *testing.B) {
	client := redistest.Start(b).Client(b)
	svc := bot.New(engine(b), redisStore(b, client), bot.Options{Location: ict, Now: now})
	ctx := context.Background()
	chatID := bot.Chat{ID: "tg:bench", Private: true}
	if _, err := svc.Handle(ctx, bot.Update{Chat: chatID, Text: "/start thu"}); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Handle(ctx, bot.Update{Chat: chatID, Text: "1"}); err != nil {
		b.Fatal(err)
	}
	// A wrong date is rejected and the step kept, so every iteration does
	// the same work: load, engine step, commit.
	var lat []time.Duration
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		start := time.Now()
		if _, err := svc.Handle(ctx, bot.Update{ID: fmt.Sprint(i), Chat: chatID, Text: "31/02/2025"}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
