package store

import (
	"fmt"
	"strings"
	"time"
)

// DefaultPrefix starts every Redis key when Options.Prefix is empty.
const DefaultPrefix = "mc"

// Options configures a store. The zero value is ready to use; both backends
// take the same Options so that a trial run on the memory store behaves like
// production on Redis.
type Options struct {
	// Prefix starts every Redis key ("mc" when empty). It must not contain
	// '{' or '}', which would move the hash tag. The memory store ignores it.
	Prefix string
	// IdleTTL is how long a conversation is kept after its last commit;
	// DefaultIdleTTL when zero or negative. Loading does not extend it.
	IdleTTL time.Duration
	// ReplyHold is how long the reply of an update is held by the
	// delivery that committed or claimed it (DefaultReplyHold when zero or
	// negative): another delivery of the update meanwhile gets
	// ErrReplyHeld. It should outlast handling one update (the update's
	// deadline), so that a live delivery is never doubled, and be short,
	// so that a crashed one is taken over soon.
	ReplyHold time.Duration
	// Now tells the time (time.Now when nil). The memory store expires
	// conversations and update ids by it, so tests move a fake clock
	// instead of sleeping; Redis expires keys by its own clock.
	Now func() time.Time
}

// withDefaults returns o with every zero field replaced by its default.
func (o Options) withDefaults() Options {
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.IdleTTL <= 0 {
		o.IdleTTL = DefaultIdleTTL
	}
	if o.ReplyHold <= 0 {
		o.ReplyHold = DefaultReplyHold
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// TaggedPrefix starts the keys of a store whose keys all share one hash
// tag: "mc:{people}:" for prefix "mc" ("" is DefaultPrefix) and tag
// "people". It panics if prefix contains a brace, which would move the
// hash tag and split the keys a script touches over cluster slots: check
// configuration first.
func TaggedPrefix(prefix, tag string) string {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if strings.ContainsAny(prefix, "{}") {
		panic(fmt.Sprintf("Redis key prefix %q must not contain '{' or '}'", prefix))
	}
	return prefix + ":{" + tag + "}:"
}
