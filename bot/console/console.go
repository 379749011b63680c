// Package console is the terminal channel: type as a citizen, read the bot.
// Buttons show as numbered lines; the citizen types the number, as on Zalo.
//
// The chat ends when the input ends (Ctrl-D, or the end of a pipe) or when
// its context is done (Ctrl-C, SIGTERM): it does not wait for a line that
// may never come. A line is read whole however long it is, and what the bot
// reads of it is at most MaxLine characters, as on Telegram. Control
// characters typed (ESC, BEL…) are dropped before the bot sees them, and
// none reaches the terminal from a reply.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/channel"
)

// Handler answers updates; *bot.Service is one. Resume opens the chat on
// the conversation kept for it: the greeting, and a procedure's pending
// question when one is under way.
type Handler interface {
	Handle(ctx context.Context, u bot.Update) (bot.Reply, error)
	Resume(ctx context.Context, chat bot.Chat, from bot.User) (bot.Reply, error)
}

// MaxLine is the most characters of one typed line the bot reads, as
// Telegram's limit on a message: the rest of a longer line is dropped.
const MaxLine = 4096

// Chat opens the conversation chatID (so that with a lasting store the next
// run continues it), then reads what the citizen types from in, a line at a
// time, and writes the bot's replies to out, until in ends or ctx is done.
func Chat(ctx context.Context, h Handler, in io.Reader, out io.Writer, chatID string) error {
	chat, user := bot.Chat{ID: chatID, Private: true}, bot.User{ID: chatID}
	show := func(reply bot.Reply, err error) error {
		if ctx.Err() != nil {
			return nil // she quit while the bot was answering
		}
		// The reply is worth showing even with an error: it is the apology.
		if _, werr := io.WriteString(out, printable(RenderReply(reply))+"\n"); werr != nil {
			return fmt.Errorf("write reply: %w", werr)
		}
		return nil
	}
	if err := show(h.Resume(ctx, chat, user)); err != nil {
		return err
	}
	lines := make(chan string)
	failed := make(chan error, 1)
	go func() {
		// This reader may outlive the chat, blocked on a terminal no one
		// types into; the process ends without waiting for it.
		r := bufio.NewReader(in)
		for {
			line, err := readLine(r)
			if err != nil {
				failed <- err
				return
			}
			select {
			case lines <- line:
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		if _, err := io.WriteString(out, "> "); err != nil {
			return fmt.Errorf("write prompt: %w", err)
		}
		var line string
		select {
		case <-ctx.Done():
			io.WriteString(out, "\n")
			return nil
		case err := <-failed:
			io.WriteString(out, "\n")
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read input: %w", err)
		case line = <-lines:
		}
		text := strings.TrimSpace(clean(line))
		if text == "" {
			continue
		}
		if err := show(h.Handle(ctx, bot.Update{Chat: chat, From: user, Text: text})); err != nil {
			return err
		}
		if ctx.Err() != nil {
			io.WriteString(out, "\n")
			return nil
		}
	}
}

// readLine reads one line, whatever its length, and keeps its first
// MaxLine characters. A last line without its newline counts; io.EOF comes
// after it.
func readLine(r *bufio.Reader) (string, error) {
	var kept []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if room := MaxLine*utf8.UTFMax - len(kept); room > 0 {
			kept = append(kept, chunk[:min(len(chunk), room)]...)
		}
		switch {
		case err == nil:
			return firstRunes(strings.TrimRight(string(kept), "\r\n"), MaxLine), nil
		case errors.Is(err, bufio.ErrBufferFull):
			// A long line: read on; what is past MaxLine is dropped.
		case errors.Is(err, io.EOF) && len(kept) > 0:
			return firstRunes(string(kept), MaxLine), nil
		default:
			return "", err
		}
	}
}

// firstRunes is s cut after n characters.
func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// clean drops the control characters of a typed line (an arrow key's ESC
// sequence, a BEL) but keeps tabs as spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case unicode.IsControl(r) || r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
}

// printable keeps a reply from driving the terminal: control characters
// other than the line breaks are shown as �.
func printable(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' {
			return '\uFFFD'
		}
		return r
	}, s)
}

// RenderReply shows a reply as the terminal (and a transcript) shows it:
// messages apart by a blank line.
func RenderReply(r bot.Reply) string {
	parts := make([]string, len(r.Messages))
	for i, m := range r.Messages {
		parts[i] = Render(m)
	}
	return strings.Join(parts, "\n\n")
}

// Render shows one message as text: its text, its buttons as numbered lines,
// and the hint on what can be typed.
func Render(m bot.Message) string {
	to := ""
	if m.To != "" {
		to = "[→ " + m.To + "] "
	}
	return to + m.Text + channel.Choices(m, nil)
}
