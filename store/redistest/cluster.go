package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Slots is how many hash slots a Redis Cluster has.
const Slots = 16384

// clusterNodeTimeout is how long a cluster node may not answer before the
// others take it for failed (and promote its replica): short, so that a
// failover test takes seconds.
const clusterNodeTimeout = 2 * time.Second

// ClusterOptions shape a test cluster.
type ClusterOptions struct {
	// Masters share the slots evenly; 3 when zero, the fewest Redis
	// Cluster accepts for a majority.
	Masters int
	// Replicas is the number of replicas of each master.
	Replicas int
}

// Cluster is a Redis Cluster of redis-server processes private to a test
// (StartCluster) or to a test binary (SharedCluster), on loopback.
type Cluster struct {
	masters  []*Server
	replicas []*Server
}

// StartCluster starts a Redis Cluster on loopback: opts.Masters masters
// holding the 16384 slots in equal ranges, each with opts.Replicas
// replicas; it waits until every node sees the cluster whole and stops
// it when the test ends. It is skipped (or fails, with CI=true) when
// redis-server is not installed.
func StartCluster(t testing.TB, opts ClusterOptions) *Cluster {
	t.Helper()
	c, err := newCluster(t.TempDir(), opts)
	if err != nil {
		fail(t, err)
	}
	t.Cleanup(c.stop)
	return c
}

// newCluster starts a cluster with its nodes' directories under dir. On
// an error, errNotStarted when a node did not start, the nodes started
// are stopped.
func newCluster(dir string, opts ClusterOptions) (*Cluster, error) {
	if opts.Masters == 0 {
		opts.Masters = 3
	}
	c := &Cluster{}
	n := opts.Masters * (1 + opts.Replicas)
	for i := range n {
		nodeDir := filepath.Join(dir, "node"+strconv.Itoa(i))
		if err := os.MkdirAll(nodeDir, 0o755); err != nil {
			c.stop()
			return nil, fmt.Errorf("%w: %w", errNotStarted, err)
		}
		s, err := launch(nodeDir, false, nil, []string{
			"--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(nodeDir, "nodes.conf"),
			"--cluster-node-timeout", strconv.Itoa(int(clusterNodeTimeout.Milliseconds())),
			// A replica syncs at once, not after Redis's 5 s wait for
			// others to share the transfer.
			"--repl-diskless-sync-delay", "0",
		})
		if err != nil {
			c.stop()
			return nil, err
		}
		if i < opts.Masters {
			c.masters = append(c.masters, s)
		} else {
			c.replicas = append(c.replicas, s)
		}
	}
	if err := c.form(); err != nil {
		c.stop()
		return nil, fmt.Errorf("form a cluster of %d masters and %d replicas each: %w", opts.Masters, opts.Replicas, err)
	}
	return c, nil
}

// form joins the started nodes into a cluster, within 30 s.
func (c *Cluster) form() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return FormCluster(ctx, addrsOf(c.masters), addrsOf(c.replicas))
}

