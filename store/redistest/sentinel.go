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

// MasterName is the name the sentinels of StartSentinel know the master by.
const MasterName = "motcua"

// sentinelDownAfter is how long the master may not answer before a
// sentinel takes it for down: short, so that a failover test takes
// seconds, not the half minute of Redis's default.
const sentinelDownAfter = time.Second

// Sentinel is a master, its replica and three sentinels watching them,
// redis-server processes private to a test (StartSentinel) or to a test
// binary (SharedSentinel), on loopback. The sentinels need two of three
// (a quorum of 2) to call the master down and fail over to the replica.
type Sentinel struct {
	data      []*Server // the master and the replica, as started
	sentinels []*Server
}

// StartSentinel starts a master, a replica following it and three
// sentinels, waits until each sentinel knows the replica and the other
// two (so that a failover can happen), and stops them when the test ends.
// It is skipped (or fails, with CI=true) when redis-server is not
// installed.
func StartSentinel(t testing.TB) *Sentinel {
	t.Helper()
	s, err := newSentinel(t.TempDir())
	if err != nil {
		fail(t, err)
	}
	t.Cleanup(s.stop)
	return s
}

// newSentinel starts the set with its directories under dir. On an
// error, errNotStarted when a process did not start, the processes
// started are stopped.
func newSentinel(dir string) (*Sentinel, error) {
	s := &Sentinel{}
	for i, role := range []string{"master", "replica"} {
		d := filepath.Join(dir, role)
		if err := os.MkdirAll(d, 0o755); err != nil {
			s.stop()
			return nil, fmt.Errorf("%w: %w", errNotStarted, err)
		}
		// The replica syncs at once, not after Redis's 5 s wait for others
		// to share the transfer.
		extra := []string{"--repl-diskless-sync-delay", "0"}
		if i > 0 {
			extra = append(extra, "--replicaof", "127.0.0.1", strconv.Itoa(s.data[0].port))
		}
		srv, err := launch(d, false, nil, extra)
		if err != nil {
			s.stop()
			return nil, err
		}
		s.data = append(s.data, srv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A sentinel learns of the replicas from the master's INFO, at once
	// when it connects and then every 10 s: the replica must be there
	// first.
	master := redis.NewClient(&redis.Options{Addr: s.data[0].Addr(), MaxRetries: -1})
	defer master.Close()
	if err := poll(ctx, func() error { return synced(ctx, master) }); err != nil {
		s.stop()
		return nil, fmt.Errorf("the replica did not sync: %w", err)
	}
	for i := range 3 {
		d := filepath.Join(dir, "sentinel"+strconv.Itoa(i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			s.stop()
			return nil, fmt.Errorf("%w: %w", errNotStarted, err)
		}
		conf := filepath.Join(d, "sentinel.conf")
		// The sentinel rewrites its file with what it learns.
		text := fmt.Sprintf("sentinel monitor %s 127.0.0.1 %d 2\n"+
			"sentinel down-after-milliseconds %s %d\n"+
			"sentinel failover-timeout %s 10000\n"+
			"sentinel parallel-syncs %s 1\n",
			MasterName, s.data[0].port, MasterName, sentinelDownAfter.Milliseconds(), MasterName, MasterName)
		if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
			s.stop()
			return nil, fmt.Errorf("%w: %w", errNotStarted, err)
		}
		srv, err := launch(d, false, []string{conf, "--sentinel"}, nil)
		if err != nil {
			s.stop()
			return nil, err
		}
		s.sentinels = append(s.sentinels, srv)
	}
	if err := poll(ctx, func() error { return s.watching(ctx) }); err != nil {
		s.stop()
		return nil, fmt.Errorf("the sentinels did not come together: %w", err)
	}
	return s, nil
}

// synced checks that the master has a replica online.
func synced(ctx context.Context, master *redis.Client) error {
	info, err := master.Info(ctx, "replication").Result()
	if err != nil {
		return err
	}
	if !strings.Contains(info, "connected_slaves:1") || !strings.Contains(info, "state=online") {
		return fmt.Errorf("the master has no replica online:\n%s", info)
	}
	return nil
}

// watching checks that every sentinel knows the master, its replica and
// the two other sentinels.
func (s *Sentinel) watching(ctx context.Context) error {
	for _, srv := range s.sentinels {
		sc := redis.NewSentinelClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1})
		m, err := sc.Master(ctx, MasterName).Result()
		sc.Close()
		if err != nil {
			return fmt.Errorf("sentinel %s: %w", srv.Addr(), err)
		}
		if m["num-slaves"] != "1" || m["num-other-sentinels"] != "2" || m["flags"] != "master" {
			return fmt.Errorf("sentinel %s sees %v", srv.Addr(), m)
		}
	}
	return nil
}

// stop kills every process.
func (s *Sentinel) stop() {
	for _, srv := range append(append([]*Server(nil), s.sentinels...), s.data...) {
		srv.shutdown()
	}
}

// Addrs returns the sentinels' addresses.
func (s *Sentinel) Addrs() []string { return addrsOf(s.sentinels) }

// Data returns the master and the replica as they were started (a
// failover may since have swapped them); Sentinels the sentinels.
func (s *Sentinel) Data() []*Server      { return append([]*Server(nil), s.data...) }
func (s *Sentinel) Sentinels() []*Server { return append([]*Server(nil), s.sentinels...) }

// Options returns client options for the master the sentinels name, with
// short timeouts, for a test to adjust.
func (s *Sentinel) Options() *redis.FailoverOptions {
	return &redis.FailoverOptions{
		MasterName: MasterName, SentinelAddrs: s.Addrs(),
		DialTimeout: 2 * time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second,
	}
}

// Client returns a client of the master the sentinels name, closed when
// the test ends.
func (s *Sentinel) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewFailoverClient(s.Options())
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Master asks the sentinels, in turn, for the master's address.
func (s *Sentinel) Master(ctx context.Context) (string, error) {
	var errs []string
	for _, srv := range s.sentinels {
		sc := redis.NewSentinelClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1})
		addr, err := sc.GetMasterAddrByName(ctx, MasterName).Result()
		sc.Close()
		if err == nil && len(addr) == 2 {
			return net.JoinHostPort(addr[0], addr[1]), nil
		}
		errs = append(errs, fmt.Sprintf("%s: %v", srv.Addr(), err))
	}
	return "", fmt.Errorf("no sentinel names the master: %s", strings.Join(errs, "; "))
}

// Server returns the data node (master or replica) at addr, or nil.
func (s *Sentinel) Server(addr string) *Server {
	for _, srv := range s.data {
		if srv.Addr() == addr {
			return srv
		}
	}
	return nil
}

// KillMaster kills the process the sentinels name as master, as a crash
// would (SIGKILL), and returns its address.
func (s *Sentinel) KillMaster(t testing.TB) string {
	t.Helper()
	addr, err := s.Master(context.Background())
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	srv := s.Server(addr)
	if srv == nil {
		t.Fatalf("redistest: the sentinels name %s, none of ours", addr)
	}
	srv.Stop(t)
	return addr
}
