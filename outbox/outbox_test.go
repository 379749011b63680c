package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/metricstest"
	"github.com/motcua/motcua/outbox"
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

// t0 is a working morning in Vietnam, far from quiet hours.
var t0 = time.Date(2026, 12, 23, 9, 0, 0, 0, hcm)

// slack absorbs the nanoseconds rate.Limiter truncates from its durations.
const slack = time.Microsecond

// clock is a fake clock whose time moves only when every goroutine of a
// run waits on it, and then to the earliest deadline: waits take no real
// time, and each send happens at the instant the outbox planned it.
type clock struct {
	mu      sync.Mutex
	now     time.Time
	active  int // goroutines of runs not yet returned
	waiters []*waiter
}

type waiter struct {
	until time.Time
	wake  chan struct{}
}

func newClock(t time.Time) *clock { return &clock{now: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Wait is Options.Wait. It must be called from a goroutine of run.
func (c *clock) Wait(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	w := &waiter{until: c.now.Add(d), wake: make(chan struct{})}
	c.waiters = append(c.waiters, w)
	c.advanceLocked()
	c.mu.Unlock()
	select {
	case <-w.wake:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		defer c.mu.Unlock()
		c.waiters = slices.DeleteFunc(c.waiters, func(x *waiter) bool { return x == w })
		return ctx.Err()
	}
}

func (c *clock) advanceLocked() {
	for len(c.waiters) > 0 && len(c.waiters) == c.active {
		next := c.waiters[0].until
		for _, w := range c.waiters {
			if w.until.Before(next) {
				next = w.until
			}
		}
		if next.After(c.now) {
			c.now = next
		}
		c.waiters = slices.DeleteFunc(c.waiters, func(w *waiter) bool {
			if w.until.After(c.now) {
				return false
			}
			close(w.wake)
			return true
		})
	}
}

// run runs fs together, each in a goroutine, and returns when all have.
func (c *clock) run(fs ...func()) {
	c.mu.Lock()
	c.active += len(fs)
	c.mu.Unlock()
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Go(func() {
			defer func() {
				c.mu.Lock()
				defer c.mu.Unlock()
				c.active--
				c.advanceLocked()
			}()
			f()
		})
	}
	wg.Wait()
}

// channelError is a channel's error, shaped like *telegram.SendError.
type channelError struct {
	code       int
	retryAfter time.Duration
}

func (e *channelError) Error() string { return "channel: " + strconv.Itoa(e.code) }

func (e *channelError) RateLimited() (time.Duration, bool) {
	return e.retryAfter, e.code == 429
}

func (e *channelError) Blocked() bool { return e.code == 403 }

func (e *channelError) Permanent() bool { return e.code == 400 }

func tooMany(d time.Duration) error { return &channelError{code: 429, retryAfter: d} }

var (
	forbidden = &channelError{code: 403}
	badGW     = &channelError{code: 502}
	badReq    = &channelError{code: 400}
)

// call is one SendTo the fake received.
type call struct {
	chat string
	at   time.Time
	err  error
}

// fakeSender records every SendTo with the clock's time, and answers the
// n-th call (from 0) with fail[n], or a chat's calls in turn with script.
type fakeSender struct {
	clock  *clock
	mu     sync.Mutex
	fail   map[int]error
	script map[string][]error
	calls  []call
}

func (f *fakeSender) SendTo(_ context.Context, chat string, _ bot.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	err := f.fail[len(f.calls)]
	if q := f.script[chat]; len(q) > 0 {
		err, f.script[chat] = q[0], q[1:]
	}
	// Wrapped, as a channel adapter might: the outbox must look inside.
	if err != nil {
		err = fmt.Errorf("send: %w", err)
	}
	f.calls = append(f.calls, call{chat: chat, at: f.clock.Now(), err: err})
	return err
}

// delivered are the successful calls.
func (f *fakeSender) delivered() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.err == nil {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeSender) all() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// rig is an outbox on a fake sender and a fake clock starting at start.
func rig(start time.Time, opts outbox.Options) (*outbox.Outbox, *fakeSender, *clock) {
	c := newClock(start)
	f := &fakeSender{clock: c, fail: map[int]error{}, script: map[string][]error{}}
	opts.Now, opts.Wait = c.Now, c.Wait
	if opts.Logger == nil {
		opts.Logger = discard
	}
	return outbox.New(f, opts), f, c
}

func private(chat string) outbox.Message {
	return outbox.Message{Chat: chat, Body: bot.Message{Text: "Nhắc: thẻ BHYT sắp hết hạn."}, Key: "k:" + chat}
}

func group(chat string) outbox.Message {
	m := private(chat)
	m.Group = true
	return m
}

func repeat(n int, f func(i int) outbox.Message) []outbox.Message {
	msgs := make([]outbox.Message, n)
	for i := range msgs {
		msgs[i] = f(i)
	}
	return msgs
}

// maxInWindow is the most of times (sorted) in any window of length w,
// counted as Telegram does: sends after t-w up to t.
func maxInWindow(times []time.Time, w time.Duration) int {
	most := 0
	for i, t := range times {
		n := 0
		for _, u := range times[:i+1] {
			if u.After(t.Add(-w + slack)) {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name string
		opts outbox.Options
		msgs []outbox.Message
		// span bounds the time from the first send to the last.
		minSpan, maxSpan time.Duration
		perSecond        int // the most sends to all chats in any second
	}{
		{
			name:    "100 chats at 30 a second",
			opts:    outbox.Options{PerSecond: 30},
			msgs:    repeat(100, func(i int) outbox.Message { return private(fmt.Sprintf("tg:%d", 100+i)) }),
			minSpan: 99 * time.Second / 30, maxSpan: 99*time.Second/30 + slack,
			perSecond: 30,
		},
		{
			name:    "100 chats at the default 29 a second",
			msgs:    repeat(100, func(i int) outbox.Message { return private(fmt.Sprintf("tg:%d", 100+i)) }),
			minSpan: 99 * time.Second / 29, maxSpan: 99*time.Second/29 + slack,
			perSecond: 29,
		},
		{
			name:    "a rate of one's own",
			opts:    outbox.Options{PerSecond: 10},
			msgs:    repeat(25, func(i int) outbox.Message { return private(fmt.Sprintf("tg:%d", 100+i)) }),
			minSpan: 24 * time.Second / 10, maxSpan: 24*time.Second/10 + slack,
			perSecond: 10,
		},
		{
			name:    "one private chat at 1 a second",
			opts:    outbox.Options{PerChat: 1},
			msgs:    repeat(5, func(int) outbox.Message { return private("tg:7") }),
			minSpan: 4 * time.Second, maxSpan: 4*time.Second + slack,
			perSecond: 1,
		},
		{
			name:    "one private chat at the default pace",
			msgs:    repeat(5, func(int) outbox.Message { return private("tg:7") }),
			minSpan: 4 * 1050 * time.Millisecond, maxSpan: 4*1050*time.Millisecond + slack,
			perSecond: 1,
		},
		{
			name:    "one group at 20 a minute",
			opts:    outbox.Options{PerGroup: 20.0 / 60},
			msgs:    repeat(25, func(int) outbox.Message { return group("tg:-7") }),
			minSpan: 24 * 3 * time.Second, maxSpan: 24*3*time.Second + slack,
			perSecond: 1,
		},
		{
			name:    "one group at the default pace",
			msgs:    repeat(25, func(int) outbox.Message { return group("tg:-7") }),
			minSpan: 24 * 3050 * time.Millisecond, maxSpan: 24*3050*time.Millisecond + slack,
			perSecond: 1,
		},
		{
			name:    "a group of one's own pace",
			opts:    outbox.Options{PerGroup: rate.Every(time.Minute)},
			msgs:    repeat(3, func(int) outbox.Message { return group("tg:-7") }),
			minSpan: 2 * time.Minute, maxSpan: 2*time.Minute + slack,
			perSecond: 1,
		},
		{
			name:    "a chat named a group once is paced as one",
			msgs:    []outbox.Message{private("tg:-9"), group("tg:-9"), private("tg:-9")},
			minSpan: 2 * 3050 * time.Millisecond, maxSpan: 2*3050*time.Millisecond + slack,
			perSecond: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ob, f, c := rig(t0, tt.opts)
			errs := make([]error, len(tt.msgs))
			fs := make([]func(), len(tt.msgs))
			for i, m := range tt.msgs {
				fs[i] = func() { errs[i] = ob.Send(context.Background(), m) }
			}
			c.run(fs...)
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			got := f.all()
			if len(got) != len(tt.msgs) {
				t.Fatalf("%d sends for %d messages", len(got), len(tt.msgs))
			}
			var all []time.Time
			byChat := map[string][]time.Time{}
			isGroup := map[string]bool{}
			for _, m := range tt.msgs {
				isGroup[m.Chat] = isGroup[m.Chat] || m.Group
			}
			for _, s := range got {
				all = append(all, s.at)
				byChat[s.chat] = append(byChat[s.chat], s.at)
			}
			if span := all[len(all)-1].Sub(all[0]); span < tt.minSpan || span > tt.maxSpan {
				t.Errorf("sends took %v, want %v to %v", span, tt.minSpan, tt.maxSpan)
			}
			if n := maxInWindow(all, time.Second); n > tt.perSecond {
				t.Errorf("%d sends in a second, want at most %d", n, tt.perSecond)
			}
			for chat, times := range byChat {
				if n := maxInWindow(times, time.Second); n > 1 {
					t.Errorf("%s: %d sends in a second", chat, n)
				}
				if isGroup[chat] && (tt.opts.PerGroup == 0 || tt.opts.PerGroup == 20.0/60) {
					if n := maxInWindow(times, time.Minute); n > 20 {
						t.Errorf("%s: %d sends in a minute", chat, n)
					}
					for i := 1; i < len(times); i++ {
						if gap := times[i].Sub(times[i-1]); gap < 3*time.Second-slack {
							t.Errorf("%s: sends %v apart", chat, gap)
						}
					}
				}
			}
		})
	}
}

// TestTakeCountsMessagesSentBeside: a notice's progress reports, sent
// beside the outbox, each Take a place in the bot's pace, so that with the
// outbox's own sends they never exceed it in any second; two to one chat
// are a second apart.
func TestTakeCountsMessagesSentBeside(t *testing.T) {
	ob, f, c := rig(t0, outbox.Options{PerSecond: 10})
	msgs := repeat(30, func(i int) outbox.Message { return private(fmt.Sprintf("tg:%d", 100+i)) })
	var mu sync.Mutex
	var beside []time.Time
	fs := make([]func(), 0, len(msgs)+3)
	for _, m := range msgs {
		fs = append(fs, func() {
			if err := ob.Send(context.Background(), m); err != nil {
				t.Error(err)
			}
		})
	}
	for range 3 {
		fs = append(fs, func() {
			if err := ob.Take(context.Background(), "tg:42"); err != nil {
				t.Error(err)
			}
			mu.Lock()
			beside = append(beside, c.Now())
			mu.Unlock()
		})
	}
	c.run(fs...)
	var all []time.Time
	for _, s := range f.all() {
		all = append(all, s.at)
	}
	all = append(all, beside...)
	slices.SortFunc(all, func(a, b time.Time) int { return a.Compare(b) })
	if n := maxInWindow(all, time.Second); n > 10 {
		t.Errorf("%d messages in a second, the outbox's and those beside it, want at most 10", n)
	}
	slices.SortFunc(beside, func(a, b time.Time) int { return a.Compare(b) })
	if n := maxInWindow(beside, time.Second); n > 1 {
		t.Errorf("%d messages to tg:42 in a second", n)
	}
	if span := all[len(all)-1].Sub(all[0]); span < 32*time.Second/10 {
		t.Errorf("33 messages in %v at 10 a second", span)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ob.Take(ctx, "tg:42"); !errors.Is(err, context.Canceled) {
		t.Errorf("Take with a canceled context = %v", err)
	}
}

func TestBusyChatHoldsNoOtherBack(t *testing.T) {
	ob, f, c := rig(t0, outbox.Options{PerSecond: 30})
	msgs := append(repeat(3, func(int) outbox.Message { return private("tg:7") }),
		repeat(27, func(i int) outbox.Message { return private(fmt.Sprintf("tg:%d", 100+i)) })...)
	fs := make([]func(), len(msgs))
	for i, m := range msgs {
		fs[i] = func() {
			if err := ob.Send(context.Background(), m); err != nil {
				t.Error(err)
			}
		}
	}
	c.run(fs...)
	var busy []time.Time
	for _, s := range f.all() {
		if s.chat == "tg:7" {
			busy = append(busy, s.at)
			continue
		}
		// 30 places in the first second: 27 for the others, one for tg:7,
		// and at most two that tg:7's waiting messages reserved and lost.
		if s.at.After(t0.Add(29*time.Second/30 + slack)) {
			t.Errorf("%s sent %v in", s.chat, s.at.Sub(t0))
		}
	}
	if len(busy) != 3 || busy[1].Sub(busy[0]) < time.Second-slack || busy[2].Sub(busy[1]) < time.Second-slack {
		t.Errorf("tg:7 sent at %v", busy)
	}
}

func TestRateLimitPausesEverySend(t *testing.T) {
	ob, f, c := rig(t0, outbox.Options{PerSecond: 30})
	// The second send: by then every other Send holds a place in the
	// queue, in the pause.
	f.fail[1] = tooMany(5 * time.Second)
	msgs := repeat(10, func(i int) outbox.Message { return private(fmt.Sprintf("tg:%d", 100+i)) })
	errs := make([]error, len(msgs))
	fs := make([]func(), len(msgs))
	for i, m := range msgs {
		fs[i] = func() { errs[i] = ob.Send(context.Background(), m) }
	}
	c.run(fs...)
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	calls := f.all()
	limited := t0.Add(time.Second / 30)
	if len(calls) != 11 || calls[1].err == nil || !calls[1].at.Equal(limited) {
		t.Fatalf("calls: %v", calls)
	}
	for _, s := range calls[2:] {
		if s.at.Before(limited.Add(5 * time.Second)) {
			t.Errorf("%s sent at %v, in the pause", s.chat, s.at.Sub(t0))
		}
	}
	got := map[string]int{}
	for _, s := range f.delivered() {
		got[s.chat]++
	}
	for _, m := range msgs {
		if got[m.Chat] != 1 {
			t.Errorf("%s delivered %d times", m.Chat, got[m.Chat])
		}
	}
	// After the pause, the pace is the same.
	var after []time.Time
	for _, s := range calls[2:] {
		after = append(after, s.at)
	}
	if n := maxInWindow(after, time.Second); n > 30 {
		t.Errorf("%d sends in a second after the pause", n)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name   string
		opts   outbox.Options
		script []error
		// at are the calls' times after t0.
		at          []time.Duration
		wantIs      error // nil for a message delivered
		wantBlocked bool
	}{
		{
			name:   "a 429 waited out, the same message again",
			script: []error{tooMany(5 * time.Second)},
			at:     []time.Duration{0, 5 * time.Second},
		},
		{
			name:   "a 429 costs no attempt",
			opts:   outbox.Options{MaxAttempts: 1},
			script: []error{tooMany(time.Second), tooMany(2 * time.Second)},
			at:     []time.Duration{0, time.Second, 3 * time.Second},
		},
		{
			name:   "a 429 without retry_after waits a second",
			script: []error{tooMany(0)},
			at:     []time.Duration{0, time.Second},
		},
		{
			name:        "a 403 is not retried",
			script:      []error{forbidden},
			at:          []time.Duration{0},
			wantIs:      outbox.ErrBlocked,
			wantBlocked: true,
		},
		{
			name:   "a 502 retried after a backoff",
			script: []error{badGW, badGW},
			at:     []time.Duration{0, time.Second, 3 * time.Second},
		},
		{
			name:   "a 502 reported after MaxAttempts",
			script: []error{badGW, badGW, badGW, badGW},
			at:     []time.Duration{0, time.Second, 3 * time.Second, 7 * time.Second},
			wantIs: badGW,
		},
		{
			name:   "a 400 is not retried",
			script: []error{badReq},
			at:     []time.Duration{0},
			wantIs: outbox.ErrPermanent,
		},
		{
			name:   "a backoff of one's own",
			opts:   outbox.Options{MaxAttempts: 2, Backoff: func(n int) time.Duration { return time.Duration(n) * time.Minute }},
			script: []error{badGW, badGW},
			at:     []time.Duration{0, time.Minute},
			wantIs: badGW,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var blocked []string
			// Whole seconds, so that the times read easily.
			tt.opts.PerChat = 1
			tt.opts.OnBlocked = func(_ context.Context, chat string) { blocked = append(blocked, chat) }
			ob, f, c := rig(t0, tt.opts)
			f.script["tg:7"] = tt.script
			var err error
			c.run(func() { err = ob.Send(context.Background(), private("tg:7")) })
			if tt.wantIs == nil && err != nil || tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want %v", err, tt.wantIs)
			}
			if err != nil && errors.Is(err, outbox.ErrBlocked) != (tt.wantIs == outbox.ErrBlocked) {
				t.Errorf("err = %v: ErrBlocked only for a block", err)
			}
			var at []time.Duration
			for _, s := range f.all() {
				at = append(at, s.at.Sub(t0))
			}
			if !slices.Equal(at, tt.at) {
				t.Errorf("calls at %v, want %v", at, tt.at)
			}
			if tt.wantBlocked != (len(blocked) == 1 && blocked[0] == "tg:7") || !tt.wantBlocked && len(blocked) > 0 {
				t.Errorf("OnBlocked called for %v", blocked)
			}
		})
	}
}

func at(day, hour, minute, sec int) time.Time {
	return time.Date(2026, 12, day, hour, minute, sec, 0, hcm)
}

func TestQuietHours(t *testing.T) {
	lunch := outbox.QuietHours{From: 12 * time.Hour, To: 13*time.Hour + 30*time.Minute}
	tests := []struct {
		name   string
		quiet  *outbox.QuietHours
		now    time.Time
		urgent bool
		until  time.Time // zero when sent
	}{
		{name: "evening", now: at(23, 20, 59, 59)},
		{name: "21:00", now: at(23, 21, 0, 0), until: at(24, 7, 0, 0)},
		{name: "before midnight", now: at(23, 23, 30, 0), until: at(24, 7, 0, 0)},
		{name: "across the year", now: at(31, 23, 30, 0), until: time.Date(2027, 1, 1, 7, 0, 0, 0, hcm)},
		{name: "after midnight", now: at(24, 0, 30, 0), until: at(24, 7, 0, 0)},
		{name: "last instant", now: at(24, 6, 59, 59).Add(999 * time.Millisecond), until: at(24, 7, 0, 0)},
		{name: "07:00", now: at(24, 7, 0, 0)},
		{name: "urgent at night", now: at(23, 23, 0, 0), urgent: true},
		{name: "no quiet hours", quiet: &outbox.QuietHours{}, now: at(23, 23, 0, 0)},
		{name: "within a day", quiet: &lunch, now: at(23, 12, 45, 0), until: at(23, 13, 30, 0)},
		{name: "after a span within a day", quiet: &lunch, now: at(23, 13, 30, 0)},
		{name: "before a span within a day", quiet: &lunch, now: at(23, 23, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ob, f, c := rig(tt.now, outbox.Options{Quiet: tt.quiet})
			m := private("tg:7")
			m.Urgent = tt.urgent
			var err error
			c.run(func() { err = ob.Send(context.Background(), m) })
			// The time zone is the outbox's, whatever the clock's.
			got := ob.QuietUntil(tt.now.UTC())
			if tt.until.IsZero() {
				if err != nil || len(f.all()) != 1 {
					t.Errorf("err = %v, %d sends; want it sent", err, len(f.all()))
				}
				if !tt.urgent && !got.Equal(tt.now) {
					t.Errorf("QuietUntil = %v, want now", got)
				}
				return
			}
			if !errors.Is(err, outbox.ErrQuietHours) || len(f.all()) != 0 {
				t.Errorf("err = %v, %d sends; want ErrQuietHours", err, len(f.all()))
			}
			if !got.Equal(tt.until) {
				t.Errorf("QuietUntil = %v, want %v", got.In(hcm), tt.until)
			}
		})
	}
}

func TestWaitIntoQuietHours(t *testing.T) {
	ob, f, c := rig(at(23, 20, 59, 59).Add(500*time.Millisecond), outbox.Options{})
	var first, second error
	c.run(func() {
		first = ob.Send(context.Background(), private("tg:7"))
		// 1.05 s later for the same chat: 21:00:00.55.
		second = ob.Send(context.Background(), private("tg:7"))
	})
	if first != nil || !errors.Is(second, outbox.ErrQuietHours) || len(f.all()) != 1 {
		t.Errorf("first %v, second %v, %d sends", first, second, len(f.all()))
	}
}

func TestCancel(t *testing.T) {
	waiting := make(chan time.Duration, 1)
	f := &fakeSender{clock: newClock(t0)}
	ob := outbox.New(f, outbox.Options{
		Now:    f.clock.Now,
		Logger: discard,
		Wait: func(ctx context.Context, d time.Duration) error {
			waiting <- d
			<-ctx.Done()
			return ctx.Err()
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	if err := ob.Send(ctx, private("tg:7")); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error)
	go func() { errc <- ob.Send(ctx, private("tg:7")) }()
	if d := <-waiting; d != 1050*time.Millisecond {
		t.Errorf("waited %v for the chat, want 1.05s", d)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if err := ob.Send(ctx, private("tg:8")); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled before: err = %v", err)
	}
	rep := ob.SendAll(ctx, repeat(3, func(i int) outbox.Message { return private(fmt.Sprintf("tg:%d", 100+i)) }), 2, nil)
	if rep != (outbox.Report{Canceled: 3}) {
		t.Errorf("SendAll after cancel: %+v", rep)
	}
	if n := len(f.all()); n != 1 {
		t.Errorf("%d sends, want the first only", n)
	}
}

func TestSendAll(t *testing.T) {
	night := at(23, 22, 0, 0)
	ob, f, c := rig(night, outbox.Options{MaxAttempts: 2})
	urgent := func(chat string) outbox.Message {
		m := private(chat)
		m.Urgent = true
		return m
	}
	msgs := []outbox.Message{
		urgent("tg:1"), urgent("tg:2"), private("tg:3"), urgent("tg:4"),
		urgent("tg:5"), private("tg:6"), urgent("tg:7"),
	}
	f.script["tg:4"] = []error{forbidden}
	f.script["tg:5"] = []error{badGW, badGW}
	f.script["tg:7"] = []error{tooMany(time.Second)}
	var (
		mu   sync.Mutex
		done = map[string]error{}
	)
	var rep outbox.Report
	// One worker: the fake clock needs every goroutine waiting on it.
	c.run(func() {
		rep = ob.SendAll(context.Background(), msgs, 1, func(m outbox.Message, err error) {
			mu.Lock()
			defer mu.Unlock()
			done[m.Key] = err
		})
	})
	if want := (outbox.Report{Sent: 3, Blocked: 1, Quiet: 2, Failed: 1}); rep != want {
		t.Errorf("report %+v, want %+v", rep, want)
	}
	want := map[string]error{"k:tg:1": nil, "k:tg:2": nil, "k:tg:3": outbox.ErrQuietHours,
		"k:tg:4": outbox.ErrBlocked, "k:tg:5": badGW, "k:tg:6": outbox.ErrQuietHours, "k:tg:7": nil}
	if len(done) != len(want) {
		t.Errorf("done called for %v", done)
	}
	for key, w := range want {
		if err, ok := done[key]; !ok || (w == nil) != (err == nil) || !errors.Is(err, w) {
			t.Errorf("%s: %v, want %v", key, err, w)
		}
	}
}

func TestSendAllInParallel(t *testing.T) {
	// Real time, no limits but the channel's: workers at once, each message
	// once.
	f := &fakeSender{clock: newClock(t0)}
	ob := outbox.New(f, outbox.Options{PerSecond: rate.Inf, Quiet: &outbox.QuietHours{}, Logger: discard})
	msgs := repeat(200, func(i int) outbox.Message { return private(fmt.Sprintf("tg:%d", 100+i)) })
	var n sync.Map
	rep := ob.SendAll(context.Background(), msgs, 16, func(m outbox.Message, err error) {
		if _, again := n.LoadOrStore(m.Key, true); again || err != nil {
			t.Errorf("%s: again %v, err %v", m.Key, again, err)
		}
	})
	if rep != (outbox.Report{Sent: 200}) || len(f.all()) != 200 {
		t.Errorf("report %+v, %d sends", rep, len(f.all()))
	}
}

func TestIdleChatsForgotten(t *testing.T) {
	ob, f, c := rig(t0, outbox.Options{})
	const chats = 10_000
	c.run(func() {
		for i := range chats {
			if err := ob.Send(context.Background(), private(fmt.Sprintf("tg:%d", 100+i))); err != nil {
				t.Error(err)
				return
			}
		}
	})
	if len(f.all()) != chats {
		t.Fatalf("%d sends", len(f.all()))
	}
	if n := ob.ChatLimiters(); n > outbox.MinSweep {
		t.Errorf("%d chat limiters kept after %d chats", n, chats)
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	ob, f, c := rig(at(23, 22, 0, 0), outbox.Options{Registerer: reg})
	f.script["tg:1"] = []error{tooMany(time.Second)}
	f.script["tg:2"] = []error{forbidden}
	urgent := func(chat string) outbox.Message {
		m := private(chat)
		m.Urgent = true
		return m
	}
	c.run(func() {
		for _, m := range []outbox.Message{urgent("tg:1"), urgent("tg:2"), private("tg:3")} {
			_ = ob.Send(context.Background(), m)
		}
	})
	got := metricstest.Values(t, reg)
	want := map[string]float64{
		`motcua_outbox_messages_total{result="ok"}`:           1,
		`motcua_outbox_messages_total{result="blocked"}`:      1,
		`motcua_outbox_messages_total{result="quiet"}`:        1,
		`motcua_outbox_attempts_total{result="ok"}`:           1,
		`motcua_outbox_attempts_total{result="rate_limited"}`: 1,
		`motcua_outbox_attempts_total{result="blocked"}`:      1,
		`motcua_outbox_wait_seconds_count`:                    3,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}
