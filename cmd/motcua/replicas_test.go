package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/telegram"
	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/scheduler"
	"github.com/motcua/motcua/store/redistest"
)

// TestThreeReplicasSendEachReminderOnce is the reminders' proof: three
// replicas wired as serve wires them (reminder store on one Redis, the
// service's renderer, an outbox over a real Telegram bot, the job) tick at
// once over 10,000 reminders due in the same minute, after a fourth replica
// died holding claims. Every reminder reaches the fake Bot API exactly once;
// the dead one's after its lease.
func TestThreeReplicasSendEachReminderOnce(t *testing.T) {
	const (
		token = "44:replicas-token"
		n     = 10000
	)
	api := telegramtest.New(t, token)
	redisSrv := redistest.Start(t)
	loc := time.FixedZone("ICT", 7*3600)
	cfg := defaults()
	cfg.Redis.URL = "redis://" + redisSrv.Addr() + "/0"
	cat, err := catalog(cfg, "", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()

	// The reminders: cards expiring on 31/12/2026, so the 7-day stage falls
	// due at 08:00 on 24/12 for all of them.
	sched := schedule(cfg, loc)
	created := time.Date(2026, 12, 20, 10, 0, 0, 0, loc)
	due := time.Date(2026, 12, 24, 8, 0, 0, 0, loc)
	expiry := flows.Date{Year: 2026, Month: 12, Day: 31}
	seed, err := openStores(ctx, cfg, sched, log)
	if err != nil {
		t.Fatal(err)
	}
	defer seed.close()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				r := sched.Begin(reminders.Reminder{Chat: fmt.Sprintf("tg:%d", 100000+i), ID: "r1", Label: "Mẹ", Expiry: expiry}, created)
				if err := seed.rem.Save(ctx, r); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()

	// A fourth replica claims a batch and dies before sending it.
	const lease = 5 * time.Minute
	dead, err := seed.rem.Claim(ctx, due, lease, 500)
	if err != nil || len(dead) != 500 {
		t.Fatalf("the dying replica claimed %d: %v", len(dead), err)
	}

	replica := func() *scheduler.Job {
		st, err := openStores(ctx, cfg, sched, log)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.close)
		p, err := service(cfg, cat, st, loc, log)
		if err != nil {
			t.Fatal(err)
		}
		rem := p.rem
		tg, err := telegram.New(ctx, nopHandler{}, telegram.Options{Token: token, APIURL: api.URL(), Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tg.Close(ctx) })
		// The fake enforces no limits: pace fast, the proof is about claims.
		ob := outbox.New(tg, outbox.Options{PerSecond: rate.Limit(5000), PerChat: 10, Quiet: &outbox.QuietHours{}, Location: loc, Logger: log})
		job, err := scheduler.New(st.rem, ob, rem, scheduler.Options{Location: loc, Lease: lease, Workers: 16, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		return job
	}
	jobs := []*scheduler.Job{replica(), replica(), replica()}
	tickAll := func(now time.Time) {
		var wg sync.WaitGroup
		for _, j := range jobs {
			wg.Go(func() {
				if _, err := j.Tick(ctx, now); err != nil {
					t.Errorf("tick: %v", err)
				}
			})
		}
		wg.Wait()
	}
	tickAll(due.Add(30 * time.Second))
	if got := len(api.CallsOf("sendMessage")); got != n-len(dead) {
		t.Errorf("%d sent in the first minute, want %d (all but the dead replica's)", got, n-len(dead))
	}
	tickAll(due.Add(lease + time.Minute))

	counts := map[int64]int{}
	for _, m := range api.Sent() {
		counts[m.ChatID]++
	}
	for i := range n {
		if c := counts[int64(100000+i)]; c != 1 {
			t.Fatalf("chat %d got %d reminders, want exactly 1", 100000+i, c)
		}
	}
	if len(counts) != n {
		t.Errorf("%d chats got reminders, want %d", len(counts), n)
	}
}

// nopHandler is a bot service that is never asked anything: the replicas
// here only send.
type nopHandler struct{}

func (nopHandler) Handle(context.Context, bot.Update) (bot.Reply, error) { return bot.Reply{}, nil }

// TestServeRemindersSurviveAKilledReplica: three replicas of motcua serve
// as processes, in webhook mode on one Redis and one bot, with the
// configuration's defaults (a lease of 10 s renewed while sending, a tick
// every 5 s) and a Bot API answering in 100 ms as Telegram does. Once the
// replica that claimed the due reminders has sent a quarter, it gets
// SIGKILL. The others take the rest over within seconds: every chat gets
// its reminder, and at most the sends in flight at the kill (one per
// worker of the job, 8) twice.
func TestServeRemindersSurviveAKilledReplica(t *testing.T) {
	const (
		token   = "49:reminder-kill-token"
		n       = 300
		workers = scheduler.DefaultWorkers
	)
	api := telegramtest.New(t, token)
	api.Limits = telegramtest.Limits{PerSecond: 30, PerChatPerSecond: 1}
	api.Latency = 100 * time.Millisecond
	redisSrv := redistest.Start(t)
	loc := time.FixedZone("ICT", 7*3600)
	sched := reminders.DefaultSchedule()
	sched.Location = loc
	rs := reminders.NewRedis(redisSrv.Client(t), sched, reminders.Options{Prefix: "mc"})
	// Cards expiring today, set three days ago: the 1-day stage is due
	// since yesterday 08:00, whatever the hour the test runs.
	now := time.Now().In(loc)
	for i := range n {
		r := sched.Begin(reminders.Reminder{Chat: fmt.Sprintf("tg:%d", 200000+i), ID: "r1", Label: "Mẹ", Expiry: flows.DateOf(now)}, now.Add(-72*time.Hour))
		if err := rs.Save(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	var replicas []*proc
	for range 3 {
		replicas = append(replicas, startProc(t, map[string]string{
			"MOTCUA_HTTP_LISTEN":             freeAddr(t),
			"MOTCUA_TELEGRAM_TOKEN":          token,
			"MOTCUA_TELEGRAM_API_URL":        api.URL(),
			"MOTCUA_TELEGRAM_WEBHOOK_URL":    "https://bot.example.vn/tg",
			"MOTCUA_TELEGRAM_WEBHOOK_SECRET": "reminder-kill_s3cret",
			"MOTCUA_REDIS_URL":               "redis://" + redisSrv.Addr() + "/0",
			"MOTCUA_LOG_LEVEL":               "info",
			"MOTCUA_REMINDERS_QUIET_FROM":    "00:00", // no quiet hours: the test runs at any hour
			"MOTCUA_REMINDERS_QUIET_TO":      "00:00",
		}))
	}
	counts := func() map[int64]int {
		c := map[int64]int{}
		for _, m := range api.Sent() {
			c[m.ChatID]++
		}
		return c
	}

	// The first tick claims all of them (a batch is 500): its replica
	// sends, the others find nothing due.
	var holder *proc
	var survivors []*proc
	waitFor(t, time.Minute, "a replica sends a quarter of the reminders", func() bool {
		for i, p := range replicas {
			if outboxSent(t, p) >= n/4 {
				holder = p
				survivors = append(append([]*proc(nil), replicas[:i]...), replicas[i+1:]...)
				return true
			}
		}
		return false
	})
	atKill := len(counts())
	killed := time.Now()
	holder.kill()
	for _, p := range survivors {
		if k := outboxSent(t, p); k != 0 {
			t.Fatalf("replica %s sent %d while %s held the claims", p.addr, k, holder.addr)
		}
	}
	afterKill := len(counts())
	var tookOver time.Duration
	waitFor(t, time.Minute, "another replica sends", func() bool {
		for _, p := range survivors {
			if outboxSent(t, p) > 0 {
				tookOver = time.Since(killed)
				return true
			}
		}
		return false
	})
	waitFor(t, time.Minute, "every chat gets its reminder", func() bool { return len(counts()) == n })

	twice := 0
	for chat, k := range counts() {
		switch {
		case k == 2:
			twice++
		case k > 2:
			t.Errorf("chat %d got the reminder %d times", chat, k)
		}
	}
	if twice > workers {
		t.Errorf("%d chats got the reminder twice, want at most the %d sends in flight at the kill", twice, workers)
	}
	t.Logf("killed at %d of %d sent (%d once it was gone); another replica sent %v after the kill; %d got it twice; 429s: %d",
		atKill, n, afterKill, tookOver.Round(10*time.Millisecond), twice, api.Stats().RateLimited)
}

// outboxSent is how many messages p's outboxes have sent, from its
// /metrics.
func outboxSent(t *testing.T, p *proc) int {
	t.Helper()
	resp, err := http.Get(p.url("/metrics"))
	if err != nil {
		t.Fatalf("metrics of %s: %v", p.addr, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("metrics of %s: %v", p.addr, err)
	}
	sum := 0.0
	for line := range strings.Lines(string(body)) {
		if strings.HasPrefix(line, "motcua_outbox_messages_total{") && strings.Contains(line, `result="ok"`) {
			if f := strings.Fields(line); len(f) == 2 {
				v, _ := strconv.ParseFloat(f[1], 64)
				sum += v
			}
		}
	}
	return int(sum)
}

// waitFor polls cond, which looks at other processes' state, until it
// holds or within passes.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(within)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("%s: not within %v", what, within)
		}
	}
}
