package tickets_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/store/redistest"
	"github.com/motcua/motcua/tickets"
	"github.com/motcua/motcua/tickets/ticketstest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// TestRedisTopologies runs the conformance suite on a Redis Cluster and on
// a master named by Sentinel, as TestRedis does on one node.
func TestRedisTopologies(t *testing.T) {
	redistest.Topologies(t, func(t *testing.T, top redistest.Topology) {
		client := top.Client(t)
		var n atomic.Int64
		prefixes := make(map[tickets.Store]string)
		ticketstest.Run(t, ticketstest.Harness{
			New: func(t *testing.T, o tickets.Options) tickets.Store {
				o.Prefix = "topo" + strconv.FormatInt(n.Add(1), 10)
				s := tickets.NewRedis(client, o)
				prefixes[s] = o.Prefix
				return s
			},
			// A new client and a new store, as a restarted replica gets.
			Reopen: func(t *testing.T, s tickets.Store) tickets.Store {
				return tickets.NewRedis(top.Client(t), tickets.Options{Prefix: prefixes[s]})
			},
		})
	})
}
