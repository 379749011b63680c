package notices

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/people"
)

// Sender is a channel's one paced sender; *outbox.Outbox is one. Send
// returns nil once the channel accepted the message, an error wrapping
// outbox.ErrQuietHours, outbox.ErrBlocked or outbox.ErrPermanent, or a
// failure after the outbox's retries. QuietUntil is when the quiet hours
// holding t end, t itself outside them.
type Sender interface {
	Send(ctx context.Context, m outbox.Message) error
	QuietUntil(t time.Time) time.Time
}

var _ Sender = (*outbox.Outbox)(nil)

// Reporter shows staff a notice's progress: called when a job starts or
// resumes (n.Progress is the ref it returned before, "" the first time),
// every Options.ReportEvery while it sends, when it waits for quiet hours
// to end, and once at the end (Status done or canceled). It returns the
// ref of the message it posted or edited, which the worker keeps in the
// notice for the next call, on whichever replica. A failure is logged:
// the sending goes on.
type Reporter interface {
	Report(ctx context.Context, n Notice) (ref string, err error)
}

// Audiences is what a worker needs of the people registry; people.Store
// has it.
type Audiences interface {
	Audience(ctx context.Context, f people.Filter, each func(chat string) error) error
	Groups(ctx context.Context, villages []string) ([]people.Group, error)
	// Stopped tells, for each chat, whether she stopped ordinary
	// notices: the families with a reminder are not a walk of the
	// registry, so a batch of them is checked at once.
	Stopped(ctx context.Context, chats []string) ([]bool, error)
}

// ReminderChats walks the chats that have a BHYT reminder;
// reminders.Store has it.
type ReminderChats interface {
	Chats(ctx context.Context, each func(chat string) error) error
}

// WorkerOptions configures a Worker. Senders and People are required.
type WorkerOptions struct {
	// Senders are the channels' outboxes by chat prefix: "tg", "zl". A
	// recipient of a channel without one is counted Skipped.
	Senders map[string]Sender
	// People is the audience registry.
	People Audiences
	// Reminders walks the families with a BHYT reminder; required for a
	// notice to them.
	Reminders ReminderChats
	// Reporter shows the progress to staff; none when nil.
	Reporter Reporter
	// Group is the stream's consumer group ("senders" when empty): every
	// replica's worker joins the same one.
	Group string
	// Consumer names this worker in the group (host-pid-random when
	// empty). A restarted process is a new consumer; what the old one
	// held is taken over after the lease.
	Consumer string
	// Lease is how long a job may go without its worker renewing it
	// before another worker takes it over (10 s when zero): what a
	// replica killed mid-notice costs, with Block. A running job renews it
	// every third of it, and stops sending when it could not for 9/10 of
	// it.
	Lease time.Duration
	// Block is how long a worker waits on the stream for a job (2 s when
	// zero); the scheduled notices are promoted that often.
	Block time.Duration
	// Workers is how many recipients are sent to at once (8 when zero).
	// The outbox paces them; more only keep it busy.
	Workers int
	// Batch is how many recipients are read, checked against the done
	// set and sent at a time (100 when zero).
	Batch int
	// ReportEvery is the least time between two progress reports (5 s
	// when zero), and ReportSends the least number of recipients (none
	// when zero).
	ReportEvery time.Duration
	ReportSends int
	// Now is the clock (time.Now when nil): scheduled times, quiet hours,
	// report intervals. The lease is counted by Redis's clock.
	Now func() time.Time
	// Logger gets the jobs' summaries; chats at debug level only.
	Logger *slog.Logger
	// Registerer, when set, gets the worker's metrics.
	Registerer prometheus.Registerer
}

// Defaults of WorkerOptions.
const (
	DefaultGroup       = "senders"
	DefaultLease       = 10 * time.Second
	DefaultBlock       = 2 * time.Second
	DefaultWorkers     = 8
	DefaultBatch       = 100
	DefaultReportEvery = 5 * time.Second
)

// Worker takes notices' jobs from the stream and sends them. Every
// replica runs one; the consumer group gives each job to one of them.
type Worker struct {
	store     *Store
	senders   map[string]Sender
	people    Audiences
	reminders ReminderChats
	reporter  Reporter
	group     string
	consumer  string
	lease     time.Duration
	block     time.Duration
	workers   int
	batch     int
	every     time.Duration
	sends     int
	now       func() time.Time
	log       *slog.Logger
	metrics   *metrics
}

