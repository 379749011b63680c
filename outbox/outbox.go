package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/flows"
)

// Sender sends one message, unasked, to a chat named across channels
// ("tg:123"). *telegram.Bot is one. An error the outbox should act on
// says so through methods (see the package doc): RateLimited for a pause
// of every send, Blocked for a recipient who blocked the bot.
type Sender interface {
	SendTo(ctx context.Context, chat string, m bot.Message) error
}

// Message is one message for the outbox to send.
type Message struct {
	// Chat is the recipient, as Sender names it.
	Chat string
	// Group marks a group chat (on Telegram, a chat id below zero), which
	// gets fewer messages a minute than a private one.
	Group bool
	Body  bot.Message
	// Urgent messages (a storm warning) are sent in quiet hours too.
	Urgent bool
	// Key identifies the message for the caller, who records it as sent
	// once Send succeeds; the outbox only hands it back (SendAll) and logs
	// it at debug level.
	Key string
}

// Errors Send returns, checked with errors.Is.
var (
	// ErrQuietHours refuses a message that is not urgent in quiet hours;
	// QuietUntil says when to try again.
	ErrQuietHours = errors.New("outbox: quiet hours")
	// ErrBlocked says the recipient blocked the bot. It wraps the channel's
	// error; OnBlocked has been called.
	ErrBlocked = errors.New("outbox: the recipient blocked the bot")
	// ErrPermanent means the channel refused the message in a way no retry
	// mends (Telegram's 400: chat not found…): the caller gives it up.
	ErrPermanent = errors.New("outbox: refused for good")
)

// Options configures an Outbox. The zero value is Telegram's limits, with
// room to spare, and the project's quiet hours.
//
// The limits are kept exactly, measured when a send leaves. Telegram counts
// when it arrives: a send late on the wire and the next one on time would
// make one too many in Telegram's window, and its 429 pauses every send for
// a second or more. So the defaults leave a few tens of milliseconds in
// every window: 29 a second rather than 30 (against a fake API counting 30
// a second strictly, 30 met nine 429s in 300 sends and kept 16 a second,
// 29 met none and kept 29).
type Options struct {
	// PerSecond bounds the sends to all chats together (29 a second when
	// zero; rate.Inf for none).
	PerSecond rate.Limit
	// PerChat bounds the sends to one private chat (one every 1.05 s when
	// zero, under Telegram's 1 a second).
	PerChat rate.Limit
	// PerGroup bounds the sends to one group (one every 3.05 s when zero,
	// under Telegram's 20 a minute).
	PerGroup rate.Limit
	// Quiet are the hours in which only urgent messages go out;
	// nil means DefaultQuietHours, and QuietHours{} none.
	Quiet *QuietHours
	// Location is where the quiet hours are counted (Asia/Ho_Chi_Minh when
	// nil).
	Location *time.Location
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Wait pauses for d unless ctx ends first (a timer when nil). Tests
	// move a fake clock instead.
	Wait func(ctx context.Context, d time.Duration) error
	// MaxAttempts bounds the attempts at a message whose sends fail for a
	// reason other than a rate limit or a block (4 when zero). A rate
	// limit costs no attempt: it says nothing of the message, and is bounded
	// by the context.
	MaxAttempts int
	// Backoff is the pause after the n-th failed attempt, n from 1 (1 s,
	// 2 s, 4 s… up to a minute when nil). Channels retry network errors
	// and 5xx themselves first: these are retries of what is left.
	Backoff func(n int) time.Duration
	// OnBlocked learns of a recipient who blocked the bot, to mark her
	// inactive and pause her reminders (store.Blocklist.Block). It reports
	// its own failures: the message has failed either way.
	OnBlocked func(ctx context.Context, chat string)
	Logger    *slog.Logger
	// Pacer, when set, spreads the bot's pace over every replica (see
	// RedisPacer); PerSecond still bounds each replica alone.
	Pacer Pacer
	// Registerer, when set, gets the outbox's metrics.
	Registerer prometheus.Registerer
	// Quota, when set, bounds the messages sent in a calendar month
	// (Zalo's free plan): past it Send returns ErrQuota.
	Quota *Quota
}

// Outbox is the one sender of bulk messages of a bot: reminders and
// notices. It is safe for concurrent use.
type Outbox struct {
	send        Sender
	global      *rate.Limiter
	perChat     rate.Limit
	perGroup    rate.Limit
	quiet       QuietHours
	loc         *time.Location
	now         func() time.Time
	wait        func(ctx context.Context, d time.Duration) error
	maxAttempts int
	backoff     func(n int) time.Duration
	onBlocked   func(ctx context.Context, chat string)
	log         *slog.Logger
	metrics     *metrics
	pacer       Pacer
	quota       *Quota

	mu sync.Mutex
	// pausedUntil holds every send back after a rate limit.
	pausedUntil time.Time
	// chats are the limiters of the chats sent to lately; sweepAt is the
	// size at which the idle ones are dropped.
	chats   map[string]*chatLimiter
	sweepAt int
}

