package notices_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/telegram"
	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/notices"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/store/redistest"
)

const token = "123:TEST-token"

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// telegramLimits are Telegram's, counted strictly by the fake.
var telegramLimits = telegramtest.Limits{PerSecond: 30, PerChatPerSecond: 1, PerGroupPerMinute: 20}

// noHandler answers no update: SendTo never asks it.
type noHandler struct{}

func (noHandler) Handle(context.Context, bot.Update) (bot.Reply, error) { return bot.Reply{}, nil }

func (noHandler) Delivered(context.Context, bot.Update, bot.Reply, int) error { return nil }

// rig is one Redis, one people registry, one fake Bot API and the real
// Telegram adapter on it: what every replica of a test shares.
type rig struct {
	client redis.UniversalClient
	store  *notices.Store
	people *people.Redis
	api    *telegramtest.Server
	tg     *telegram.Bot

	mu      sync.Mutex
	blocked []string    // OnBlocked's chats
	left    []time.Time // when each send left the outbox for the adapter
}

// departures records when each send leaves the outbox, paced, for the
// real adapter: what the outbox's limits are kept on. The fake counts
// when they arrive, a little later and not always in the same order.
type departures struct{ r *rig }

func (d departures) SendTo(ctx context.Context, chat string, m bot.Message) error {
	d.r.mu.Lock()
	d.r.left = append(d.r.left, time.Now())
	d.r.mu.Unlock()
	return d.r.tg.SendTo(ctx, chat, m)
}

func newRig(t testing.TB, limits telegramtest.Limits) *rig {
	t.Helper()
	return newRigOn(t, limits, redistest.Start(t).Client(t), "")
}

// newRigOn is newRig on client, its keys under prefix.
func newRigOn(t testing.TB, limits telegramtest.Limits, client redis.UniversalClient, prefix string) *rig {
	t.Helper()
	api := telegramtest.New(t, token)
	api.Limits = limits
	tg, err := telegram.New(context.Background(), noHandler{}, telegram.Options{Token: token, APIURL: api.URL(), Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tg.Close(context.Background()) })
	return &rig{
		client: client,
		store:  notices.NewStore(client, notices.Options{Prefix: prefix}),
		people: people.NewRedis(client, people.Options{Prefix: prefix}),
		api:    api,
		tg:     tg,
	}
}

// outbox is an outbox on the rig's bot. opts.OnBlocked records the
// chats; no quiet hours unless opts says.
func (r *rig) outbox(opts outbox.Options) *outbox.Outbox {
	if opts.Quiet == nil {
		opts.Quiet = &outbox.QuietHours{}
	}
	opts.Logger = discard
	opts.OnBlocked = func(_ context.Context, chat string) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.blocked = append(r.blocked, chat)
	}
	return outbox.New(departures{r}, opts)
}

// addPeople adds n people tg:<first>…, pipelined.
func (r *rig) addPeople(t testing.TB, first, n int) []string {
	t.Helper()
	ctx := context.Background()
	chats := make([]string, n)
	for i := range n {
		chats[i] = "tg:" + strconv.Itoa(first+i)
		if err := r.people.Seen(ctx, chats[i], time.Unix(1700000000, 0)); err != nil {
			t.Fatal(err)
		}
	}
	return chats
}

// delivered counts the messages the fake accepted, by chat and text.
func (r *rig) delivered() map[string]int {
	out := map[string]int{}
	for _, m := range r.api.Sent() {
		out[fmt.Sprintf("tg:%d %s", m.ChatID, m.Text)]++
	}
	return out
}

