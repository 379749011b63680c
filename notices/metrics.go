package notices

import "github.com/prometheus/client_golang/prometheus"

// metrics counts what workers do. A nil *metrics counts nothing.
type metrics struct {
	jobs       *prometheus.CounterVec
	recipients *prometheus.CounterVec
}

// newMetrics registers the workers' metrics with reg, or returns nil when
// reg is nil.
func newMetrics(reg prometheus.Registerer) *metrics {
	if reg == nil {
		return nil
	}
	m := &metrics{
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_notices_jobs_total",
			Help: "Runs of notices' jobs, by event: started (or resumed), paused (quiet hours), done, canceled.",
		}, []string{"event"}),
		recipients: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_notices_recipients_total",
			Help: "Recipients of notices by outcome (sent, blocked, failed, skipped), each counted once.",
		}, []string{"outcome"}),
	}
	reg.MustRegister(m.jobs, m.recipients)
	return m
}

func (m *metrics) job(event string) {
	if m != nil {
		m.jobs.WithLabelValues(event).Inc()
	}
}

func (m *metrics) recipient(outcome string) {
	if m != nil {
		m.recipients.WithLabelValues(outcome).Inc()
	}
}
