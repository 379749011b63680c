package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// cronRunner runs a job's ticks on a robfig/cron schedule: the Start and
// Stop of every job of the package.
type cronRunner struct {
	schedule cron.Schedule
	loc      *time.Location
	log      *slog.Logger
	// what names the job in errors: "scheduler: tickets".
	what string
	// tick is one tick, with the ticks' context.
	tick func(ctx context.Context)

	mu      sync.Mutex
	cron    *cron.Cron
	cancel  context.CancelFunc // ends the ticks' context
	unwatch func() bool        // stops stopping the cron when start's ctx ends
}

// start runs tick on the schedule until stop or until ctx ends; a tick
// due while the previous one still runs is skipped. It runs once: a
// second start is an error, even after stop.
func (r *cronRunner) start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cron != nil {
		return errors.New(r.what + ": start: started before")
	}
	tickCtx, cancel := context.WithCancel(ctx)
	logger := cronLogger{r.log}
	c := cron.New(
		cron.WithLocation(r.loc),
		cron.WithLogger(logger),
		cron.WithChain(cron.SkipIfStillRunning(logger)),
	)
	c.Schedule(r.schedule, cron.FuncJob(func() {
		if tickCtx.Err() == nil {
			r.tick(tickCtx)
		}
	}))
	c.Start()
	r.cron, r.cancel = c, cancel
	r.unwatch = context.AfterFunc(ctx, func() { c.Stop() })
	return nil
}

// stop stops the ticks and waits for a running one to end, or for ctx to
// end first: the running tick is then canceled and stop returns ctx's
// error without waiting further. A runner never started stops at once.
func (r *cronRunner) stop(ctx context.Context) error {
	r.mu.Lock()
	c, cancel, unwatch := r.cron, r.cancel, r.unwatch
	r.mu.Unlock()
	if c == nil {
		return nil
	}
	unwatch()
	ended := c.Stop()
	defer cancel()
	select {
	case <-ended.Done():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: stop: a tick still runs: %w", r.what, ctx.Err())
	}
}
