package stats_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/stats"
	"github.com/motcua/motcua/store/redistest"
)

var benchDay = flows.Date{Year: 2026, Month: time.July, Day: 15}

// busyDay is a day of a commune with 20 procedures: each started and
// completed, given up at 3 steps, and the other figures: 104 fields.
func busyDay(i int) map[string]int64 {
	c := map[string]int64{stats.Asked: 4, "answered": 3, "notices": 250, "reminders": 12}
	for f := range 20 {
		flow := fmt.Sprintf("thu-tuc-%02d", f)
		c[stats.Started(flow)] = int64(5 + (i+f)%7)
		c[stats.Done(flow)] = int64(3 + (i+f)%4)
		for s := range 3 {
			c[stats.Quit(flow, fmt.Sprintf("buoc_%d", s))] = 1
		}
	}
	return c
}

// backends runs b on the memory store and on a private Redis.
func backends(b *testing.B, run func(b *testing.B, s stats.Store)) {
	b.Run("memory", func(b *testing.B) { run(b, stats.NewMemory()) })
	b.Run("redis", func(b *testing.B) {
		client := redistest.Start(b).Client(b)
		run(b, stats.NewRedis(client, stats.Options{}))
	})
}

// BenchmarkAdd adds what one citizen's message typically adds: a
// procedure started and a question asked.
func BenchmarkAdd(b *testing.B) {
	backends(b, func(b *testing.B, s stats.Store) {
		ctx := context.Background()
		c := map[string]int64{stats.Started("khai-sinh"): 1, stats.Asked: 1}
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Add(ctx, benchDay, c); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkActive records a person active, 10,000 people in turn.
func BenchmarkActive(b *testing.B) {
	backends(b, func(b *testing.B, s stats.Store) {
		ctx := context.Background()
		chats := make([]string, 10_000)
		for i := range chats {
			chats[i] = "tg:" + strconv.Itoa(5_000_000_000+i)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := s.Active(ctx, benchDay, chats[i%len(chats)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkDays reads 30 busy days, as /thongke does.
func BenchmarkDays(b *testing.B) {
	backends(b, func(b *testing.B, s stats.Store) {
		ctx := context.Background()
		from := benchDay.AddDays(-29)
		for i := range 30 {
			if err := s.Add(ctx, from.AddDays(i), busyDay(i)); err != nil {
				b.Fatal(err)
			}
			for p := range 300 {
				if err := s.Active(ctx, from.AddDays(i), "tg:"+strconv.Itoa(p+i)); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportAllocs()
		for b.Loop() {
			days, err := s.Days(ctx, from, benchDay)
			if err != nil || len(days) != 30 || len(days[0].Counts) != 104 {
				b.Fatalf("Days = %d days, %v", len(days), err)
			}
		}
	})
}

// BenchmarkMemoryPerDay measures what Redis holds for a day, over
// Retention busy days (104 fields, 300 people active): the hash, and the
// HyperLogLog of 300 people (sparse) and of 5,300 (dense, its largest). Run with -benchtime=1x; the figures go
// into the package doc.
func BenchmarkMemoryPerDay(b *testing.B) {
	ctx := context.Background()
	client := redistest.Start(b).Client(b)
	for b.Loop() {
		client.FlushAll(ctx) // the private server of this benchmark
		s := stats.NewRedis(client, stats.Options{})
		empty := redistest.UsedMemory(b, client)
		for i := range stats.Retention {
			day := benchDay.AddDays(-i)
			must(b, s.Add(ctx, day, busyDay(i)))
			for p := range 300 {
				must(b, s.Active(ctx, day, "tg:"+strconv.Itoa(5_000_000_000+p+i)))
			}
		}
		b.ReportMetric(float64(redistest.UsedMemory(b, client)-empty)/stats.Retention, "B/day")
		hash, err := client.MemoryUsage(ctx, "mc:{stats}:d:"+benchDay.ISO(), 0).Result()
		must(b, err)
		sparse, err := client.MemoryUsage(ctx, "mc:{stats}:a:"+benchDay.ISO(), 0).Result()
		must(b, err)
		for p := range 5000 {
			must(b, s.Active(ctx, benchDay, "tg:"+strconv.Itoa(6_000_000_000+p)))
		}
		dense, err := client.MemoryUsage(ctx, "mc:{stats}:a:"+benchDay.ISO(), 0).Result()
		must(b, err)
		enc, err := client.ObjectEncoding(ctx, "mc:{stats}:d:"+benchDay.ISO()).Result()
		must(b, err)
		b.ReportMetric(float64(hash), "B/hash")
		b.ReportMetric(float64(sparse), "B/hll300")
		b.ReportMetric(float64(dense), "B/hll5300")
		b.Logf("hash of 104 fields: %d bytes, %s; HyperLogLog of 300: %d bytes, of 5,300: %d", hash, enc, sparse, dense)
	}
}

// BenchmarkChart draws 30 busy days.
func BenchmarkChart(b *testing.B) {
	days := make([]stats.Day, 30)
	for i := range days {
		days[i] = stats.Day{Date: benchDay.AddDays(i - 29), Counts: busyDay(i), Active: 100 + 7*i}
	}
	labels := stats.ChartLabels{Title: "Hoạt động 30 ngày qua", Active: "Người dùng", Started: "Bắt đầu thủ tục", Done: "Hoàn thành", Asked: "Câu hỏi"}
	b.ReportAllocs()
	var size int
	for b.Loop() {
		png, err := stats.Chart(days, labels)
		if err != nil {
			b.Fatal(err)
		}
		size = len(png)
	}
	b.ReportMetric(float64(size), "B/png")
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
