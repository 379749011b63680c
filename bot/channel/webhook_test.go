package channel_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/motcua/motcua/bot/channel"
	"github.com/motcua/motcua/metricstest"
)

func TestWebhook(t *testing.T) {
	const header = "X-Bot-Api-Secret-Token"
	tests := []struct {
		name, method, secret, sent string
		want                       int
		unauthorized               float64
	}{
		{"the secret", http.MethodPost, "s3cret_webhook", "s3cret_webhook", http.StatusOK, 0},
		{"no secret sent", http.MethodPost, "s3cret_webhook", "", http.StatusUnauthorized, 1},
		{"a wrong secret", http.MethodPost, "s3cret_webhook", "s3cret_webhooj", http.StatusUnauthorized, 1},
		{"a prefix of it", http.MethodPost, "s3cret_webhook", "s3cret", http.StatusUnauthorized, 1},
		{"none configured accepts nothing", http.MethodPost, "", "", http.StatusUnauthorized, 1},
		{"a GET", http.MethodGet, "s3cret_webhook", "s3cret_webhook", http.StatusMethodNotAllowed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			m := channel.NewMetrics(reg, channel.MetricsOptions{Channel: "test"})
			reached := false
			h := channel.Webhook(header, tt.secret, m, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true }))
			req := httptest.NewRequest(tt.method, "/hook", strings.NewReader("{}"))
			if tt.sent != "" {
				req.Header.Set(header, tt.sent)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want || reached != (tt.want == http.StatusOK) {
				t.Errorf("answered %d, handler reached %v; want %d", rec.Code, reached, tt.want)
			}
			if closes := rec.Header().Get("Connection") == "close"; closes != (tt.want == http.StatusUnauthorized) {
				t.Errorf("Connection: close = %v; a refused stranger's connection is closed, no other", closes)
			}
			if got := metricstest.Values(t, reg)[`motcua_test_updates_total{kind="unauthorized"}`]; got != tt.unauthorized {
				t.Errorf("%v unauthorized counted, want %v", got, tt.unauthorized)
			}
		})
	}
}
