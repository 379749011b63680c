package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/lease"
	"github.com/motcua/motcua/metricstest"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/scheduler"
)

var hcm = mustLoad("Asia/Ho_Chi_Minh")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

var sched = reminders.DefaultSchedule()

// at is a time in Vietnam.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, hcm)
}

func date(y int, m time.Month, d int) flows.Date { return flows.Date{Year: y, Month: m, Day: d} }

// expiry is the card of most tests: its stages fall on 15/06, 08/07 and
// 14/07/2026 and, after it, on 16/07, each at 08:00.
var expiry = date(2026, 7, 15)

// reminder is a card of chat, started at created as the bot does.
func reminder(chat, id string, exp flows.Date, created time.Time) reminders.Reminder {
	return sched.Begin(reminders.Reminder{Chat: chat, ID: id, Label: "Tôi", Expiry: exp}, created)
}

// clock is a fake clock the test moves.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// channelError is a channel's error, shaped like *telegram.SendError.
type channelError struct{ code int }

func (e *channelError) Error() string   { return "channel: " + strconv.Itoa(e.code) }
func (e *channelError) Blocked() bool   { return e.code == 403 }
func (e *channelError) Permanent() bool { return e.code == 400 }

var (
	forbidden = &channelError{code: 403}
	badGW     = &channelError{code: 502}
	badReq    = &channelError{code: 400}
)

// delivery is one message the channel accepted.
type delivery struct {
	text string
	at   time.Time
}

// channel is a fake outbox.Sender: it records, per chat, the messages it
// accepts with the clock's time, and answers a chat's sends in turn with
// its script of errors first.
type channel struct {
	clock *clock
	// afterSend, when set, runs after each accepted message.
	afterSend func()

	mu     sync.Mutex
	script map[string][]error
	tries  map[string]int
	sent   map[string][]delivery
}

func newChannel(c *clock) *channel {
	return &channel{clock: c, script: map[string][]error{}, tries: map[string]int{}, sent: map[string][]delivery{}}
}

func (ch *channel) SendTo(_ context.Context, chat string, m bot.Message) error {
	ch.mu.Lock()
	ch.tries[chat]++
	if q := ch.script[chat]; len(q) > 0 {
		err := q[0]
		ch.script[chat] = q[1:]
		ch.mu.Unlock()
		return fmt.Errorf("send: %w", err)
	}
	ch.sent[chat] = append(ch.sent[chat], delivery{text: m.Text, at: ch.clock.Now()})
	after := ch.afterSend
	ch.mu.Unlock()
	if after != nil {
		after()
	}
	return nil
}

// fail scripts the next sends to chat.
func (ch *channel) fail(chat string, errs ...error) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	ch.script[chat] = append(ch.script[chat], errs...)
}

// got returns what chat received.
func (ch *channel) got(chat string) []delivery {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return slices.Clone(ch.sent[chat])
}

// triesTo counts the sends to chat, accepted or not.
func (ch *channel) triesTo(chat string) int {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.tries[chat]
}

// texts is the fixed Renderer of the tests: "<id>/<stage>".
type texts struct{}

func (texts) Render(c reminders.Claimed, _ time.Time) bot.Message {
	return bot.Message{
		Text:    c.ID + "/" + strconv.Itoa(c.Stage),
		Buttons: []bot.Button{{Label: "renewed", Data: "rem:renew:" + c.ID}, {Label: "later", Data: "rem:snooze:" + c.ID}},
	}
}

// rig is a Job over a memory store and a real outbox on a fake channel,
// all on one fake clock.
type rig struct {
	clock   *clock
	store   *reminders.Memory
	channel *channel
	outbox  *outbox.Outbox
	job     *scheduler.Job
}

