package store_test

import (
	"testing"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/redistest"
	"github.com/motcua/motcua/store/storetest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// TestRedisTopologies runs the conformance suite on a Redis Cluster and on
// a master named by Sentinel, as TestRedis does on one node.
func TestRedisTopologies(t *testing.T) {
	redistest.Topologies(t, func(t *testing.T, top redistest.Topology) {
		client := top.Client(t)
		storetest.Run(t, storetest.Harness{
			New: func(t *testing.T) store.Conversations {
				return store.NewRedis(client, store.Options{Prefix: "topo"})
			},
		})
	})
}
