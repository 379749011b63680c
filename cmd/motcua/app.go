package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/console"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/procedures"
	"github.com/motcua/motcua/store"
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
	fmt.Fprintf(stdout, "%d procedures and %d questions OK\n", len(cat.Flows()), len(cat.FAQs()))
	return nil
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level)) // validated with the config
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openStore connects to Redis when one is configured, and otherwise keeps
// conversations in memory. The function returned closes what was opened.
func openStore(ctx context.Context, cfg Config) (store.Conversations, func(), error) {
	opts := store.Options{Prefix: cfg.Redis.Prefix, IdleTTL: time.Duration(cfg.Conversation.IdleTTL)}
	if cfg.Redis.URL == "" {
		return store.NewMemory(opts), func() {}, nil
	}
	o, err := redis.ParseURL(cfg.Redis.URL)
	if err != nil {
		return nil, nil, fmt.Errorf("redis.url: %w", err)
	}
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:     []string{o.Addr},
		Username:  o.Username,
		Password:  o.Password,
		DB:        o.DB,
		TLSConfig: o.TLSConfig,
	})
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		client.Close()
		return nil, nil, fmt.Errorf("cannot reach Redis at %s (%w); unset MOTCUA_REDIS_URL to try the bot on the memory store", o.Addr, err)
	}
	return store.NewRedis(client, opts), func() { client.Close() }, nil
}

func chat(ctx context.Context, cfg Config, stdin io.Reader, stdout, stderr io.Writer) error {
	cat, err := catalog(cfg, cfg.Procedures.Dir, stderr)
	if err != nil {
		return err
	}
	st, closeStore, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	loc, _ := time.LoadLocation(cfg.Timezone) // validated with the config
	svc := bot.New(flows.NewEngine(cat, flows.DefaultMessages()), st, bot.Options{
		Location: loc,
		Logger:   newLogger(cfg, stderr),
	})

	first := "/start"
	if cfg.Redis.URL == "" {
		fmt.Fprintln(stderr, "motcua: no Redis configured (MOTCUA_REDIS_URL): conversations are kept in memory until you quit.")
	} else {
		// Keep what the citizen had: she types /start to begin again.
		first = ""
		fmt.Fprintln(stderr, "motcua: conversations are kept in Redis; type /start for the menu, /huy to stop a procedure.")
	}
	return console.Chat(ctx, svc, stdin, stdout, "cli:"+localUser(), first)
}

// localUser names the terminal's conversation after the account running it.
func localUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "local"
}
