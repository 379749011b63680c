// Command telegramload measures `motcua serve` under load, end to end: the
// real binary in webhook mode, a private redis-server, and the fake Bot API
// of bot/telegram/telegramtest, all on loopback. Simulated citizens walk the
// birth registration through webhook deliveries; the tool reports
// throughput, latency, the bot's CPU and memory and its Redis round trips
// per update, and fails when an update got no reply or too many.
//
//	go run ./bench/telegramload [-users 2000] [-concurrency 32] [-topology single|cluster] [-timeout 5m] [-perf FILE] [-bot BINARY]
//
// See bench/README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
)

const (
	token  = "123456:LOAD-token"
	secret = "load_webhook-secret"
	// Chats: the reference walk, the warm-up, then the citizens measured.
	refChat   = 1
	warmChat  = 10_000
	firstChat = 100_000
)

// Targets the figures are compared with.
const (
	targetCPU        = 0.11 // ms of bot CPU per update
	targetP99        = 8 * time.Millisecond
	targetRSS        = 32 << 20
	targetRoundTrips = 2.0
	// connRoundTrips is what go-redis spends opening a connection.
	connRoundTrips = 2
)

type options struct {
	users, concurrency int
	timeout            time.Duration
	perf, bot          string
	topology           string // single or cluster
}

func main() {
	var o options
	flag.IntVar(&o.users, "users", 2000, "citizens, each walking the birth registration")
	flag.IntVar(&o.concurrency, "concurrency", 32, "citizens in flight at once")
	flag.DurationVar(&o.timeout, "timeout", 5*time.Minute, "bound on the whole run, build included")
	flag.StringVar(&o.perf, "perf", "", "record a CPU profile of the bot during the load with `perf record -g` into this file")
	flag.StringVar(&o.bot, "bot", "", "run this motcua binary instead of building ./cmd/motcua")
	flag.StringVar(&o.topology, "topology", "single", "Redis as one node (single) or a cluster of three masters (cluster)")
	flag.Parse()
	if o.users < 1 || o.concurrency < 1 || flag.NArg() > 0 || (o.topology != "single" && o.topology != "cluster") {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithTimeoutCause(ctx, o.timeout, fmt.Errorf("timed out after %v (-timeout)", o.timeout))
	err := run(ctx, o, os.Stdout)
	cancel()
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "telegramload: FAIL:", err)
		os.Exit(1)
	}
}

