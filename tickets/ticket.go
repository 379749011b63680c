package tickets

import (
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Ticket is a citizen's question handed to a person.
type Ticket struct {
	// ID names the ticket in buttons and commands: 8 characters of
	// A-Z and 2-7 when the store picks it (NewID), or up to 16 of A-Z,
	// a-z, 0-9, _ and - when the caller does.
	ID string
	// Chat is the citizen's private chat, "tg:123" or "zalo:abc".
	Chat string
	// Name is her display name.
	Name string
	// Question is what she asked, up to 1000 characters.
	Question string
	// Flow and Step say where in a procedure she was; empty when she
	// asked outside one.
	Flow, Step string
	// Shared holds the answers she agreed to share, already worded;
	// empty unless she agreed.
	Shared string
	// Village is her thôn when known, for the figures.
	Village string

	// The rest is set by the store.

	// Status is Open, Claimed or Closed.
	Status Status
	// Volunteer is the user who claimed it ("tg:456"), VolunteerName his
	// display name; both empty unless Claimed.
	Volunteer, VolunteerName string
	// Created is when she asked.
	Created time.Time
	// Claimed is when it was first claimed; a hand-back keeps it, so
	// that the figures measure the wait until the first volunteer took
	// it. Zero until then.
	Claimed time.Time
	// FirstAnswer is when the first answer was relayed to her.
	FirstAnswer time.Time
	// Closed is when either side closed it.
	Closed time.Time
	// Notified counts the posts to the volunteers' group: 1 from Create
	// (the bot posts every new ticket), 2 once MarkNotified records the
	// re-post.
	Notified int
	// Escalated reports that staff were told (MarkEscalated).
	Escalated bool
	// Post is an opaque reference to the latest group message that
	// announced it, e.g. "tg:-100123:57" (SetPost). ByPost also finds the
	// ticket by earlier ones.
	Post string
}

// Status is where a ticket stands.
type Status int

// The statuses of a ticket. A ticket starts Open; Claim makes it Claimed
// and Release Open again; Close makes it Closed, for good.
const (
	Open Status = iota + 1
	Claimed
	Closed
)

var statusNames = map[Status]string{Open: "open", Claimed: "claimed", Closed: "closed"}

// String returns "open", "claimed" or "closed": the word the Redis
// records hold.
func (s Status) String() string {
	if name, ok := statusNames[s]; ok {
		return name
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// parseStatus is the inverse of String.
func parseStatus(s string) (Status, bool) {
	for st, name := range statusNames {
		if name == s {
			return st, true
		}
	}
	return 0, false
}

// Errors of the stores, checked with errors.Is. A failure to reach Redis
// wraps store.ErrUnavailable, as the conversation store's do.
var (
	// ErrNotFound means there is no such ticket: never created, or its
	// content was deleted (retention, /xoadulieu).
	ErrNotFound = errors.New("tickets: no such ticket")
	// ErrTaken means another volunteer claimed the ticket first, or the
	// caller himself did (a double press); the Ticket returned with it
	// names the claimer.
	ErrTaken = errors.New("tickets: already claimed")
	// ErrClosed means the ticket is closed.
	ErrClosed = errors.New("tickets: closed")
	// ErrNotYours means a volunteer handed back a ticket he does not hold.
	ErrNotYours = errors.New("tickets: not claimed by this volunteer")
	// ErrActive means the citizen already has a ticket under way; Active
	// returns it.
	ErrActive = errors.New("tickets: a ticket of this chat is under way")
	// ErrExists means a ticket with the caller's ID exists.
	ErrExists = errors.New("tickets: ticket id in use")
	// ErrInvalid means a ticket, id, chat or post that cannot be stored.
	ErrInvalid = errors.New("tickets: invalid")
)

// Limits on what a ticket holds. A question of 1000 characters is a few
// Telegram messages' worth; anything longer is cut by the bot.
const (
	MaxQuestion = 1000 // characters
	MaxShared   = 2000 // characters
	maxName     = 64   // characters: display names, villages
	maxRef      = 64   // bytes: chats, users, flows, steps, ids
	maxPost     = 128  // bytes
	maxID       = 16
)

// idEncoding writes IDs: upper-case letters and 2-7, readable aloud and
// safe in callback data.
var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewID returns a random ticket ID: 8 characters of A-Z and 2-7 (40
// bits). Create calls it for a ticket without one.
func NewID() string {
	var b [5]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand since Go 1.24)
	return idEncoding.EncodeToString(b[:])
}

// checkID reports whether id can name a ticket.
func checkID(id string) error {
	if id == "" || len(id) > maxID || strings.ContainsFunc(id, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-')
	}) {
		return fmt.Errorf("id %q: %w: 1 to %d of A-Z, a-z, 0-9, _ and -", id, ErrInvalid, maxID)
	}
	return nil
}

// checkRef reports whether s can name a chat, a user, a flow or a step
// (what: which of them): printable, no spaces, at most max bytes; empty
// only when optional.
func checkRef(what, s string, optional bool, max int) error {
	if s == "" && optional {
		return nil
	}
	if s == "" || len(s) > max || !utf8.ValidString(s) ||
		strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) {
		return fmt.Errorf("%s %q: %w: 1 to %d bytes, printable, no spaces", what, s, ErrInvalid, max)
	}
	return nil
}

// checkLine reports whether s fits on one line of at most max characters.
func checkLine(what, s string, max int) error {
	if utf8.RuneCountInString(s) > max || !utf8.ValidString(s) ||
		strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return fmt.Errorf("%s %q: %w: up to %d characters of UTF-8 on one line", what, s, ErrInvalid, max)
	}
	return nil
}

// checkText reports whether s is text of at most max characters; newlines
// are allowed, other control characters are not.
func checkText(what, s string, max int) error {
	if utf8.RuneCountInString(s) > max || !utf8.ValidString(s) ||
		strings.ContainsFunc(s, func(r rune) bool { return r != '\n' && !unicode.IsPrint(r) && !unicode.IsSpace(r) }) {
		return fmt.Errorf("%s of %d characters: %w: up to %d of UTF-8, no control characters", what, utf8.RuneCountInString(s), ErrInvalid, max)
	}
	return nil
}

// checkNew reports why t cannot be created. Its ID is already set.
func checkNew(t Ticket) error {
	if t.Question == "" {
		return fmt.Errorf("question: %w: empty", ErrInvalid)
	}
	if t.Created.IsZero() || t.Created.UnixMilli() <= 0 {
		return fmt.Errorf("created %v: %w", t.Created, ErrInvalid)
	}
	return errors.Join(
		checkID(t.ID),
		checkRef("chat", t.Chat, false, maxRef),
		checkLine("name", t.Name, maxName),
		checkText("question", t.Question, MaxQuestion),
		checkRef("flow", t.Flow, true, maxRef),
		checkRef("step", t.Step, true, maxRef),
		checkText("shared answers", t.Shared, MaxShared),
		checkLine("village", t.Village, maxName),
	)
}
