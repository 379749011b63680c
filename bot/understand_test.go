package bot_test

import (
	"flag"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/transcripttest"
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
// The format is procedures/testdata's (transcripttest): "> " starts what
// the citizen types, the lines up to the next "> " are what the bot
// answers. The header configures the commune:
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
	var commune bot.Commune
	volunteers := false
	tr := transcripttest.Read(t, file, func(line string) {
		if v, ok := strings.CutPrefix(line, "# volunteers:"); ok {
			volunteers = strings.TrimSpace(v) == "yes"
		}
		if v, ok := strings.CutPrefix(line, "# commune:"); ok {
			commune = parseCommune(t, v)
		}
	})
	svc := understandService(t, commune, volunteers)
	tr.Replay(t, svc, bot.Update{Chat: bot.Chat{ID: "tg:1", Private: true}, From: bot.User{ID: "tg:1", Name: "Chị Lan"}}, *update)
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
