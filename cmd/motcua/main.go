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
	case errors.Is(err, errHelp):
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

-config may also come after the command (motcua chat -config FILE); -h
after a command shows this help.

Configuration: config.yaml, then MOTCUA_<SECTION>_<KEY> environment variables
(MOTCUA_REDIS_URL, MOTCUA_TELEGRAM_TOKEN, MOTCUA_LOG_LEVEL…). See README.md.
`

// run is main without the process: arguments, streams and environment come
// in, so that tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) (string, bool)) error {
	configPath, cmd, rest, err := parseArgs(args, stderr)
	if err != nil {
		return err
	}
	if configPath == "" {
		configPath, _ = env("MOTCUA_CONFIG")
	}
	cfg, err := loadConfig(configPath, env)
	if err != nil {
		return err
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, stdout, stderr)
	case "chat":
		return chat(ctx, cfg, stdin, stdout, stderr)
	case "eval":
		return evaluate(cfg, rest, stdout, stderr)
	default: // lint
		dir := ""
		if len(rest) > 0 {
			dir = rest[0]
		}
		return lint(cfg, dir, stdout, stderr)
	}
}

// errHelp ends the program after -h, with nothing more to do.
var errHelp = errors.New("help shown")

// parseArgs reads the command line: -config before or after the command
// (not both, unless the same), the command (chat when none), and what the
// command takes (lint: a directory). Anything else is an error, with the
// usage on stderr; -h shows the usage and returns errHelp.
func parseArgs(args []string, stderr io.Writer) (configPath, cmd string, rest []string, err error) {
	flags := func(name string) (*flag.FlagSet, *string) {
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		fs.SetOutput(stderr)
		fs.Usage = func() { fmt.Fprint(stderr, usage) }
		return fs, fs.String("config", "", "configuration file (default: config.yaml when present)")
	}
	fail := func(err error) (string, string, []string, error) {
		if errors.Is(err, flag.ErrHelp) {
			return "", "", nil, errHelp
		}
		return "", "", nil, exitError(2)
	}
	global, before := flags("motcua")
	if err := global.Parse(args); err != nil {
		return fail(err)
	}
	cmd = global.Arg(0)
	if cmd == "" {
		cmd = "chat"
	}
	switch cmd {
	case "eval":
		// eval reads its own flags (-min, -debug, -q) and files; -config
		// goes before it.
		return *before, cmd, global.Args()[1:], nil
	case "serve", "chat", "lint":
	default:
		fmt.Fprintf(stderr, "motcua: unknown command %q\n\n%s", cmd, usage)
		return "", "", nil, exitError(2)
	}
	// After the command: its flags, and lint's directory among them.
	sub, after := flags("motcua " + cmd)
	more := global.Args()
	if len(more) > 0 {
		more = more[1:]
	}
	for {
		if err := sub.Parse(more); err != nil {
			return fail(err)
		}
		more = sub.Args()
		if len(more) == 0 {
			break
		}
		if cmd != "lint" || len(rest) > 0 {
			fmt.Fprintf(stderr, "motcua %s: unexpected argument %q\n\n%s", cmd, more[0], usage)
			return "", "", nil, exitError(2)
		}
		rest, more = more[:1], more[1:]
	}
	switch {
	case *before != "" && *after != "" && *before != *after:
		fmt.Fprintf(stderr, "motcua: -config given twice (%s, %s)\n", *before, *after)
		return "", "", nil, exitError(2)
	case *after != "":
		configPath = *after
	default:
		configPath = *before
	}
	return configPath, cmd, rest, nil
}
