package people

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors a store returns; compare with errors.Is. A Redis that cannot be
// reached gives errors matching store.ErrUnavailable.
var (
	// ErrNotFound means the bot does not know the person: she never wrote,
	// or erased what was kept (/xoadulieu).
	ErrNotFound = errors.New("people: not found")
	// ErrInvalid means an argument cannot be stored or asked for: a chat
	// that is not "tg:…" or "zl:…", an unknown channel, an empty village
	// in a filter.
	ErrInvalid = errors.New("people: invalid")
)

// Person is what the bot keeps about a citizen's private chat.
type Person struct {
	// Chat is her private chat: "tg:123" or "zl:abc".
	Chat string
	// Village is the id of her village (thôn) in the configuration; ""
	// when she has not chosen one.
	Village string
	// NoNotices reports that she stopped ordinary notices (/tatthongbao);
	// urgent ones still reach her.
	NoNotices bool
	// FirstSeen and LastSeen are when she first and last wrote, to the
	// millisecond.
	FirstSeen, LastSeen time.Time
}

// Group is a village group (a group chat of a village) where the bot is a
// member, so that staff can post a notice there.
type Group struct {
	// Chat is the group chat: "tg:-100123".
	Chat string
	// Village is the id of the group's village.
	Village string
}

// Filter chooses the private chats a notice goes to.
type Filter struct {
	// Villages are the village ids the notice is for; empty means
	// everyone, with or without a village.
	Villages []string
	// Urgent includes those who stopped ordinary notices.
	Urgent bool
	// Channel is "tg" or "zl" for the chats of one channel, "" for all.
	Channel string
}

// Figures count the people using the bot.
type Figures struct {
	// People is how many people the bot knows.
	People int
	// Villages counts them by village id, with "" for those who have not
	// chosen one; villages with nobody are left out.
	Villages map[string]int
	// NoNotices is how many stopped ordinary notices.
	NoNotices int
}

// Store keeps the people using the bot and the village groups it is in.
// Both implementations, Redis and Memory, pass the conformance suite in
// package peopletest. No method reads a clock.
type Store interface {
	// Seen records that the person wrote at now: it creates her, or moves
	// her LastSeen forward. It is meant for every message of a citizen:
	// one round trip, and calling it again with the same time changes
	// nothing.
	Seen(ctx context.Context, chat string, now time.Time) error
	// SetVillage sets her village ("" forgets it). ErrNotFound when the
	// bot does not know her: Seen comes first.
	SetVillage(ctx context.Context, chat, village string) error
	// SetNotices starts (on) or stops ordinary notices for her.
	// ErrNotFound when the bot does not know her.
	SetNotices(ctx context.Context, chat string, on bool) error
	// Get returns what is kept about her; false when nothing is.
	Get(ctx context.Context, chat string) (Person, bool, error)
	// Stopped reports, for each of chats in their order, whether she
	// stopped ordinary notices; false for a chat the bot does not know.
	// It asks for the lot at once (one round trip in Redis), for chats
	// met outside an Audience walk, as the families with a reminder:
	// asking Get for each would be a round trip a chat. ErrInvalid, and
	// no answer, when any chat is not "tg:…" or "zl:…".
	Stopped(ctx context.Context, chats []string) ([]bool, error)

	// Audience calls each with every private chat f chooses, once, in
	// the order of the chats' bytes, fetching them in batches so that no
	// list of everyone is held in memory. It stops at each's first error
	// and returns it. A person who changes village while the audience is
	// walked may be missed or called twice when f names several
	// villages; everyone else present throughout is called exactly once.
	Audience(ctx context.Context, f Filter, each func(chat string) error) error
	// Count returns how many chats Audience would call, for the preview
	// staff see before they send.
	Count(ctx context.Context, f Filter) (int, error)

	// AddGroup records a village group, or changes its village.
	AddGroup(ctx context.Context, g Group) error
	// RemoveGroup forgets a group (the bot left or was removed); a group
	// it does not know is no error.
	RemoveGroup(ctx context.Context, chat string) error
	// MigrateGroup moves a group to its new chat id, keeping its village
	// (a Telegram group became a supergroup). Nothing happens when old is
	// unknown, as when the migration was already recorded.
	MigrateGroup(ctx context.Context, old, new string) error
	// Groups returns the groups of villages, or every group when villages
	// is empty, ordered by chat.
	Groups(ctx context.Context, villages []string) ([]Group, error)

	// Figures counts the people using the bot.
	Figures(ctx context.Context) (Figures, error)
	// DeleteChat erases everything kept about the chat (/xoadulieu): no
	// audience, count or figure includes it afterwards. A chat the bot
	// does not know is no error.
	DeleteChat(ctx context.Context, chat string) error
}

// Channels the bot speaks on, as chat ids start.
const (
	Telegram = "tg"
	Zalo     = "zl"
)

// IsChat reports whether chat names a chat of a channel people are kept
// for ("tg:…", "zl:…"); the terminal's "cli:…" is not one.
func IsChat(chat string) bool { return checkChat(chat) == nil }

// checkChat returns ErrInvalid unless chat is "tg:…" or "zl:…".
func checkChat(chat string) error {
	ch, id, ok := strings.Cut(chat, ":")
	if !ok || id == "" || (ch != Telegram && ch != Zalo) {
		return fmt.Errorf("%w: chat %q is not tg:… or zl:…", ErrInvalid, chat)
	}
	return nil
}

// checkFilter returns ErrInvalid for an unknown channel or an empty
// village.
func checkFilter(f Filter) error {
	if f.Channel != "" && f.Channel != Telegram && f.Channel != Zalo {
		return fmt.Errorf("%w: channel %q", ErrInvalid, f.Channel)
	}
	for _, v := range f.Villages {
		if v == "" {
			return fmt.Errorf("%w: empty village in a filter", ErrInvalid)
		}
	}
	return nil
}

// checkGroup returns ErrInvalid for a group without a chat or a village.
func checkGroup(g Group) error {
	if err := checkChat(g.Chat); err != nil {
		return err
	}
	if g.Village == "" {
		return fmt.Errorf("%w: group %s has no village", ErrInvalid, g.Chat)
	}
	return nil
}
