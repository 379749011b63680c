package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
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
