package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/scheduler"
	"github.com/motcua/motcua/store/redistest"
)

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
	return int(metricSum(t, p, "motcua_outbox_messages_total", `result="ok"`))
}
