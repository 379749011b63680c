package roles

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"
)

// Memory keeps roles and invite codes in this process: for a trial run
// and for tests of other packages. It is safe for concurrent use and
// behaves as Redis does; everything is lost when the process exits.
type Memory struct {
	ttl    time.Duration
	most   int
	window time.Duration

	mu    sync.Mutex
	users map[string]Role
	codes map[string]invite
	tries map[string]tries
}

// tries counts a user's tries of codes in a window.
type tries struct {
	n     int
	until time.Time
}

var _ Store = (*Memory)(nil)

// invite is an invite code as kept: what Redis keeps in its value.
type invite struct {
	role    Role
	expires time.Time
	// usedBy is the user who joined with it, "" while unused.
	usedBy string
}

// NewMemory returns an empty store. It uses opts.InviteTTL and ignores
// opts.Prefix.
func NewMemory(opts Options) *Memory {
	opts = opts.withDefaults()
	return &Memory{
		ttl: opts.InviteTTL, most: opts.JoinTries, window: opts.JoinWindow,
		users: map[string]Role{}, codes: map[string]invite{}, tries: map[string]tries{},
	}
}

// Role returns the user's role; see Store.
func (m *Memory) Role(ctx context.Context, user string) (Role, bool, error) {
	if err := begin(ctx, "role", user); err != nil {
		return "", false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.users[user]
	return r, ok, nil
}

// Grant gives the user role r; see Store.
func (m *Memory) Grant(ctx context.Context, user string, r Role) error {
	if err := begin(ctx, "grant", user); err != nil {
		return err
	}
	if err := checkRole(r); err != nil {
		return fmt.Errorf("roles: grant %s: %w", user, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users[user] = r
	return nil
}

// Revoke takes the user's role away; see Store.
func (m *Memory) Revoke(ctx context.Context, user string) error {
	if err := begin(ctx, "revoke", user); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.users, user)
	return nil
}

// Invite returns a new one-time code for r; see Store.
func (m *Memory) Invite(ctx context.Context, r Role, now time.Time) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("roles: invite: %w", err)
	}
	if err := checkRole(r); err != nil {
		return "", fmt.Errorf("roles: invite: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// Expired codes go here, as Redis would have expired them.
	maps.DeleteFunc(m.codes, func(_ string, in invite) bool { return !now.Before(in.expires) })
	for range maxInviteAttempts {
		code := newCode()
		if _, taken := m.codes[code]; taken {
			continue
		}
		m.codes[code] = invite{role: r, expires: now.Add(m.ttl)}
		return code, nil
	}
	return "", errors.New("roles: invite: every code drawn was in use")
}

// Join uses code for user at now; see Store.
func (m *Memory) Join(ctx context.Context, code, user string, now time.Time) (Role, error) {
	if err := begin(ctx, "join", user); err != nil {
		return "", err
	}
	code, ok := normalizeCode(code)
	if !ok {
		return "", ErrInvalidCode
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	tr := m.tries[user]
	if !now.Before(tr.until) {
		tr = tries{until: now.Add(m.window)}
	}
	tr.n++
	m.tries[user] = tr
	if tr.n > m.most {
		return "", ErrTooManyTries
	}
	in, ok := m.codes[code]
	if !ok || !now.Before(in.expires) {
		return "", ErrInvalidCode
	}
	have, has := m.users[user]
	role, use, err := join(in.role, in.usedBy, user, have, has)
	if err != nil {
		return "", err
	}
	if use {
		in.usedBy = user
		m.codes[code] = in
		m.users[user] = role
	}
	return role, nil
}

// join is the rule of Join once a live code is found, given the code's
// role r, whom it was used by, the user joining and the role he has: the
// role he ends with, and whether the code is used now. join.lua keeps the
// same rule.
func join(r Role, usedBy, user string, have Role, has bool) (role Role, use bool, err error) {
	switch {
	case usedBy == user && has:
		return have, false, nil // the user who used it, again
	case usedBy != "":
		return "", false, ErrInvalidCode
	case has && have.Includes(r):
		return have, false, nil // nothing to give: the code stays unused
	default:
		return r, true, nil
	}
}

// List returns every user with a role.
func (m *Memory) List(ctx context.Context) (map[string]Role, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("roles: list: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.users), nil
}

// begin checks what every call about a user checks first: the context
// and the user id.
func begin(ctx context.Context, op, user string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("roles: %s %s: %w", op, user, err)
	}
	if err := CheckUser(user); err != nil {
		return fmt.Errorf("roles: %s: %w", op, err)
	}
	return nil
}
