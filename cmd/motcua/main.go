// Command motcua is the one-stop-desk bot: it walks citizens through
// administrative procedures.
//
//	motcua serve        run the bot on Telegram
//	motcua chat         talk to the bot in this terminal
//	motcua lint [dir]   check procedure files
//	motcua eval FILE…   measure how well typed messages are understood
//
// Configuration is read from config.yaml (or -config FILE) and
// MOTCUA_<SECTION>_<KEY> environment variables; see README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.LookupEnv)
	stop()
	var exit exitError
	switch {
	case errors.As(err, &exit):
		os.Exit(int(exit))
	case err != nil:
		fmt.Fprintln(os.Stderr, "motcua:", err)
		os.Exit(1)
	}
}

// exitError ends the program with a status and nothing more to say: what
// went wrong was already printed.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

const usage = `motcua — the one-stop-desk bot

Usage:
  motcua [-config FILE] serve        run the bot on Telegram (MOTCUA_TELEGRAM_TOKEN)
  motcua [-config FILE] chat         talk to the bot in this terminal, as a citizen
  motcua [-config FILE] lint [DIR]   check procedure files (the shipped ones and DIR)
  motcua [-config FILE] eval FILE…   how well typed messages are understood (see eval -h)

Configuration: config.yaml, then MOTCUA_<SECTION>_<KEY> environment variables
(MOTCUA_REDIS_URL, MOTCUA_TELEGRAM_TOKEN, MOTCUA_LOG_LEVEL…). See README.md.
`

// run is main without the process: arguments, streams and environment come
// in, so that tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) (string, bool)) error {
	fs := flag.NewFlagSet("motcua", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	configPath := fs.String("config", "", "configuration file (default: config.yaml when present)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return exitError(2)
	}
	if *configPath == "" {
		*configPath, _ = env("MOTCUA_CONFIG")
	}
	cmd := fs.Arg(0)
	if cmd == "" {
		cmd = "chat"
	}
	cfg, err := loadConfig(*configPath, env)
	if err != nil {
		return err
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, stdout, stderr)
	case "chat":
		return chat(ctx, cfg, stdin, stdout, stderr)
	case "lint":
		return lint(cfg, fs.Arg(1), stdout, stderr)
	case "eval":
		return evaluate(cfg, fs.Args()[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "motcua: unknown command %q\n\n%s", cmd, usage)
		return exitError(2)
	}
}