// newRig builds a rig at start. wrap, when given, puts a Claimer around
// the store.
func newRig(t *testing.T, start time.Time, opts scheduler.Options, wrap ...func(scheduler.Claimer) scheduler.Claimer) *rig {
	t.Helper()
	r := &rig{clock: &clock{now: start}, store: reminders.NewMemory(sched)}
	r.channel = newChannel(r.clock)
	r.outbox = newOutbox(t, r.channel, r.clock, r.store)
	var c scheduler.Claimer = r.store
	for _, w := range wrap {
		c = w(c)
	}
	opts.Now = r.clock.Now
	if opts.Logger == nil {
		opts.Logger = discard
	}
	job, err := scheduler.New(c, r.outbox, texts{}, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	r.job = job
	return r
}

// newOutbox is an outbox without rate limits (those are the outbox's
// tests' business) and one attempt a message, on clk; a chat that blocks
// the bot is paused by OnBlocked too, as in production.
func newOutbox(t *testing.T, ch outbox.Sender, clk *clock, st reminders.Store) *outbox.Outbox {
	return outbox.New(ch, outbox.Options{
		PerSecond:   rate.Inf,
		PerChat:     rate.Inf,
		PerGroup:    rate.Inf,
		MaxAttempts: 1,
		Now:         clk.Now,
		Wait: func(_ context.Context, d time.Duration) error {
			t.Errorf("the outbox waited %v: the tests' outbox has no limits", d)
			return nil
		},
		OnBlocked: func(ctx context.Context, chat string) {
			if err := st.SetPaused(ctx, chat, true); err != nil {
				t.Errorf("OnBlocked: SetPaused(%s): %v", chat, err)
			}
		},
		Logger: discard,
	})
}

func (r *rig) save(t *testing.T, rs ...reminders.Reminder) {
	t.Helper()
	for _, rem := range rs {
		if err := r.store.Save(context.Background(), rem); err != nil {
			t.Fatalf("Save %s|%s: %v", rem.Chat, rem.ID, err)
		}
	}
}

// tick moves the clock to now and ticks.
func (r *rig) tick(t *testing.T, now time.Time) scheduler.Report {
	t.Helper()
	r.clock.Set(now)
	rep, err := r.job.Tick(context.Background(), now)
	if err != nil {
		t.Fatalf("Tick at %s: %v", now.Format(time.DateTime), err)
	}
	checkSum(t, rep)
	return rep
}

// tickEvery ticks from from (inclusive) to to (exclusive) every step.
func (r *rig) tickEvery(t *testing.T, from, to time.Time, step time.Duration) {
	t.Helper()
	for now := from; now.Before(to); now = now.Add(step) {
		r.tick(t, now)
	}
}

// checkSum checks that a report accounts for every claimed reminder.
func checkSum(t *testing.T, rep scheduler.Report) {
	t.Helper()
	if rep.Sent+rep.Quiet+rep.Blocked+rep.Failed != rep.Claimed {
		t.Errorf("report %+v: sent, quiet, blocked and failed do not add up to claimed", rep)
	}
}

// checkGot checks what chat received, as "<id>/<stage> at <time>".
func checkGot(t *testing.T, ch *channel, chat string, want ...string) {
	t.Helper()
	var got []string
	for _, d := range ch.got(chat) {
		got = append(got, d.text+" at "+d.at.In(hcm).Format("02/01/2006 15:04"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s received\n\t%q\nwant\n\t%q", chat, got, want)
	}
}

func TestStagesOnTheirDays(t *testing.T) {
	created := at(2026, 6, 1, 10, 0)
	r := newRig(t, created, scheduler.Options{})
	r.save(t, reminder("tg:1", "1", expiry, created))
	// Every quarter of an hour, through the night too, to the end of July.
	r.tickEvery(t, created, at(2026, 8, 1, 0, 0), 15*time.Minute)
	checkGot(t, r.channel, "tg:1",
		"1/0 at 15/06/2026 08:00", // 30 days before
		"1/1 at 08/07/2026 08:00", // 7 days before
		"1/2 at 14/07/2026 08:00", // 1 day before
		"1/3 at 16/07/2026 08:00", // the day after
	)
}

func TestCatchUpSendsTheLatestStageOnce(t *testing.T) {
	created := at(2026, 6, 1, 10, 0)
	r := newRig(t, created, scheduler.Options{})
	r.save(t, reminder("tg:1", "1", expiry, created))
	// Up until 35 days before expiry…
	r.tickEvery(t, created, at(2026, 6, 10, 12, 0), time.Hour)
	// …then down until 3 days before: the 30- and 7-day stages were missed.
	rep := r.tick(t, at(2026, 7, 12, 10, 0))
	if rep.Claimed != 1 || rep.Sent != 1 {
		t.Errorf("the first tick after the outage: %+v, want one claimed and sent", rep)
	}
	r.tickEvery(t, at(2026, 7, 12, 10, 1), at(2026, 7, 14, 8, 0), time.Hour)
	checkGot(t, r.channel, "tg:1", "1/1 at 12/07/2026 10:00") // the 7-day one, late, alone
	r.tickEvery(t, at(2026, 7, 14, 8, 0), at(2026, 7, 20, 0, 0), time.Hour)
	checkGot(t, r.channel, "tg:1",
		"1/1 at 12/07/2026 10:00",
		"1/2 at 14/07/2026 08:00",
		"1/3 at 16/07/2026 08:00",
	)
}

// spy counts claims.
type spy struct {
	scheduler.Claimer
	mu     sync.Mutex
	claims int
}

func (s *spy) Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]reminders.Claimed, error) {
	s.mu.Lock()
	s.claims++
	s.mu.Unlock()
	return s.Claimer.Claim(ctx, now, lease, max)
}

func (s *spy) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.claims
}

