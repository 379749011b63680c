package stats_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/stats"
	"github.com/motcua/motcua/stats/statstest"
	"github.com/motcua/motcua/store/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// TestRedisTopologies runs the conformance suite on a Redis Cluster and on
// a master named by Sentinel, as TestRedis does on one node (which also
// checks a Redis that is down).
func TestRedisTopologies(t *testing.T) {
	redistest.Topologies(t, func(t *testing.T, top redistest.Topology) {
		client := top.Client(t)
		var n atomic.Int64
		statstest.Run(t, statstest.Harness{
			New: func(t *testing.T) stats.Store {
				return stats.NewRedis(client, stats.Options{Prefix: "topo" + strconv.FormatInt(n.Add(1), 10)})
			},
		})
	})
}
