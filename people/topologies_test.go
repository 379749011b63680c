package people_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/people/peopletest"
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
		peopletest.Run(t, peopletest.Harness{
			New: func(t *testing.T) people.Store {
				return people.NewRedis(client, people.Options{Prefix: "topo" + strconv.FormatInt(n.Add(1), 10)})
			},
		})
	})
}