// New returns an outbox that sends through s. It panics on options no
// valid configuration produces (a negative rate, quiet hours outside a
// day): validate configuration before.
func New(s Sender, opts Options) *Outbox {
	o := &Outbox{
		send:        s,
		perChat:     orDefault(opts.PerChat, rate.Every(time.Second+50*time.Millisecond)),
		perGroup:    orDefault(opts.PerGroup, rate.Every(3*time.Second+50*time.Millisecond)),
		quiet:       DefaultQuietHours,
		loc:         opts.Location,
		now:         opts.Now,
		wait:        opts.Wait,
		maxAttempts: opts.MaxAttempts,
		backoff:     opts.Backoff,
		onBlocked:   opts.OnBlocked,
		log:         opts.Logger,
		metrics:     newMetrics(opts.Registerer),
		pacer:       opts.Pacer,
		quota:       opts.Quota,
		chats:       map[string]*chatLimiter{},
		sweepAt:     minSweep,
	}
	// A burst of one: Telegram counts in sliding windows, where a burst
	// over the rate would be refused.
	o.global = rate.NewLimiter(orDefault(opts.PerSecond, 29), 1)
	if opts.Quiet != nil {
		o.quiet = *opts.Quiet
	}
	if err := o.quiet.validate(); err != nil {
		panic(err)
	}
	if opts.PerSecond < 0 || opts.PerChat < 0 || opts.PerGroup < 0 || opts.MaxAttempts < 0 {
		panic("outbox: negative rate or attempts")
	}
	if q := opts.Quota; q != nil && (q.Limit <= 0 || q.Counter == nil) {
		panic("outbox: a quota needs a positive limit and a counter")
	}
	if o.loc == nil {
		o.loc = flows.Vietnam()
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.wait == nil {
		o.wait = timerWait
	}
	if o.maxAttempts == 0 {
		o.maxAttempts = 4
	}
	if o.backoff == nil {
		o.backoff = backoff
	}
	if o.log == nil {
		o.log = slog.Default()
	}
	return o
}

func orDefault(l, def rate.Limit) rate.Limit {
	if l == 0 {
		return def
	}
	return l
}

// QuietUntil is when the quiet hours that hold t end, for a caller to
// send a refused message then; t itself when t is not in quiet hours.
func (o *Outbox) QuietUntil(t time.Time) time.Time {
	end := o.quiet.End(t.In(o.loc))
	if end.Equal(t) {
		return t
	}
	return end
}

// Send sends m, waiting its turn under the rate limits. It returns nil once
// the channel accepted the message, an error wrapping ErrQuietHours when m
// is not urgent and it is quiet hours, ErrQuota when the month's quota is
// spent (before the send, or as the channel said), one wrapping ErrBlocked when the
// recipient blocked the bot, the context's error when ctx ended first, or
// the channel's error after MaxAttempts failed attempts.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	_, err := o.sendOne(ctx, m)
	return err
}

// sendOne is Send, saying how the message ended as a metrics label.
func (o *Outbox) sendOne(ctx context.Context, m Message) (reason string, err error) {
	reason, err = o.deliver(ctx, m)
	o.metrics.message(reason)
	return reason, err
}

