package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTick is the unit of utime and stime in /proc/<pid>/stat (USER_HZ,
// 100 on every Linux port Go runs on).
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU (user + system) the process pid has used so far.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStat(string(b))
}

// parseStat reads utime and stime, fields 14 and 15 of /proc/<pid>/stat.
// The command name (field 2) may hold spaces, so fields are counted after
// its closing parenthesis.
func parseStat(s string) (time.Duration, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc stat: no command name in %q", s)
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc stat: %d fields", len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc stat: utime %q, stime %q", f[11], f[12])
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// machineCPU is the time all CPUs of the machine have spent busy: the
// first line of /proc/stat, less idle and iowait.
func machineCPU() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: %q", line)
	}
	var busy int64
	for i, v := range f[1:9] { // user nice system idle iowait irq softirq steal
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: %q", line)
		}
		if i != 3 && i != 4 {
			busy += n
		}
	}
	return time.Duration(busy) * clockTick, nil
}

// peakRSS is the process's high-water resident set (VmHWM), in bytes;
// "self" is the tool.
func peakRSS(pid string) (int64, error) {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0, err
	}
	return parseHWM(string(b))
}

func parseHWM(status string) (int64, error) {
	for line := range strings.Lines(status) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("/proc status: no VmHWM")
}

// selfCPU is the CPU the tool itself has used (load generator and fake Bot
// API), which the bot and Redis compete with on a small machine.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// infoField is one "key:value" line of an INFO answer.
func infoField(info, key string) string {
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// redisCounts are the counters read from INFO stats and commandstats.
type redisCounts struct {
	// calls is the sum of cmdstat_*:calls, our own INFO left out. Redis
	// counts every command: each one of a pipeline, and each redis.call
	// inside a script as well as the EVALSHA itself.
	calls int64
	// processed is total_commands_processed, our own INFO left out; it
	// counts as calls does.
	processed int64
	// writes is total_writes_processed: the times Redis wrote replies to a
	// client socket. A pipeline's replies go out in one write, a script's
	// in one, so it counts request/response exchanges: round trips.
	writes int64
	// reads is total_reads_processed: the times Redis read a client
	// socket, about one per round trip too.
	reads int64
	// conns is total_connections_received; opening one costs go-redis a
	// few round trips (HELLO, CLIENT SETINFO).
	conns int64
}

func (a redisCounts) plus(b redisCounts) redisCounts {
	return redisCounts{a.calls + b.calls, a.processed + b.processed, a.writes + b.writes, a.reads + b.reads, a.conns + b.conns}
}

func (a redisCounts) minus(b redisCounts) redisCounts {
	return redisCounts{a.calls - b.calls, a.processed - b.processed, a.writes - b.writes, a.reads - b.reads, a.conns - b.conns}
}

// parseRedisInfo reads an answer to INFO stats commandstats.
func parseRedisInfo(info string) (redisCounts, error) {
	var c redisCounts
	var infoCalls int64
	for line := range strings.Lines(info) {
		name, rest, ok := strings.Cut(strings.TrimPrefix(line, "cmdstat_"), ":calls=")
		if !ok || !strings.HasPrefix(line, "cmdstat_") {
			continue
		}
		n, err := strconv.ParseInt(strings.SplitN(rest, ",", 2)[0], 10, 64)
		if err != nil {
			return c, fmt.Errorf("INFO commandstats %q: %w", strings.TrimSpace(line), err)
		}
		if name == "info" {
			infoCalls = n
			continue
		}
		c.calls += n
	}
	for _, f := range []struct {
		key string
		to  *int64
	}{{"total_commands_processed", &c.processed}, {"total_writes_processed", &c.writes}, {"total_reads_processed", &c.reads},
		{"total_connections_received", &c.conns}} {
		n, err := strconv.ParseInt(infoField(info, f.key), 10, 64)
		if err != nil {
			return c, fmt.Errorf("INFO stats has no %s", f.key)
		}
		*f.to = n
	}
	c.processed -= infoCalls
	return c, nil
}

// quantile is the q-quantile (nearest rank) of sorted durations.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func sortDurations(d []time.Duration) []time.Duration {
	d = slices.Clone(d)
	slices.Sort(d)
	return d
}
