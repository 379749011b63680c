package people_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/store/redistest"
)

// BenchmarkMemoryPerPerson measures what Redis holds for a person, over
// 10,000 people: two in three on Telegram (ids of 10 digits), the others
// on Zalo (ids of 19 digits), three in four with a village among 12, one
// in ten who stopped notices. Run with -benchtime=1x; the figures go into
// the package doc.
func BenchmarkMemoryPerPerson(b *testing.B) {
	ctx := context.Background()
	client := redistest.Start(b).Client(b)
	const n = 10_000
	t0 := time.Date(2026, 7, 15, 9, 0, 0, 0, time.UTC)
	for b.Loop() {
		client.FlushAll(ctx) // the private server of this benchmark
		s := people.NewRedis(client, people.Options{})
		empty := redistest.UsedMemory(b, client)
		for i := range n {
			chat := "tg:" + strconv.Itoa(5_000_000_000+i)
			if i%3 == 2 {
				chat = "zl:" + strconv.Itoa(8_000_000_000_000_000_000+i)
			}
			must(b, s.Seen(ctx, chat, t0.Add(time.Duration(i)*time.Minute)))
			must(b, s.Seen(ctx, chat, t0.Add(time.Duration(i)*time.Minute+time.Hour)))
			if i%4 != 0 {
				must(b, s.SetVillage(ctx, chat, "thon-"+strconv.Itoa(i%12)))
			}
			if i%10 == 0 {
				must(b, s.SetNotices(ctx, chat, false))
			}
		}
		full := redistest.UsedMemory(b, client)
		b.ReportMetric(float64(full-empty)/n, "B/person")
		for _, k := range []string{"p", "all", "off", "v:thon-1"} {
			key := "mc:{people}:" + k
			u, err := client.MemoryUsage(ctx, key, 0).Result()
			must(b, err)
			enc, err := client.ObjectEncoding(ctx, key).Result()
			must(b, err)
			b.Logf("%s: %d bytes, %s", key, u, enc)
		}
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkStoppedCount counts, as the preview of a notice to the
// families with a BHYT reminder does, those of 10,000 chats who did not
// stop ordinary notices (one in ten did): asking Get for each chat, as
// before Stopped, and asking Stopped for 500 at a time.
func BenchmarkStoppedCount(b *testing.B) {
	ctx := context.Background()
	s := people.NewRedis(redistest.Start(b).Client(b), people.Options{})
	const n = 10_000
	chats := make([]string, n)
	for i := range chats {
		chats[i] = "tg:" + strconv.Itoa(5_000_000_000+i)
		must(b, s.Seen(ctx, chats[i], time.Unix(1700000000, 0)))
		if i%10 == 0 {
			must(b, s.SetNotices(ctx, chats[i], false))
		}
	}
	const want = n - n/10
	b.Run("get-per-chat", func(b *testing.B) {
		for b.Loop() {
			count := 0
			for _, c := range chats {
				p, ok, err := s.Get(ctx, c)
				must(b, err)
				if !ok || !p.NoNotices {
					count++
				}
			}
			if count != want {
				b.Fatalf("counted %d, want %d", count, want)
			}
		}
	})
	b.Run("stopped-per-500", func(b *testing.B) {
		for b.Loop() {
			count := 0
			for batch := range slices.Chunk(chats, 500) {
				off, err := s.Stopped(ctx, batch)
				must(b, err)
				for _, o := range off {
					if !o {
						count++
					}
				}
			}
			if count != want {
				b.Fatalf("counted %d, want %d", count, want)
			}
		}
	})
}
