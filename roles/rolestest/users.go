package rolestest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/roles"
)

func testGrantRevoke(t *testing.T, h Harness) {
	s := h.New(t, roles.Options{})
	checkRole(t, s, "tg:1", "")
	grant(t, s, "tg:1", roles.Volunteer)
	checkRole(t, s, "tg:1", roles.Volunteer)
	checkRole(t, s, "tg:2", "")
	// A grant replaces: up, then down.
	grant(t, s, "tg:1", roles.Staff)
	checkRole(t, s, "tg:1", roles.Staff)
	grant(t, s, "tg:1", roles.Volunteer)
	checkRole(t, s, "tg:1", roles.Volunteer)
	if err := s.Revoke(ctx, "tg:1"); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	checkRole(t, s, "tg:1", "")
	if err := s.Revoke(ctx, "tg:1"); err != nil {
		t.Errorf("Revoke of a user without a role: %v, want nil", err)
	}

	grant(t, s, "zalo:abc", roles.Staff)
	for _, c := range []struct {
		user string
		want roles.Role
		has  bool
	}{
		{"zalo:abc", roles.Volunteer, true}, // staff can do all a volunteer can
		{"zalo:abc", roles.Staff, true},
		{"tg:1", roles.Volunteer, false},
	} {
		if has, err := roles.Has(ctx, s, c.user, c.want); err != nil || has != c.has {
			t.Errorf("Has(%s, %s) = %v, %v; want %v", c.user, c.want, has, err, c.has)
		}
	}
}

func testInvalid(t *testing.T, h Harness) {
	s := h.New(t, roles.Options{})
	for _, user := range []string{"", "tg 1", "tg:\n1", "tg:" + strings.Repeat("1", 62)} {
		if err := s.Grant(ctx, user, roles.Volunteer); !errors.Is(err, roles.ErrInvalid) {
			t.Errorf("Grant(%q) = %v, want ErrInvalid", user, err)
		}
		if _, _, err := s.Role(ctx, user); !errors.Is(err, roles.ErrInvalid) {
			t.Errorf("Role(%q) = %v, want ErrInvalid", user, err)
		}
	}
	for _, r := range []roles.Role{"", "admin", "CANBO"} {
		if err := s.Grant(ctx, "tg:1", r); !errors.Is(err, roles.ErrInvalid) {
			t.Errorf("Grant(tg:1, %q) = %v, want ErrInvalid", r, err)
		}
		if code, err := s.Invite(ctx, r, t0); !errors.Is(err, roles.ErrInvalid) {
			t.Errorf("Invite(%q) = %q, %v; want ErrInvalid", r, code, err)
		}
	}
	checkList(t, s, map[string]roles.Role{})
}

func testList(t *testing.T, h Harness) {
	s := h.New(t, roles.Options{})
	checkList(t, s, map[string]roles.Role{})
	grant(t, s, "tg:1", roles.Volunteer)
	grant(t, s, "tg:2", roles.Staff)
	grant(t, s, "zalo:x", roles.Volunteer)
	code := invite(t, s, roles.Volunteer, t0)
	join(t, s, code, "tg:3", t0)
	if err := s.Revoke(ctx, "zalo:x"); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	checkList(t, s, map[string]roles.Role{"tg:1": roles.Volunteer, "tg:2": roles.Staff, "tg:3": roles.Volunteer})
	// List returns a copy: changing it changes nothing.
	all := list(t, s)
	all["tg:9"] = roles.Staff
	checkRole(t, s, "tg:9", "")
}

