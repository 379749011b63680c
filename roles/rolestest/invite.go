package rolestest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/roles"
)

func testInviteCodes(t *testing.T, h Harness) {
	s := h.New(t, roles.Options{})
	seen := map[string]bool{}
	for range 50 {
		code := invite(t, s, roles.Volunteer, t0)
		if len(code) != roles.CodeLen || strings.ContainsFunc(code, func(r rune) bool {
			return !strings.ContainsRune("23456789ABCDEFGHJKMNPQRSTUVWXYZ", r)
		}) {
			t.Errorf("Invite = %q, want %d characters without look-alikes (0 O 1 I L)", code, roles.CodeLen)
		}
		if seen[code] {
			t.Errorf("Invite gave %q twice", code)
		}
		seen[code] = true
	}
	// A code is read as people type it.
	code := invite(t, s, roles.Staff, t0)
	typed := " " + strings.ToLower(code[:4]) + "-" + code[4:] + " "
	if got := join(t, s, typed, "tg:1", t0); got != roles.Staff {
		t.Errorf("Join(%q) = %q, want %q", typed, got, roles.Staff)
	}
	for _, bad := range []string{"", "ABC", code + "2", "0OIL1234", "ĐĐĐĐĐĐĐĐ"} {
		refused(t, s, bad, "tg:2", t0)
	}
}

func testJoinOnce(t *testing.T, h Harness) {
	s := h.New(t, roles.Options{})
	v := invite(t, s, roles.Volunteer, t0)
	st := invite(t, s, roles.Staff, t0)
	if got := join(t, s, v, "tg:1", t0.Add(time.Minute)); got != roles.Volunteer {
		t.Errorf("Join(volunteer code) = %q, want %q", got, roles.Volunteer)
	}
	refused(t, s, v, "tg:2", t0.Add(2*time.Minute))
	checkRole(t, s, "tg:2", "")
	// A staff code makes a volunteer staff.
	if got := join(t, s, st, "tg:1", t0.Add(3*time.Minute)); got != roles.Staff {
		t.Errorf("volunteer joining with a staff code = %q, want %q", got, roles.Staff)
	}
	checkRole(t, s, "tg:1", roles.Staff)
	refused(t, s, st, "tg:2", t0.Add(4*time.Minute))
}

// testConcurrentJoins has eight people join with one code at once, for
// several codes: one of them gets each.
func testConcurrentJoins(t *testing.T, h Harness) {
	s := h.New(t, roles.Options{})
	const codes, people = 10, 8
	for c := range codes {
		code := invite(t, s, roles.Volunteer, t0)
		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			mu      sync.Mutex
			winners []string
		)
		for p := range people {
			user := "tg:" + string(rune('a'+c)) + string(rune('0'+p))
			wg.Go(func() {
				<-start
				r, err := s.Join(ctx, code, user, t0.Add(time.Minute))
				switch {
				case err == nil && r == roles.Volunteer:
					mu.Lock()
					winners = append(winners, user)
					mu.Unlock()
				case errors.Is(err, roles.ErrInvalidCode):
				default:
					t.Errorf("Join(%s) = %q, %v; want %q or ErrInvalidCode", user, r, err, roles.Volunteer)
				}
			})
		}
		close(start)
		wg.Wait()
		if len(winners) != 1 {
			t.Fatalf("%d people joining with one code at once: %v got it, want one", people, winners)
		}
	}
	if n := len(list(t, s)); n != codes {
		t.Errorf("after %d codes, each raced for, List has %d users, want %d", codes, n, codes)
	}
}

func testJoinAgain(t *testing.T, h Harness) {
	s := h.New(t, roles.Options{})
	code := invite(t, s, roles.Volunteer, t0)
	join(t, s, code, "tg:1", t0)
	// The same user again (a retry after a lost reply): his role, no error.
	if got := join(t, s, code, "tg:1", t0.Add(time.Hour)); got != roles.Volunteer {
		t.Errorf("the user who used the code, again = %q, want %q", got, roles.Volunteer)
	}
	refused(t, s, code, "tg:2", t0.Add(time.Hour))
	// Revoked, he cannot get his role back with the used code.
	if err := s.Revoke(ctx, "tg:1"); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	refused(t, s, code, "tg:1", t0.Add(2*time.Hour))
	checkRole(t, s, "tg:1", "")
}

