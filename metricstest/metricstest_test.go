package metricstest_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/motcua/motcua/metricstest"
)

func TestValues(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sends_total", Help: "h"}, []string{"method", "result"})
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "wait_seconds", Help: "h"})
	reg.MustRegister(c, h)
	c.WithLabelValues("sendMessage", "ok").Add(3)
	h.Observe(0.5)
	h.Observe(2)
	got := metricstest.Values(t, reg)
	want := map[string]float64{`sends_total{method="sendMessage"}{result="ok"}`: 3, `wait_seconds_count`: 2}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
}
