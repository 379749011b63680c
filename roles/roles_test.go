package roles_test

import (
	"errors"
	"testing"

	"github.com/motcua/motcua/roles"
)

func TestIncludes(t *testing.T) {
	tests := []struct {
		name     string
		r, want  roles.Role
		included bool
	}{
		{"staff do a volunteer's work", roles.Staff, roles.Volunteer, true},
		{"staff are staff", roles.Staff, roles.Staff, true},
		{"volunteers are volunteers", roles.Volunteer, roles.Volunteer, true},
		{"volunteers are not staff", roles.Volunteer, roles.Staff, false},
		{"no role", "", roles.Volunteer, false},
		{"an unknown role", "admin", roles.Volunteer, false},
		{"nothing includes an unknown role", roles.Staff, "admin", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.Includes(tt.want); got != tt.included {
				t.Errorf("%q.Includes(%q) = %v, want %v", tt.r, tt.want, got, tt.included)
			}
		})
	}
}

func TestParseRole(t *testing.T) {
	tests := []struct {
		name, in string
		want     roles.Role
		err      error
	}{
		{"volunteer", "tinhnguyenvien", roles.Volunteer, nil},
		{"staff, as typed", " CanBo ", roles.Staff, nil},
		{"empty", "", "", roles.ErrInvalid},
		{"with diacritics", "cán bộ", "", roles.ErrInvalid},
		{"unknown", "admin", "", roles.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := roles.ParseRole(tt.in)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("ParseRole(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestCheckUser(t *testing.T) {
	tests := []struct {
		name, user string
		ok         bool
	}{
		{"telegram", "tg:456", true},
		{"zalo", "zalo:abc-DEF_1", true},
		{"empty", "", false},
		{"a space", "tg: 456", false},
		{"a control character", "tg:\x00", false},
		{"not UTF-8", "tg:\xff", false},
		{"65 bytes", "tg:" + string(make([]byte, 62)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := roles.CheckUser(tt.user)
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, roles.ErrInvalid)) {
				t.Errorf("CheckUser(%q) = %v, want ok %v", tt.user, err, tt.ok)
			}
		})
	}
}
