package quietlog_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/quietlog"
)

// clock is a time the test moves.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestOneLinePerKindPerInterval(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{now: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)}
	log := slog.New(quietlog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}), 10*time.Second, c.Now)).With("chat", "scoped")
	for i := range 1000 {
		log.Warn("store unavailable", "update", i)
		log.Error("send reply failed", "update", i)
		log.Info("handled", "update", i) // below warnings: all of them
		c.Add(5 * time.Millisecond)      // 1000 × 5 ms: 5 s, within one interval
	}
	c.Add(10 * time.Second)
	log.Warn("store unavailable", "update", 1000)

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	var warns, errs, infos []string
	for _, l := range lines {
		switch {
		case strings.Contains(l, "level=WARN"):
			warns = append(warns, l)
		case strings.Contains(l, "level=ERROR"):
			errs = append(errs, l)
		case strings.Contains(l, "level=INFO"):
			infos = append(infos, l)
		}
	}
	if len(infos) != 1000 {
		t.Errorf("%d info lines, want all 1000", len(infos))
	}
	if len(errs) != 1 {
		t.Errorf("%d error lines of one kind in one interval, want 1:\n%s", len(errs), strings.Join(errs, "\n"))
	}
	if len(warns) != 2 {
		t.Fatalf("%d warnings, want the first and one after the interval:\n%s", len(warns), strings.Join(warns, "\n"))
	}
	if strings.Contains(warns[0], "repeated=") || !strings.Contains(warns[0], "update=0") {
		t.Errorf("first warning: %s", warns[0])
	}
	if !strings.Contains(warns[1], "repeated=999") || !strings.Contains(warns[1], "update=1000") || !strings.Contains(warns[1], "chat=scoped") {
		t.Errorf("the warning after the interval must count the 999 dropped, keep its attributes: %s", warns[1])
	}
}

func TestZeroIntervalDropsNothing(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(quietlog.New(slog.NewTextHandler(&buf, nil), 0, nil))
	for range 5 {
		log.Warn("same")
	}
	if n := strings.Count(buf.String(), "level=WARN"); n != 5 {
		t.Errorf("%d warnings written, want 5", n)
	}
}
