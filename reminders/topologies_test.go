package reminders_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/reminders/reminderstest"
	"github.com/motcua/motcua/store/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// TestRedisTopologies runs the conformance suite on a Redis Cluster and on
// a master named by Sentinel, as TestRedis does on one node.
func TestRedisTopologies(t *testing.T) {
	redistest.Topologies(t, func(t *testing.T, top redistest.Topology) {
		client := top.Client(t)
		var n atomic.Int64
		reminderstest.Run(t, reminderstest.Harness{
			New: func(t *testing.T, s reminders.Schedule) reminders.Store {
				return reminders.NewRedis(client, s, reminders.Options{Prefix: "topo" + strconv.FormatInt(n.Add(1), 10)})
			},
		})
	})
}
