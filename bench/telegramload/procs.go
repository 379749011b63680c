package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/store/redistest"
)

// child is a process the tool started: redis-server or the bot. It is in
// its own process group, so that a Ctrl-C in the terminal reaches the tool
// only, and the tool stops it in order; Linux kills it if the tool dies
// without cleaning up.
type child struct {
	name   string
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has been waited for
	err    error         // how it exited, once exited is closed
}

func startChild(name string, cmd *exec.Cmd) (*child, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, exited: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// stop asks the process to end (SIGTERM), and kills it after grace.
func (c *child) stop(grace time.Duration) {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(grace):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// moduleRoot is the directory of the go.mod the tool is run in.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	mod := strings.TrimSpace(string(out))
	if err != nil || mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run from inside the motcua module (go env GOMOD: %q, %v)", mod, err)
	}
	return filepath.Dir(mod), nil
}

// buildBot builds ./cmd/motcua into dir.
func buildBot(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "motcua")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/motcua")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/motcua: %w\n%s", err, out)
	}
	return bin, nil
}

// freePort asks the kernel for a free loopback port. Another process may
// take it before our child binds it; the child then fails to start.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startRedis runs a private redis-server on a free loopback port, without
// persistence, in its own directory dir/name, with extra arguments, as
// store/redistest does for the tests. It never connects to another Redis:
// readiness is checked against the process id of the server it started.
func startRedis(ctx context.Context, dir, name string, extra ...string) (*child, string, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, "", fmt.Errorf("redis-server is not on PATH (apt-get install redis-server): %w", err)
	}
	rdir := filepath.Join(dir, name)
	if err := os.MkdirAll(rdir, 0o700); err != nil {
		return nil, "", err
	}
	var errs []error
	for range 3 {
		port, err := freePort()
		if err != nil {
			return nil, "", err
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		c, err := startChild("redis-server", exec.Command(bin, append([]string{
			"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", rdir, "--loglevel", "warning"}, extra...)...))
		if err != nil {
			return nil, "", err
		}
		if err := waitRedis(ctx, c, addr); err != nil {
			c.stop(time.Second)
			errs = append(errs, err)
			continue
		}
		return c, addr, nil
	}
	return nil, "", fmt.Errorf("redis-server did not start: %w", errors.Join(errs...))
}

// startRedisNodes starts the Redis of the topology: one redis-server, or
// three in cluster mode joined into a cluster of three masters without
// replicas (redistest.FormCluster), each holding a third of the slots.
func startRedisNodes(ctx context.Context, dir, topology string) ([]*child, []string, error) {
	if topology == "single" {
		c, addr, err := startRedis(ctx, dir, "redis")
		if err != nil {
			return nil, nil, err
		}
		return []*child{c}, []string{addr}, nil
	}
	var nodes []*child
	var addrs []string
	for i := range 3 {
		name := "redis" + strconv.Itoa(i)
		c, addr, err := startRedis(ctx, dir, name, "--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(dir, name, "nodes.conf"))
		if err != nil {
			stopAll(nodes)
			return nil, nil, err
		}
		nodes, addrs = append(nodes, c), append(addrs, addr)
	}
	formCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := redistest.FormCluster(formCtx, addrs, nil); err != nil {
		stopAll(nodes)
		return nil, nil, err
	}
	return nodes, addrs, nil
}

// stopAll stops the children, each with a second's grace.
func stopAll(cs []*child) {
	for _, c := range cs {
		c.stop(time.Second)
	}
}

// waitRedis waits until the redis-server c answers on addr with its own
// process id.
func waitRedis(ctx context.Context, c *child, addr string) error {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer rdb.Close()
	return poll(ctx, c, 10*time.Second, func() bool {
		info, err := rdb.Info(ctx, "server").Result()
		return err == nil && infoField(info, "process_id") == strconv.Itoa(c.pid())
	})
}

// startBot runs `motcua serve` in webhook mode with only the environment
// it needs, in dir (so that no config.yaml is read), its log in dir/bot.log.
func startBot(bin, dir string, env []string) (*child, error) {
	logFile, err := os.Create(filepath.Join(dir, "bot.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor
	cmd := exec.Command(bin, "serve")
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}, env...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	return startChild("motcua serve", cmd)
}

// waitReady waits until url answers 200.
func waitReady(ctx context.Context, c *child, url string) error {
	return poll(ctx, c, 20*time.Second, func() bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// poll checks ok every 10 ms until it holds, c exits, ctx ends or within
// passes.
func poll(ctx context.Context, c *child, within time.Duration, ok func() bool) error {
	deadline := time.After(within)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !ok() {
		select {
		case <-c.exited:
			return fmt.Errorf("%s exited before it was ready: %v", c.name, c.err)
		case <-deadline:
			return fmt.Errorf("%s not ready within %v", c.name, within)
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-tick.C:
		}
	}
	return nil
}
