package reminders_test

import (
	"testing"

	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/reminders/reminderstest"
)

func TestMemory(t *testing.T) {
	reminderstest.Run(t, reminderstest.Harness{
		New: func(t *testing.T, s reminders.Schedule) reminders.Store { return reminders.NewMemory(s) },
	})
}
