package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/zalo"
	"github.com/motcua/motcua/bot/zalo/zalotest"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/store/redistest"
)

// counters are the Counters every quota test runs on.
func counters(t *testing.T) map[string]func() outbox.Counter {
	return map[string]func() outbox.Counter{
		"memory": func() outbox.Counter { return outbox.NewMemoryCounter() },
		"redis": func() outbox.Counter {
			return outbox.NewRedisCounter(redistest.Start(t).Client(t), "mc", "zalo")
		},
	}
}

// quotaSpentError is Zalo's 429, shaped like *zalo.SendError.
type quotaSpentError struct{}

func (quotaSpentError) Error() string                      { return "zalo: quota" }
func (quotaSpentError) QuotaSpent() bool                   { return true }
func (quotaSpentError) RateLimited() (time.Duration, bool) { return 0, false }

func left(t *testing.T, ob *outbox.Outbox) int {
	t.Helper()
	n, limited, err := ob.QuotaLeft(context.Background())
	if err != nil || !limited {
		t.Fatalf("QuotaLeft: %d, %v, %v", n, limited, err)
	}
	return n
}

func TestQuota(t *testing.T) {
	for name, counter := range counters(t) {
		t.Run(name, func(t *testing.T) {
			// The last day of November; the month is counted in the
			// outbox's Location (Vietnam), not in UTC.
			start := time.Date(2026, 11, 30, 9, 0, 0, 0, hcm)
			ob, f, c := rig(start, outbox.Options{MaxAttempts: 1, Quota: &outbox.Quota{Limit: 3, Counter: counter()}})
			if n := left(t, ob); n != 3 {
				t.Errorf("left at the start: %d", n)
			}
			f.fail[1] = badGW // a failed send gives its message back
			var rep outbox.Report
			c.run(func() {
				rep = ob.SendAll(context.Background(), repeat(5, func(i int) outbox.Message { return private(fmt.Sprintf("zl:%d", i)) }), 1, nil)
			})
			if want := (outbox.Report{Sent: 3, Failed: 1, Quota: 1}); rep != want {
				t.Errorf("report %+v, want %+v", rep, want)
			}
			if n := len(f.all()); n != 4 {
				t.Errorf("%d sends, want 4: a message past the quota is not tried", n)
			}
			var err error
			c.run(func() { err = ob.Send(context.Background(), private("zl:9")) })
			if !errors.Is(err, outbox.ErrQuota) || left(t, ob) != 0 {
				t.Errorf("past the quota: %v, left %d", err, left(t, ob))
			}

			// December 1st, 00:30 in Vietnam (still November in UTC): a new
			// month.
			c.mu.Lock()
			c.now = time.Date(2026, 12, 1, 0, 30, 0, 0, hcm)
			c.mu.Unlock()
			if n := left(t, ob); n != 3 {
				t.Errorf("left in a new month: %d", n)
			}
			m := private("zl:10")
			m.Urgent = true // past midnight is quiet hours
			c.run(func() { err = ob.Send(context.Background(), m) })
			if err != nil || left(t, ob) != 2 {
				t.Errorf("new month: %v, left %d", err, left(t, ob))
			}
		})
	}
}

func TestQuotaSpentByTheChannel(t *testing.T) {
	for name, counter := range counters(t) {
		t.Run(name, func(t *testing.T) {
			ob, f, c := rig(t0, outbox.Options{Quota: &outbox.Quota{Limit: 3000, Counter: counter()}})
			f.fail[1] = quotaSpentError{}
			var errs [3]error
			c.run(func() {
				for i := range errs {
					errs[i] = ob.Send(context.Background(), private("zl:1"))
				}
			})
			if errs[0] != nil || !errors.Is(errs[1], outbox.ErrQuota) || !errors.Is(errs[2], outbox.ErrQuota) {
				t.Errorf("errors %v", errs)
			}
			if n := len(f.all()); n != 2 {
				t.Errorf("%d sends: a 429 of Zalo is not retried, and the month is spent", n)
			}
			if n := left(t, ob); n != 0 {
				t.Errorf("left %d after Zalo's 429", n)
			}
		})
	}
}

func TestNoQuota(t *testing.T) {
	ob, _, _ := rig(t0, outbox.Options{})
	if n, limited, err := ob.QuotaLeft(context.Background()); n != 0 || limited || err != nil {
		t.Errorf("QuotaLeft without a quota: %d %v %v", n, limited, err)
	}
	// A quota error of a channel is ErrQuota even without a quota set.
	ob, f, c := rig(t0, outbox.Options{})
	f.fail[0] = quotaSpentError{}
	var err error
	c.run(func() { err = ob.Send(context.Background(), private("zl:1")) })
	if !errors.Is(err, outbox.ErrQuota) {
		t.Errorf("err %v", err)
	}
}

// TestQuotaOnZalo: the real Zalo adapter on its fake, whose quota runs out
// before the outbox's: Zalo's 429 ends the month.
func TestQuotaOnZalo(t *testing.T) {
	const token = "1459232241454765289:outbox-test"
	api := zalotest.New(t, token)
	api.Quota = 2
	zb, err := zalo.New(context.Background(), noHandler{}, zalo.Options{Token: token, APIURL: api.URL(), Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	defer zb.Close(context.Background())
	counter := outbox.NewMemoryCounter()
	ob := outbox.New(zb, outbox.Options{Quota: &outbox.Quota{Limit: 3000, Counter: counter}, Logger: discard,
		PerChat: rate.Inf, Quiet: &outbox.QuietHours{}})
	msg := outbox.Message{Chat: "zl:42", Body: bot.Message{Text: "Lịch tiêm chủng thôn 3: sáng thứ Bảy."}}
	for i := range 3 {
		err = ob.Send(context.Background(), msg)
		if (i < 2) != (err == nil) {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if !errors.Is(err, outbox.ErrQuota) {
		t.Errorf("err %v", err)
	}
	if n, _ := counter.Count(context.Background(), time.Now().In(hcm).Format("2006-01")); n != 3000 {
		t.Errorf("count %d, want the month spent", n)
	}
	if n := len(api.CallsOf("sendMessage")); n != 3 {
		t.Errorf("%d sendMessage calls: the 429 is not retried", n)
	}
}
