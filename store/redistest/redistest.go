// Package redistest starts a private redis-server for tests, so that no
// test ever connects to, writes to or flushes a Redis it did not start.
//
// Any package's tests may use it:
//
//	srv := redistest.Start(t)
//	client := srv.Client(t)
//
// When redis-server is not installed the test is skipped, or fails when the
// environment variable CI is "true", so that a CI machine without Redis
// cannot pass by skipping.
package redistest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	// startAttempts bounds the retries when another process takes the
	// free port between our probe and redis-server's bind.
	startAttempts = 5
	// readyWithin is how long redis-server may take to answer PING.
	readyWithin = 10 * time.Second
	// pollEvery is how often readiness is polled.
	pollEvery = 10 * time.Millisecond
)

// Server is a redis-server process private to one test.
type Server struct {
	bin     string
	dir     string
	port    int
	persist bool
	// lead and extra are arguments before and after the usual ones: a
	// sentinel's configuration file, cluster mode.
	lead, extra []string

	mu   sync.Mutex
	proc *process // nil while stopped
}

// process is one run of redis-server.
type process struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{} // closed when cmd.Wait returns
}

// Start runs redis-server on a free loopback port, without persistence,
// waits until it answers PING and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, false)
}

// StartPersistent is Start with every write on disk before it is
// acknowledged (append-only file, fsync always), so that the data survives
// Stop and Restart: an outage, not a loss.
func StartPersistent(t testing.TB) *Server {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, persist bool) *Server {
	t.Helper()
	s, err := launch(t.TempDir(), persist, nil, nil)
	if err != nil {
		unavailable(t, "redistest: %v", err)
	}
	t.Cleanup(s.shutdown)
	return s
}

// launch runs redis-server in dir on a free loopback port, with lead
// before the usual arguments and extra after them, and waits until it
// answers PING. It tries another port when one is taken between the probe
// and the bind. Its errors are errNotStarted.
func launch(dir string, persist bool, lead, extra []string) (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("%w: redis-server is not on PATH (%w); install it with: apt-get install redis-server", errNotStarted, err)
	}
	s := &Server{bin: bin, dir: dir, persist: persist, lead: lead, extra: extra}
	var errs []error
	for range startAttempts {
		port, err := freePort()
		if err != nil {
			return nil, fmt.Errorf("%w: find a free port: %w", errNotStarted, err)
		}
		s.port = port
		if err := s.start(); err != nil {
			errs = append(errs, err)
			continue
		}
		return s, nil
	}
	return nil, fmt.Errorf("%w: redis-server did not start (install it with: apt-get install redis-server): %w", errNotStarted, errors.Join(errs...))
}

// Addr returns the server's address, host:port.
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// addrsOf returns the servers' addresses, in order.
func addrsOf(servers []*Server) []string {
	var addrs []string
	for _, s := range servers {
		addrs = append(addrs, s.Addr())
	}
	return addrs
}

// Client returns a client of the server, closed when the test ends.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr()})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Stop kills the server, as a crash would, and waits for it to exit.
// Clients see refused connections until Restart.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	s.shutdown()
}

// Restart starts the server again on the same port: empty, or with its data
// when started by StartPersistent.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.shutdown()
	if err := s.start(); err != nil {
		t.Fatalf("redistest: restart on port %d: %v", s.port, err)
	}
}