func TestNothingClaimedInQuietHours(t *testing.T) {
	created := at(2026, 6, 1, 10, 0)
	sp := &spy{}
	r := newRig(t, created, scheduler.Options{}, func(c scheduler.Claimer) scheduler.Claimer {
		sp.Claimer = c
		return sp
	})
	r.save(t, reminder("tg:1", "1", expiry, created))
	// Down all day of the 30-day stage; up again at 22:00.
	for _, now := range []time.Time{at(2026, 6, 15, 22, 0), at(2026, 6, 16, 3, 0), at(2026, 6, 16, 6, 59)} {
		rep := r.tick(t, now)
		if rep.Claimed != 0 || !rep.QuietUntil.Equal(at(2026, 6, 16, 7, 0)) {
			t.Errorf("tick at %s: %+v, want nothing claimed and quiet until 16/06 07:00", now.Format(time.DateTime), rep)
		}
	}
	if n := sp.count(); n != 0 {
		t.Errorf("%d claims in quiet hours, want none", n)
	}
	checkGot(t, r.channel, "tg:1")
	// The quiet hours end at 07:00; the 08:00 tick has nothing left.
	r.tick(t, at(2026, 6, 16, 7, 0))
	r.tick(t, at(2026, 6, 16, 8, 0))
	checkGot(t, r.channel, "tg:1", "1/0 at 16/06/2026 07:00")
}

func TestQuietHoursMidBatch(t *testing.T) {
	created := at(2026, 6, 1, 10, 0)
	r := newRig(t, created, scheduler.Options{Workers: 1, Lease: 5 * time.Minute})
	// Every message takes a minute, so the batch started at 20:59 crosses
	// 21:00 after the first.
	r.channel.afterSend = func() { r.clock.Add(time.Minute) }
	for _, chat := range []string{"tg:1", "tg:2", "tg:3"} {
		r.save(t, reminder(chat, "1", expiry, created))
	}
	rep := r.tick(t, at(2026, 6, 15, 20, 59))
	want := scheduler.Report{Claimed: 3, Sent: 1, Quiet: 2, QuietUntil: at(2026, 6, 16, 7, 0)}
	if rep.Claimed != want.Claimed || rep.Sent != want.Sent || rep.Quiet != want.Quiet || !rep.QuietUntil.Equal(want.QuietUntil) {
		t.Errorf("the tick at 20:59: %+v, want %+v", rep, want)
	}
	// The lease ends in the night: nothing is claimed until 07:00.
	r.tickEvery(t, at(2026, 6, 15, 21, 1), at(2026, 6, 16, 7, 0), 10*time.Minute)
	rep = r.tick(t, at(2026, 6, 16, 7, 0))
	if rep.Claimed != 2 || rep.Sent != 2 {
		t.Errorf("the tick at 07:00: %+v, want the two left claimed and sent", rep)
	}
	r.tickEvery(t, at(2026, 6, 16, 7, 5), at(2026, 6, 16, 12, 0), 10*time.Minute)
	total := 0
	for _, chat := range []string{"tg:1", "tg:2", "tg:3"} {
		got := r.channel.got(chat)
		if len(got) != 1 {
			t.Errorf("%s received %v, want one message", chat, got)
		}
		total += len(got)
	}
	if total != 3 {
		t.Errorf("%d messages, want 3", total)
	}
}

