// Package transcripttest replays conversation transcripts against the
// bot: those of every shipped procedure (procedures/testdata) and those of
// what typed text leads to (bot/testdata/understand).
//
// A transcript is plain text. "> " starts what the citizen types (">"
// alone, an empty text); the lines after it, up to the next "> ", are
// what the bot must answer, exactly as the terminal shows it
// (console.RenderReply). The lines before the first exchange are its
// header, where each test reads its settings ("# today: 01/12/2026",
// "# volunteers: yes"). Run with update, a replay rewrites the file with
// what the bot says now, for the diff to be reviewed.
package transcripttest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/console"
)

// Exchange is what the citizen types and what the bot must answer.
type Exchange struct {
	Input, Want string
}

// Transcript is a transcript read from its file.
type Transcript struct {
	File string
	// Header is the lines before the first exchange, each with its "\n".
	Header    string
	Exchanges []Exchange
}

// Read reads the transcript in file, giving each line of its header to
// header (nil reads none). A file that cannot be read or has no exchange
// fails t.
func Read(t testing.TB, file string, header func(line string)) Transcript {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tr := Parse(string(data), header)
	if len(tr.Exchanges) == 0 {
		t.Fatal("no exchanges: lines starting with \"> \" are what the citizen types")
	}
	tr.File = file
	return tr
}

// Parse reads a transcript's text, giving each line of its header to
// header (nil reads none).
func Parse(data string, header func(line string)) Transcript {
	var (
		tr   Transcript
		cur  *Exchange
		want []string
	)
	flush := func() {
		if cur != nil {
			cur.Want = strings.TrimRight(strings.Join(want, "\n"), "\n ")
			tr.Exchanges = append(tr.Exchanges, *cur)
		}
		want = nil
	}
	for _, line := range strings.Split(data, "\n") {
		switch {
		case strings.HasPrefix(line, "> ") || line == ">":
			flush()
			cur = &Exchange{Input: strings.TrimPrefix(strings.TrimPrefix(line, ">"), " ")}
		case cur == nil:
			tr.Header += line + "\n"
			if header != nil {
				header(line)
			}
		default:
			want = append(want, line)
		}
	}
	flush()
	return tr
}

// Replay sends each exchange's text to svc, in an update of the chat and
// sender of as, numbered from 0, and fails t where what the bot answers
// is not what the transcript expects. With update it rewrites the file
// with what the bot says now instead.
func (tr Transcript) Replay(t testing.TB, svc *bot.Service, as bot.Update, update bool) {
	t.Helper()
	var rewritten strings.Builder
	rewritten.WriteString(tr.Header)
	for i, x := range tr.Exchanges {
		u := as
		u.ID, u.Text = fmt.Sprint(i), x.Input
		reply, err := svc.Handle(context.Background(), u)
		if err != nil {
			t.Fatalf("> %s: %v", x.Input, err)
		}
		got := console.RenderReply(reply)
		fmt.Fprintf(&rewritten, "> %s\n%s\n\n", x.Input, got)
		if got != x.Want && !update {
			t.Errorf("after exchange %d, > %s\n--- the transcript expects:\n%s\n--- the bot says:\n%s", i+1, x.Input, x.Want, got)
		}
	}
	if update {
		if err := os.WriteFile(tr.File, []byte(strings.TrimRight(rewritten.String(), "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