func testConfig(t *testing.T, h Harness) {
	inner := h.New(t, roles.Options{})
	// Set in the store before the configuration listed them: config wins.
	grant(t, inner, "tg:1", roles.Staff)
	grant(t, inner, "tg:2", roles.Volunteer)
	grant(t, inner, "tg:5", roles.Volunteer)
	s := roles.WithConfig(inner, []string{"tg:1", "tg:3"}, []string{"tg:2", "tg:3"})

	checkRole(t, s, "tg:1", roles.Volunteer)
	checkRole(t, s, "tg:2", roles.Staff)
	checkRole(t, s, "tg:3", roles.Staff) // listed as both: the higher
	checkRole(t, s, "tg:5", roles.Volunteer)
	checkRole(t, s, "tg:6", "")

	for user, op := range map[string]func() error{
		"tg:1 revoke": func() error { return s.Revoke(ctx, "tg:1") },
		"tg:2 revoke": func() error { return s.Revoke(ctx, "tg:2") },
		"tg:1 grant":  func() error { return s.Grant(ctx, "tg:1", roles.Staff) },
		"tg:3 grant":  func() error { return s.Grant(ctx, "tg:3", roles.Volunteer) },
	} {
		if err := op(); !errors.Is(err, roles.ErrConfigured) {
			t.Errorf("%s: %v, want ErrConfigured", user, err)
		}
	}
	checkRole(t, s, "tg:1", roles.Volunteer)
	checkRole(t, s, "tg:2", roles.Staff)
	checkRole(t, s, "tg:3", roles.Staff)

	// The others change at runtime as without a configuration.
	grant(t, s, "tg:6", roles.Staff)
	if err := s.Revoke(ctx, "tg:5"); err != nil {
		t.Fatalf("Revoke(tg:5): %v", err)
	}
	checkRole(t, s, "tg:6", roles.Staff)
	checkRole(t, s, "tg:5", "")
	checkList(t, s, map[string]roles.Role{
		"tg:1": roles.Volunteer, "tg:2": roles.Staff, "tg:3": roles.Staff, "tg:6": roles.Staff,
	})
}

func testConfigJoin(t *testing.T, h Harness) {
	s := roles.WithConfig(h.New(t, roles.Options{}), []string{"tg:1"}, []string{"tg:2"})
	code := invite(t, s, roles.Staff, t0)
	for _, user := range []string{"tg:1", "tg:2"} {
		if r, err := s.Join(ctx, code, user, t0); !errors.Is(err, roles.ErrConfigured) {
			t.Errorf("Join by the configured %s = %q, %v; want ErrConfigured", user, r, err)
		}
	}
	checkRole(t, s, "tg:1", roles.Volunteer)
	// The code was left unused.
	if got := join(t, s, code, "tg:7", t0.Add(time.Minute)); got != roles.Staff {
		t.Errorf("Join after the configured users tried = %q, want %q", got, roles.Staff)
	}
}

func testCanceled(t *testing.T, h Harness) {
	for _, config := range []bool{false, true} {
		s := h.New(t, roles.Options{})
		code := invite(t, s, roles.Volunteer, t0)
		if config {
			s = roles.WithConfig(s, []string{"tg:1"}, nil)
		}
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		ops := map[string]func() error{
			"Role":   func() error { _, _, err := s.Role(canceled, "tg:2"); return err },
			"Grant":  func() error { return s.Grant(canceled, "tg:2", roles.Staff) },
			"Revoke": func() error { return s.Revoke(canceled, "tg:2") },
			"Invite": func() error { _, err := s.Invite(canceled, roles.Staff, t0); return err },
			"Join":   func() error { _, err := s.Join(canceled, code, "tg:2", t0); return err },
			"List":   func() error { _, err := s.List(canceled); return err },
		}
		if config {
			ops["Role of a configured user"] = func() error { _, _, err := s.Role(canceled, "tg:1"); return err }
		}
		for name, op := range ops {
			if err := op(); !errors.Is(err, context.Canceled) {
				t.Errorf("%s with a canceled context (config %v) = %v, want context.Canceled", name, config, err)
			}
		}
		// Nothing happened: the code is still there for someone else.
		checkRole(t, s, "tg:2", "")
		if got := join(t, s, code, "tg:3", t0); got != roles.Volunteer {
			t.Errorf("Join after canceled calls = %q, want %q", got, roles.Volunteer)
		}
	}
}
