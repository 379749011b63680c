package outbox

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts what the outbox does. A nil *metrics counts nothing.
type metrics struct {
	messages *prometheus.CounterVec
	attempts *prometheus.CounterVec
	wait     prometheus.Histogram
}

// newMetrics registers the outbox's metrics with reg, or returns nil when
// reg is nil. Two outboxes (one per bot) need two registerers, e.g.
// prometheus.WrapRegistererWith a "channel" label.
func newMetrics(reg prometheus.Registerer) *metrics {
	if reg == nil {
		return nil
	}
	m := &metrics{
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_outbox_messages_total",
			Help: "Messages given to the outbox, by how they ended (ok, blocked, failed, quiet, canceled, quota).",
		}, []string{"result"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_outbox_attempts_total",
			Help: "Sends the outbox made to the channel, by result (ok, rate_limited, blocked, failed, quota).",
		}, []string{"result"}),
		wait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "motcua_outbox_wait_seconds",
			Help:    "Time a send waited for a rate-limit pause and the rate limits before it was made.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}),
	}
	reg.MustRegister(m.messages, m.attempts, m.wait)
	return m
}

func (m *metrics) message(result string) {
	if m != nil {
		m.messages.WithLabelValues(result).Inc()
	}
}

func (m *metrics) attempt(result string) {
	if m != nil {
		m.attempts.WithLabelValues(result).Inc()
	}
}

func (m *metrics) waited(d time.Duration) {
	if m != nil {
		m.wait.Observe(d.Seconds())
	}
}