func TestBlockedChatIsPaused(t *testing.T) {
	created := at(2026, 6, 1, 10, 0)
	r := newRig(t, created, scheduler.Options{})
	r.save(t,
		reminder("tg:1", "1", expiry, created),
		reminder("tg:1", "2", expiry, created), // her mother's card, same day
		reminder("tg:2", "1", expiry, created),
	)
	r.channel.fail("tg:1", forbidden)
	rep := r.tick(t, at(2026, 6, 15, 8, 0))
	if rep.Claimed != 3 || rep.Sent != 1 || rep.Blocked != 2 {
		t.Errorf("tick: %+v, want 3 claimed, 1 sent and 2 blocked", rep)
	}
	if n := r.channel.triesTo("tg:1"); n != 1 {
		t.Errorf("%d sends to the chat that blocked the bot, want only the one refused", n)
	}
	rs, err := r.store.List(context.Background(), "tg:1")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	for _, rem := range rs {
		if !rem.Paused {
			t.Errorf("reminder %s of the chat that blocked the bot is not paused", rem.ID)
		}
	}
	r.tickEvery(t, at(2026, 6, 15, 9, 0), at(2026, 7, 20, 0, 0), time.Hour)
	if n := r.channel.triesTo("tg:1"); n != 1 {
		t.Errorf("%d sends to the chat that blocked the bot, want still one", n)
	}
	checkGot(t, r.channel, "tg:2",
		"1/0 at 15/06/2026 08:00",
		"1/1 at 08/07/2026 08:00",
		"1/2 at 14/07/2026 08:00",
		"1/3 at 16/07/2026 08:00",
	)
}

func TestFailedSendComesBackAfterTheLease(t *testing.T) {
	created := at(2026, 6, 1, 10, 0)
	r := newRig(t, created, scheduler.Options{Lease: 5 * time.Minute})
	r.save(t, reminder("tg:1", "1", expiry, created), reminder("tg:2", "1", expiry, created))
	r.channel.fail("tg:1", badGW)
	rep := r.tick(t, at(2026, 6, 15, 8, 0))
	if rep.Claimed != 2 || rep.Sent != 1 || rep.Failed != 1 {
		t.Errorf("tick at 08:00: %+v, want 2 claimed, 1 sent, 1 failed", rep)
	}
	for m := 1; m < 5; m++ {
		if rep := r.tick(t, at(2026, 6, 15, 8, m)); rep.Claimed != 0 {
			t.Errorf("tick at 08:0%d, within the lease: %+v, want nothing claimed", m, rep)
		}
	}
	if rep := r.tick(t, at(2026, 6, 15, 8, 5)); rep.Claimed != 1 || rep.Sent != 1 {
		t.Errorf("tick at 08:05, as the lease ends: %+v, want the failed one claimed and sent", rep)
	}
	r.tickEvery(t, at(2026, 6, 15, 8, 6), at(2026, 6, 16, 0, 0), time.Minute)
	checkGot(t, r.channel, "tg:1", "1/0 at 15/06/2026 08:05")
	checkGot(t, r.channel, "tg:2", "1/0 at 15/06/2026 08:00")
}

