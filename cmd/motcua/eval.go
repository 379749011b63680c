package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/motcua/motcua/flows"
)

const evalUsage = `Usage: motcua [-config FILE] eval [-debug] [-cv K] [-min SHARE] [-min-class SHARE] FILE...
       motcua [-config FILE] eval -q MESSAGE

Understands every message of the evaluation sets (lines "message<TAB>expected",
see procedures/testdata/eval/README.md) exactly as the bot does, with the
procedures and commune of the configuration, and prints the share whose first
answer is right and whose answer is in the list shown, overall and by class,
the confusions, and every miss with what was offered.

The learned model is trained on the tuned part of the repository's set, so
that part says little as it is: -cv 5 reads it by cross-validation instead,
each fifth understood by a model trained without it (-debug still explains
with the model of the configuration).
`

// evaluate runs the eval command.
func evaluate(cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, evalUsage); fs.PrintDefaults() }
	debug := fs.Bool("debug", false, "explain each miss: the message as read, and what each word earned for the best entries")
	min := fs.Float64("min", 0, "exit with status 1 when fewer first answers than this share are right, over all the files (e.g. 0.95)")
	minClass := fs.Float64("min-class", 0, "… or fewer than this share in any class (e.g. 0.90)")
	one := fs.String("q", "", "explain how one message is understood, and stop")
	cv := fs.Int("cv", 0, "understand each file by K-fold cross-validation: each part with a model trained without it")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return exitError(2)
	}
	cat, err := catalog(cfg, cfg.Procedures.Dir, stderr)
	if err != nil {
		return exitError(1)
	}
	if *one != "" {
		u, why := cat.Explain(*one)
		fmt.Fprintf(stdout, "%s", why)
		fmt.Fprintf(stdout, "→ %s %s\n", u.Class, u.ID)
		for _, m := range u.Matches {
			fmt.Fprintf(stdout, "  offered: %s (%.2f)\n", m.ID(), m.Score)
		}
		return nil
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitError(2)
	}
	var all flows.Evaluation
	var cases []flows.EvalCase
	for _, file := range fs.Args() {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		cs, err := flows.ReadEvalSet(f, file)
		f.Close()
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitError(1)
		}
		ev, err := cat.CrossValidate(cs, *cv)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitError(1)
		}
		var explain func(string) string
		if *debug {
			explain = func(text string) string { _, why := cat.Explain(text); return why }
		}
		title := file
		if *cv >= 2 {
			title = fmt.Sprintf("%s, cross-validated in %d parts", file, *cv)
		}
		ev.Write(stdout, title, explain)
		fmt.Fprintln(stdout)
		all = append(all, ev...)
		cases = append(cases, cs...)
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stdout, "all %d messages\n  %-14s %s\n", len(all), "overall", all.Overall())
		by := all.ByClass()
		for _, c := range flows.Classes() {
			if s, ok := by[c]; ok {
				fmt.Fprintf(stdout, "  %-14s %s\n", c, s)
			}
		}
	}
	fmt.Fprintf(stdout, "time: %.1f µs a message (this machine, all messages understood until 200 ms have passed)\n", perMessage(cat, cases))
	failed := false
	if share := all.Overall().TopShare(); share < *min {
		fmt.Fprintf(stderr, "motcua eval: %.1f %% of first answers right, under %.1f %%\n", 100*share, 100**min)
		failed = true
	}
	for class, s := range all.ByClass() {
		if share := s.TopShare(); share < *minClass {
			fmt.Fprintf(stderr, "motcua eval: %s: %.1f %% of first answers right, under %.1f %%\n", class, 100*share, 100**minClass)
			failed = true
		}
	}
	if failed {
		return exitError(1)
	}
	return nil
}

// perMessage is the mean time Understand takes on the messages, in
// microseconds: a figure to read, not a test.
func perMessage(cat *flows.Catalog, cases []flows.EvalCase) float64 {
	if len(cases) == 0 {
		return 0
	}
	start, n := time.Now(), 0
	for time.Since(start) < 200*time.Millisecond {
		for _, c := range cases {
			cat.Understand(c.Text)
			n++
		}
	}
	return float64(time.Since(start).Microseconds()) / float64(n)
}
