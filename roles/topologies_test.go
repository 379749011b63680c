package roles_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/roles"
	"github.com/motcua/motcua/roles/rolestest"
	"github.com/motcua/motcua/store/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// TestRedisTopologies runs the conformance suite on a Redis Cluster and on
// a master named by Sentinel, as TestRedis does on one node.
func TestRedisTopologies(t *testing.T) {
	redistest.Topologies(t, func(t *testing.T, top redistest.Topology) {
		client := top.Client(t)
		var n atomic.Int64
		rolestest.Run(t, rolestest.Harness{
			New: func(t *testing.T, o roles.Options) roles.Store {
				o.Prefix = "topo" + strconv.FormatInt(n.Add(1), 10)
				return roles.NewRedis(client, o)
			},
		})
	})
}
