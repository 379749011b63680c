// Package rolestest is the conformance suite every roles.Store must pass.
// A backend's test calls Run with a Harness:
//
//	func TestMemory(t *testing.T) {
//		rolestest.Run(t, rolestest.Harness{
//			New: func(t *testing.T, o roles.Options) roles.Store { return roles.NewMemory(o) },
//		})
//	}
//
// Each check also runs with roles.WithConfig over the backend where the
// configuration matters. Time is whatever the suite passes to the store:
// a clock it moves, never a sleep.
package rolestest

import (
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/motcua/motcua/roles"
)

// Harness tells Run how to get stores of the backend under test.
type Harness struct {
	// New returns an empty store with opts. List sees every user of its
	// store, so two stores New returns must not share users.
	New func(t *testing.T, opts roles.Options) roles.Store
}

// Run runs the conformance suite, each check as a subtest.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"GrantRevoke", testGrantRevoke},
		{"Invalid", testInvalid},
		{"List", testList},
		{"InviteCodes", testInviteCodes},
		{"JoinOnce", testJoinOnce},
		{"ConcurrentJoins", testConcurrentJoins},
		{"JoinAgain", testJoinAgain},
		{"Expired", testExpired},
		{"JoinKeepsHigherRole", testJoinKeepsHigher},
		{"JoinTriesBounded", testJoinTries},
		{"Config", testConfig},
		{"ConfigJoin", testConfigJoin},
		{"CanceledContext", testCanceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, h) })
	}
}

// t0 is when the suite's first invite is made: 09:00 in Vietnam.
var t0 = time.Date(2026, 7, 15, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

var ctx = context.Background()

// role returns the user's role, "" for none.
func role(t *testing.T, s roles.Store, user string) roles.Role {
	t.Helper()
	r, ok, err := s.Role(ctx, user)
	if err != nil {
		t.Fatalf("Role(%s): %v", user, err)
	}
	if ok != (r != "") {
		t.Errorf("Role(%s) = %q, %v: a role exactly when ok", user, r, ok)
	}
	return r
}

// checkRole checks the user's role, "" for none.
func checkRole(t *testing.T, s roles.Store, user string, want roles.Role) {
	t.Helper()
	if got := role(t, s, user); got != want {
		t.Errorf("Role(%s) = %q, want %q", user, got, want)
	}
}

func grant(t *testing.T, s roles.Store, user string, r roles.Role) {
	t.Helper()
	if err := s.Grant(ctx, user, r); err != nil {
		t.Fatalf("Grant(%s, %s): %v", user, r, err)
	}
}

func invite(t *testing.T, s roles.Store, r roles.Role, now time.Time) string {
	t.Helper()
	code, err := s.Invite(ctx, r, now)
	if err != nil {
		t.Fatalf("Invite(%s): %v", r, err)
	}
	return code
}

func join(t *testing.T, s roles.Store, code, user string, now time.Time) roles.Role {
	t.Helper()
	r, err := s.Join(ctx, code, user, now)
	if err != nil {
		t.Fatalf("Join(%s, %s): %v", code, user, err)
	}
	return r
}

// refused checks that Join refuses code to user at now.
func refused(t *testing.T, s roles.Store, code, user string, now time.Time) {
	t.Helper()
	if r, err := s.Join(ctx, code, user, now); !errors.Is(err, roles.ErrInvalidCode) {
		t.Errorf("Join(%s, %s) = %q, %v; want ErrInvalidCode", code, user, r, err)
	}
}

func list(t *testing.T, s roles.Store) map[string]roles.Role {
	t.Helper()
	all, err := s.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	return all
}

func checkList(t *testing.T, s roles.Store, want map[string]roles.Role) {
	t.Helper()
	if got := list(t, s); !maps.Equal(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}
}
