package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/motcua/motcua/notices"
	"github.com/motcua/motcua/scheduler"
	"github.com/motcua/motcua/store"
)

// secretPattern is what Telegram accepts as a webhook secret;
// zaloSecretPattern what Zalo does (8 to 256 characters).
var (
	secretPattern     = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	zaloSecretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{8,256}$`)
)

// serve runs the bot on Telegram, Zalo or both, until ctx ends (SIGTERM,
// Ctrl-C), then stops taking updates and lets those in flight finish.
func serve(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	if cfg.Telegram.Token == "" && cfg.Zalo.Token == "" {
		fmt.Fprintln(stderr, "motcua: neither MOTCUA_TELEGRAM_TOKEN nor MOTCUA_ZALO_TOKEN is set, so there is no bot to run; to try the bot in this terminal, run: go run ./cmd/motcua chat")
		return exitError(1)
	}
	if cfg.Telegram.Token != "" && cfg.Telegram.WebhookURL != "" && !secretPattern.MatchString(cfg.Telegram.WebhookSecret) {
		fmt.Fprintln(stderr, "motcua: webhook mode needs MOTCUA_TELEGRAM_WEBHOOK_SECRET: 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
		return exitError(1)
	}
	if cfg.Zalo.Token != "" && cfg.Zalo.WebhookURL != "" && !zaloSecretPattern.MatchString(cfg.Zalo.WebhookSecret) {
		fmt.Fprintln(stderr, "motcua: Zalo's webhook mode needs MOTCUA_ZALO_WEBHOOK_SECRET: 8 to 256 characters of A-Z, a-z, 0-9, _ and -")
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
		log.Warn("no Redis configured (MOTCUA_REDIS_URL): conversations and reminders are kept in memory and lost on restart; notices are off")
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	p, err := service(cfg, cat, st, loc, log)
	if err != nil {
		return err
	}
	var blocklist store.Blocklist
	if bl, ok := st.conv.(store.Blocklist); ok {
		blocklist = bl
	}
	chans, err := openChannels(ctx, cfg, p.svc, st, blocklist, loc, log, reg)
	if err != nil {
		return err
	}
	// Whatever is sent unasked — reminders, notices — leaves through the
	// channel's one paced sender.
	obs := chans.outboxes()
	if p.desk != nil {
		for ch, ob := range obs {
			p.desk.quotas[ch] = ob
		}
	}
	job, err := scheduler.New(st.rem, obs, p.rem, scheduler.Options{
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
		ticketJob, err = scheduler.NewTicketJob(st.tix, obs, p.vol, scheduler.TicketOptions{
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
	// The figures of use held between writes go every second.
	figuresDone := make(chan struct{})
	figuresCtx, stopFigures := context.WithCancel(context.WithoutCancel(ctx))
	defer stopFigures()
	if st.buffered != nil {
		go func() { defer close(figuresDone); st.buffered.Run(figuresCtx, time.Second) }()
	} else {
		close(figuresDone)
	}
	// Notices: every replica's worker takes jobs from one stream.
	workerDone := make(chan error, 1)
	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWorker()
	if st.notices != nil {
		senders := make(map[string]notices.Sender, len(obs))
		for ch, ob := range obs {
			senders[ch] = ob
		}
		w, err := notices.NewWorker(st.notices, notices.WorkerOptions{
			Senders: senders, People: st.people, Reminders: st.rem,
			Reporter: reporter{com: p.com, posters: chans.posters(), pace: obs},
			Workers:  cfg.Notices.Workers, Lease: time.Duration(cfg.Notices.Lease),
			ReportEvery: time.Duration(cfg.Notices.ReportEvery), Logger: log, Registerer: reg,
		})
		if err != nil {
			return fmt.Errorf("notices: %w", err)
		}
		go func() { workerDone <- w.Run(workerCtx) }()
	} else {
		close(workerDone)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		// The procedures are loaded, or serve would not be here; the store
		// must take a write (ready.go).
		st.ready.ServeHTTP(w, r)
	})
	metrics := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	if cfg.HTTP.MetricsListen == "" {
		mux.Handle("GET /metrics", metrics)
	}
	for _, c := range chans {
		if c.webhookPath != "" {
			mux.Handle(c.webhookPath, c.webhook)
		}
	}
	limit := maxConnections(cfg.HTTP)
	ln, err := listen(cfg.HTTP.Listen, limit)
	if err != nil {
		return fmt.Errorf("http.listen: %w", err)
	}
	srv := newServer(mux, cfg)
	served := make(chan error, 2)
	go func() { served <- srv.Serve(ln) }()
	var metricsSrv *http.Server
	if cfg.HTTP.MetricsListen != "" {
		mln, err := listen(cfg.HTTP.MetricsListen, 16)
		if err != nil {
			return fmt.Errorf("http.metrics_listen: %w", err)
		}
		mm := http.NewServeMux()
		mm.Handle("GET /metrics", metrics)
		metricsSrv = newServer(mm, cfg)
		go func() { served <- metricsSrv.Serve(mln) }()
		defer metricsSrv.Close()
	}
	log.Info("motcua serving", "channels", chans.names(), "http", ln.Addr().String(), "max_connections", limit, "metrics", cmp.Or(cfg.HTTP.MetricsListen, ln.Addr().String()), "procedures", len(cat.Flows()))

	received := make(chan error, len(chans))
	receiveCtx, stopReceiving := context.WithCancel(ctx)
	defer stopReceiving()
	for _, c := range chans {
		go func() { received <- c.receive(receiveCtx) }()
	}

	var failed error
	pending := len(chans)
	select {
	case <-ctx.Done():
	case err := <-served:
		return fmt.Errorf("http: %w", err)
	case failed = <-received:
		// A channel stopped by itself: it could not set its webhook, or
		// leave webhook mode to poll.
		pending--
	}
	log.Info("motcua stopping: finishing the updates in flight")
	stop, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.HTTP.ShutdownTimeout))
	defer cancel()
	stopReceiving()
	for range pending {
		<-received // polling stops (Telegram confirms its offset)
	}
	// A notice under way stays pending: its sent recipients are recorded,
	// and a replica takes it over after the lease.
	stopWorker()
	<-workerDone
	err = errors.Join(srv.Shutdown(stop), job.Stop(stop), chans.close(stop), p.svc.Close(stop))
	if ticketJob != nil {
		err = errors.Join(err, ticketJob.Stop(stop))
	}
	// The figures' last write, once the updates in flight have counted
	// theirs.
	stopFigures()
	<-figuresDone
	if err != nil {
		log.Warn("motcua stopped before every update finished", "err", err)
	}
	return failed
}
