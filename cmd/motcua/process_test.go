package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// asMotcua, set to "1" in its environment, makes the test binary run
// motcua's main instead of the tests, with the arguments after "--" when
// there is one: the fault tests start `motcua serve` as a process of its
// own, to kill it as a crash would, and the terminal tests `motcua chat`,
// so that Ctrl-C and SIGTERM reach a real process.
const asMotcua = "MOTCUA_TEST_RUN_AS_MOTCUA"

func TestMain(m *testing.M) {
	if os.Getenv(asMotcua) == "1" {
		for i, a := range os.Args {
			if a == "--" {
				os.Args = append([]string{"motcua"}, os.Args[i+1:]...)
				break
			}
		}
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// proc is `motcua serve` running as a process of its own.
type proc struct {
	cmd    *exec.Cmd
	logs   *syncBuffer
	exited chan struct{}
	// addr is its http.listen.
	addr string
}

// startProc runs `motcua serve` with vars as its only MOTCUA_ variables
// (none of the test's environment leaks in), waits until /healthz answers,
// and stops it (SIGTERM, then SIGKILL) when the test ends; its logs are
// shown when the test failed.
func startProc(t *testing.T, vars map[string]string) *proc {
	t.Helper()
	p := &proc{logs: &syncBuffer{}, exited: make(chan struct{}), addr: vars["MOTCUA_HTTP_LISTEN"]}
	if p.addr == "" {
		t.Fatal("startProc: MOTCUA_HTTP_LISTEN is needed, to know when it is up")
	}
	env := []string{asMotcua + "=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MOTCUA_") {
			env = append(env, kv)
		}
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	p.cmd = exec.Command(os.Args[0], "serve")
	p.cmd.Env = env
	p.cmd.Stdout = p.logs
	p.cmd.Stderr = p.logs
	p.cmd.SysProcAttr = childProcAttr()
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start motcua serve: %v", err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("logs of motcua serve on %s:\n%s", p.addr, p.logs.String())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.addr+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("motcua serve exited before it answered /healthz:\n%s", p.logs.String())
		case <-ctx.Done():
			t.Fatalf("motcua serve did not answer /healthz within 30 s:\n%s", p.logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// kill ends the process at once (SIGKILL): a crash, nothing finished.
func (p *proc) kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// stop asks the process to finish (SIGTERM) and waits, killing it after
// a while.
func (p *proc) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		p.kill()
	}
}

// url is the address of path on the process.
func (p *proc) url(path string) string { return fmt.Sprintf("http://%s%s", p.addr, path) }

// metricSum is the sum, on p's /metrics, of the samples of series (its
// name, without labels) whose line holds contains: a counter over all
// its labels, or those of one ("" for all).
func metricSum(t *testing.T, p *proc, series, contains string) float64 {
	t.Helper()
	sum := 0.0
	for line := range strings.Lines(waitHTTP(t, p.url("/metrics"), http.StatusOK)) {
		f := strings.Fields(line)
		if len(f) != 2 || !strings.Contains(line, contains) {
			continue // a comment, or another label
		}
		if name, _, _ := strings.Cut(f[0], "{"); name == series {
			v, _ := strconv.ParseFloat(f[1], 64)
			sum += v
		}
	}
	return sum
}
