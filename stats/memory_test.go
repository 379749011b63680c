package stats_test

import (
	"testing"

	"github.com/motcua/motcua/stats"
	"github.com/motcua/motcua/stats/statstest"
)

func TestMemory(t *testing.T) {
	statstest.Run(t, statstest.Harness{
		New: func(t *testing.T) stats.Store { return stats.NewMemory() },
	})
}
