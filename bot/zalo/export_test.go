package zalo

import (
	"context"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/channel"
)

// Settle waits until no update is queued or being handled, or ctx ends:
// the webhook answers before the reply is sent.
func (b *Bot) Settle(ctx context.Context) error {
	select {
	case <-b.disp.Settled():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// DecodeUpdates is decodeUpdates, with what the adapter takes of each.
func DecodeUpdates(raw []byte) (int, error) {
	us, err := decodeUpdates(raw)
	return len(us), err
}

// Render is what the bot sends for m: its rendering, split.
func Render(m bot.Message) []string {
	var b Bot
	return channel.Split(b.render(m), maxText)
}
