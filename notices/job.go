package notices

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/lease"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/people"
)

// errCanceled stops a job's sending when staff canceled the notice, as
// the cause of its context. (A lease lost or not renewed in time stops it
// with lease.ErrLost or lease.ErrExpiring.)
var errCanceled = errors.New("notices: canceled by staff")

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

	// The job's context ends with staff's cancel, quiet hours, or a lease
	// this worker is no longer sure to hold.
	stopped, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jctx, release := lease.Hold(stopped, w.lease, func(ctx context.Context) (bool, error) {
		held, err := s.refresh(ctx, w.group, w.consumer, entry)
		if err != nil && ctx.Err() == nil {
			log.Warn("notices: renew a job's lease", "entry", entry, "err", err)
		}
		return held, err
	})
	defer release()
	j := &job{w: w, n: n, cancel: cancel, last: w.now(), inflight: map[string]bool{}}
	w.metrics.job("started")
	log.Info("notices: sending", "resumed", n.Counts.Handled() > 0, "handled", n.Counts.Handled())
	// Staff see it start, but the first recipient does not wait for it:
	// the staff's chat has just had the bot's answer, and Telegram allows
	// a chat one message a second.
	j.reportAside(ctx)

	err = j.walk(jctx)
	if jctx.Err() != nil {
		err = context.Cause(jctx)
	}
	j.reports.Wait()
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
	case errors.Is(err, lease.ErrLost):
		log.Warn("notices: the job was taken over by another worker; stopped")
		return nil
	case errors.Is(err, lease.ErrExpiring):
		log.Warn("notices: the job's lease could not be renewed; stopped, left for the lease")
		return nil
	default:
		return fmt.Errorf("notices: notice %s: %w", id, err)
	}
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
	work   chan target // to the senders
	// reports is the report running aside, if any.
	reports sync.WaitGroup

	mu sync.Mutex
	// inflight are the chats handed to a sender whose outcome is not
	// recorded yet: at most Workers.
	inflight  map[string]bool
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
// families with a reminder, read a batch at a time and handed to Workers
// senders that run for the whole job, so that a batch's last sends, still
// waiting for the channel's answers, never hold the next batch's first
// ones back.
func (j *job) walk(ctx context.Context) error {
	j.work = make(chan target)
	var sends sync.WaitGroup
	for range j.w.workers {
		sends.Go(func() {
			for t := range j.work {
				j.send(ctx, t)
				j.landed(t.chat)
			}
		})
	}
	err := j.feed(ctx)
	close(j.work)
	sends.Wait()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

// feed reads the audience and hands it to the senders, a batch at a time.
func (j *job) feed(ctx context.Context) error {
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

// add queues t, and hands the batch out once full. A chat of another
// channel than the filter's is not in the audience.
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

// flush hands the batch to the senders: each chat once, none that has an
// outcome already (a resumed run, or a chat in two parts of the
// audience) or is being sent to. It returns once the last is handed out,
// the cause of the job's context when it ended first.
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
	for _, t := range todo {
		j.mu.Lock()
		j.inflight[t.chat] = true
		j.mu.Unlock()
		select {
		case j.work <- t:
		case <-ctx.Done():
			j.landed(t.chat)
			return context.Cause(ctx)
		}
	}
	return nil
}

// landed forgets chat as in flight: its outcome is recorded, or will not
// be in this run.
func (j *job) landed(chat string) {
	j.mu.Lock()
	delete(j.inflight, chat)
	j.mu.Unlock()
}

// pending is the batch less the chats met twice in it, those in flight
// or in the done set, and the families who stopped ordinary notices.
//
// The chats in flight are read before the done set: a chat not in flight
// then was either never handed out, or recorded before, and so is in the
// done set read after. (Only this goroutine hands chats out.)
func (j *job) pending(ctx context.Context, batch []target) ([]target, error) {
	j.mu.Lock()
	seen := make(map[string]bool, len(batch)+len(j.inflight))
	for chat := range j.inflight {
		seen[chat] = true
	}
	j.mu.Unlock()
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
// handled since the last report, aside: the senders go on.
func (j *job) progress(ctx context.Context) {
	now := j.w.now()
	j.mu.Lock()
	j.since++
	due := now.Sub(j.last) >= j.w.every && j.since >= j.w.sends
	j.mu.Unlock()
	if due {
		j.reportAside(ctx)
	}
}

// reportAside reports in a goroutine of its own, unless a report is
// running: one at a time, so that the message is posted once and edited
// in order. Wait for reports before the final one.
func (j *job) reportAside(ctx context.Context) {
	j.mu.Lock()
	if j.reporting {
		j.mu.Unlock()
		return
	}
	j.reporting = true
	j.mu.Unlock()
	j.reports.Go(func() {
		j.report(ctx)
		j.mu.Lock()
		j.reporting, j.last, j.since = false, j.w.now(), 0
		j.mu.Unlock()
	})
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