func TestRefusedForGoodIsGivenUp(t *testing.T) {
	created := at(2026, 6, 1, 10, 0)
	r := newRig(t, created, scheduler.Options{Lease: 5 * time.Minute})
	r.save(t, reminder("tg:1", "1", expiry, created))
	r.channel.fail("tg:1", badReq)
	if rep := r.tick(t, at(2026, 6, 15, 8, 0)); rep.Claimed != 1 || rep.Failed != 1 {
		t.Errorf("tick at 08:00: %+v, want 1 claimed, 1 failed", rep)
	}
	// Not claimed again when the lease ends: the stage was given up.
	if rep := r.tick(t, at(2026, 6, 15, 8, 10)); rep.Claimed != 0 {
		t.Errorf("tick after the lease: %+v, want nothing claimed", rep)
	}
}

// failingDone is a store whose Done fails, as Redis gone away would.
type failingDone struct{ scheduler.Claimer }

var errStore = errors.New("store unavailable")

func (failingDone) Done(context.Context, reminders.Claimed, int) error { return errStore }

func TestStoreFailureStopsTheTick(t *testing.T) {
	created := at(2026, 6, 1, 10, 0)
	r := newRig(t, created, scheduler.Options{Workers: 1}, func(c scheduler.Claimer) scheduler.Claimer {
		return failingDone{c}
	})
	for i := range 5 {
		r.save(t, reminder("tg:"+strconv.Itoa(i), "1", expiry, created))
	}
	now := at(2026, 6, 15, 8, 0)
	r.clock.Set(now)
	rep, err := r.job.Tick(context.Background(), now)
	if !errors.Is(err, errStore) {
		t.Errorf("Tick: %v, want the store's error", err)
	}
	checkSum(t, rep)
	// The message sent is not recorded: no more are sent, to come back
	// after the lease.
	if rep.Claimed != 5 || rep.Sent != 1 || rep.Failed != 4 {
		t.Errorf("report %+v, want 5 claimed, 1 sent, 4 failed", rep)
	}
}

func TestClaimsAgainWhileBatchesAreFull(t *testing.T) {
	created := at(2026, 6, 1, 10, 0)
	sp := &spy{}
	r := newRig(t, created, scheduler.Options{Batch: 10}, func(c scheduler.Claimer) scheduler.Claimer {
		sp.Claimer = c
		return sp
	})
	for i := range 25 {
		r.save(t, reminder("tg:"+strconv.Itoa(i), "1", expiry, created))
	}
	rep := r.tick(t, at(2026, 6, 15, 8, 0))
	if rep.Claimed != 25 || rep.Sent != 25 {
		t.Errorf("tick: %+v, want all 25 claimed and sent", rep)
	}
	if n := sp.count(); n != 3 {
		t.Errorf("%d claims, want 3: 10, 10 and 5", n)
	}
}

func TestWholeBatchFailingEndsTheTick(t *testing.T) {
	created := at(2026, 6, 1, 10, 0)
	sp := &spy{}
	r := newRig(t, created, scheduler.Options{Batch: 10}, func(c scheduler.Claimer) scheduler.Claimer {
		sp.Claimer = c
		return sp
	})
	for i := range 25 {
		chat := "tg:" + strconv.Itoa(i)
		r.save(t, reminder(chat, "1", expiry, created))
		r.channel.fail(chat, badGW) // the channel is down
	}
	rep := r.tick(t, at(2026, 6, 15, 8, 0))
	if rep.Claimed != 10 || rep.Failed != 10 || sp.count() != 1 {
		t.Errorf("tick: %+v after %d claims, want one claim of 10, all failed", rep, sp.count())
	}
}

