package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/console"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/notices"
	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/procedures"
	"github.com/motcua/motcua/quietlog"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/roles"
	"github.com/motcua/motcua/stats"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/tickets"
)

// catalog loads the shipped procedures with those of procedures.dir laid
// over them, and the commune's own questions. Warnings go to w; errors stop:
// they are printed, one a line, and returned.
func catalog(cfg Config, dir string, w io.Writer) (*flows.Catalog, error) {
	var override fs.FS
	if dir != "" {
		override = os.DirFS(dir)
	}
	commune, err := cfg.Commune.FAQ()
	if err != nil {
		return nil, err
	}
	cat, iss := flows.Load(procedures.FS, "procedures", override, dir, commune...)
	// A text that names a button names one citizens see.
	iss = append(iss, cat.CheckButtons(append(flows.DefaultMessages().Buttons(), bot.DefaultMessages().Buttons()...)...)...)
	for _, i := range iss {
		if i.Warning {
			fmt.Fprintln(w, i)
		}
	}
	if errs := iss.Errors(); len(errs) > 0 {
		for _, i := range errs {
			fmt.Fprintln(w, i)
		}
		return nil, fmt.Errorf("%d problem(s) in the procedure files", len(errs))
	}
	return cat, nil
}

func lint(cfg Config, dir string, stdout, stderr io.Writer) error {
	if dir == "" {
		dir = cfg.Procedures.Dir
	}
	cat, err := catalog(cfg, dir, stderr)
	if err != nil {
		return exitError(1)
	}
	fmt.Fprintf(stdout, "%d procedures, %d questions and %d intents OK\n", len(cat.Flows()), len(cat.FAQs()), len(cat.Intents()))
	return nil
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level)) // validated with the config
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.Log.Format == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	// A Redis down or full makes every update log the same warning: one
	// line of a kind per interval, with the count of those dropped.
	return slog.New(quietlog.New(h, time.Duration(cfg.Log.RepeatEvery), nil))
}

// stores are where the bot keeps things: conversations and reminders.
type stores struct {
	conv   store.Conversations
	rem    reminders.Store
	tix    tickets.Store
	roles  roles.Store
	people people.Store
	stats  stats.Store
	// notices is nil on the memory stores: notices need Redis's streams.
	notices *notices.Store
	redis   redis.UniversalClient // nil on the memory stores
	ready   *readiness
	// buffered holds the figures of use between writes; nil on the
	// memory stores. serve runs its writes (Run).
	buffered *stats.Buffered
	close    func()
}

// openStores connects to Redis when one is configured, and otherwise keeps
// everything in memory.
func openStores(ctx context.Context, cfg Config, sched reminders.Schedule, log *slog.Logger) (stores, error) {
	// A delivery holds its update's reply as long as it may last, so that
	// a live one is never doubled by a redelivery.
	opts := store.Options{
		Prefix: cfg.Redis.Prefix, IdleTTL: time.Duration(cfg.Conversation.IdleTTL),
		ReplyHold: cfg.Updates.Longest(),
	}
	if cfg.Redis.URL == "" {
		return stores{
			conv: store.NewMemory(opts), rem: reminders.NewMemory(sched),
			tix:    tickets.NewMemory(tickets.Options{Retention: time.Duration(cfg.Volunteers.Retention)}),
			roles:  roles.WithConfig(roles.NewMemory(roles.Options{}), cfg.Volunteers.Volunteers, cfg.Volunteers.Staff),
			people: people.NewMemory(), stats: stats.NewMemory(),
			ready: newReadiness(nil, cfg.Redis.Prefix, log), close: func() {},
		}, nil
	}
	// go-redis's own lines (a pool that cannot dial…) go to the logger, one
	// line at warn, not to the process's stderr in its own format.
	redis.SetLogger(redisLogger{log})
	client, topology, err := connectRedis(ctx, cfg.Redis)
	if err != nil {
		return stores{}, err
	}
	log.Info("connected to Redis", "topology", topology)
	// The figures of use are written a second at a time, not one round
	// trip per first message of the day (serve runs the writes).
	figures := stats.NewBuffered(stats.NewRedis(client, stats.Options{Prefix: cfg.Redis.Prefix}), log)
	return stores{
		conv:   store.NewRedis(client, opts),
		rem:    reminders.NewRedis(client, sched, reminders.Options{Prefix: cfg.Redis.Prefix, Log: log}),
		tix:    tickets.NewRedis(client, tickets.Options{Prefix: cfg.Redis.Prefix, Retention: time.Duration(cfg.Volunteers.Retention)}),
		roles:  roles.WithConfig(roles.NewRedis(client, roles.Options{Prefix: cfg.Redis.Prefix}), cfg.Volunteers.Volunteers, cfg.Volunteers.Staff),
		people: people.NewRedis(client, people.Options{Prefix: cfg.Redis.Prefix}),
		stats:  figures,
		notices: notices.NewStore(client, notices.Options{
			Prefix: cfg.Redis.Prefix, Retention: time.Duration(cfg.Notices.Retention), Location: sched.Location,
		}),
		redis:    client,
		ready:    newReadiness(client, cfg.Redis.Prefix, log),
		buffered: figures,
		close: func() {
			// What the figures held goes before the client closes.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := figures.Flush(ctx); err != nil {
				log.Warn("figures of use lost at stop", "err", err)
			}
			client.Close()
		},
	}, nil
}

