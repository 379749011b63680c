package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/store/redistest"
)

// TestServeSentinelFailover: motcua serve on a master named by Sentinel
// (one replica, three sentinels), in webhook mode. While 10 citizens walk
// the birth registration, a pause before each update, and a notice to
// everyone is being sent, the master is killed (SIGKILL). The sentinels
// promote the replica and the same serve, not restarted, serves again
// within 30 s of the kill: every update gets its reply after Telegram's
// redelivery of the answers that were not 2xx, within the bounds of
// store's doc (# Failover): at most one step asked again per chat, one
// message sent twice per update in flight; the notice reaches everyone,
// at most notices.workers twice; a reminder that falls due after the
// failover is sent by the scheduler on the new master.
func TestServeSentinelFailover(t *testing.T) {
	const (
		token    = "50:failover-token"
		secret   = "failover_s3cret"
		hook     = "https://bot.example.vn/tg"
		citizens = 10
		first    = int64(7000)
		others   = 120 // people the notice goes to, besides the citizens
		staff    = int64(900)
		workers  = 4
		text     = "Từ thứ Hai, bộ phận một cửa của xã làm việc cả sáng thứ Bảy."
	)
	ctx := context.Background()
	set := redistest.StartSentinel(t)
	api := telegramtest.New(t, token)
	client := set.Client(t)
	registry := people.NewRedis(client, people.Options{})
	for i := range others {
		if err := registry.Seen(ctx, fmt.Sprint("tg:", 20000+i), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	r := startReplica(t, "sentinel", freeAddr(t), map[string]string{
		"MOTCUA_TELEGRAM_TOKEN":          token,
		"MOTCUA_TELEGRAM_API_URL":        api.URL(),
		"MOTCUA_TELEGRAM_WEBHOOK_URL":    hook,
		"MOTCUA_TELEGRAM_WEBHOOK_SECRET": secret,
		"MOTCUA_REDIS_ADDRS":             strings.Join(set.Addrs(), ","),
		"MOTCUA_REDIS_MASTER_NAME":       redistest.MasterName,
		"MOTCUA_LOG_LEVEL":               "info",
		"MOTCUA_VOLUNTEERS_STAFF":        fmt.Sprint("tg:", staff),
		"MOTCUA_REMINDERS_SPEC":          "@every 1s",
		"MOTCUA_REMINDERS_QUIET_FROM":    "00:00", // no quiet hours: the test runs at any hour
		"MOTCUA_REMINDERS_QUIET_TO":      "00:00",
		"MOTCUA_REMINDERS_PER_SECOND":    "20", // the notice takes seconds
		"MOTCUA_NOTICES_WORKERS":         fmt.Sprint(workers),
		"MOTCUA_NOTICES_LEASE":           "2s",
		"MOTCUA_NOTICES_REPORT_EVERY":    "200ms",
	})
	waitHTTP(t, "http://"+r.addr+"/readyz", http.StatusOK)
	eventually(t, func() bool { url, _ := api.Webhook(); return url == hook })
	webhook := "http://" + r.addr + "/tg"

	loc := flows.Vietnam()
	today := flows.DateOf(time.Now().In(loc))
	born := today.AddDays(-5)
	w := newWalker(api, webhook, secret, fmt.Sprintf("%02d/%02d/%d", born.Day, born.Month, born.Year))
	ref := w.walk(ctx, 1)
	if ref.err != nil {
		t.Fatalf("reference walk: %v", ref.err)
	}

	// Staff queue a notice to everyone: about 130 people at 20 a second.
	(&hookPerson{tgPerson: &tgPerson{t: t, api: api, chat: staff}, hook: webhook, secret: secret}).queueNotice(text)

	// The citizens walk, a pause before each update, while it is sent.
	w.think = 400 * time.Millisecond
	walkCtx, stopWalks := context.WithTimeout(ctx, 2*time.Minute)
	defer stopWalks()
	var walks []walked
	var wg sync.WaitGroup
	wg.Go(func() { walks = w.walkAll(walkCtx, first, citizens) })
	before := w.answered()
	eventually(t, func() bool { return len(noticeCounts(api, text)) >= 30 && w.answered() >= before+2*citizens })
	atKill := len(noticeCounts(api, text))
	oldMaster := set.KillMaster(t)
	killed := time.Now()
	// /readyz meanwhile: not ready, then ready again.
	type span struct{ down, up time.Duration }
	readiness := make(chan span, 1)
	go func() {
		var sp span
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for sp.up == 0 && time.Since(killed) < time.Minute {
			if resp, err := http.Get("http://" + r.addr + "/readyz"); err == nil {
				resp.Body.Close()
				switch {
				case resp.StatusCode == http.StatusServiceUnavailable && sp.down == 0:
					sp.down = time.Since(killed)
				case resp.StatusCode == http.StatusOK && sp.down > 0:
					sp.up = time.Since(killed)
				}
			}
			<-tick.C
		}
		readiness <- sp
	}()

	// Served again: an update answered 2xx after the kill.
	var served time.Time
	waitFor(t, 30*time.Second, "an update answered 2xx after the kill of the master "+oldMaster, func() bool {
		served, _ = w.firstOKAfter(killed.Add(time.Millisecond))
		return !served.IsZero()
	})
	newMaster, err := set.Master(ctx)
	if err != nil || newMaster == oldMaster {
		t.Errorf("the sentinels name %s (%v) as master after the kill of %s", newMaster, err, oldMaster)
	}
	wg.Wait()
	ready := <-readiness
	if ready.down == 0 || ready.up == 0 {
		t.Errorf("/readyz said not ready %v and ready again %v after the kill, want both", ready.down, ready.up)
	}

	var apologies, redeliveries, reasked, duplicated int
	for _, wk := range walks {
		if wk.err != nil {
			t.Errorf("walk: %v", wk.err)
			continue
		}
		re, dup := compare(ref, wk)
		if re > 1 {
			t.Errorf("chat %d: %d steps asked again, want at most one (store's doc, # Failover): replies %v, the reference %v", wk.chat, re, wk.replies, ref.replies)
		}
		reasked += re
		duplicated += dup
		apologies += wk.apologies
		redeliveries += wk.redeliveries
	}
	if duplicated > citizens {
		t.Errorf("%d messages sent twice, want at most one per update in flight at the kill (%d)", duplicated, citizens)
	}

	// The notice: everyone, once, or twice for the sends in flight.
	eventually(t, func() bool { return noticeDone(api, staff) })
	counts := noticeCounts(api, text)
	twice := 0
	for i := range others + citizens + 1 {
		chat := int64(20000 + i)
		switch {
		case i == others+citizens:
			chat = staff
		case i >= others:
			chat = first + int64(i-others)
		}
		switch counts[chat] {
		case 1:
		case 2:
			twice++
		default:
			t.Errorf("chat %d got the notice %d times, want once (twice if in flight at the kill)", chat, counts[chat])
		}
	}
	if twice > workers {
		t.Errorf("%d got the notice twice, want at most notices.workers (%d)", twice, workers)
	}

	// The scheduler on the new master: a reminder that falls due now is
	// sent.
	sched := reminders.DefaultSchedule()
	rs := reminders.NewRedis(set.Client(t), sched, reminders.Options{})
	due := sched.Begin(reminders.Reminder{Chat: fmt.Sprint("tg:", first), ID: "f1", Label: "Bé Na", Expiry: today}, time.Now().Add(-72*time.Hour))
	if err := rs.Save(ctx, due); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool {
		for _, m := range api.SentTo(first) {
			if strings.Contains(m.Text, "thẻ của Bé Na hết hạn") {
				return true
			}
		}
		return false
	})

	t.Logf("master %s killed with %d of %d notified; /readyz not ready %v after the kill, ready %v after; served again %v after the kill (new master %s); "+
		"%d updates of %d citizens: %d apologies, %d redeliveries, %d steps asked again, %d messages sent twice; "+
		"the notice: %d sent twice (bound %d)",
		oldMaster, atKill, others+citizens+1, ready.down.Round(time.Millisecond), ready.up.Round(time.Millisecond), served.Sub(killed).Round(time.Millisecond), newMaster,
		w.answered()-before, citizens, apologies, redeliveries, reasked, duplicated, twice, workers)
}
