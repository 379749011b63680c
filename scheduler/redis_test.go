package scheduler_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/scheduler"
	"github.com/motcua/motcua/store/redistest"
)

// killed is a replica that dies right after its claim: the store took
// the reminders, nobody sends them.
type killed struct {
	scheduler.Claimer
	claimed []reminders.Claimed
}

var errKilled = errors.New("killed after the claim")

func (k *killed) Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]reminders.Claimed, error) {
	cs, err := k.Claimer.Claim(ctx, now, lease, max)
	if err != nil {
		return nil, err
	}
	k.claimed = append(k.claimed, cs...)
	return nil, errKilled
}

// TestReplicasOnOneRedis runs three replicas, each with its own store
// client, outbox and job, on one Redis, over 2,000 reminders due in the
// same minute, after a fourth replica died holding a claim: every chat
// gets exactly one message, those of the dead replica's claim once its
// lease has ended.
func TestReplicasOnOneRedis(t *testing.T) {
	const (
		chats = 2000
		batch = 100
		lease = 5 * time.Minute
	)
	ctx := context.Background()
	srv := redistest.Start(t)
	created := at(2026, 6, 1, 10, 0)
	clk := &clock{now: created}
	ch := newChannel(clk)

	seed := reminders.NewRedis(srv.Client(t), sched, reminders.Options{})
	var wg sync.WaitGroup
	errs := make(chan error, chats)
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < chats; i += 8 {
				if err := seed.Save(ctx, reminder(chatOf(i), "1", expiry, created)); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Save: %v", err)
	}

	replica := func(wrap func(scheduler.Claimer) scheduler.Claimer) *scheduler.Job {
		st := reminders.NewRedis(srv.Client(t), sched, reminders.Options{})
		var c scheduler.Claimer = st
		if wrap != nil {
			c = wrap(c)
		}
		job, err := scheduler.New(c, newOutbox(t, ch, clk, st), texts{}, scheduler.Options{
			Lease: lease, Batch: batch, Workers: 8, Now: clk.Now, Logger: discard,
		})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return job
	}
	dead := &killed{}
	dying := replica(func(c scheduler.Claimer) scheduler.Claimer { dead.Claimer = c; return dead })
	jobs := []*scheduler.Job{replica(nil), replica(nil), replica(nil)}

	// tickAll ticks the three replicas at once and adds up their reports.
	tickAll := func(now time.Time) scheduler.Report {
		t.Helper()
		clk.Set(now)
		reps := make([]scheduler.Report, len(jobs))
		errs := make([]error, len(jobs))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, job := range jobs {
			wg.Go(func() {
				<-start
				reps[i], errs[i] = job.Tick(ctx, now)
			})
		}
		close(start)
		wg.Wait()
		var sum scheduler.Report
		for i, rep := range reps {
			if errs[i] != nil {
				t.Errorf("replica %d: Tick at %s: %v", i, now.Format(time.TimeOnly), errs[i])
			}
			checkSum(t, rep)
			if rep.Claimed > 0 {
				t.Logf("at %s replica %d claimed %d and sent %d", now.Format(time.TimeOnly), i, rep.Claimed, rep.Sent)
			}
			sum.Claimed += rep.Claimed
			sum.Sent += rep.Sent
			sum.Failed += rep.Failed
		}
		return sum
	}

	eight := at(2026, 6, 15, 8, 0)
	clk.Set(eight)
	if _, err := dying.Tick(ctx, eight); !errors.Is(err, errKilled) {
		t.Fatalf("the dying replica's Tick: %v, want it killed", err)
	}
	if len(dead.claimed) != batch {
		t.Fatalf("the dying replica claimed %d, want a batch of %d", len(dead.claimed), batch)
	}
	lost := make(map[string]bool)
	for _, c := range dead.claimed {
		lost[c.Chat] = true
	}

	if sum := tickAll(eight); sum.Claimed != chats-batch || sum.Sent != chats-batch {
		t.Errorf("at 08:00 the replicas claimed %d and sent %d, want %d: all but the dead one's claim", sum.Claimed, sum.Sent, chats-batch)
	}
	for i := range chats {
		want := 1
		if lost[chatOf(i)] {
			want = 0
		}
		if n := len(ch.got(chatOf(i))); n != want {
			t.Errorf("after 08:00, %s received %d messages, want %d", chatOf(i), n, want)
		}
	}
	if sum := tickAll(eight.Add(lease - time.Minute)); sum.Claimed != 0 {
		t.Errorf("within the lease the replicas claimed %d, want none", sum.Claimed)
	}
	if sum := tickAll(eight.Add(lease)); sum.Claimed != batch || sum.Sent != batch {
		t.Errorf("as the lease ended the replicas claimed %d and sent %d, want the dead one's %d", sum.Claimed, sum.Sent, batch)
	}
	if sum := tickAll(eight.Add(2 * lease)); sum.Claimed != 0 {
		t.Errorf("after it all the replicas claimed %d, want none", sum.Claimed)
	}
	for i := range chats {
		got := ch.got(chatOf(i))
		if len(got) != 1 {
			t.Errorf("%s received %d messages, want exactly one", chatOf(i), len(got))
			continue
		}
		wantAt := eight
		if lost[chatOf(i)] {
			wantAt = eight.Add(lease)
		}
		if got[0].text != "1/0" || !got[0].at.Equal(wantAt) {
			t.Errorf("%s received %q at %s, want the 30-day stage at %s", chatOf(i), got[0].text, got[0].at.Format(time.TimeOnly), wantAt.Format(time.TimeOnly))
		}
	}
}

func chatOf(i int) string { return "tg:" + strconv.Itoa(5000000000+i) }
