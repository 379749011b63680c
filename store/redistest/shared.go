package redistest

import (
	"os"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
)

// One cluster and one sentinel set per test binary: starting them costs a
// second or two each, so the tests of a package share them, each under a
// key prefix of its own.
var shared struct {
	mu       sync.Mutex
	main     bool // Main is running the tests
	dir      string
	cluster  *Cluster
	sentinel *Sentinel
	// errors of a start that failed, given to every later caller.
	clusterErr, sentinelErr error
}

// Main runs a package's tests and then stops the cluster and the sentinel
// set they shared (SharedCluster, SharedSentinel). Call it from TestMain:
//
//	func TestMain(m *testing.M) { redistest.Main(m) }
func Main(m *testing.M) {
	shared.mu.Lock()
	shared.main = true
	shared.mu.Unlock()
	code := m.Run()
	shared.mu.Lock()
	if shared.cluster != nil {
		shared.cluster.stop()
	}
	if shared.sentinel != nil {
		shared.sentinel.stop()
	}
	if shared.dir != "" {
		_ = os.RemoveAll(shared.dir)
	}
	shared.mu.Unlock()
	os.Exit(code)
}

// sharedDir is the directory of the shared servers; the caller holds
// shared.mu.
func sharedDir(t testing.TB) string {
	t.Helper()
	if !shared.main {
		t.Fatal("redistest: shared servers need TestMain to call redistest.Main, which stops them")
	}
	if shared.dir == "" {
		dir, err := os.MkdirTemp("", "redistest-")
		if err != nil {
			t.Fatalf("redistest: %v", err)
		}
		shared.dir = dir
	}
	return shared.dir
}

// SharedCluster returns the test binary's Redis Cluster: three masters
// with one replica each, started by the first caller and stopped by Main.
// Tests sharing it keep apart by key prefix and must leave its nodes
// running.
func SharedCluster(t testing.TB) *Cluster {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.cluster == nil && shared.clusterErr == nil {
		shared.cluster, shared.clusterErr = newCluster(mkdir(t, sharedDir(t), "cluster"), ClusterOptions{Masters: 3, Replicas: 1})
	}
	if shared.clusterErr != nil {
		fail(t, shared.clusterErr)
	}
	return shared.cluster
}

// SharedSentinel returns the test binary's sentinel set, started by the
// first caller and stopped by Main. Tests sharing it keep apart by key
// prefix and must not kill its master: a failover test starts its own.
func SharedSentinel(t testing.TB) *Sentinel {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.sentinel == nil && shared.sentinelErr == nil {
		shared.sentinel, shared.sentinelErr = newSentinel(mkdir(t, sharedDir(t), "sentinel"))
	}
	if shared.sentinelErr != nil {
		fail(t, shared.sentinelErr)
	}
	return shared.sentinel
}

func mkdir(t testing.TB, parent, name string) string {
	t.Helper()
	dir, err := os.MkdirTemp(parent, name+"-")
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	return dir
}

// Topology is a Redis that is not one node: the test binary's cluster, or
// the master its sentinels name (the subtest's name says which).
type Topology struct {
	// Client returns a new client of it, closed when the test ends.
	Client func(t testing.TB) redis.UniversalClient
}

// Topologies runs f as a subtest on the shared cluster and on the shared
// sentinel set: with each package's tests on a single redis-server, the
// three topologies motcua runs on. The package's TestMain must call Main.
func Topologies(t *testing.T, f func(t *testing.T, top Topology)) {
	t.Helper()
	t.Run("cluster", func(t *testing.T) {
		c := SharedCluster(t)
		f(t, Topology{Client: func(t testing.TB) redis.UniversalClient { return c.Client(t) }})
	})
	t.Run("sentinel", func(t *testing.T) {
		s := SharedSentinel(t)
		f(t, Topology{Client: func(t testing.TB) redis.UniversalClient { return s.Client(t) }})
	})
}
