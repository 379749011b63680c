package roles_test

import (
	"testing"

	"github.com/motcua/motcua/roles"
	"github.com/motcua/motcua/roles/rolestest"
)

func TestMemory(t *testing.T) {
	rolestest.Run(t, rolestest.Harness{
		New: func(t *testing.T, o roles.Options) roles.Store { return roles.NewMemory(o) },
	})
}
