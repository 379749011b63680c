package notices_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/motcua/motcua/metricstest"
	"github.com/motcua/motcua/notices"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/store/redistest"
)

// fast is a sender at 500 a second, on a fake with no limits: tests of
// the jobs, not of the pace.
func fast(r *rig) map[string]notices.Sender {
	return map[string]notices.Sender{"tg": r.outbox(outbox.Options{PerSecond: rate.Limit(500)})}
}

// TestKillAndResume kills a worker (its context canceled) mid-notice; a
// second worker, another replica, takes the job over after the lease and
// sends the rest. Every recipient gets the notice, and only those in
// flight at the kill (at most Workers) get it twice; the counts are
// exact.
func TestKillAndResume(t *testing.T) {
	r := newRig(t, noLimits)
	chats := r.addPeople(t, 2000, 1500)
	rep := newReporter()
	const workers = 8
	opts := notices.WorkerOptions{Senders: fast(r), Reporter: rep, Workers: workers, Batch: 50, Lease: 600 * time.Millisecond, Block: 50 * time.Millisecond}
	a := r.run(t, opts)
	n := create(t, r.store, notice("Cắt điện thôn Đông từ 8 giờ đến 11 giờ."), time.Now())

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := r.api.AwaitCalls(ctx, "sendMessage", 500); err != nil {
		t.Fatal(err)
	}
	a.stop() // killed: its job stays pending, with what it sent recorded
	mid, err := r.store.Get(ctx, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if mid.Status != notices.Sending || mid.Counts.Sent < 500-workers || mid.Counts.Sent >= 1500 {
		t.Fatalf("after the kill: %s %+v, want sending with about 500 sent", mid.Status, mid.Counts)
	}

	r.run(t, opts) // another replica, or the same one restarted
	final := rep.awaitFinal(t)
	if final.Status != notices.Done || final.Counts != (notices.Counts{Total: 1500, Sent: 1500}) {
		t.Errorf("final report: %s %+v, want done with 1500 sent", final.Status, final.Counts)
	}
	if final.Progress != "msg-1" {
		t.Errorf("the resumed run reported on %q, want the first run's message", final.Progress)
	}
	got := r.delivered()
	twice := 0
	for _, c := range chats {
		switch k := got[c+" "+n.Text]; {
		case k == 0:
			t.Errorf("%s never got the notice", c)
		case k == 2:
			twice++
		case k > 2:
			t.Errorf("%s got it %d times", c, k)
		}
	}
	if twice > workers {
		t.Errorf("%d chats got the notice twice, want at most the %d in flight", twice, workers)
	}
	t.Logf("killed after %d sent; %d sent twice", mid.Counts.Sent, twice)
}

// TestTwoReplicas runs two workers on one Redis, in one consumer group:
// two notices to the same people, each delivered once to each.
func TestTwoReplicas(t *testing.T) {
	r := newRig(t, noLimits)
	chats := r.addPeople(t, 3000, 400)
	rep := newReporter()
	opts := notices.WorkerOptions{Senders: fast(r), Reporter: rep, Batch: 40, Block: 50 * time.Millisecond}
	r.run(t, opts)
	r.run(t, opts)
	one := create(t, r.store, notice("Họp dân thôn Đông 19 giờ tối nay."), time.Now())
	two := create(t, r.store, notice("Nộp thuế đất trước ngày 31/12."), time.Now())
	for range 2 {
		if f := rep.awaitFinal(t); f.Counts != (notices.Counts{Total: 400, Sent: 400}) {
			t.Errorf("notice %s: final counts %+v", f.ID, f.Counts)
		}
	}
	got := r.delivered()
	exactlyOnce(t, got, chats, one.Text)
	exactlyOnce(t, got, chats, two.Text)
}

// TestScheduled: a notice for later waits in the scheduled set and is
// queued when due, not before, by the worker's clock.
func TestScheduled(t *testing.T) {
	r := newRig(t, noLimits)
	chats := r.addPeople(t, 100, 20)
	ctx := context.Background()
	clk := &clock{}
	clk.Set(vietnam("23/11/2026 15:00"))
	n := notice("Sáng mai 7 giờ, tiêm phòng dại cho chó mèo tại nhà văn hóa.")
	n.At = vietnam("24/11/2026 07:00")
	n = create(t, r.store, n, clk.Now())
	if n.Status != notices.Scheduled {
		t.Fatalf("Create of a notice for tomorrow: %s, want scheduled", n.Status)
	}
	// The store alone: one minute before, nothing; at the time, queued.
	if k, err := r.store.Promote(ctx, n.At.Add(-time.Minute), 10); err != nil || k != 0 {
		t.Errorf("Promote a minute early = %d, %v; want nothing", k, err)
	}
	if got, _ := r.store.Get(ctx, n.ID); got.Status != notices.Scheduled {
		t.Errorf("a minute early: %s, want scheduled", got.Status)
	}

	rep := newReporter()
	r.run(t, notices.WorkerOptions{Senders: fast(r), Reporter: rep, Now: clk.Now, Block: 20 * time.Millisecond})
	// Several turns of the worker pass at 15:00 and promote nothing: a
	// second notice, due now, goes out before the first.
	now := create(t, r.store, notice("Thông báo ngay."), clk.Now())
	if f := rep.awaitFinal(t); f.ID != now.ID {
		t.Fatalf("first final report for %s, want the notice due now (%s)", f.ID, now.ID)
	}
	if got := r.delivered(); got[chats[0]+" "+n.Text] != 0 {
		t.Fatal("the scheduled notice went out before its time")
	}
	clk.Set(n.At)
	f := rep.awaitFinal(t)
	if f.ID != n.ID || f.Status != notices.Done || f.Counts.Sent != 20 {
		t.Errorf("final report %s %s %+v, want %s done with 20 sent", f.ID, f.Status, f.Counts, n.ID)
	}
	exactlyOnce(t, r.delivered(), chats, n.Text)
}

// TestCancel cancels a notice mid-run: the worker stops at its next
// recipient and reports canceled with the counts so far; a scheduled one
// is never sent.
func TestCancel(t *testing.T) {
	r := newRig(t, noLimits)
	r.addPeople(t, 100, 1000)
	ctx := context.Background()
	rep := newReporter()
	r.run(t, notices.WorkerOptions{Senders: fast(r), Reporter: rep, Batch: 50, Block: 20 * time.Millisecond})
	n := create(t, r.store, notice("Thông báo nhầm."), time.Now())
	if err := r.api.AwaitCalls(ctx, "sendMessage", 200); err != nil {
		t.Fatal(err)
	}
	if err := r.store.Cancel(ctx, n.ID, time.Now()); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	f := rep.awaitFinal(t)
	delivered := r.api.Stats().Sent
	if f.Status != notices.Canceled || f.Counts.Sent < 200 || f.Counts.Sent >= 1000 || f.Counts.Total != f.Counts.Sent {
		t.Errorf("final report %s %+v, want canceled after some 200 sent", f.Status, f.Counts)
	}
	// What was sent and not recorded: only the few in flight.
	if delivered < f.Counts.Sent || delivered > f.Counts.Sent+notices.DefaultWorkers {
		t.Errorf("%d delivered, %d counted sent", delivered, f.Counts.Sent)
	}
	if err := r.store.Cancel(ctx, n.ID, time.Now()); !errors.Is(err, notices.ErrFinished) {
		t.Errorf("Cancel again = %v, want ErrFinished", err)
	}
	if err := r.store.Cancel(ctx, "404", time.Now()); !errors.Is(err, notices.ErrNotFound) {
		t.Errorf("Cancel of no notice = %v, want ErrNotFound", err)
	}

	later := notice("Thông báo cho ngày mai.")
	later.At = time.Now().Add(time.Hour)
	later = create(t, r.store, later, time.Now())
	if err := r.store.Cancel(ctx, later.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if k, err := r.store.Promote(ctx, time.Now().Add(2*time.Hour), 10); err != nil || k != 0 {
		t.Errorf("Promote after the cancel = %d, %v; want nothing", k, err)
	}
	if got, _ := r.store.Get(ctx, later.ID); got.Status != notices.Canceled || got.Finished.IsZero() {
		t.Errorf("a canceled scheduled notice: %s finished %v", got.Status, got.Finished)
	}
}

// TestQuietHours: at 22:00 an ordinary notice waits for 07:00 and then
// goes on, not failed; an urgent one goes out at once.
func TestQuietHours(t *testing.T) {
	r := newRig(t, noLimits)
	chats := r.addPeople(t, 100, 30)
	clk := &clock{}
	clk.Set(vietnam("23/11/2026 22:00"))
	ob := r.outbox(outbox.Options{Quiet: &outbox.DefaultQuietHours, Now: clk.Now, PerSecond: 500})
	rep := newReporter()
	waiting := make(chan notices.Notice, 1)
	rep.onReport = func(n notices.Notice) {
		if !n.Waiting.IsZero() {
			waiting <- n
		}
	}
	r.run(t, notices.WorkerOptions{Senders: map[string]notices.Sender{"tg": ob}, Reporter: rep, Now: clk.Now, Block: 20 * time.Millisecond})

	ordinary := create(t, r.store, notice("Lịch thu gom rác thay đổi."), clk.Now())
	w := <-waiting
	if want := vietnam("24/11/2026 07:00"); !w.Waiting.Equal(want) || w.Status != notices.Sending || w.Counts.Handled() != 0 {
		t.Errorf("at 22:00: %s waiting until %v, %+v; want sending, waiting until %v, nothing failed", w.Status, w.Waiting, w.Counts, want)
	}

	storm := notice("Bão số 9: di dời ngay khỏi nhà yếu.")
	storm.Urgent = true
	storm = create(t, r.store, storm, clk.Now())
	f := rep.awaitFinal(t)
	if f.ID != storm.ID || f.Counts.Sent != 30 {
		t.Errorf("the urgent notice: %s %+v, want %s with 30 sent at 22:00", f.ID, f.Counts, storm.ID)
	}

	clk.Set(vietnam("24/11/2026 07:00"))
	f = rep.awaitFinal(t)
	if f.ID != ordinary.ID || f.Status != notices.Done || f.Counts != (notices.Counts{Total: 30, Sent: 30}) || !f.Waiting.IsZero() {
		t.Errorf("after 07:00: %s %s %+v waiting %v, want %s done with 30 sent", f.ID, f.Status, f.Counts, f.Waiting, ordinary.ID)
	}
	got := r.delivered()
	exactlyOnce(t, got, chats, ordinary.Text)
	exactlyOnce(t, got, chats, storm.Text)
}

// TestAudienceParts sends to the village groups, the people of a
// village and the families with a reminder: each chat once, those who
// stopped notices left out of an ordinary one, and a Zalo chat without a
// sender skipped.
func TestAudienceParts(t *testing.T) {
	r := newRig(t, noLimits)
	ctx := context.Background()
	seen := func(chat, village string, off bool) {
		if err := r.people.Seen(ctx, chat, time.Unix(1700000000, 0)); err != nil {
			t.Fatal(err)
		}
		if village != "" {
			if err := r.people.SetVillage(ctx, chat, village); err != nil {
				t.Fatal(err)
			}
		}
		if off {
			if err := r.people.SetNotices(ctx, chat, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	seen("tg:1", "dong", false)
	seen("tg:2", "dong", true) // stopped ordinary notices
	seen("tg:3", "tay", false) // another village
	seen("tg:4", "tay", true)
	seen("zl:9", "dong", false) // no Zalo sender: skipped
	for _, g := range []people.Group{{Chat: "tg:-5", Village: "dong"}, {Chat: "tg:-6", Village: "tay"}} {
		if err := r.people.AddGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	rem := reminders.NewRedis(r.client, reminders.DefaultSchedule(), reminders.Options{})
	for _, chat := range []string{"tg:1", "tg:3", "tg:4", "tg:7"} { // tg:1 in two parts
		card := reminders.Reminder{Chat: chat, ID: "1", Label: "Tôi", Expiry: flowsDate(2027, 1, 15)}
		for _, id := range []string{"1", "2"} {
			card.ID = id
			if err := rem.Save(ctx, card); err != nil {
				t.Fatal(err)
			}
		}
	}
	rep := newReporter()
	r.run(t, notices.WorkerOptions{Senders: fast(r), Reminders: rem, Reporter: rep, Block: 20 * time.Millisecond})

	n := notice("Thôn Đông và các gia đình có thẻ BHYT: gia hạn trước 31/12.")
	n.Audience = notices.Audience{People: true, Groups: true, Reminders: true, Filter: people.Filter{Villages: []string{"dong"}}}
	n = create(t, r.store, n, time.Now())
	f := rep.awaitFinal(t)
	// dong's group, tg:1 and zl:9 of dong, tg:3 and tg:7 of the
	// families; not tg:2 nor tg:4, who stopped notices.
	if want := (notices.Counts{Total: 5, Sent: 4, Skipped: 1}); f.Counts != want {
		t.Errorf("ordinary: %+v, want %+v", f.Counts, want)
	}
	got := r.delivered()
	exactlyOnce(t, got, []string{"tg:-5", "tg:1", "tg:3", "tg:7"}, n.Text)
	for _, c := range []string{"tg:-6", "tg:2", "tg:4"} {
		if got[c+" "+n.Text] != 0 {
			t.Errorf("%s got an ordinary notice not for it", c)
		}
	}

	u := notice("Khẩn: lũ quét, các gia đình có thẻ BHYT và thôn Đông sơ tán.")
	u.Urgent = true
	u.Audience = n.Audience
	u.Audience.Filter.Channel = people.Telegram
	u = create(t, r.store, u, time.Now())
	f = rep.awaitFinal(t)
	if want := (notices.Counts{Total: 6, Sent: 6}); f.Counts != want {
		t.Errorf("urgent on Telegram: %+v, want %+v", f.Counts, want)
	}
	exactlyOnce(t, r.delivered(), []string{"tg:-5", "tg:1", "tg:2", "tg:3", "tg:4", "tg:7"}, u.Text)
}

// TestRedisDown: a worker whose Redis is stopped logs and tries again,
// and sends the notice once Redis is back.
func TestRedisDown(t *testing.T) {
	srv := redistest.StartPersistent(t)
	r := newRig(t, noLimits)
	r.client = srv.Client(t)
	r.store = notices.NewStore(r.client, notices.Options{})
	r.people = people.NewRedis(r.client, people.Options{})
	chats := r.addPeople(t, 100, 10)
	rep := newReporter()
	r.run(t, notices.WorkerOptions{Senders: fast(r), Reporter: rep, Block: 20 * time.Millisecond})
	srv.Stop(t)
	if _, err := r.store.Create(context.Background(), notice("x"), time.Now()); err == nil {
		t.Fatal("Create with Redis down succeeded")
	}
	srv.Restart(t)
	n := create(t, r.store, notice("Sau sự cố, thông báo vẫn đến."), time.Now())
	if f := rep.awaitFinal(t); f.ID != n.ID || f.Counts.Sent != 10 {
		t.Errorf("final %s %+v", f.ID, f.Counts)
	}
	exactlyOnce(t, r.delivered(), chats, n.Text)
}

// TestLiveJobNotTaken: a job that runs for three leases is renewed by
// its worker and never taken over by the other, idle, one.
func TestLiveJobNotTaken(t *testing.T) {
	r := newRig(t, noLimits)
	chats := r.addPeople(t, 100, 1500) // 3 s at 500 a second
	rep := newReporter()
	regs := []*prometheus.Registry{prometheus.NewRegistry(), prometheus.NewRegistry()}
	for _, reg := range regs {
		// A lease long enough that a loaded machine's stalls do not pass
		// 9/10 of it between two renewals.
		r.run(t, notices.WorkerOptions{Senders: fast(r), Reporter: rep, Lease: time.Second,
			Block: 20 * time.Millisecond, Registerer: reg})
	}
	n := create(t, r.store, notice("Thông báo dài."), time.Now())
	if f := rep.awaitFinal(t); f.Counts != (notices.Counts{Total: 1500, Sent: 1500}) {
		t.Errorf("final counts %+v", f.Counts)
	}
	exactlyOnce(t, r.delivered(), chats, n.Text)
	started, sent := 0.0, 0.0
	for _, reg := range regs {
		v := metricstest.Values(t, reg)
		started += v[`motcua_notices_jobs_total{event="started"}`]
		sent += v[`motcua_notices_recipients_total{outcome="sent"}`]
	}
	if sent != 1500 {
		t.Errorf("motcua_notices_recipients_total{outcome=sent} = %v, want 1500", sent)
	}
	if started != 1 {
		t.Errorf("the job started %v times, want once: it was taken over", started)
	}
}

// TestChatInTwoPartsAcrossBatches: every person also has a reminder, and
// batches are small, so a chat comes again in the families' part while
// its first send may still be in flight: each gets the notice once.
func TestChatInTwoPartsAcrossBatches(t *testing.T) {
	r := newRig(t, noLimits)
	chats := r.addPeople(t, 100, 60)
	ctx := context.Background()
	rem := reminders.NewRedis(r.client, reminders.DefaultSchedule(), reminders.Options{})
	for _, chat := range chats {
		if err := rem.Save(ctx, reminders.Reminder{Chat: chat, ID: "1", Label: "Tôi", Expiry: flowsDate(2027, 1, 15)}); err != nil {
			t.Fatal(err)
		}
	}
	rep := newReporter()
	r.run(t, notices.WorkerOptions{Senders: fast(r), Reminders: rem, Reporter: rep, Batch: 3, Block: 20 * time.Millisecond})
	n := notice("Họp thôn: mang theo thẻ BHYT.")
	n.Audience = notices.Audience{People: true, Reminders: true}
	n = create(t, r.store, n, time.Now())
	if f := rep.awaitFinal(t); f.Counts != (notices.Counts{Total: 60, Sent: 60}) {
		t.Errorf("final counts %+v, want 60 sent", f.Counts)
	}
	exactlyOnce(t, r.delivered(), chats, n.Text)
}

// TestFirstRecipientDoesNotWaitForTheReport: the first report, to the
// staff's chat, may wait a second for Telegram's limit of a chat; the
// notice goes out meanwhile, and the final report edits the message the
// first one posted.
func TestFirstRecipientDoesNotWaitForTheReport(t *testing.T) {
	r := newRig(t, noLimits)
	chats := r.addPeople(t, 100, 20)
	rep := newReporter()
	release := make(chan struct{})
	var once sync.Once
	rep.onReport = func(notices.Notice) { once.Do(func() { <-release }) }
	r.run(t, notices.WorkerOptions{Senders: fast(r), Reporter: rep, Block: 20 * time.Millisecond})
	n := create(t, r.store, notice("Lịch tiêm chủng tuần này."), time.Now())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Every recipient gets it while the first report is held.
	if err := r.api.AwaitCalls(ctx, "sendMessage", len(chats)); err != nil {
		t.Fatal(err)
	}
	select {
	case f := <-rep.final:
		t.Fatalf("a final report (%+v) before the first one returned", f.Counts)
	default:
	}
	close(release)
	f := rep.awaitFinal(t)
	if f.Status != notices.Done || f.Counts.Sent != len(chats) || f.Progress != "msg-1" {
		t.Errorf("final report %s %+v on %q, want done, %d sent, on the first report's message", f.Status, f.Counts, f.Progress, len(chats))
	}
	reports := rep.all()
	if reports[0].Counts.Handled() != 0 || reports[0].Progress != "" {
		t.Errorf("first report %+v on %q, want the start, posted", reports[0].Counts, reports[0].Progress)
	}
	exactlyOnce(t, r.delivered(), chats, n.Text)
}
