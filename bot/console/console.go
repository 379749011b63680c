// Package console is the terminal channel: type as a citizen, read the bot.
// Buttons show as numbered lines; the citizen types the number, as on Zalo.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/channel"
)

// Handler answers updates; *bot.Service is one.
type Handler interface {
	Handle(ctx context.Context, u bot.Update) (bot.Reply, error)
}

// Chat reads what the citizen types from in, a line at a time, and writes
// the bot's replies to out, until in ends or ctx is done. chatID names the
// conversation, so that with a lasting store the next run continues it.
// First, when first is not empty, it is sent as if typed.
func Chat(ctx context.Context, h Handler, in io.Reader, out io.Writer, chatID, first string) error {
	send := func(text string) error {
		reply, err := h.Handle(ctx, bot.Update{Chat: bot.Chat{ID: chatID, Private: true}, From: bot.User{ID: chatID}, Text: text})
		// The reply is worth showing even with an error: it is the apology.
		if _, werr := io.WriteString(out, RenderReply(reply)+"\n"); werr != nil {
			return fmt.Errorf("write reply: %w", werr)
		}
		if err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		return nil
	}
	if first != "" {
		if err := send(first); err != nil {
			return err
		}
	}
	lines := bufio.NewScanner(in)
	for {
		if _, err := io.WriteString(out, "> "); err != nil {
			return fmt.Errorf("write prompt: %w", err)
		}
		if !lines.Scan() {
			io.WriteString(out, "\n")
			if err := lines.Err(); err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("read input: %w", err)
			}
			return nil
		}
		if strings.TrimSpace(lines.Text()) == "" {
			continue
		}
		if err := send(lines.Text()); err != nil {
			return err
		}
	}
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
