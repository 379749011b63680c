package roles

import (
	"context"
	"fmt"
	"time"
)

// configured is a Store with the configuration's users on top: they have
// their role whatever s says, and it cannot be changed at runtime.
type configured struct {
	s     Store
	fixed map[string]Role
}

// WithConfig returns s with the users listed in the configuration on
// top: each of volunteers is a Volunteer and each of staff is Staff (a
// user listed in both is Staff), whatever s says. Config wins: Grant,
// Revoke and Join of a listed user return ErrConfigured and change
// nothing, the code staying unused; Role answers for them without asking
// s, so configured staff keep their role while Redis is down. List merges
// the two, the configuration over s. Invite is s's.
//
// The ids are taken as they are: configuration validation checks them
// with CheckUser first.
func WithConfig(s Store, volunteers, staff []string) Store {
	fixed := make(map[string]Role, len(volunteers)+len(staff))
	for _, u := range volunteers {
		fixed[u] = Volunteer
	}
	for _, u := range staff {
		fixed[u] = Staff
	}
	return &configured{s: s, fixed: fixed}
}

func (c *configured) Role(ctx context.Context, user string) (Role, bool, error) {
	if r, ok := c.fixed[user]; ok {
		if err := ctx.Err(); err != nil {
			return "", false, fmt.Errorf("roles: role %s: %w", user, err)
		}
		return r, true, nil
	}
	return c.s.Role(ctx, user)
}

func (c *configured) Grant(ctx context.Context, user string, r Role) error {
	if err := c.check("grant", user); err != nil {
		return err
	}
	return c.s.Grant(ctx, user, r)
}

func (c *configured) Revoke(ctx context.Context, user string) error {
	if err := c.check("revoke", user); err != nil {
		return err
	}
	return c.s.Revoke(ctx, user)
}

func (c *configured) Invite(ctx context.Context, r Role, now time.Time) (string, error) {
	return c.s.Invite(ctx, r, now)
}

func (c *configured) Join(ctx context.Context, code, user string, now time.Time) (Role, error) {
	if err := c.check("join", user); err != nil {
		return "", err
	}
	return c.s.Join(ctx, code, user, now)
}

func (c *configured) List(ctx context.Context) (map[string]Role, error) {
	all, err := c.s.List(ctx)
	if err != nil {
		return nil, err
	}
	if all == nil {
		all = make(map[string]Role, len(c.fixed))
	}
	for u, r := range c.fixed {
		all[u] = r
	}
	return all, nil
}

// check refuses op on a user listed in the configuration.
func (c *configured) check(op, user string) error {
	if r, ok := c.fixed[user]; ok {
		return fmt.Errorf("roles: %s %s: %w (%s)", op, user, ErrConfigured, r)
	}
	return nil
}