func TestMetrics(t *testing.T) {
	created := at(2026, 6, 1, 10, 0)
	reg := prometheus.NewPedanticRegistry()
	r := newRig(t, created, scheduler.Options{Registerer: reg})
	r.save(t,
		reminder("tg:1", "1", expiry, created),
		reminder("tg:2", "1", expiry, created),
		reminder("tg:3", "1", expiry, created),
	)
	r.channel.fail("tg:2", forbidden)
	r.channel.fail("tg:3", badGW)
	r.tick(t, at(2026, 6, 15, 8, 0))
	got := metricstest.Values(t, reg)
	want := map[string]float64{
		`motcua_scheduler_reminders_total{result="sent"}`:    1,
		`motcua_scheduler_reminders_total{result="blocked"}`: 1,
		`motcua_scheduler_reminders_total{result="failed"}`:  1,
		`motcua_scheduler_reminders_total{result="quiet"}`:   0,
		`motcua_scheduler_tick_seconds_count`:                1,
	}
	for name, w := range want {
		if g, ok := got[name]; !ok || g != w {
			t.Errorf("%s = %v (present: %t), want %v", name, g, ok, w)
		}
	}
}

func TestNewReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name string
		opts scheduler.Options
		nils bool
		want []string
	}{
		{name: "defaults", opts: scheduler.Options{}},
		{name: "a cron spec", opts: scheduler.Options{Spec: "* * * * *"}},
		{name: "a bad spec", opts: scheduler.Options{Spec: "every minute"}, want: []string{`spec "every minute"`}},
		{
			name: "negatives",
			opts: scheduler.Options{Lease: -time.Second, Batch: -1, Workers: -1},
			want: []string{"lease -1s", "batch -1", "workers -1"},
		},
		{name: "nothing to work with", nils: true, want: []string{"no claimer", "no sender", "no renderer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				c scheduler.Claimer  = reminders.NewMemory(sched)
				s scheduler.Sender   = outbox.New(newChannel(&clock{}), outbox.Options{})
				r scheduler.Renderer = texts{}
			)
			if tt.nils {
				c, s, r = nil, nil, nil
			}
			_, err := scheduler.New(c, s, r, tt.opts)
			if len(tt.want) == 0 {
				if err != nil {
					t.Errorf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("New: no error, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("New: %v; want it to say %q", err, w)
				}
			}
		})
	}
}

// stuck is a Sender whose sends to one chat hang until their context
// ends, as an outbox backing off from a failing channel would.
type stuck struct {
	chat string
	mu   sync.Mutex
	sent []string
}

func (s *stuck) Send(ctx context.Context, m outbox.Message) error {
	if m.Chat == s.chat {
		<-ctx.Done()
		return ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m.Chat)
	return nil
}

func (s *stuck) QuietUntil(t time.Time) time.Time { return t }

// unrenewable is a store whose leases cannot be renewed: Redis went out
// of reach after the claim.
type unrenewable struct{ scheduler.Claimer }

func (unrenewable) Renew(context.Context, []reminders.Claimed, time.Time, time.Duration) ([]reminders.Claimed, error) {
	return nil, errors.New("redis: connection refused")
}

