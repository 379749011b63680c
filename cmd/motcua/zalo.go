package main

import (
	"cmp"
	"context"
	"log/slog"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/zalo"
	"github.com/motcua/motcua/outbox"
)

// openZalo connects to Zalo's Bot Platform; its outbox counts the monthly
// quota in Redis (in memory on the memory stores), shared by replicas.
func openZalo(ctx context.Context, cfg Config, svc *bot.Service, st stores, log *slog.Logger, reg prometheus.Registerer, base outboxOptions) (link, error) {
	zl, err := zalo.New(ctx, svc, zalo.Options{
		Token:     cfg.Zalo.Token,
		APIURL:    cfg.Zalo.APIURL,
		Timeout:   time.Duration(cfg.Zalo.Timeout),
		Workers:   cfg.Zalo.Workers,
		Deadline:  time.Duration(cfg.Updates.Deadline),
		ChatRate:  cfg.Updates.ChatRate,
		ChatBurst: cfg.Updates.ChatBurst,
		TooFast:   bot.DefaultMessages().TooFast,
		Logger:    log,
		Metrics:   zalo.NewMetrics(reg),
	})
	if err != nil {
		return link{}, err
	}
	opts := base("zl", cfg.Zalo.PerSecond)
	if cfg.Zalo.Quota > 0 {
		var counter outbox.Counter = outbox.NewMemoryCounter()
		if st.redis != nil {
			counter = outbox.NewRedisCounter(st.redis, cfg.Redis.Prefix, "zl")
		}
		opts.Quota = &outbox.Quota{Limit: cfg.Zalo.Quota, Counter: counter}
	}
	l := link{name: "zl", poster: zl, outbox: outbox.New(zl, opts), close: zl.Close, receive: zl.Poll}
	if cfg.Zalo.WebhookURL != "" {
		u, _ := url.Parse(cfg.Zalo.WebhookURL) // validated with the config
		l.webhookPath = cmp.Or(u.Path, "/")
		l.webhook = zl.Webhook(cfg.Zalo.WebhookSecret)
		l.receive = func(ctx context.Context) error {
			if err := zl.SetWebhook(ctx, cfg.Zalo.WebhookURL, cfg.Zalo.WebhookSecret); err != nil {
				return err
			}
			<-ctx.Done()
			return nil
		}
	}
	log.Info("zalo connected", "bot", zl.ID(), "webhook", cfg.Zalo.WebhookURL != "")
	return l, nil
}
