package bot_test

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/console"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/procedures"
	"github.com/motcua/motcua/roles"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/tickets"
)

var update = flag.Bool("update", false, "rewrite the transcripts in testdata/understand with what the bot says now (review the diff!)")

// TestUnderstandTranscripts replays the conversations of
// testdata/understand/*.txt with the shipped procedures: what typed text
// leads to (a person, the commune, thanks, out of scope, not a question).
//
// The format is procedures/testdata's: "> " starts what the citizen
// types, the lines up to the next "> " are what the bot answers. The
// header configures the commune:
//
//	# volunteers: yes
//	# commune: name=xã Thử Nghiệm; phone=0262 3 000 000; updated=23/11/2026
func TestUnderstandTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/understand/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			runUnderstandTranscript(t, file)
		})
	}
}

func runUnderstandTranscript(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var header strings.Builder
	type exchange struct{ input, want string }
	var xs []exchange
	var want []string
	flush := func() {
		if len(xs) > 0 {
			xs[len(xs)-1].want = strings.TrimRight(strings.Join(want, "\n"), "\n ")
		}
		want = nil
	}
	var commune bot.Commune
	volunteers := false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "> "):
			flush()
			xs = append(xs, exchange{input: strings.TrimPrefix(line, "> ")})
		case len(xs) == 0:
			header.WriteString(line + "\n")
			if v, ok := strings.CutPrefix(line, "# volunteers:"); ok {
				volunteers = strings.TrimSpace(v) == "yes"
			}
			if v, ok := strings.CutPrefix(line, "# commune:"); ok {
				commune = parseCommune(t, v)
			}
		default:
			want = append(want, line)
		}
	}
	flush()
	svc := understandService(t, commune, volunteers)
	var rewritten strings.Builder
	rewritten.WriteString(header.String())
	for i, x := range xs {
		reply, err := svc.Handle(context.Background(), bot.Update{
			ID: fmt.Sprint(i), Chat: bot.Chat{ID: "tg:1", Private: true}, From: bot.User{ID: "tg:1", Name: "Chị Lan"}, Text: x.input,
		})
		if err != nil {
			t.Fatalf("> %s: %v", x.input, err)
		}
		got := console.RenderReply(reply)
		fmt.Fprintf(&rewritten, "> %s\n%s\n\n", x.input, got)
		if got != x.want && !*update {
			t.Errorf("after exchange %d, > %s\n--- the transcript expects:\n%s\n--- the bot says:\n%s", i+1, x.input, x.want, got)
		}
	}
	if *update {
		if err := os.WriteFile(file, []byte(strings.TrimRight(rewritten.String(), "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func parseCommune(t *testing.T, s string) bot.Commune {
	var c bot.Commune
	for _, kv := range strings.Split(s, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			continue
		}
		switch k {
		case "name":
			c.Name = v
		case "phone":
			c.Phone = v
		case "address":
			c.Address = v
		case "hours":
			c.Hours = v
		case "volunteers":
			c.Volunteers = v
		case "updated":
			c.Updated = v
		default:
			t.Fatalf("unknown commune field %q", k)
		}
	}
	return c
}

// understandService is the bot over the shipped procedures, with the
// commune's answers and, when asked, volunteers.
func understandService(t *testing.T, commune bot.Commune, volunteers bool) *bot.Service {
	t.Helper()
	answers, err := commune.FAQ()
	if err != nil {
		t.Fatal(err)
	}
	cat, iss := flows.Load(procedures.FS, "procedures", nil, "", answers...)
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	eng := flows.NewEngine(cat, flows.DefaultMessages())
	conv := store.NewMemory(store.Options{Now: now})
	opts := bot.Options{Location: ict, Now: now}
	if volunteers {
		opts.Volunteers = &bot.Volunteers{
			Tickets: tickets.NewMemory(tickets.Options{}), Group: group, Conversations: conv, Messages: bot.DefaultMessages(), Now: now, Catalog: cat,
			Roles: roles.NewMemory(roles.Options{}),
		}
	}
	return bot.New(eng, conv, opts)
}

// shippedIntents are the shipped intents alone, to lay over a test's
// procedures.
func shippedIntents(t testing.TB) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	entries, err := fs.ReadDir(procedures.FS, flows.IntentDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := flows.IntentDir + "/" + e.Name()
		data, err := fs.ReadFile(procedures.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = &fstest.MapFile{Data: data}
	}
	return out
}