// NewWorker returns a worker on s. It reports every problem of the
// options at once.
func NewWorker(s *Store, opts WorkerOptions) (*Worker, error) {
	var errs []error
	if s == nil {
		errs = append(errs, errors.New("no store"))
	}
	if len(opts.Senders) == 0 {
		errs = append(errs, errors.New("no sender"))
	}
	if opts.People == nil {
		errs = append(errs, errors.New("no people registry"))
	}
	for _, d := range []time.Duration{opts.Lease, opts.Block, opts.ReportEvery} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("negative duration %v", d))
		}
	}
	if opts.Workers < 0 || opts.Batch < 0 || opts.ReportSends < 0 {
		errs = append(errs, errors.New("negative workers, batch or report sends"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("notices: worker: %w", err)
	}
	w := &Worker{
		store:     s,
		senders:   opts.Senders,
		people:    opts.People,
		reminders: opts.Reminders,
		reporter:  opts.Reporter,
		group:     cmp.Or(opts.Group, DefaultGroup),
		consumer:  cmp.Or(opts.Consumer, consumerName()),
		lease:     cmp.Or(opts.Lease, DefaultLease),
		block:     cmp.Or(opts.Block, DefaultBlock),
		workers:   cmp.Or(opts.Workers, DefaultWorkers),
		batch:     cmp.Or(opts.Batch, DefaultBatch),
		every:     cmp.Or(opts.ReportEvery, DefaultReportEvery),
		sends:     opts.ReportSends,
		now:       opts.Now,
		log:       opts.Logger,
		metrics:   newMetrics(opts.Registerer),
	}
	if w.now == nil {
		w.now = time.Now
	}
	if w.log == nil {
		w.log = slog.Default()
	}
	w.log = w.log.With("consumer", w.consumer)
	return w, nil
}

// consumerName is host-pid-random: unique across replicas and restarts.
func consumerName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", cmp.Or(host, "host"), os.Getpid(), hex.EncodeToString(b))
}

// promoteMax bounds the scheduled notices one promotion queues.
const promoteMax = 100

// Run takes jobs until ctx ends, then returns ctx's error. Each turn
// promotes the scheduled notices that are due, takes over a job whose
// worker stopped renewing it for a lease (XAUTOCLAIM), or else waits up
// to Block for a new one (XREADGROUP), and runs it to its end. A job
// running when ctx ends stays pending: its sent recipients are recorded,
// and a worker takes it over after the lease. Failures of Redis are
// logged and tried again after Block.
func (w *Worker) Run(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.turn(ctx); err != nil && ctx.Err() == nil {
			w.log.Error("notices: worker", "err", err)
			t := time.NewTimer(w.block)
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
			}
		}
	}
}

// turn is one turn of Run.
func (w *Worker) turn(ctx context.Context) error {
	if err := w.ensureGroup(ctx); err != nil {
		return err
	}
	if _, err := w.store.Promote(ctx, w.now(), promoteMax); err != nil {
		return err
	}
	msg, ok, err := w.take(ctx)
	if err != nil || !ok {
		return err
	}
	id, _ := msg.Values["id"].(string)
	if id == "" {
		// Not a job of ours: drop it rather than meet it every lease.
		return w.store.ack(ctx, w.group, msg.ID)
	}
	return w.runJob(ctx, msg.ID, id)
}

// ensureGroup makes the stream and the consumer group unless they exist.
// It is cheap enough for every turn, and a Redis that lost its data (or a
// test's fresh one) gets them back.
func (w *Worker) ensureGroup(ctx context.Context) error {
	err := w.store.client.XGroupCreateMkStream(ctx, w.store.stream(), w.group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return w.store.failure("create the consumer group", err)
	}
	return nil
}

// take returns a job: one whose worker has not renewed it for a lease,
// or else a new one, waiting up to Block.
func (w *Worker) take(ctx context.Context) (redis.XMessage, bool, error) {
	s := w.store
	msgs, _, err := s.client.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: s.stream(), Group: w.group, Consumer: w.consumer, MinIdle: w.lease, Start: "0-0", Count: 1,
	}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return redis.XMessage{}, false, s.failure("take over a job", err)
	}
	if len(msgs) > 0 {
		w.log.Info("notices: took over a job whose worker stopped", "entry", msgs[0].ID)
		return msgs[0], true, nil
	}
	streams, err := s.client.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: w.group, Consumer: w.consumer, Streams: []string{s.stream(), ">"}, Count: 1, Block: w.block,
	}).Result()
	if errors.Is(err, redis.Nil) || (err != nil && ctx.Err() != nil) {
		return redis.XMessage{}, false, nil
	}
	if err != nil {
		return redis.XMessage{}, false, s.failure("read a job", err)
	}
	for _, st := range streams {
		if len(st.Messages) > 0 {
			return st.Messages[0], true, nil
		}
	}
	return redis.XMessage{}, false, nil
}

// ack acknowledges and deletes a stream entry.
func (s *Store) ack(ctx context.Context, group, entry string) error {
	pipe := s.client.TxPipeline()
	pipe.XAck(ctx, s.stream(), group, entry)
	pipe.XDel(ctx, s.stream(), entry)
	if _, err := pipe.Exec(ctx); err != nil {
		return s.failure("acknowledge "+entry, err)
	}
	return nil
}
