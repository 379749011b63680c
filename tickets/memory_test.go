package tickets_test

import (
	"testing"

	"github.com/motcua/motcua/tickets"
	"github.com/motcua/motcua/tickets/ticketstest"
)

func TestMemory(t *testing.T) {
	ticketstest.Run(t, ticketstest.Harness{
		New: func(t *testing.T, o tickets.Options) tickets.Store { return tickets.NewMemory(o) },
	})
}
