package scheduler

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Results of a claimed reminder, as metrics labels.
const (
	resultSent    = "sent"
	resultQuiet   = "quiet"
	resultBlocked = "blocked"
	resultFailed  = "failed"
)

// metrics counts what the job does. A nil *metrics counts nothing.
type metrics struct {
	reminders *prometheus.CounterVec
	tick      prometheus.Histogram
}

// newMetrics registers the job's metrics with reg, or returns nil when reg
// is nil.
func newMetrics(reg prometheus.Registerer) *metrics {
	if reg == nil {
		return nil
	}
	m := &metrics{
		reminders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_scheduler_reminders_total",
			Help: "Claimed reminders, by how they ended (sent, quiet, blocked, failed: left for the lease).",
		}, []string{"result"}),
		tick: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "motcua_scheduler_tick_seconds",
			Help:    "Time a reminder tick took, claims and sends.",
			Buckets: []float64{.01, .05, .1, .5, 1, 5, 10, 30, 60, 300, 900},
		}),
	}
	for _, r := range []string{resultSent, resultQuiet, resultBlocked, resultFailed} {
		m.reminders.WithLabelValues(r) // present at zero before the first
	}
	reg.MustRegister(m.reminders, m.tick)
	return m
}

// observe counts a tick's report and how long it took.
func (m *metrics) observe(rep Report, took time.Duration) {
	if m == nil {
		return
	}
	m.reminders.WithLabelValues(resultSent).Add(float64(rep.Sent))
	m.reminders.WithLabelValues(resultQuiet).Add(float64(rep.Quiet))
	m.reminders.WithLabelValues(resultBlocked).Add(float64(rep.Blocked))
	m.reminders.WithLabelValues(resultFailed).Add(float64(rep.Failed))
	m.tick.Observe(took.Seconds())
}