// run sets everything up, runs the load and reports; everything it started
// is stopped and removed when it returns.
func run(ctx context.Context, o options, out io.Writer) error {
	tmp, err := os.MkdirTemp("", "telegramload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin, err := filepath.Abs(o.bot) // the bot runs in tmp
	if o.bot == "" {
		var root string
		if root, err = moduleRoot(ctx); err == nil {
			bin, err = buildBot(ctx, root, tmp)
		}
	}
	if err != nil {
		return err
	}

	nodes, addrs, err := startRedisNodes(ctx, tmp, o.topology)
	if err != nil {
		return err
	}
	defer stopAll(nodes)
	// One client a node, to read its counters.
	var rdbs []*redis.Client
	for _, a := range addrs {
		rdb := redis.NewClient(&redis.Options{Addr: a, PoolSize: 1})
		defer rdb.Close()
		rdbs = append(rdbs, rdb)
	}
	redisEnv := "MOTCUA_REDIS_URL=redis://" + addrs[0] + "/0"
	if o.topology == "cluster" {
		redisEnv = "MOTCUA_REDIS_ADDRS=" + strings.Join(addrs, ",")
	}

	// History is kept: DiscardHistory would keep only global counts, and
	// the walks need each chat's replies (read by id with Current, so the
	// cost does not grow with the history).
	api := telegramtest.NewServer(token)
	defer api.Close()

	port, err := freePort()
	if err != nil {
		return err
	}
	listen := "127.0.0.1:" + strconv.Itoa(port)
	botProc, err := startBot(bin, tmp, []string{
		"MOTCUA_TELEGRAM_TOKEN=" + token,
		"MOTCUA_TELEGRAM_API_URL=" + api.URL(),
		"MOTCUA_TELEGRAM_WEBHOOK_URL=https://" + listen + "/tg",
		"MOTCUA_TELEGRAM_WEBHOOK_SECRET=" + secret,
		"MOTCUA_HTTP_LISTEN=" + listen,
		redisEnv,
		"MOTCUA_LOG_LEVEL=warn",
		"MOTCUA_LOG_FORMAT=json",
		// A citizen here sends her 11 updates back to back, faster than
		// anyone types: above a chat's flood limit (10 at once, then 1 a
		// second), which would drop the last. The limit stays on.
		"MOTCUA_UPDATES_CHAT_BURST=100",
	})
	if err != nil {
		return err
	}
	defer botProc.stop(10 * time.Second)
	if err := waitReady(ctx, botProc, "http://"+listen+"/readyz"); err != nil {
		return fmt.Errorf("%w%s", err, logTail(tmp))
	}

	l := newLoader(api, "http://"+listen+"/tg", secret, o.concurrency)
	ref := l.walk(ctx, refChat)
	if ref.err != nil {
		return fmt.Errorf("reference walk: %w%s", ref.err, logTail(tmp))
	}
	fmt.Fprintf(out, "motcua serve (pid %d) on %d CPUs, Redis %s (%d node(s)); each citizen sends %d updates, replies per update %v\n",
		botProc.pid(), runtime.NumCPU(), o.topology, len(nodes), len(ref.replies), ref.replies)
	// Warm up, so that the figures are those of a bot in its stride: its
	// pools of connections opened, its heap grown.
	warm := l.run(ctx, o.concurrency, o.concurrency, warmChat)

	stopPerf, err := startPerf(o.perf, botProc.pid())
	if err != nil {
		return err
	}
	defer stopPerf()
	before, err := snapshot(ctx, botProc.pid(), nodes, rdbs, api)
	if err != nil {
		return err
	}
	start := time.Now()
	walks := l.run(ctx, o.users, o.concurrency, firstChat)
	elapsed := time.Since(start)
	if err := context.Cause(ctx); err != nil {
		return err
	}
	after, err := snapshot(ctx, botProc.pid(), nodes, rdbs, api)
	if err != nil {
		return err
	}
	stopPerf()
	rss, err := peakRSS(strconv.Itoa(botProc.pid()))
	if err != nil {
		return err
	}

	problems, count := check(api, ref, append(warm, walks...))
	report(out, o, walks, elapsed, before, after, rss)
	if warnings := logLines(tmp); warnings > 0 {
		fmt.Fprintf(out, "the bot logged %d warnings or errors:%s\n", warnings, logTail(tmp))
	}
	if count > 0 {
		return fmt.Errorf("%d problem(s) with the replies:\n\t%s", count, strings.Join(problems, "\n\t"))
	}
	fmt.Fprintln(out, "OK: every update was answered 2xx with the expected replies")
	return nil
}

// measures are the counters read before and after the load.
type measures struct {
	botCPU, redisCPU, selfCPU, machineCPU time.Duration
	redis                                 redisCounts // summed over the nodes
	redisNodes                            int
	apiCalls                              int
}

func snapshot(ctx context.Context, botPID int, nodes []*child, rdbs []*redis.Client, api *telegramtest.Server) (measures, error) {
	m := measures{apiCalls: api.Stats().Requests, redisNodes: len(nodes)}
	var errs []error
	var err error
	m.botCPU, err = cpuTime(botPID)
	errs = append(errs, err)
	for _, n := range nodes {
		cpu, err := cpuTime(n.pid())
		m.redisCPU += cpu
		errs = append(errs, err)
	}
	m.selfCPU = selfCPU()
	m.machineCPU, err = machineCPU()
	errs = append(errs, err)
	for _, rdb := range rdbs {
		info, err := rdb.Info(ctx, "stats", "commandstats").Result()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c, err := parseRedisInfo(info)
		errs = append(errs, err)
		m.redis = m.redis.plus(c)
	}
	return m, errors.Join(errs...)
}

// report prints the figures and compares them with the targets.
func report(out io.Writer, o options, walks []walk, elapsed time.Duration, before, after measures, rss int64) {
	var lat []time.Duration
	for _, w := range walks {
		lat = append(lat, w.latencies...)
	}
	lat = sortDurations(lat)
	n := float64(len(lat))
	perUpdate := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / n }
	rc := after.redis.minus(before.redis)
	cpu := perUpdate(after.botCPU - before.botCPU)
	p99 := quantile(lat, 0.99)
	// Round trips of the updates: Redis's writes to clients, less the reply
	// to the tool's first INFO on each node and the opening of connections
	// by the bot's pool (go-redis: HELLO, then CLIENT SETINFO ×2
	// pipelined).
	roundTrips := float64(rc.writes-int64(before.redisNodes)-connRoundTrips*rc.conns) / n
	verdict := func(ok bool) string {
		if ok {
			return "PASS"
		}
		return "MISS"
	}

	fmt.Fprintf(out, "users %d, concurrency %d: %d updates in %.2f s = %.0f updates/s\n",
		o.users, o.concurrency, len(lat), elapsed.Seconds(), n/elapsed.Seconds())
	fmt.Fprintf(out, "latency, webhook request sent → its answer read (the bot answers once the reply is sent):\n")
	fmt.Fprintf(out, "                p50 %s  p90 %s  p99 %s  max %s\n", ms(quantile(lat, 0.5)), ms(quantile(lat, 0.9)), ms(p99), ms(quantile(lat, 1)))
	fmt.Fprintf(out, "bot CPU         %.3f ms/update (utime+stime %v)\n", cpu, after.botCPU-before.botCPU)
	fmt.Fprintf(out, "bot peak RSS    %.1f MiB (VmHWM)\n", float64(rss)/(1<<20))
	fmt.Fprintf(out, "Redis           %.3f round trips/update (total_writes_processed %d, of which %d open %d connections)\n",
		roundTrips, rc.writes, connRoundTrips*rc.conns, rc.conns)
	fmt.Fprintf(out, "                %.2f commands/update (commandstats calls; total_commands_processed %.2f):\n", float64(rc.calls)/n, float64(rc.processed)/n)
	fmt.Fprintf(out, "                each command of a pipeline and each redis.call of a script counts\n")
	fmt.Fprintf(out, "Bot API calls   %.2f/update\n", float64(after.apiCalls-before.apiCalls)/n)
	others := (after.machineCPU - before.machineCPU) - (after.botCPU - before.botCPU) - (after.redisCPU - before.redisCPU) - (after.selfCPU - before.selfCPU)
	fmt.Fprintf(out, "other CPU       redis-server (all nodes) %.3f ms/update, this tool (load + fake Bot API) %.3f ms/update,\n",
		perUpdate(after.redisCPU-before.redisCPU), perUpdate(after.selfCPU-before.selfCPU))
	fmt.Fprintf(out, "                the rest of the machine (other processes, interrupts) %.2f CPUs during the load\n", max(0, others.Seconds()/elapsed.Seconds()))
	if self, err := peakRSS("self"); err == nil {
		fmt.Fprintf(out, "tool peak RSS   %.0f MiB (the fake keeps every message)\n", float64(self)/(1<<20))
	}
	fmt.Fprintf(out, "targets:\n")
	fmt.Fprintf(out, "  %s bot CPU %.3f ms/update ≤ %.2f\n", verdict(cpu <= targetCPU), cpu, targetCPU)
	fmt.Fprintf(out, "  %s p99 %s ≤ %s\n", verdict(p99 <= targetP99), ms(p99), ms(targetP99))
	fmt.Fprintf(out, "  %s peak RSS %.1f MiB ≤ %d MiB\n", verdict(rss <= targetRSS), float64(rss)/(1<<20), targetRSS>>20)
	fmt.Fprintf(out, "  %s Redis %.3f round trips/update ≤ %.0f\n", verdict(roundTrips <= targetRoundTrips), roundTrips, targetRoundTrips)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// startPerf records the bot's stacks with perf until the function it
// returns is called; nothing when file is "".
func startPerf(file string, pid int) (func(), error) {
	if file == "" {
		return func() {}, nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("perf", "record", "-F", "999", "-g", "-o", abs, "-p", strconv.Itoa(pid))
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	c, err := startChild("perf", cmd)
	if err != nil {
		return nil, err
	}
	time.Sleep(500 * time.Millisecond) // perf attaches
	return sync.OnceFunc(func() {
		_ = c.cmd.Process.Signal(os.Interrupt) // perf writes its file on SIGINT
		select {
		case <-c.exited:
		case <-time.After(30 * time.Second):
			c.stop(time.Second)
		}
	}), nil
}

// logLines counts the lines the bot logged (level warn and up).
func logLines(dir string) int {
	b, _ := os.ReadFile(filepath.Join(dir, "bot.log"))
	return strings.Count(string(b), "\n")
}

// logTail is the end of the bot's log, for an error message.
func logTail(dir string) string {
	b, _ := os.ReadFile(filepath.Join(dir, "bot.log"))
	s := strings.TrimSpace(string(b))
	if s == "" {
		return ""
	}
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return "\nbot log:\n" + s
}