// maxPerSecond is the most sends that left the outbox in any one-second
// window (sliding, as Telegram counts).
func (r *rig) maxPerSecond() int {
	r.mu.Lock()
	times := append([]time.Time(nil), r.left...)
	r.mu.Unlock()
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	most, lo := 0, 0
	for hi := range times {
		for times[hi].Sub(times[lo]) >= time.Second {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}

// departed is how many sends left the outbox and their mean rate from
// the first to the last.
func (r *rig) departed() (d struct {
	n    int
	rate float64
}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d.n = len(r.left)
	if d.n > 1 {
		d.rate = float64(d.n-1) / r.left[d.n-1].Sub(r.left[0]).Seconds()
	}
	return d
}

// reporter is a tiny Reporter: it keeps every report, answers the ref
// "msg-1", and signals each final one.
type reporter struct {
	mu      sync.Mutex
	reports []notices.Notice
	final   chan notices.Notice
	// onReport, when set, runs on each report.
	onReport func(notices.Notice)
}

func newReporter() *reporter { return &reporter{final: make(chan notices.Notice, 16)} }

func (r *reporter) Report(_ context.Context, n notices.Notice) (string, error) {
	r.mu.Lock()
	r.reports = append(r.reports, n)
	f := r.onReport
	r.mu.Unlock()
	if f != nil {
		f(n)
	}
	if n.Status == notices.Done || n.Status == notices.Canceled {
		r.final <- n
	}
	return "msg-1", nil
}

// awaitFinal waits for a final report, for at most a minute.
func (r *reporter) awaitFinal(t testing.TB) notices.Notice {
	t.Helper()
	select {
	case n := <-r.final:
		return n
	case <-time.After(time.Minute):
		t.Fatal("no final report within a minute")
		return notices.Notice{}
	}
}

func (r *reporter) all() []notices.Notice {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notices.Notice(nil), r.reports...)
}

// worker runs a worker until the test ends or stop is called; stop
// returns when Run has.
type running struct {
	stop func()
	done chan error
}

func (r *rig) run(t testing.TB, opts notices.WorkerOptions) *running {
	t.Helper()
	if opts.People == nil {
		opts.People = r.people
	}
	if opts.Logger == nil {
		opts.Logger = discard
	}
	w, err := notices.NewWorker(r.store, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := &running{done: make(chan error, 1)}
	go func() { run.done <- w.Run(ctx) }()
	var once sync.Once
	run.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-run.done; !errors.Is(err, context.Canceled) {
				t.Errorf("Run = %v, want context.Canceled", err)
			}
		})
	}
	t.Cleanup(run.stop)
	return run
}

// clock is real time moved by an offset the test sets: rate limits see
// time pass, and a test jumps to the evening or the morning.
type clock struct{ offset atomic.Int64 }

func (c *clock) Now() time.Time      { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) Set(t time.Time)     { c.offset.Store(int64(time.Until(t))) }
func (c *clock) Add(d time.Duration) { c.offset.Add(int64(d)) }
func vietnam(s string) time.Time {
	t, err := time.ParseInLocation("02/01/2006 15:04", s, time.FixedZone("ICT", 7*3600))
	if err != nil {
		panic(err)
	}
	return t
}

// notice is an ordinary notice to everyone from a staff member.
func notice(text string) notices.Notice {
	return notices.Notice{Author: "tg:42", AuthorName: "Chị Lan", Text: text, Audience: notices.Audience{People: true}}
}

func create(t testing.TB, s *notices.Store, n notices.Notice, now time.Time) notices.Notice {
	t.Helper()
	n, err := s.Create(context.Background(), n, now)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return n
}

// exactlyOnce fails for every chat that did not get text exactly once.
func exactlyOnce(t testing.TB, got map[string]int, chats []string, text string) {
	t.Helper()
	bad := 0
	for _, c := range chats {
		if n := got[c+" "+text]; n != 1 {
			if bad++; bad <= 5 {
				t.Errorf("%s got %q %d times, want once", c, text, n)
			}
		}
	}
	if bad > 5 {
		t.Errorf("... and %d more", bad-5)
	}
}

// noLimits is a fake that refuses nothing for flood control.
var noLimits = telegramtest.Limits{}

func flowsDate(y int, m time.Month, d int) flows.Date { return flows.Date{Year: y, Month: m, Day: d} }

// staffReporter reports as motcua serve does: the first report posted
// to the staff member's chat through the rig's adapter, the next ones
// edits of it, each counted in the outbox's pace (Take), a 429 waited out
// (Telegram allows a chat about one message a second, and the staff's
// chat has just had the bot's answer to the confirmation). It signals
// each final report.
type staffReporter struct {
	tg    *telegram.Bot
	ob    *outbox.Outbox
	chat  string
	final chan notices.Notice
}

func newStaffReporter(r *rig, ob *outbox.Outbox, chat string) *staffReporter {
	return &staffReporter{tg: r.tg, ob: ob, chat: chat, final: make(chan notices.Notice, 16)}
}

func (s *staffReporter) Report(ctx context.Context, n notices.Notice) (string, error) {
	text := bot.Message{Text: fmt.Sprintf("📢 Thông báo %s: đã gửi %d/%d", n.ID, n.Counts.Handled(), n.Counts.Total)}
	ref := n.Progress
	var err error
	for range 3 {
		if err = s.ob.Take(ctx, s.chat); err != nil {
			break
		}
		if ref == "" {
			ref, err = s.tg.Post(ctx, s.chat, text)
		} else {
			err = s.tg.Edit(ctx, s.chat, ref, text)
		}
		var rl interface{ RateLimited() (time.Duration, bool) }
		if !errors.As(err, &rl) {
			break
		}
		wait, _ := rl.RateLimited()
		select {
		case <-ctx.Done():
			return n.Progress, ctx.Err()
		case <-time.After(wait):
		}
	}
	if n.Status == notices.Done || n.Status == notices.Canceled {
		s.final <- n
	}
	return ref, err
}
