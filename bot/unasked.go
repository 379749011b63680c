package bot

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/store"
)

// Messages that come outside her updates — a reminder the scheduler sends,
// a ticket's news sent to the other side — change her conversation from
// outside (patchConversation). One that offers choices is, like any
// message that asks, her last numbered list: typed numbers pick its
// choices (offerChoices), which is how they are answered on Zalo, where
// there are no buttons.

// offerChoices makes the choices of m, sent to chat unasked, her last
// numbered list.
func offerChoices(ctx context.Context, st store.Conversations, chat string, m Message) error {
	return patchConversation(ctx, st, chat, func(c *conversation) { c.Menu = choicesOf(m) })
}

// choicesOf are the entries of a numbered list of m's buttons: their
// data, which the router reads as it reads a press (router.chose).
func choicesOf(m Message) []string {
	var entries []string
	for _, b := range m.Buttons {
		entries = append(entries, b.Data)
	}
	return entries
}

// patchConversation changes a conversation from outside its updates. Its
// turn is not moved, so no button goes stale.
func patchConversation(ctx context.Context, st store.Conversations, chat string, change func(*conversation)) error {
	if chat == "" || st == nil {
		return nil
	}
	err := store.Update(ctx, st, chat, "", func(old []byte) ([]byte, error) {
		c, err := decodeConversation(old)
		if err != nil {
			return nil, err
		}
		change(&c)
		return c.encode()
	})
	if err != nil {
		return fmt.Errorf("update the conversation of %s: %w", chat, err)
	}
	return nil
}
