package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/telegram"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/store"
)

// link is one channel the bot runs on: how it receives updates, and its
// one paced sender of unasked messages.
type link struct {
	// name is the channel's chat prefix: "tg", "zl".
	name   string
	outbox *outbox.Outbox
	poster poster
	// webhookPath and webhook, when set, are served on http.listen.
	webhookPath string
	webhook     http.Handler
	// receive takes updates until ctx ends: long polling, or setting the
	// webhook and waiting.
	receive func(ctx context.Context) error
	close   func(ctx context.Context) error
}

type links []link

func (ls links) names() []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.name
	}
	return out
}

func (ls links) outboxes() outboxes {
	out := outboxes{}
	for _, l := range ls {
		out[l.name] = l.outbox
	}
	return out
}

func (ls links) posters() map[string]poster {
	out := map[string]poster{}
	for _, l := range ls {
		out[l.name] = l.poster
	}
	return out
}

func (ls links) close(ctx context.Context) error {
	var errs []error
	for _, l := range ls {
		errs = append(errs, l.close(ctx))
	}
	return errors.Join(errs...)
}

// outboxes send each message through its chat's channel.
type outboxes map[string]*outbox.Outbox

// Send sends m through the outbox of its chat's channel; a chat of a
// channel the bot does not run on is refused for good.
func (o outboxes) Send(ctx context.Context, m outbox.Message) error {
	ob, ok := o[channel(m.Chat)]
	if !ok {
		return fmt.Errorf("%w: no channel for %s", outbox.ErrPermanent, m.Chat)
	}
	return ob.Send(ctx, m)
}

// QuietUntil is when the quiet hours holding t end: every channel has the
// same ones.
func (o outboxes) QuietUntil(t time.Time) time.Time {
	names := make([]string, 0, len(o))
	for name := range o {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) == 0 {
		return t
	}
	return o[names[0]].QuietUntil(t)
}

// openChannels connects to the channels that have a token.
func openChannels(ctx context.Context, cfg Config, svc *bot.Service, st stores, blocklist store.Blocklist, loc *time.Location, log *slog.Logger, reg prometheus.Registerer) (links, error) {
	quietFrom, _ := clock(cfg.Reminders.QuietFrom) // validated with the config
	quietTo, _ := clock(cfg.Reminders.QuietTo)
	// base are the outbox options every channel shares.
	base := outboxOptions(func(name string, perSecond float64) outbox.Options {
		var pacer outbox.Pacer
		if st.redis != nil {
			// Every replica shares the bot's pace, not just its own.
			pacer = outbox.NewRedisPacer(st.redis, cfg.Redis.Prefix, name, rate.Limit(perSecond))
		}
		return outbox.Options{
			Pacer:     pacer,
			PerSecond: rate.Limit(perSecond),
			Quiet:     &outbox.QuietHours{From: quietFrom, To: quietTo},
			Location:  loc,
			OnBlocked: func(ctx context.Context, chat string) {
				if blocklist != nil {
					if err := blocklist.Block(ctx, chat); err != nil {
						log.Warn("mark a chat that blocked the bot", "err", err)
					}
				}
				if err := st.rem.SetPaused(ctx, chat, true); err != nil {
					log.Warn("pause the reminders of a chat that blocked the bot", "err", err)
				}
			},
			Logger:     log.With("channel", name),
			Registerer: prometheus.WrapRegistererWith(prometheus.Labels{"channel": name}, reg),
		}
	})
	var ls links
	if cfg.Telegram.Token != "" {
		l, err := openTelegram(ctx, cfg, svc, blocklist, log, reg, base)
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
	}
	if cfg.Zalo.Token != "" {
		l, err := openZalo(ctx, cfg, svc, st, log, reg, base)
		if err != nil {
			errs := []error{err}
			for _, o := range ls {
				errs = append(errs, o.close(ctx))
			}
			return nil, errors.Join(errs...)
		}
		ls = append(ls, l)
	}
	return ls, nil
}

// outboxOptions makes a channel's outbox options from its name and pace.
type outboxOptions func(name string, perSecond float64) outbox.Options

// openTelegram connects to Telegram's Bot API.
func openTelegram(ctx context.Context, cfg Config, svc *bot.Service, blocklist store.Blocklist, log *slog.Logger, reg prometheus.Registerer, base outboxOptions) (link, error) {
	var bl telegram.Blocklist
	if blocklist != nil {
		bl = blocklist
	}
	tg, err := telegram.New(ctx, svc, telegram.Options{
		Token:     cfg.Telegram.Token,
		APIURL:    cfg.Telegram.APIURL,
		Timeout:   time.Duration(cfg.Telegram.Timeout),
		Workers:   cfg.Telegram.Workers,
		Deadline:  time.Duration(cfg.Updates.Deadline),
		ChatRate:  cfg.Updates.ChatRate,
		ChatBurst: cfg.Updates.ChatBurst,
		TooFast:   bot.DefaultMessages().TooFast,
		Logger:    log,
		Metrics:   telegram.NewMetrics(reg),
		Commands:  bot.DefaultMessages().Commands,
		Blocklist: bl,
	})
	if err != nil {
		return link{}, err
	}
	tg.SetCommands(ctx)
	l := link{name: "tg", poster: tg, outbox: outbox.New(tg, base("tg", cfg.Reminders.PerSecond)), close: tg.Close, receive: tg.Poll}
	if cfg.Telegram.WebhookURL != "" {
		u, _ := url.Parse(cfg.Telegram.WebhookURL) // validated with the config
		l.webhookPath = cmp.Or(u.Path, "/")
		l.webhook = tg.Webhook(cfg.Telegram.WebhookSecret)
		l.receive = func(ctx context.Context) error {
			if err := tg.SetWebhook(ctx, cfg.Telegram.WebhookURL, cfg.Telegram.WebhookSecret); err != nil {
				return err
			}
			<-ctx.Done()
			return nil
		}
	}
	log.Info("telegram connected", "bot", tg.Username(), "webhook", cfg.Telegram.WebhookURL != "")
	return l, nil
}