func testExpired(t *testing.T, h Harness) {
	s := h.New(t, roles.Options{})
	a := invite(t, s, roles.Volunteer, t0)
	b := invite(t, s, roles.Volunteer, t0)
	if got := join(t, s, a, "tg:1", t0.Add(roles.DefaultInviteTTL-time.Millisecond)); got != roles.Volunteer {
		t.Errorf("Join just before 48 h = %q, want %q", got, roles.Volunteer)
	}
	refused(t, s, b, "tg:2", t0.Add(roles.DefaultInviteTTL))
	refused(t, s, b, "tg:2", t0.Add(30*24*time.Hour))
	checkRole(t, s, "tg:2", "")
	// The user who used a code is not told his role once it expired.
	refused(t, s, a, "tg:1", t0.Add(roles.DefaultInviteTTL))

	// Options.InviteTTL.
	s = h.New(t, roles.Options{InviteTTL: time.Hour})
	c := invite(t, s, roles.Staff, t0)
	refused(t, s, c, "tg:3", t0.Add(time.Hour))
	d := invite(t, s, roles.Staff, t0)
	if got := join(t, s, d, "tg:3", t0.Add(59*time.Minute)); got != roles.Staff {
		t.Errorf("Join within an hour's TTL = %q, want %q", got, roles.Staff)
	}
}

func testJoinKeepsHigher(t *testing.T, h Harness) {
	s := h.New(t, roles.Options{})
	grant(t, s, "tg:1", roles.Staff)
	grant(t, s, "tg:2", roles.Volunteer)
	code := invite(t, s, roles.Volunteer, t0)
	// Staff trying a volunteer's code stay staff, and the code stays
	// unused; so does a volunteer's.
	if got := join(t, s, code, "tg:1", t0); got != roles.Staff {
		t.Errorf("staff joining with a volunteer code = %q, want %q", got, roles.Staff)
	}
	if got := join(t, s, code, "tg:2", t0); got != roles.Volunteer {
		t.Errorf("a volunteer joining with a volunteer code = %q, want %q", got, roles.Volunteer)
	}
	checkRole(t, s, "tg:1", roles.Staff)
	if got := join(t, s, code, "tg:3", t0); got != roles.Volunteer {
		t.Errorf("Join after those who had the role = %q, want %q: the code was unused", got, roles.Volunteer)
	}
	refused(t, s, code, "tg:4", t0)
}

// testJoinTries checks that a user who tried JoinTries codes in a window
// is refused the next, even a good one, while others are not; and that
// the window ends. The window is short and real (Redis expires the count
// by its own clock), the time given to Join moved past it too (the memory
// store counts by that).
func testJoinTries(t *testing.T, h Harness) {
	const window = 300 * time.Millisecond
	s := h.New(t, roles.Options{JoinTries: 3, JoinWindow: window})
	good := invite(t, s, roles.Volunteer, t0)
	for i, bad := range []string{"AAAAAAAA", "BBBBBBBB", "CCCCCCCC"} {
		if _, err := s.Join(context.Background(), bad, "tg:guesser", t0.Add(time.Duration(i)*time.Millisecond)); !errors.Is(err, roles.ErrInvalidCode) {
			t.Fatalf("try %d with a wrong code = %v, want ErrInvalidCode", i+1, err)
		}
	}
	if _, err := s.Join(context.Background(), good, "tg:guesser", t0.Add(10*time.Millisecond)); !errors.Is(err, roles.ErrTooManyTries) {
		t.Fatalf("the fourth try, with a good code = %v, want ErrTooManyTries", err)
	}
	checkRole(t, s, "tg:guesser", "")
	other := invite(t, s, roles.Volunteer, t0)
	if got := join(t, s, other, "tg:honest", t0.Add(20*time.Millisecond)); got != roles.Volunteer {
		t.Errorf("another user's join = %q, want %q: the bound is per user", got, roles.Volunteer)
	}
	// Once the window is over, he may try again.
	later := t0.Add(window + time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := s.Join(context.Background(), good, "tg:guesser", later)
		if err == nil {
			if r != roles.Volunteer {
				t.Errorf("after the window: %q, want %q", r, roles.Volunteer)
			}
			break
		}
		if !errors.Is(err, roles.ErrTooManyTries) || time.Now().After(deadline) {
			t.Fatalf("after the window: %v; the bound never ended", err)
		}
		time.Sleep(20 * time.Millisecond) // the window runs on the server's clock
	}
}
