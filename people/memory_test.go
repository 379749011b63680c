package people_test

import (
	"testing"

	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/people/peopletest"
)

func TestMemory(t *testing.T) {
	peopletest.Run(t, peopletest.Harness{
		New: func(t *testing.T) people.Store { return people.NewMemory() },
	})
}
