package main

import (
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	// The command name may hold spaces and parentheses.
	got, err := parseStat("4242 (mot cua) (x)) S 1 4242 4242 0 -1 4194560 900 0 0 0 123 45 0 0 20 0 9 0\n")
	if err != nil || got != 168*clockTick {
		t.Errorf("parseStat: %v, %v; want %v", got, err, 168*clockTick)
	}
}

func TestParseHWM(t *testing.T) {
	got, err := parseHWM("Name:\tmotcua\nVmPeak:\t 1 kB\nVmHWM:\t   28952 kB\nVmRSS:\t 2 kB\n")
	if err != nil || got != 28952<<10 {
		t.Errorf("parseHWM: %v, %v", got, err)
	}
}

func TestParseRedisInfo(t *testing.T) {
	info := "# Stats\r\ntotal_connections_received:3\r\ntotal_commands_processed:14\r\n" +
		"total_reads_processed:9\r\ntotal_writes_processed:8\r\n\r\n# Commandstats\r\n" +
		"cmdstat_get:calls=6,usec=3,usec_per_call=0.50,rejected_calls=0,failed_calls=0\r\n" +
		"cmdstat_evalsha:calls=2,usec=69,usec_per_call=34.50,rejected_calls=0,failed_calls=0\r\n" +
		"cmdstat_info:calls=4,usec=42,usec_per_call=10.50,rejected_calls=0,failed_calls=0\r\n"
	got, err := parseRedisInfo(info)
	want := redisCounts{calls: 8, processed: 10, writes: 8, reads: 9, conns: 3}
	if err != nil || got != want {
		t.Errorf("parseRedisInfo: %+v, %v; want %+v", got, err, want)
	}
}

func TestQuantile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i))
	}
	for q, want := range map[float64]time.Duration{0.5: 50, 0.99: 99, 1: 100, 0: 1} {
		if got := quantile(d, q); got != want {
			t.Errorf("quantile(%v) = %v, want %v", q, got, want)
		}
	}
}
