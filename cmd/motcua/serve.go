package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/time/rate"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/telegram"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/scheduler"
	"github.com/motcua/motcua/store"
)

// secretPattern is what Telegram accepts as a webhook secret.
var secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// serve runs the bot on Telegram until ctx ends (SIGTERM, Ctrl-C), then
// stops taking updates and lets those in flight finish.
func serve(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	if cfg.Telegram.Token == "" {
		fmt.Fprintln(stderr, "motcua: MOTCUA_TELEGRAM_TOKEN is not set, so there is no bot to run; to try the bot in this terminal, run: go run ./cmd/motcua chat")
		return exitError(1)
	}
	webhook := cfg.Telegram.WebhookURL != ""
	if webhook && !secretPattern.MatchString(cfg.Telegram.WebhookSecret) {
		fmt.Fprintln(stderr, "motcua: webhook mode needs MOTCUA_TELEGRAM_WEBHOOK_SECRET: 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
		return exitError(1)
	}
	log := newLogger(cfg, stderr)
	cat, err := catalog(cfg, cfg.Procedures.Dir, stderr)
	if err != nil {
		return err
	}
	loc, _ := time.LoadLocation(cfg.Timezone) // validated with the config
	st, err := openStores(ctx, cfg, schedule(cfg, loc), log)
	if err != nil {
		return err
	}
	defer st.close()
	if cfg.Redis.URL == "" {
		log.Warn("no Redis configured (MOTCUA_REDIS_URL): conversations and reminders are kept in memory and lost on restart")
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := telegram.NewMetrics(reg)
	msgs := bot.DefaultMessages()
	p, err := service(cfg, cat, st, loc, log)
	if err != nil {
		return err
	}
	var blocklist telegram.Blocklist
	if bl, ok := st.conv.(store.Blocklist); ok {
		blocklist = bl
	}
	tg, err := telegram.New(ctx, p.svc, telegram.Options{
		Token:     cfg.Telegram.Token,
		APIURL:    cfg.Telegram.APIURL,
		Timeout:   time.Duration(cfg.Telegram.Timeout),
		Workers:   cfg.Telegram.Workers,
		Logger:    log,
		Metrics:   metrics,
		Commands:  msgs.Commands,
		Blocklist: blocklist,
	})
	if err != nil {
		return err
	}
	tg.SetCommands(ctx)

	// Reminders leave through the one paced sender, sent by a job every
	// replica runs; claims keep them from sending one twice.
	quietFrom, _ := clock(cfg.Reminders.QuietFrom) // validated with the config
	quietTo, _ := clock(cfg.Reminders.QuietTo)
	var pacer outbox.Pacer
	if st.redis != nil {
		// Every replica shares the bot's pace, not just its own.
		pacer = outbox.NewRedisPacer(st.redis, cfg.Redis.Prefix, "tg", rate.Limit(cfg.Reminders.PerSecond))
	}
	ob := outbox.New(tg, outbox.Options{
		Pacer:     pacer,
		PerSecond: rate.Limit(cfg.Reminders.PerSecond),
		Quiet:     &outbox.QuietHours{From: quietFrom, To: quietTo},
		Location:  loc,
		OnBlocked: func(ctx context.Context, chat string) {
			if blocklist != nil {
				_ = blocklist.Block(ctx, chat)
			}
			if err := st.rem.SetPaused(ctx, chat, true); err != nil {
				log.Warn("pause the reminders of a chat that blocked the bot", "err", err)
			}
		},
		Logger:     log,
		Registerer: reg,
	})
	job, err := scheduler.New(st.rem, ob, p.rem, scheduler.Options{
		Spec: cfg.Reminders.Spec, Location: loc, Lease: time.Duration(cfg.Reminders.Lease),
		Logger: log, Registerer: reg,
	})
	if err != nil {
		return fmt.Errorf("reminders: %w", err)
	}
	if err := job.Start(ctx); err != nil {
		return fmt.Errorf("reminders: %w", err)
	}
	// Questions nobody took are posted again, then staff are told.
	var ticketJob *scheduler.TicketJob
	if p.vol != nil {
		desk, _ := deskHours(cfg.Volunteers.DeskHours) // validated with the config
		staff := cfg.Volunteers.StaffChat
		if staff == "" {
			staff = cfg.Volunteers.Group // no staff chat: the volunteers' group is told
		}
		ticketJob, err = scheduler.NewTicketJob(st.tix, ob, p.vol, scheduler.TicketOptions{
			Group: cfg.Volunteers.Group, Staff: staff,
			RenotifyAfter: time.Duration(cfg.Volunteers.RenotifyAfter),
			EscalateAfter: time.Duration(cfg.Volunteers.EscalateAfter),
			DeskHours:     func(t time.Time) bool { return desk(t.In(loc)) },
			Location:      loc, Logger: log,
		})
		if err != nil {
			return fmt.Errorf("volunteers: %w", err)
		}
		if err := ticketJob.Start(ctx); err != nil {
			return fmt.Errorf("volunteers: %w", err)
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		// The procedures are loaded, or serve would not be here; the store
		// must answer.
		pingCtx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := ping(pingCtx, st.conv); err != nil {
			http.Error(w, "store unreachable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	if webhook {
		u, _ := url.Parse(cfg.Telegram.WebhookURL) // validated with the config
		path := u.Path
		if path == "" {
			path = "/"
		}
		mux.Handle(path, tg.Webhook(cfg.Telegram.WebhookSecret))
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("http.listen: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("motcua serving", "bot", tg.Username(), "http", ln.Addr().String(), "webhook", webhook, "procedures", len(cat.Flows()))

	polled := make(chan error, 1)
	if webhook {
		if err := tg.SetWebhook(ctx, cfg.Telegram.WebhookURL, cfg.Telegram.WebhookSecret); err != nil {
			srv.Close()
			return err
		}
		close(polled)
	} else {
		go func() { polled <- tg.Poll(ctx) }()
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		return fmt.Errorf("http: %w", err)
	}
	log.Info("motcua stopping: finishing the updates in flight")
	stop, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.HTTP.ShutdownTimeout))
	defer cancel()
	<-polled // polling stops with ctx and confirms its offset
	err = errors.Join(srv.Shutdown(stop), job.Stop(stop), tg.Close(stop))
	if ticketJob != nil {
		err = errors.Join(err, ticketJob.Stop(stop))
	}
	if err != nil {
		log.Warn("motcua stopped before every update finished", "err", err)
	}
	return nil
}

// pinger is a store that can tell whether its backend answers.
type pinger interface {
	Ping(ctx context.Context) error
}

func ping(ctx context.Context, st store.Conversations) error {
	if p, ok := st.(pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}