// deliver is Send's pipeline: quiet hours, then for every attempt the
// pause and the limits, the send, and what its error means.
func (o *Outbox) deliver(ctx context.Context, m Message) (reason string, err error) {
	if err := ctx.Err(); err != nil {
		return reasonCanceled, err
	}
	if err := o.checkQuiet(m, o.now()); err != nil {
		return reasonQuiet, err
	}
	if o.quota != nil {
		// One message of the month's quota is taken now and given back
		// unless the channel accepts it, so that replicas sending at once
		// never exceed the quota together.
		month := o.month(o.now())
		reserved, ok := o.reserve(ctx, month)
		if !ok {
			return reasonQuota, ErrQuota
		}
		if reserved {
			defer func() {
				if reason != reasonOK && reason != reasonQuota {
					o.unreserve(ctx, month)
				}
			}()
		}
	}
	cl := o.acquire(m.Chat, m.Group)
	defer o.release(cl)
	for failures := 0; ; {
		start := o.now()
		if err := o.await(ctx, cl); err != nil {
			return reasonCanceled, err
		}
		if err := o.pace(ctx); err != nil {
			return reasonCanceled, err
		}
		now := o.now()
		o.metrics.waited(now.Sub(start))
		// The wait may have crossed into quiet hours: 20:59 with a notice
		// to thousands ahead.
		if err := o.checkQuiet(m, now); err != nil {
			return reasonQuiet, err
		}
		err := o.send.SendTo(ctx, m.Chat, m.Body)
		reason, pause := classify(err)
		o.metrics.attempt(reason)
		switch reason {
		case reasonOK:
			return reasonOK, nil
		case reasonRateLimited:
			o.pause(o.now(), pause)
			if o.pacer != nil {
				if err := o.pacer.Pause(ctx, o.now().Add(pause)); err != nil {
					o.log.Warn("outbox: share a rate-limit pause with the other replicas", "err", err)
				}
			}
			continue // the same message, after the pause: it costs no attempt
		case reasonBlocked:
			o.log.Debug("outbox: recipient blocked the bot", "key", m.Key)
			if o.onBlocked != nil {
				o.onBlocked(ctx, m.Chat)
			}
			return reasonBlocked, fmt.Errorf("%w: %w", ErrBlocked, err)
		case reasonPermanent:
			return reasonFailed, fmt.Errorf("%w: %w", ErrPermanent, err)
		case reasonQuota:
			if o.quota != nil {
				o.spend(ctx, o.month(o.now()))
			}
			return reasonQuota, fmt.Errorf("%w: %w", ErrQuota, err)
		}
		if ctx.Err() != nil {
			return reasonCanceled, err
		}
		failures++
		if failures >= o.maxAttempts {
			return reasonFailed, fmt.Errorf("outbox: gave up after %d attempts: %w", failures, err)
		}
		d := o.backoff(failures)
		o.log.Debug("outbox: send failed, retrying", "key", m.Key, "attempt", failures, "pause", d, "err", err)
		if err := o.sleep(ctx, d); err != nil {
			return reasonCanceled, err
		}
	}
}

// Take waits until the bot's limits allow one more message to chat and
// counts it, for a message sent beside the outbox: a notice's progress
// report, posted or edited in the staff's chat. Telegram counts every
// message of the bot against its 30 a second; a report sent beside a
// notice at the outbox's full pace, uncounted, makes one too many in some
// second, and the 429 that answers it pauses every send of the notice.
// Take waits out a rate limit's pause, the chat's limiter and the bot's
// (and the pace every replica shares, with a Pacer), as Send does before
// each attempt, but sends nothing and keeps no quiet hours: the caller
// sends at once, and a 429 it meets is its own to wait out. It returns
// the context's error when ctx ends first.
func (o *Outbox) Take(ctx context.Context, chat string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	cl := o.acquire(chat, false)
	defer o.release(cl)
	if err := o.await(ctx, cl); err != nil {
		return err
	}
	return o.pace(ctx)
}

// pace waits for the send's instant in the schedule every replica shares,
// when there is a Pacer. If it cannot be reached the replica goes on at its
// own pace: a missed reservation must not stop the reminders.
func (o *Outbox) pace(ctx context.Context) error {
	if o.pacer == nil {
		return nil
	}
	d, err := o.pacer.Reserve(ctx, o.now())
	if err != nil {
		o.log.Warn("outbox: the shared pace is unreachable; pacing this replica alone", "err", err)
		return nil
	}
	if d > 0 {
		return o.sleep(ctx, d)
	}
	return nil
}

// checkQuiet refuses m at now in quiet hours, unless it is urgent.
func (o *Outbox) checkQuiet(m Message, now time.Time) error {
	if m.Urgent {
		return nil
	}
	if until := o.QuietUntil(now); !until.Equal(now) {
		return fmt.Errorf("%w until %s", ErrQuietHours, until.In(o.loc).Format("02/01/2006 15:04"))
	}
	return nil
}

// pause holds every send back for d from now, the channel's rate limit.
// A longer pause already running stays.
func (o *Outbox) pause(now time.Time, d time.Duration) {
	until := now.Add(d)
	o.mu.Lock()
	longer := until.After(o.pausedUntil)
	if longer {
		o.pausedUntil = until
	}
	o.mu.Unlock()
	if longer {
		o.log.Info("outbox: rate limited, every send paused", "for", d)
	}
}

// pausedFor is how long from now every send is still held back.
func (o *Outbox) pausedFor(now time.Time) time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.pausedUntil.Sub(now)
}

// sleep is Options.Wait, at once for nothing to wait.
func (o *Outbox) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	return o.wait(ctx, d)
}

// timerWait waits for d unless ctx ends first.
func timerWait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// backoff is the default pause after the n-th failed attempt.
func backoff(n int) time.Duration {
	return min(time.Second<<min(n-1, 6), time.Minute)
}
