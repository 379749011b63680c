package main

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/reminders"
)

// fixedQuota is a channel with a number of messages left this month.
type fixedQuota int

func (q fixedQuota) QuotaLeft(context.Context) (int, bool, error) { return int(q), true, nil }

// TestDeskPreviewCountsFamilies: a notice to the families with a BHYT
// reminder counts each family once, without those who stopped ordinary
// notices unless it is urgent, and without a terminal's reminder, which
// no channel reaches; Zalo's quota is checked against its share.
func TestDeskPreviewCountsFamilies(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, flows.Vietnam())
	ppl := people.NewMemory()
	rem := reminders.NewMemory(reminders.DefaultSchedule())
	for i, chat := range []string{"tg:1", "tg:2", "zl:3", "zl:4", "cli:root"} {
		for _, label := range []string{"Mẹ", "Bé"} { // two cards, one family
			r := reminders.Reminder{Chat: chat, ID: label[:1] + string(rune('a'+i)), Label: label, Expiry: flows.Date{Year: 2027, Month: 3, Day: 1}}
			if err := rem.Save(ctx, reminders.DefaultSchedule().Begin(r, now)); err != nil {
				t.Fatal(err)
			}
		}
		if people.IsChat(chat) {
			if err := ppl.Seen(ctx, chat, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := ppl.SetNotices(ctx, "tg:2", false); err != nil {
		t.Fatal(err)
	}
	d := &desk{people: ppl, reminders: rem, quotas: map[string]quota{"zl": fixedQuota(1)}, now: func() time.Time { return now }}
	for _, tc := range []struct {
		name   string
		urgent bool
		want   int
		zalo   int // Zalo's need, when its quota is short
	}{
		{"ordinary", false, 3, 2},
		{"urgent", true, 4, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := d.Preview(ctx, bot.NoticeDraft{Audience: bot.AudienceReminders, Urgent: tc.urgent, Text: "Hạn thẻ BHYT"})
			if err != nil {
				t.Fatal(err)
			}
			if p.Recipients != tc.want {
				t.Errorf("recipients = %d, want %d", p.Recipients, tc.want)
			}
			if len(p.Short) != 1 || p.Short[0] != (bot.QuotaShort{Channel: "zl", Left: 1, Need: tc.zalo}) {
				t.Errorf("short = %+v", p.Short)
			}
		})
	}
	// A Telegram photo reaches the Zalo families as words only.
	p, err := d.Preview(ctx, bot.NoticeDraft{Audience: bot.AudienceReminders, Text: "Hạn thẻ", Photo: &bot.Photo{ID: "tg:AgAC"}})
	if err != nil || p.TextOnly != 2 {
		t.Errorf("text only = %d, %v; want the 2 Zalo families", p.TextOnly, err)
	}
	if p, _ := d.Preview(ctx, bot.NoticeDraft{Audience: bot.AudienceReminders, Text: "Hạn thẻ", Photo: &bot.Photo{URL: "https://xa.example.vn/anh.jpg"}}); p.TextOnly != 0 {
		t.Errorf("a photo by URL goes everywhere; text only = %d", p.TextOnly)
	}
}

// limited is a channel's 429.
type limited struct{ wait time.Duration }

func (l limited) Error() string                      { return "429" }
func (l limited) RateLimited() (time.Duration, bool) { return l.wait, true }

// TestReportsWaitOutARateLimit: a progress report that meets the
// channel's limit goes again after the wait asked, up to three times.
func TestReportsWaitOutARateLimit(t *testing.T) {
	for _, tc := range []struct {
		name     string
		failures int
		calls    int
		ok       bool
	}{
		{"at once", 0, 1, true},
		{"after two 429s", 2, 3, true},
		{"given up after three", 5, 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			err := paced(context.Background(), func() error {
				calls++
				if calls <= tc.failures {
					return fmt.Errorf("post: %w", limited{time.Millisecond})
				}
				return nil
			})
			if calls != tc.calls || (err == nil) != tc.ok {
				t.Fatalf("%d calls, err %v; want %d calls, ok %v", calls, err, tc.calls, tc.ok)
			}
		})
	}
	if err := paced(context.Background(), func() error { return errors.New("400") }); err == nil {
		t.Fatal("another error was not returned")
	}
}
