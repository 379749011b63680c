package telegram

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts what the Telegram channel does. A nil *Metrics counts
// nothing.
type Metrics struct {
	updates     *prometheus.CounterVec
	handle      prometheus.Histogram
	sends       *prometheus.CounterVec
	storeErrors prometheus.Counter
}

// NewMetrics registers the channel's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_telegram_updates_total",
			Help: "Updates received, by kind (text, command, callback, group, photo, event, ignored, unauthorized).",
		}, []string{"kind"}),
		handle: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "motcua_telegram_handle_seconds",
			Help:    "Time from receiving an update to its reply sent.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_telegram_sends_total",
			Help: "Bot API calls, by method and result (ok, rate_limited, blocked, migrated, client, server, network).",
		}, []string{"method", "result"}),
		storeErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "motcua_store_errors_total",
			Help: "Updates that could not be handled because the store was unreachable.",
		}),
	}
	reg.MustRegister(m.updates, m.handle, m.sends, m.storeErrors)
	return m
}

func (m *Metrics) update(kind string) {
	if m != nil {
		m.updates.WithLabelValues(kind).Inc()
	}
}

func (m *Metrics) handled(d time.Duration) {
	if m != nil {
		m.handle.Observe(d.Seconds())
	}
}

func (m *Metrics) sent(method, result string) {
	if m != nil {
		m.sends.WithLabelValues(method, result).Inc()
	}
}

func (m *Metrics) storeError() {
	if m != nil {
		m.storeErrors.Inc()
	}
}
