package telegram

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/motcua/motcua/bot/channel"
)

// Metrics counts what the Telegram channel does. A nil *Metrics counts
// nothing.
type Metrics = channel.Metrics

// NewMetrics registers the channel's metrics with reg: their names start
// with motcua_telegram_, but for motcua_store_errors_total, older than
// the Zalo channel.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	return channel.NewMetrics(reg, channel.MetricsOptions{
		Channel:         "telegram",
		StoreErrorsName: "motcua_store_errors_total",
		API:             "Bot API",
		Kinds:           []string{kindText, kindCommand, kindCallback, kindGroup, kindPhoto, kindEvent, kindIgnored, "unauthorized"},
		Results:         []string{ReasonOK, ReasonRateLimited, ReasonBlocked, ReasonMigrated, ReasonClient, ReasonServer, ReasonNetwork},
	})
}
