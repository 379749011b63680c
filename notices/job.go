package notices

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/people"
)

// Why a job's sending stopped before its end, as the cause of its
// context.
var (
	// errCanceled: staff canceled the notice.
	errCanceled = errors.New("notices: canceled by staff")
	// errLost: the job's entry is no longer this worker's (it stalled past
	// the lease and another took it over).
	errLost = errors.New("notices: the job was taken over by another worker")
)

// quietError stops an ordinary notice that met quiet hours, until they
// end.
type quietError struct{ until time.Time }

func (e quietError) Error() string { return "notices: quiet hours until " + e.until.String() }

// Outcomes of a recipient, the counters of the record and metrics labels.
const (
	outcomeSent    = "sent"
	outcomeBlocked = "blocked"
	outcomeFailed  = "failed"
	outcomeSkipped = "skipped"
)

// writeTimeout bounds a store write that must be made even when the job's
// context ended: a message sent must be recorded, or it goes again.
const writeTimeout = 10 * time.Second

// runJob runs the job of notice id, from stream entry entry, to its end,
// its pause for quiet hours, its cancel, or the end of ctx (it is then
// left pending for a worker to take over after the lease).
func (w *Worker) runJob(ctx context.Context, entry, id string) error {
	s := w.store
	log := w.log.With("notice", id)
	n, err := s.start(ctx, id, w.now())
	if errors.Is(err, ErrNotFound) {
		log.Warn("notices: a job for a notice that is gone (expired?): dropped")
		return s.ack(ctx, w.group, entry)
	}
	if err != nil {
		return err
	}
	switch n.Status {
	case Canceled:
		return w.finish(ctx, n, entry, Canceled)
	case Sending:
	default: // done, or scheduled again meanwhile: nothing to send now
		return s.ack(ctx, w.group, entry)
	}

	jctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	renewing := w.renew(jctx, cancel, entry)
	defer renewing()
	j := &job{w: w, n: n, cancel: cancel, last: w.now()}
	w.metrics.job("started")
	log.Info("notices: sending", "resumed", n.Counts.Handled() > 0, "handled", n.Counts.Handled())
	j.report(ctx)

	err = j.walk(jctx)
	if jctx.Err() != nil {
		err = context.Cause(jctx)
	}
	var quiet quietError
	switch {
	case ctx.Err() != nil:
		log.Info("notices: worker stopping, the job is left for the lease", "err", ctx.Err())
		return nil
	case err == nil:
		return w.finish(ctx, j.n, entry, Done)
	case errors.Is(err, errCanceled):
		return w.finish(ctx, j.n, entry, Canceled)
	case errors.As(err, &quiet):
		return w.pause(ctx, j, entry, quiet.until)
	case errors.Is(err, errLost):
		log.Warn("notices: the job was taken over by another worker; stopped")
		return nil
	default:
		return fmt.Errorf("notices: notice %s: %w", id, err)
	}
}

