package tickets_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/store/redistest"
	"github.com/motcua/motcua/tickets"
)

// BenchmarkMemoryPerTicket measures what Redis holds for a ticket: with
// its content (a question of 200 characters, answered and closed, two
// posts), and then, once the content is deleted, its figures alone; at
// 20 questions a day, a busy commune. Run with -benchtime=1x; the
// figures go into the package doc.
func BenchmarkMemoryPerTicket(b *testing.B) {
	client := redistest.Start(b).Client(b)
	const n = 5000
	q := string([]rune(strings.Repeat("Cho hỏi làm căn cước cho con cần gì? ", 6))[:200])
	for b.Loop() {
		client.FlushAll(ctx) // the private server of this benchmark
		s := tickets.NewRedis(client, tickets.Options{})
		empty := redistest.UsedMemory(b, client)
		for i := range n {
			chat := "tg:" + strconv.Itoa(5_000_000_000+i)
			created := t0.Add(time.Duration(i) * 72 * time.Minute)
			tk, err := s.Create(ctx, tickets.Ticket{Chat: chat, Name: "Nguyễn Thị Lan", Question: q, Village: "Thôn " + strconv.Itoa(i%12), Created: created})
			must(b, err)
			must(b, s.SetPost(ctx, tk.ID, "tg:-1001234567890:"+strconv.Itoa(2*i)))
			must(b, s.SetPost(ctx, tk.ID, "tg:-1001234567890:"+strconv.Itoa(2*i+1)))
			must(b, errOf(s.Claim(ctx, tk.ID, "tg:6123456789", "Trần Văn Nam", created.Add(7*time.Minute))))
			must(b, errOf(s.Answered(ctx, tk.ID, created.Add(15*time.Minute))))
			must(b, errOf(s.Close(ctx, tk.ID, created.Add(time.Hour))))
		}
		full := redistest.UsedMemory(b, client)
		for {
			k, err := s.Purge(ctx, t0.AddDate(1, 0, 0))
			must(b, err)
			if k == 0 {
				break
			}
		}
		figures := redistest.UsedMemory(b, client)
		b.ReportMetric(float64(full-empty)/n, "B/ticket")
		b.ReportMetric(float64(figures-empty)/n, "B-figures/ticket")
	}
}