// start runs redis-server on s.port and waits until it answers PING.
func (s *Server) start() error {
	out := &syncBuffer{}
	aof := []string{"--appendonly", "no"}
	if s.persist {
		aof = []string{"--appendonly", "yes", "--appendfsync", "always"}
	}
	args := append(append([]string(nil), s.lead...),
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--dir", s.dir,
		"--loglevel", "warning",
	)
	args = append(append(args, aof...), s.extra...)
	cmd := exec.Command(s.bin, args...)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	p := &process{cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	if err := waitReady(s.Addr(), cmd.Process.Pid, p.exited); err != nil {
		p.kill()
		return fmt.Errorf("redis-server on port %d: %w; its output: %q", s.port, err, out.String())
	}
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	return nil
}

// shutdown kills the running process, if any, and waits for it.
func (s *Server) shutdown() {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p != nil {
		p.kill()
	}
}

// kill stops the process and waits until it has exited.
func (p *process) kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// waitReady polls addr until the redis-server with process id pid answers
// PING, the process exits or readyWithin passes. Checking the process id
// makes sure that a server which took the port first is never mistaken for
// ours.
func waitReady(addr string, pid int, exited <-chan struct{}) error {
	deadline := time.NewTimer(readyWithin)
	defer deadline.Stop()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		got, loading, err := serverPID(addr)
		switch {
		case err == nil && got == pid && !loading:
			return nil
		case err == nil && got != pid:
			return fmt.Errorf("port answered by another redis-server (pid %d, ours is %d)", got, pid)
		case err == nil:
			err = errors.New("still loading its data")
		}
		select {
		case <-exited:
			return errors.New("exited before answering")
		case <-deadline.C:
			return fmt.Errorf("no answer within %v: %w", readyWithin, err)
		case <-tick.C:
		}
	}
}

// serverPID asks the Redis at addr for its process id, and whether it is
// still loading its data (a restart with persistence answers LOADING to
// commands meanwhile), by INFO over a fresh connection.
func serverPID(addr string) (pid int, loading bool, err error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return 0, false, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(time.Second)); err != nil {
		return 0, false, err
	}
	if _, err := conn.Write([]byte("INFO\r\n")); err != nil {
		return 0, false, err
	}
	r := bufio.NewReader(conn)
	head, err := r.ReadString('\n')
	if err != nil {
		return 0, false, err
	}
	if !strings.HasPrefix(head, "$") {
		return 0, false, fmt.Errorf("INFO answered %q", strings.TrimSpace(head))
	}
	n, err := strconv.Atoi(strings.TrimSpace(head[1:]))
	if err != nil {
		return 0, false, fmt.Errorf("INFO answered %q", strings.TrimSpace(head))
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return 0, false, err
	}
	pid = -1
	for line := range strings.Lines(string(body)) {
		if v, ok := strings.CutPrefix(line, "process_id:"); ok {
			if pid, err = strconv.Atoi(strings.TrimSpace(v)); err != nil {
				return 0, false, err
			}
		}
		if v, ok := strings.CutPrefix(line, "loading:"); ok {
			loading = strings.TrimSpace(v) != "0"
		}
	}
	if pid < 0 {
		return 0, false, errors.New("INFO has no process_id")
	}
	return pid, loading, nil
}

// freePort asks the kernel for a free loopback port. Another process may
// take it before redis-server binds; Start then tries another.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// errNotStarted marks a redis-server that could not be started (none
// installed, no port, no directory for it): a test is then unavailable.
// Servers that started but did not come together are a failure.
var errNotStarted = errors.New("start redis-server")

// fail ends a test whose servers could not be had: unavailable when one
// did not start (errNotStarted), a failure when they did but did not come
// together.
func fail(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, errNotStarted) {
		unavailable(t, "redistest: %v", err)
	}
	t.Fatalf("redistest: %v", err)
}

// unavailable ends a test that cannot get a Redis: a skip on a developer's
// machine, a failure in CI.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format+" (the test is skipped; with CI=true it fails)", args...)
}

// syncBuffer collects the server's output for error messages.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// UsedMemory reads INFO memory's used_memory: what the server holds, for
// benchmarks that measure the bytes an item takes.
func UsedMemory(tb testing.TB, client *redis.Client) int64 {
	tb.Helper()
	info, err := client.Info(context.Background(), "memory").Result()
	if err != nil {
		tb.Fatalf("INFO memory: %v", err)
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				tb.Fatalf("used_memory %q: %v", v, err)
			}
			return n
		}
	}
	tb.Fatal("INFO memory has no used_memory")
	return 0
}
