package scheduler

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/reminders"
)

// Claimer is what a Job needs of the reminder store; reminders.Store has
// it. Claim takes due reminders under a lease, Renew extends the lease of
// those still held, Done records a stage as sent, SetPaused pauses the
// reminders of a chat that blocked the bot.
type Claimer interface {
	Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]reminders.Claimed, error)
	Renew(ctx context.Context, cs []reminders.Claimed, now time.Time, lease time.Duration) ([]reminders.Claimed, error)
	Done(ctx context.Context, c reminders.Claimed, sentStage int) error
	SetPaused(ctx context.Context, chat string, paused bool) error
}

// Sender is the bot's one paced sender; *outbox.Outbox is one. Send
// returns nil once the channel accepted the message, an error wrapping
// outbox.ErrQuietHours or outbox.ErrBlocked, or a failure. QuietUntil is
// when the quiet hours holding t end, t itself outside them.
type Sender interface {
	Send(ctx context.Context, m outbox.Message) error
	QuietUntil(t time.Time) time.Time
}

var _ Sender = (*outbox.Outbox)(nil)

// Renderer makes the message of a claimed reminder: its words and buttons
// come from the bot's messages in YAML, never from this package. now is
// the time of the claim. It must be safe for concurrent use.
type Renderer interface {
	Render(c reminders.Claimed, now time.Time) bot.Message
}

// offerer is a Renderer that also learns of a reminder sent, so that its
// choices can be answered by typed numbers where a channel shows no
// buttons; *bot.Reminders is one.
type offerer interface {
	Offered(ctx context.Context, c reminders.Claimed) error
}

// Options configures a Job. The zero value, but for what New requires,
// is the project's defaults.
type Options struct {
	// Spec says when to tick, as robfig/cron parses it: "@every 5s" when
	// empty, or a standard spec such as "* * * * *" (every minute on the
	// minute). A tick that finds nothing due costs one round trip; what a
	// replica that died held is taken over at the first tick after its
	// lease ended, so the interval adds to what a crash costs.
	Spec string
	// Location is where Spec's hours count (Asia/Ho_Chi_Minh when nil).
	// Quiet hours are the Sender's.
	Location *time.Location
	// Lease is how long a claim keeps a reminder from other replicas
	// without being renewed (10 s when zero). A batch's claims are
	// renewed every third of it while they are sent, so it need not
	// outlast a batch (500 at 29 a second take 17 s); a replica that dies
	// leaves its claims to the others a lease later. Sending stops when
	// the lease could not be renewed for 9/10 of it.
	Lease time.Duration
	// Batch is how many reminders one claim takes (500 when zero). A tick
	// claims again while batches come back full.
	Batch int
	// Workers is how many chats are sent to at once through the outbox (8
	// when zero). The outbox paces them; more workers only keep it busy.
	Workers int
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Logger gets the ticks' summaries (slog.Default() when nil). Chats
	// and keys are logged at debug level only.
	Logger *slog.Logger
	// Registerer, when set, gets the job's metrics.
	Registerer prometheus.Registerer
}

// Defaults of Options.
const (
	DefaultSpec    = "@every 5s"
	DefaultLease   = 10 * time.Second
	DefaultBatch   = 500
	DefaultWorkers = 8
)

// Job sends the due BHYT reminders: each tick claims them from the store,
// sends them through the outbox and records them as sent. Every replica
// runs one; the claims keep them from sending a reminder twice.
type Job struct {
	claimer  Claimer
	sender   Sender
	renderer Renderer
	lease    time.Duration
	batch    int
	workers  int
	now      func() time.Time
	log      *slog.Logger
	metrics  *metrics
	runner   *cronRunner
}

// New returns a job that claims from c, renders with r and sends through
// s. It reports every problem of the options at once.
func New(c Claimer, s Sender, r Renderer, opts Options) (*Job, error) {
	var errs []error
	if c == nil {
		errs = append(errs, errors.New("no claimer"))
	}
	if s == nil {
		errs = append(errs, errors.New("no sender"))
	}
	if r == nil {
		errs = append(errs, errors.New("no renderer"))
	}
	if opts.Spec == "" {
		opts.Spec = DefaultSpec
	}
	sched, err := cron.ParseStandard(opts.Spec)
	if err != nil {
		errs = append(errs, fmt.Errorf("spec %q: %w", opts.Spec, err))
	}
	if opts.Lease < 0 {
		errs = append(errs, fmt.Errorf("lease %v: negative", opts.Lease))
	}
	if opts.Batch < 0 {
		errs = append(errs, fmt.Errorf("batch %d: negative", opts.Batch))
	}
	if opts.Workers < 0 {
		errs = append(errs, fmt.Errorf("workers %d: negative", opts.Workers))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	j := &Job{
		claimer:  c,
		sender:   s,
		renderer: r,
		lease:    cmp.Or(opts.Lease, DefaultLease),
		batch:    cmp.Or(opts.Batch, DefaultBatch),
		workers:  cmp.Or(opts.Workers, DefaultWorkers),
		now:      opts.Now,
		log:      opts.Logger,
		metrics:  newMetrics(opts.Registerer),
	}
	if j.now == nil {
		j.now = time.Now
	}
	if j.log == nil {
		j.log = slog.Default()
	}
	j.runner = &cronRunner{schedule: sched, loc: cmp.Or(opts.Location, flows.Vietnam()), log: j.log, what: "scheduler", tick: j.run}
	return j, nil
}

// Start runs Tick on the job's schedule, with the time of Options.Now,
// until Stop or until ctx ends. A tick due while the previous one still
// runs is skipped (cron.SkipIfStillRunning): a long catch-up never runs
// twice in one process. A job starts once: Start returns an error when
// it was started before, even if stopped since.
func (j *Job) Start(ctx context.Context) error { return j.runner.start(ctx) }

// Stop stops the ticks and waits for a running one to end, or for ctx
// to end first: the running tick is then canceled (what it claimed and
// did not send comes back after the lease; what it sent is still
// recorded) and Stop returns ctx's error without waiting further. A job
// never started stops at once.
func (j *Job) Stop(ctx context.Context) error { return j.runner.stop(ctx) }

// run is one tick on the cron schedule (the runner skips it once the
// ticks' context ended).
func (j *Job) run(ctx context.Context) {
	if _, err := j.Tick(ctx, j.now()); err != nil {
		j.log.Error("scheduler: tick", "err", err)
	}
}

// cronLogger gives cron's logging to slog: its routine messages at debug
// level, a skipped tick at info.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, keysAndValues ...any) {
	if msg == "skip" {
		// Every few seconds while a long batch runs: routine.
		l.log.Debug("scheduler: tick skipped: the previous one is still running")
		return
	}
	l.log.Debug("scheduler: cron: "+msg, keysAndValues...)
}

func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	l.log.Error("scheduler: cron: "+msg, append(keysAndValues, "err", err)...)
}