// FormCluster joins redis-servers started with --cluster-enabled yes, on
// loopback, into one cluster, as redis-cli --cluster create does but
// without its one-second waits: a distinct config epoch per master, the
// 16384 slots in equal ranges over masters, MEET, then replica i follows
// master i modulo their number. It returns once every node says the
// cluster is ok, knows every node, and each replica is in sync. The load
// tool under bench uses it too.
func FormCluster(ctx context.Context, masters, replicas []string) error {
	if len(masters) == 0 {
		return fmt.Errorf("form a cluster: no masters")
	}
	nodes := append(append([]string(nil), masters...), replicas...)
	clients := make([]*redis.Client, len(nodes))
	for i, addr := range nodes {
		clients[i] = redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
		defer clients[i].Close()
	}
	ids := make([]string, len(nodes))
	for i, cl := range clients {
		id, err := cl.ClusterMyID(ctx).Result()
		if err != nil {
			return fmt.Errorf("CLUSTER MYID on %s: %w", nodes[i], err)
		}
		ids[i] = id
	}
	per := Slots / len(masters)
	for i := range masters {
		if err := clients[i].Do(ctx, "CLUSTER", "SET-CONFIG-EPOCH", i+1).Err(); err != nil {
			return fmt.Errorf("CLUSTER SET-CONFIG-EPOCH on %s: %w", nodes[i], err)
		}
		first, last := i*per, (i+1)*per-1
		if i == len(masters)-1 {
			last = Slots - 1
		}
		if err := clients[i].ClusterAddSlotsRange(ctx, first, last).Err(); err != nil {
			return fmt.Errorf("CLUSTER ADDSLOTSRANGE %d %d on %s: %w", first, last, nodes[i], err)
		}
	}
	for i := 1; i < len(nodes); i++ {
		host, port, err := net.SplitHostPort(nodes[i])
		if err != nil {
			return err
		}
		if err := clients[0].ClusterMeet(ctx, host, port).Err(); err != nil {
			return fmt.Errorf("CLUSTER MEET %s: %w", nodes[i], err)
		}
	}
	// A replica can follow only a master it knows.
	if err := poll(ctx, func() error { return knowsAll(ctx, clients) }); err != nil {
		return err
	}
	for i := range replicas {
		node := len(masters) + i
		if err := clients[node].ClusterReplicate(ctx, ids[i%len(masters)]).Err(); err != nil {
			return fmt.Errorf("CLUSTER REPLICATE on %s: %w", nodes[node], err)
		}
	}
	return poll(ctx, func() error {
		for i, cl := range clients {
			info, err := cl.ClusterInfo(ctx).Result()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_slots_ok:"+strconv.Itoa(Slots)) {
				return fmt.Errorf("%s: cluster not ok yet:\n%s", nodes[i], info)
			}
			if i >= len(masters) {
				repl, err := cl.Info(ctx, "replication").Result()
				if err != nil {
					return err
				}
				if !strings.Contains(repl, "master_link_status:up") {
					return fmt.Errorf("replica %s not in sync yet", nodes[i])
				}
			}
		}
		return knowsAll(ctx, clients)
	})
}

// knowsAll checks that each node's CLUSTER NODES lists every node, each
// with its role settled.
func knowsAll(ctx context.Context, clients []*redis.Client) error {
	for _, cl := range clients {
		nodes, err := cl.ClusterNodes(ctx).Result()
		if err != nil {
			return err
		}
		lines := strings.Split(strings.TrimSpace(nodes), "\n")
		if len(lines) != len(clients) || strings.Contains(nodes, "handshake") || strings.Contains(nodes, "noaddr") {
			return fmt.Errorf("%s knows %d of %d nodes:\n%s", cl.Options().Addr, len(lines), len(clients), nodes)
		}
	}
	return nil
}

// poll calls try every pollEvery until it succeeds or ctx ends, and then
// returns its last error.
func poll(ctx context.Context, try func() error) error {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		err := try()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w; last: %w", ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// nodes are the masters then the replicas, as started.
func (c *Cluster) nodes() []*Server {
	return append(append([]*Server(nil), c.masters...), c.replicas...)
}

// stop kills every node.
func (c *Cluster) stop() {
	for _, s := range c.nodes() {
		s.shutdown()
	}
}

// Addrs returns the masters' addresses as they were started, to seed a
// client.
func (c *Cluster) Addrs() []string { return addrsOf(c.masters) }

// Masters returns the nodes started as masters, and Replicas those started
// as replicas; a failover may since have swapped some.
func (c *Cluster) Masters() []*Server  { return append([]*Server(nil), c.masters...) }
func (c *Cluster) Replicas() []*Server { return append([]*Server(nil), c.replicas...) }

// Options returns client options for the cluster: its seed addresses and
// short timeouts, for a test to adjust.
func (c *Cluster) Options() *redis.ClusterOptions {
	return &redis.ClusterOptions{Addrs: c.Addrs(), DialTimeout: 2 * time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second}
}

// Client returns a cluster client, closed when the test ends.
func (c *Cluster) Client(t testing.TB) *redis.ClusterClient {
	t.Helper()
	cl := redis.NewClusterClient(c.Options())
	t.Cleanup(func() { _ = cl.Close() })
	return cl
}
