package channel

import (
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts what a channel does: updates by kind, the time to handle
// one, calls of the platform's API by method and result, and updates the
// store could not take. A nil *Metrics counts nothing.
type Metrics struct {
	updates     *prometheus.CounterVec
	handle      prometheus.Histogram
	sends       *prometheus.CounterVec
	storeErrors prometheus.Counter
	throttled   prometheus.Counter
}

// MetricsOptions names a channel's metrics and says what they count.
type MetricsOptions struct {
	// Channel names the metrics: motcua_<Channel>_updates_total,
	// _handle_seconds, _sends_total and _store_errors_total.
	Channel string
	// StoreErrorsName, when set, is the name of the store errors counter
	// instead (Telegram's is motcua_store_errors_total, from before Zalo).
	StoreErrorsName string
	// API names what the calls go to, in the help ("Bot API").
	API string
	// Kinds of update and Results of a call, listed in the help.
	Kinds, Results []string
}

// NewMetrics registers a channel's metrics with reg.
func NewMetrics(reg prometheus.Registerer, o MetricsOptions) *Metrics {
	prefix := "motcua_" + o.Channel + "_"
	storeErrors := o.StoreErrorsName
	if storeErrors == "" {
		storeErrors = prefix + "store_errors_total"
	}
	m := &Metrics{
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: prefix + "updates_total",
			Help: "Updates received, by kind (" + strings.Join(o.Kinds, ", ") + ").",
		}, []string{"kind"}),
		handle: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    prefix + "handle_seconds",
			Help:    "Time from taking an update off its queue to its reply sent.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: prefix + "sends_total",
			Help: o.API + " calls, by method and result (" + strings.Join(o.Results, ", ") + ").",
		}, []string{"method", "result"}),
		storeErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: storeErrors,
			Help: "Attempts at an update that failed because the store was unreachable (each is tried again).",
		}),
	}
	m.throttled = prometheus.NewCounter(prometheus.CounterOpts{
		Name: prefix + "throttled_total",
		Help: "Updates dropped because their chat sent faster than its limit.",
	})
	reg.MustRegister(m.updates, m.handle, m.sends, m.storeErrors, m.throttled)
	return m
}

// Update counts an update of a kind.
func (m *Metrics) Update(kind string) {
	if m != nil {
		m.updates.WithLabelValues(kind).Inc()
	}
}

// Handled records the time an update took, to its reply sent.
func (m *Metrics) Handled(d time.Duration) {
	if m != nil {
		m.handle.Observe(d.Seconds())
	}
}

// Sent counts a call of the API by its result.
func (m *Metrics) Sent(method, result string) {
	if m != nil {
		m.sends.WithLabelValues(method, result).Inc()
	}
}

// Throttled counts an update dropped because its chat floods.
func (m *Metrics) Throttled() {
	if m != nil {
		m.throttled.Inc()
	}
}

// StoreError counts an attempt at an update that failed because the store
// was unreachable.
func (m *Metrics) StoreError() {
	if m != nil {
		m.storeErrors.Inc()
	}
}
