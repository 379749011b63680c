package roles

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/store"
)

// Role is what a user may do beyond asking: a volunteer claims and
// answers tickets, staff can do everything a volunteer can and more
// (invite, be told of tickets nobody took). Its value is the word staff
// type after /moi.
type Role string

// The roles.
const (
	Volunteer Role = "tinhnguyenvien"
	Staff     Role = "canbo"
)

// ordered lists the roles lowest first: a role includes those before it.
var ordered = []Role{Volunteer, Staff}

// rank is r's place in ordered from 1, 0 for an unknown role.
func (r Role) rank() int { return slices.Index(ordered, r) + 1 }

// Valid reports whether r is Volunteer or Staff.
func (r Role) Valid() bool { return r.rank() > 0 }

// Includes reports whether a user with role r may do what want allows:
// staff include volunteers. An invalid role includes nothing, and
// nothing includes an invalid role.
func (r Role) Includes(want Role) bool {
	return r.Valid() && want.Valid() && r.rank() >= want.rank()
}

// ParseRole reads a role as staff type it after /moi ("canbo",
// "TinhNguyenVien"); ErrInvalid for anything else.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", fmt.Errorf("role %q: %w: %q or %q", s, ErrInvalid, Volunteer, Staff)
	}
	return r, nil
}

// Errors of the stores, checked with errors.Is. A failure to reach Redis
// wraps store.ErrUnavailable, as the other stores' do.
var (
	// ErrInvalidCode refuses an invite code that is unknown, used by
	// someone else or expired. The three are not told apart: whoever
	// tries codes learns nothing.
	ErrInvalidCode = errors.New("roles: invalid invite code")
	// ErrConfigured refuses to change the role of a user listed in the
	// configuration, which always wins.
	ErrConfigured = errors.New("roles: the user's role is set in the configuration")
	// ErrInvalid means a user id or a role that cannot be stored.
	ErrInvalid = errors.New("roles: invalid")
	// ErrTooManyTries refuses a join, whatever the code, from a user who
	// tried Options.JoinTries codes within Options.JoinWindow: codes are
	// not to be found by trying many.
	ErrTooManyTries = errors.New("roles: too many invite codes tried")
)

// Store keeps who has which role, and the invite codes. Both
// implementations, Redis and Memory, pass the conformance suite in package
// rolestest; WithConfig puts the configuration's users on top of either.
// No method reads a clock: invite codes expire by the time passed.
//
// A user is a user id across channels, "tg:456", as CheckUser accepts.
type Store interface {
	// Role returns the user's role, and false when he has none.
	Role(ctx context.Context, user string) (Role, bool, error)
	// Grant gives the user role r, replacing the one he had.
	Grant(ctx context.Context, user string, r Role) error
	// Revoke takes the user's role away. Revoking a user without one is
	// not an error.
	Revoke(ctx context.Context, user string) error
	// Invite returns a new one-time code that gives role r to whoever
	// joins with it first, before now+Options.InviteTTL.
	Invite(ctx context.Context, r Role, now time.Time) (code string, err error)
	// Join uses code for user at now, atomically: of several users
	// joining with one code, one gets its role and the others
	// ErrInvalidCode. It returns the role the user has afterwards.
	//
	// A user who already has the code's role, or a higher one, keeps his
	// and leaves the code unused: a staff member trying his own code
	// wastes nothing and loses nothing. The user who used a code may
	// join with it again, while it has not expired and he still has his
	// role, and gets that role: a retry after a lost reply is not told
	// that the code is bad. Everyone else gets ErrInvalidCode for an
	// unknown, used or expired code. Codes are read without regard to
	// case, spaces or dashes.
	//
	// Each user may try Options.JoinTries codes (of the right form) in a
	// window of Options.JoinWindow from his first try; past that he gets
	// ErrTooManyTries, even for a good code, until the window ends.
	Join(ctx context.Context, code, user string, now time.Time) (Role, error)
	// List returns every user with a role.
	List(ctx context.Context) (map[string]Role, error)
}

// DefaultInviteTTL is how long an invite code may be used: the issue's
// 48 hours, enough to pass it on over a weekend.
const DefaultInviteTTL = 48 * time.Hour

// Options configures a store. The zero value is ready to use.
type Options struct {
	// Prefix starts every Redis key ("mc" when empty); it must not
	// contain '{' or '}'. The memory store ignores it.
	Prefix string
	// InviteTTL is how long an invite code may be used
	// (DefaultInviteTTL when zero or negative).
	InviteTTL time.Duration
	// JoinTries and JoinWindow bound the codes one user may try: 5 an
	// hour when zero.
	JoinTries  int
	JoinWindow time.Duration
}

func (o Options) withDefaults() Options {
	if o.Prefix == "" {
		o.Prefix = store.DefaultPrefix
	}
	if o.InviteTTL <= 0 {
		o.InviteTTL = DefaultInviteTTL
	}
	if o.JoinTries <= 0 {
		o.JoinTries = 5
	}
	if o.JoinWindow <= 0 {
		o.JoinWindow = time.Hour
	}
	return o
}

// maxUser bounds a user id, in bytes.
const maxUser = 64

// CheckUser reports whether user can name a user: 1 to 64 bytes of
// printable UTF-8 without spaces, such as "tg:456". Configuration
// validation calls it on the listed ids.
func CheckUser(user string) error {
	if user == "" || len(user) > maxUser || !utf8.ValidString(user) ||
		strings.ContainsFunc(user, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) {
		return fmt.Errorf("user %q: %w: 1 to %d bytes, printable, no spaces", user, ErrInvalid, maxUser)
	}
	return nil
}

// checkRole reports whether r can be stored.
func checkRole(r Role) error {
	if !r.Valid() {
		return fmt.Errorf("role %q: %w: %q or %q", r, ErrInvalid, Volunteer, Staff)
	}
	return nil
}

// Has reports whether user has want's role or one that includes it:
// Has(ctx, s, user, Volunteer) says whether he may claim a ticket.
func Has(ctx context.Context, s Store, user string, want Role) (bool, error) {
	r, ok, err := s.Role(ctx, user)
	if err != nil {
		return false, err
	}
	return ok && r.Includes(want), nil
}