// renew renews the job's hold on its entry every third of the lease, so
// that no other worker takes a live job over, and cancels the job when
// the entry is no longer this worker's. The returned function stops it.
func (w *Worker) renew(ctx context.Context, cancel context.CancelCauseFunc, entry string) func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(w.lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				ok, err := w.store.refresh(ctx, w.group, w.consumer, entry)
				switch {
				case err != nil && ctx.Err() == nil:
					w.log.Warn("notices: renew a job's lease", "entry", entry, "err", err)
				case err == nil && !ok:
					cancel(errLost)
					return
				}
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// finish ends the job as status (done, or canceled), makes the final
// report and acknowledges the entry.
func (w *Worker) finish(ctx context.Context, n Notice, entry string, status Status) error {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	st, err := w.store.finish(wctx, n.ID, status, w.now(), entry, w.group)
	if err != nil {
		return err
	}
	w.metrics.job(string(st))
	final, err := w.store.Get(wctx, n.ID)
	if err != nil {
		return err
	}
	w.log.Info("notices: finished", "notice", n.ID, "status", final.Status, "sent", final.Counts.Sent,
		"blocked", final.Counts.Blocked, "failed", final.Counts.Failed, "skipped", final.Counts.Skipped)
	if final.Started.IsZero() {
		return nil // canceled before it began: staff were answered then
	}
	w.reportNotice(wctx, final)
	return nil
}

// pause holds the job until the quiet hours end, and reports it waiting.
func (w *Worker) pause(ctx context.Context, j *job, entry string, until time.Time) error {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	st, err := w.store.pause(wctx, j.n.ID, until, entry, w.group)
	if err != nil {
		return err
	}
	if st == Canceled {
		return w.finish(ctx, j.n, entry, Canceled)
	}
	w.metrics.job("paused")
	w.log.Info("notices: quiet hours: the notice goes on when they end", "notice", j.n.ID, "until", until)
	j.report(wctx)
	return nil
}

// job is the state of one run of a notice's job, shared by its senders.
type job struct {
	w      *Worker
	n      Notice
	cancel context.CancelCauseFunc
	batch  []target

	mu        sync.Mutex
	last      time.Time // of the last report
	since     int       // recipients handled since it
	reporting bool
}

// target is one recipient.
type target struct {
	chat  string
	group bool
	// checkOff: a family with a reminder, who may have stopped ordinary
	// notices (the people registry's walk leaves those out itself).
	checkOff bool
}

// walk sends to the audience: the village groups, the people, the
// families with a reminder, a batch at a time.
func (j *job) walk(ctx context.Context) error {
	w, a := j.w, j.n.Audience
	if a.Groups {
		groups, err := w.people.Groups(ctx, a.Filter.Villages)
		if err != nil {
			return fmt.Errorf("groups: %w", err)
		}
		for _, g := range groups {
			if err := j.add(ctx, target{chat: g.Chat, group: true}); err != nil {
				return err
			}
		}
	}
	if a.People {
		f := a.Filter
		f.Urgent = j.n.Urgent
		if err := w.people.Audience(ctx, f, func(chat string) error { return j.add(ctx, target{chat: chat}) }); err != nil {
			return fmt.Errorf("people: %w", err)
		}
	}
	if a.Reminders {
		if w.reminders == nil {
			return errors.New("a notice to the families with a reminder, and no reminders store")
		}
		err := w.reminders.Chats(ctx, func(chat string) error {
			if !people.IsChat(chat) {
				return nil // a terminal's reminder (motcua chat): no channel reaches it
			}
			return j.add(ctx, target{chat: chat, checkOff: !j.n.Urgent})
		})
		if err != nil {
			return fmt.Errorf("families with a reminder: %w", err)
		}
	}
	return j.flush(ctx)
}

// add queues t, and sends the batch once full. A chat of another channel
// than the filter's is not in the audience.
func (j *job) add(ctx context.Context, t target) error {
	if ch := j.n.Audience.Filter.Channel; ch != "" && !strings.HasPrefix(t.chat, ch+":") {
		return nil
	}
	j.batch = append(j.batch, t)
	if len(j.batch) < j.w.batch {
		return nil
	}
	return j.flush(ctx)
}

// flush sends the batch: each chat once, none that has an outcome
// already (a resumed run, or a chat in two parts of the audience), to
// Workers at a time. It returns the cause of the job's context when it
// ended.
func (j *job) flush(ctx context.Context) error {
	batch := j.batch
	j.batch = make([]target, 0, j.w.batch)
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	todo, err := j.pending(ctx, batch)
	if err != nil {
		return err
	}
	work := make(chan target)
	var wg sync.WaitGroup
	for range min(j.w.workers, len(todo)) {
		wg.Go(func() {
			for t := range work {
				j.send(ctx, t)
			}
		})
	}
feed:
	for _, t := range todo {
		select {
		case work <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return nil
}

// pending is the batch less the chats met twice in it, those in the done
// set and the families who stopped ordinary notices.
func (j *job) pending(ctx context.Context, batch []target) ([]target, error) {
	seen := make(map[string]bool, len(batch))
	uniq := batch[:0]
	for _, t := range batch {
		if !seen[t.chat] {
			seen[t.chat] = true
			uniq = append(uniq, t)
		}
	}
	if len(uniq) == 0 {
		return nil, nil
	}
	chats := make([]string, len(uniq))
	for i, t := range uniq {
		chats[i] = t.chat
	}
	done, err := j.w.store.done(ctx, j.n.ID, chats)
	if err != nil {
		return nil, err
	}
	off, err := j.stopped(ctx, uniq, done)
	if err != nil {
		return nil, err
	}
	out := uniq[:0]
	for i, t := range uniq {
		if !done[i] && !off[i] {
			out = append(out, t)
		}
	}
	return out, nil
}

// stopped tells, for each of batch, whether it is a family with a
// reminder who stopped ordinary notices: one question to the people
// registry for those of the batch not done already, none when there are
// none.
func (j *job) stopped(ctx context.Context, batch []target, done []bool) ([]bool, error) {
	off := make([]bool, len(batch))
	var ask []string
	var at []int // ask[k] is batch[at[k]]
	for i, t := range batch {
		if t.checkOff && !done[i] {
			ask = append(ask, t.chat)
			at = append(at, i)
		}
	}
	if len(ask) == 0 {
		return off, nil
	}
	answers, err := j.w.people.Stopped(ctx, ask)
	if err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	if len(answers) != len(ask) {
		return nil, fmt.Errorf("people: %d answers for %d chats", len(answers), len(ask))
	}
	for k, i := range at {
		off[i] = answers[k]
	}
	return off, nil
}

// send sends the notice to t and records the outcome. It stops the job
// for quiet hours, a cancel seen in the record, or a record that failed.
func (j *job) send(ctx context.Context, t target) {
	w := j.w
	channel, _, _ := strings.Cut(t.chat, ":")
	outcome := outcomeSkipped
	if snd := w.senders[channel]; snd != nil {
		err := snd.Send(ctx, outbox.Message{
			Chat: t.chat, Group: t.group, Urgent: j.n.Urgent, Key: j.n.ID + "/" + t.chat,
			Body: bot.Message{Text: j.n.Text, Photo: j.n.Photo},
		})
		switch {
		case err == nil:
			outcome = outcomeSent
		case errors.Is(err, outbox.ErrQuietHours):
			j.cancel(quietError{until: snd.QuietUntil(w.now())})
			return
		case errors.Is(err, outbox.ErrBlocked):
			outcome = outcomeBlocked
		case errors.Is(err, outbox.ErrQuota):
			outcome = outcomeSkipped // the channel's month is spent: not tried
		case ctx.Err() != nil:
			return // not known: a resumed run sends it
		default:
			// Refused for good, or still failing after the outbox's
			// retries.
			w.log.Debug("notices: send failed", "key", j.n.ID+"/"+t.chat, "err", err)
			outcome = outcomeFailed
		}
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	added, status, err := w.store.recordOutcome(wctx, j.n.ID, t.chat, outcome, w.now())
	if err != nil {
		j.cancel(fmt.Errorf("record %s: %w", outcome, err))
		return
	}
	if added {
		w.metrics.recipient(outcome)
	}
	if status == Canceled {
		j.cancel(errCanceled)
		return
	}
	j.progress(ctx)
}

// progress reports when ReportEvery has passed and ReportSends were
// handled since the last report, from one sender at a time.
func (j *job) progress(ctx context.Context) {
	now := j.w.now()
	j.mu.Lock()
	j.since++
	due := !j.reporting && now.Sub(j.last) >= j.w.every && j.since >= j.w.sends
	if due {
		j.reporting = true
	}
	j.mu.Unlock()
	if !due {
		return
	}
	j.report(ctx)
	j.mu.Lock()
	j.reporting, j.last, j.since = false, j.w.now(), 0
	j.mu.Unlock()
}

// report shows the notice as it is in the store.
func (j *job) report(ctx context.Context) {
	n, err := j.w.store.Get(ctx, j.n.ID)
	if err != nil {
		j.w.log.Warn("notices: read a notice to report it", "notice", j.n.ID, "err", err)
		return
	}
	j.w.reportNotice(ctx, n)
}

// reportNotice calls the Reporter and keeps the ref it returns.
func (w *Worker) reportNotice(ctx context.Context, n Notice) {
	if w.reporter == nil {
		return
	}
	ref, err := w.reporter.Report(ctx, n)
	if err != nil {
		w.log.Warn("notices: report progress", "notice", n.ID, "err", err)
		return
	}
	if ref != "" && ref != n.Progress {
		if err := w.store.setProgress(ctx, n.ID, ref); err != nil {
			w.log.Warn("notices: keep the progress message's ref", "notice", n.ID, "err", err)
		}
	}
}
