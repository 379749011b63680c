package channel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/motcua/motcua/bot/channel"
)

// TestMetricsNames: two channels sit in one registry under their own
// names, one keeping an older name for its store errors; a nil *Metrics
// counts nothing and does not panic.
func TestMetricsNames(t *testing.T) {
	reg := prometheus.NewRegistry()
	tg := channel.NewMetrics(reg, channel.MetricsOptions{Channel: "telegram", StoreErrorsName: "motcua_store_errors_total", API: "Bot API", Kinds: []string{"text"}, Results: []string{"ok"}})
	zl := channel.NewMetrics(reg, channel.MetricsOptions{Channel: "zalo", API: "Bot Platform", Kinds: []string{"text"}, Results: []string{"ok"}})
	for _, m := range []*channel.Metrics{tg, zl, nil} {
		m.Update("text")
		m.Handled(time.Millisecond)
		m.Sent("sendMessage", "ok")
		m.StoreError()
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range families {
		names = append(names, f.GetName())
	}
	want := []string{
		"motcua_store_errors_total",
		"motcua_telegram_handle_seconds", "motcua_telegram_sends_total", "motcua_telegram_throttled_total", "motcua_telegram_updates_total",
		"motcua_zalo_handle_seconds", "motcua_zalo_sends_total", "motcua_zalo_store_errors_total", "motcua_zalo_throttled_total", "motcua_zalo_updates_total",
	}
	if !slices.Equal(names, want) {
		t.Errorf("metrics %v, want %v", names, want)
	}
}