func TestBatchStopsWhenItsLeaseCannotBeRenewed(t *testing.T) {
	created := at(2026, 6, 1, 10, 0)
	st := reminders.NewMemory(sched)
	for _, chat := range []string{"tg:1", "tg:2", "tg:3"} {
		if err := st.Save(context.Background(), reminder(chat, "1", expiry, created)); err != nil {
			t.Fatal(err)
		}
	}
	// A real lease this short: the test waits for 9/10 of it, on the
	// lease's context.
	s := &stuck{chat: "tg:2"}
	job, err := scheduler.New(unrenewable{st}, s, texts{}, scheduler.Options{Lease: 300 * time.Millisecond, Workers: 1, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := job.Tick(context.Background(), at(2026, 6, 15, 8, 0))
	if !errors.Is(err, lease.ErrExpiring) {
		t.Errorf("Tick: %v, want the batch stopped for its lease", err)
	}
	checkSum(t, rep)
	if rep.Claimed != 3 || rep.Sent != 1 || rep.Failed != 2 {
		t.Errorf("report %+v, want 3 claimed, 1 sent and 2 left for the lease", rep)
	}
	if !slices.Equal(s.sent, []string{"tg:1"}) {
		t.Errorf("sent to %v, want tg:1 only", s.sent)
	}
}

// renewals is a store that tells of each renewal of a lease.
type renewals struct {
	scheduler.Claimer
	renewed chan []reminders.Claimed
}

func (r *renewals) Renew(ctx context.Context, cs []reminders.Claimed, now time.Time, lease time.Duration) ([]reminders.Claimed, error) {
	held, err := r.Claimer.Renew(ctx, cs, now, lease)
	if err == nil {
		select {
		case r.renewed <- held:
		default:
		}
	}
	return held, err
}

// gate is a Sender whose sends wait until it is opened, telling of the
// first.
type gate struct {
	entered chan struct{}
	open    chan struct{}
	mu      sync.Mutex
	sent    []string
}

func (g *gate) Send(ctx context.Context, m outbox.Message) error {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	select {
	case <-g.open:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sent = append(g.sent, m.Chat)
	return nil
}

func (*gate) QuietUntil(t time.Time) time.Time { return t }

// TestLongBatchKeepsItsLease: a batch whose sending takes three leases
// renews them, so another replica ticking meanwhile claims nothing; the
// batch then goes out, each reminder once.
func TestLongBatchKeepsItsLease(t *testing.T) {
	// Long enough that a loaded machine's stalls do not pass 9/10 of it:
	// the renewals run on real time.
	const lease = 1500 * time.Millisecond
	created := at(2026, 6, 1, 10, 0)
	clk := &clock{now: at(2026, 6, 15, 8, 0)}
	st := reminders.NewMemory(sched)
	for _, chat := range []string{"tg:1", "tg:2", "tg:3"} {
		if err := st.Save(context.Background(), reminder(chat, "1", expiry, created)); err != nil {
			t.Fatal(err)
		}
	}
	rn := &renewals{Claimer: st, renewed: make(chan []reminders.Claimed, 1)}
	slow := &gate{entered: make(chan struct{}, 1), open: make(chan struct{})}
	a, err := scheduler.New(rn, slow, texts{}, scheduler.Options{Lease: lease, Now: clk.Now, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	ch := newChannel(clk)
	b, err := scheduler.New(st, newOutbox(t, ch, clk, st), texts{}, scheduler.Options{Lease: lease, Now: clk.Now, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan scheduler.Report, 1)
	go func() {
		rep, err := a.Tick(context.Background(), clk.Now())
		if err != nil {
			t.Errorf("the slow replica's Tick: %v", err)
		}
		done <- rep
	}()
	await(t, slow.entered, "send")
	// Half a lease at a time, each renewed, to three leases past the claim.
	for range 6 {
		clk.Add(lease / 2)
		if held := await(t, rn.renewed, "renewal"); len(held) != 3 {
			t.Fatalf("a renewal held %d claims, want the 3 not sent yet", len(held))
		}
		rep, err := b.Tick(context.Background(), clk.Now())
		if err != nil || rep.Claimed != 0 {
			t.Fatalf("the other replica, %v after the claim: %+v, %v; want nothing claimed", clk.Now().Sub(at(2026, 6, 15, 8, 0)), rep, err)
		}
	}
	close(slow.open)
	rep := await(t, done, "the slow tick's end")
	if rep.Claimed != 3 || rep.Sent != 3 {
		t.Errorf("the slow replica's report %+v, want 3 claimed and sent", rep)
	}
	clk.Add(2 * lease)
	if rep, err := b.Tick(context.Background(), clk.Now()); err != nil || rep.Claimed != 0 {
		t.Errorf("after the batch: %+v, %v; want nothing claimed", rep, err)
	}
	slices.Sort(slow.sent)
	if !slices.Equal(slow.sent, []string{"tg:1", "tg:2", "tg:3"}) {
		t.Errorf("sent to %v, want each chat once", slow.sent)
	}
}