// schedule is the reminders' schedule from the configuration.
func schedule(cfg Config, loc *time.Location) reminders.Schedule {
	at, _ := clock(cfg.Reminders.At) // validated with the config
	return reminders.Schedule{
		Leads: cfg.Reminders.Leads, After: cfg.Reminders.After,
		Hour: int(at / time.Hour), Minute: int(at % time.Hour / time.Minute),
		Location: loc, Snooze: cfg.Reminders.SnoozeDays,
	}
}

// parts are the service and the pieces of it the jobs need.
type parts struct {
	svc *bot.Service
	rem *bot.Reminders
	vol *bot.Volunteers // nil when asking volunteers is off
	com *bot.Community
	// desk queues staff's notices; nil on the memory stores. serve gives
	// it the channels' quotas.
	desk *desk
}

// service builds the bot's service over the stores, with reminders worded
// by the configured procedure.
func service(cfg Config, cat *flows.Catalog, st stores, loc *time.Location, log *slog.Logger) (parts, error) {
	eng := flows.NewEngine(cat, flows.DefaultMessages())
	msgs := bot.DefaultMessages()
	f, ok := cat.Flow(cfg.Reminders.Procedure)
	if !ok || f.Reminder == nil {
		return parts{}, fmt.Errorf("reminders.procedure %q: no procedure with `reminder:` texts has that id", cfg.Reminders.Procedure)
	}
	if _, ok := cat.Flow(cfg.Reminders.Flow); !ok {
		return parts{}, fmt.Errorf("reminders.flow %q: no procedure has that id", cfg.Reminders.Flow)
	}
	rem := &bot.Reminders{
		Store: st.rem, Schedule: schedule(cfg, loc), Texts: f.Reminder,
		Messages: msgs, Engine: eng.Messages(), Now: time.Now, Conversations: st.conv,
	}
	var vol *bot.Volunteers
	if cfg.Volunteers.Group != "" {
		vol = &bot.Volunteers{
			Tickets: st.tix, Roles: st.roles, Group: cfg.Volunteers.Group, Staff: cfg.Volunteers.StaffChat,
			Conversations: st.conv, Messages: msgs, Catalog: cat, Now: time.Now, Logger: log,
		}
	}
	villages, _ := bot.VillagesFromNames(cfg.Commune.Villages) // validated with the config
	com := &bot.Community{
		People: st.people, Villages: villages, Roles: st.roles, Stats: st.stats, Chart: chart,
		Figures: figures{people: st.people, stats: st.stats, tickets: st.tix, reminders: st.rem, notices: st.notices, loc: loc},
	}
	var dk *desk
	if st.notices != nil {
		dk = &desk{notices: st.notices, people: st.people, reminders: st.rem, quotas: map[string]quota{}, now: time.Now}
		com.Notices = dk
	}
	svc := bot.New(eng, st.conv, bot.Options{
		Location: loc, Logger: log, Messages: msgs,
		Reminders: rem, ReminderFlow: cfg.Reminders.Flow, Volunteers: vol, Community: com,
	})
	return parts{svc: svc, rem: rem, vol: vol, com: com, desk: dk}, nil
}

func chat(ctx context.Context, cfg Config, stdin io.Reader, stdout, stderr io.Writer) error {
	cat, err := catalog(cfg, cfg.Procedures.Dir, stderr)
	if err != nil {
		return err
	}
	loc, _ := time.LoadLocation(cfg.Timezone) // validated with the config
	log := newLogger(cfg, stderr)
	st, err := openStores(ctx, cfg, schedule(cfg, loc), log)
	if err != nil {
		return err
	}
	defer st.close()
	p, err := service(cfg, cat, st, loc, log)
	if err != nil {
		return err
	}
	svc := p.svc

	if cfg.Redis.URL == "" {
		fmt.Fprintln(stderr, "motcua: no Redis configured (MOTCUA_REDIS_URL): conversations are kept in memory until you quit.")
	} else {
		// She continues where she was: the greeting and the pending question.
		fmt.Fprintln(stderr, "motcua: conversations are kept in Redis; type /start for the menu, /huy to stop a procedure.")
	}
	return console.Chat(ctx, svc, stdin, stdout, "cli:"+localUser())
}

// localUser names the terminal's conversation after the account running it.
func localUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "local"
}

// redisLogger hands go-redis's internal log lines to slog, at warn and on
// one line (they name the failure; the bot says what it means).
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	msg := strings.Join(strings.Fields(fmt.Sprintf(format, v...)), " ")
	l.log.WarnContext(ctx, "redis client", "detail", msg)
}
