package store

import (
	"errors"
	"fmt"
	"strings"
)

// errBadConv rejects a conversation id that cannot be a key.
var errBadConv = errors.New("store: conversation id must be non-empty and free of '{' and '}'")

// checkConv reports whether conv can name a conversation. Braces are
// refused because the id becomes the Redis hash tag ("mc:{tg:1}:conv"): an id
// like "}x" would give an empty tag and scatter one conversation's keys over
// two cluster slots. Both backends refuse the same ids so that a trial run on
// the memory store fails where production would.
func checkConv(op, conv string) error {
	if conv == "" || strings.ContainsAny(conv, "{}") {
		return fmt.Errorf("%s %q: %w", op, conv, errBadConv)
	}
	return nil
}
