package zalo

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/motcua/motcua/bot/channel"
)

// Metrics counts what the Zalo channel does. A nil *Metrics counts
// nothing.
type Metrics = channel.Metrics

// NewMetrics registers the channel's metrics with reg. Their names start
// with motcua_zalo_, so that they sit beside Telegram's in one registry.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	return channel.NewMetrics(reg, channel.MetricsOptions{
		Channel: "zalo",
		API:     "Bot Platform",
		Kinds:   []string{kindText, kindImage, kindOther, kindGroup, kindIgnored, "unauthorized", "undecodable"},
		Results: []string{ReasonOK, ReasonQuota, ReasonAuth, ReasonClient, ReasonServer, ReasonNetwork},
	})
}
