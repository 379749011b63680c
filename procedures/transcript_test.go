package procedures_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/transcripttest"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/procedures"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/store"
)

var update = flag.Bool("update", false, "rewrite the transcripts with what the bot says now (review the diff!)")

// defaultToday is the date a transcript runs on unless it says otherwise.
var defaultToday = flows.Date{Year: 2026, Month: time.November, Day: 23}

func catalog(t *testing.T) *flows.Catalog {
	t.Helper()
	cat, iss := flows.Load(procedures.FS, "procedures", nil, "")
	iss = append(iss, cat.CheckButtons(append(flows.DefaultMessages().Buttons(), bot.DefaultMessages().Buttons()...)...)...)
	if err := iss.Err(); err != nil {
		t.Fatalf("shipped procedures fail lint:\n%v", err)
	}
	for _, i := range iss {
		t.Logf("lint: %v", i)
	}
	return cat
}

// TestLint keeps every shipped procedure free of lint errors.
func TestLint(t *testing.T) {
	cat := catalog(t)
	if len(cat.Flows()) == 0 {
		t.Fatal("no procedures shipped")
	}
}

// TestTranscripts replays every conversation in testdata/<id>/*.txt and
// compares what the bot says with what the transcript expects.
//
// A transcript is plain text: "> " starts what the citizen types; the lines
// after it, up to the next "> ", are what the bot must answer, exactly as the
// terminal shows it. Lines starting with "#" are comments, and
// "# today: dd/mm/yyyy" sets the date the conversation happens on.
func TestTranscripts(t *testing.T) {
	cat := catalog(t)
	eng := flows.NewEngine(cat, flows.DefaultMessages())
	files, err := filepath.Glob("testdata/*/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, file := range files {
		covered[filepath.Base(filepath.Dir(file))] = true
		t.Run(strings.TrimSuffix(strings.TrimPrefix(file, "testdata/"), ".txt"), func(t *testing.T) {
			runTranscript(t, eng, file)
		})
	}
	for _, f := range cat.Flows() {
		if !covered[f.ID] {
			t.Errorf("procedure %q has no transcripts in testdata/%s/", f.ID, f.ID)
		}
		checkCoverage(t, f.ID)
	}
}

// checkCoverage holds every procedure to the quality gate: a happy path
// that reaches the end, a wrong input, going back and cancelling, and a
// search typed without diacritics.
func checkCoverage(t *testing.T, id string) {
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join("testdata", id, name))
		if err != nil {
			t.Errorf("procedure %q: missing testdata/%s/%s", id, id, name)
		}
		return string(data)
	}
	if happy := read("happy.txt"); !strings.Contains(happy, bot.DefaultMessages().AfterEnd) {
		t.Errorf("procedure %q: happy.txt does not reach the end", id)
	}
	read("wrong-input.txt")
	read("search.txt")
	bc := read("back-cancel.txt")
	if !strings.Contains(bc, "\n> quay lại") && !strings.Contains(bc, "\n> /quaylai") {
		t.Errorf("procedure %q: back-cancel.txt never goes back (> quay lại)", id)
	}
	if !strings.Contains(bc, "\n> /huy") && !strings.Contains(bc, "\n> hủy") {
		t.Errorf("procedure %q: back-cancel.txt never cancels (> /huy)", id)
	}
}

func runTranscript(t *testing.T, eng *flows.Engine, file string) {
	today := defaultToday
	tr := transcripttest.Read(t, file, func(line string) {
		if d, ok := strings.CutPrefix(line, "# today:"); ok {
			var err error
			if today, err = flows.ParseDate(strings.TrimSpace(d), defaultToday); err != nil {
				t.Fatalf("bad today line %q: %v", line, err)
			}
		}
	})
	loc := time.FixedZone("ICT", 7*3600)
	now := time.Date(today.Year, today.Month, today.Day, 9, 0, 0, 0, loc)
	clock := func() time.Time { return now }
	sched := reminders.DefaultSchedule()
	f, _ := eng.Catalog().Flow("bhyt-gia-han")
	rem := &bot.Reminders{
		Store: reminders.NewMemory(sched), Schedule: sched, Texts: f.Reminder,
		Messages: bot.DefaultMessages(), Engine: eng.Messages(), Now: clock,
	}
	svc := bot.New(eng, store.NewMemory(store.Options{Now: clock}), bot.Options{
		Location: loc, Now: clock, Reminders: rem, ReminderFlow: "nhac-nho",
	})
	tr.Replay(t, svc, bot.Update{Chat: bot.Chat{ID: "transcript", Private: true}}, *update)
}
