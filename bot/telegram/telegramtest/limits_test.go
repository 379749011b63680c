package telegramtest_test

import (
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
)

// clock is a settable time for Server.Now, read from the server's
// goroutines.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestLimits(t *testing.T) {
	type send struct {
		after     time.Duration // clock advance before the send
		chat      int64
		wantRetry int // 0: sent
	}
	tests := []struct {
		name   string
		limits telegramtest.Limits
		sends  []send
	}{
		{
			name:   "per chat per second",
			limits: telegramtest.Limits{PerChatPerSecond: 1},
			sends: []send{
				{chat: 1}, {chat: 1, wantRetry: 1}, {chat: 2},
				{after: 999 * time.Millisecond, chat: 1, wantRetry: 1},
				{after: time.Millisecond, chat: 1},
			},
		},
		{
			name:   "per group per minute",
			limits: telegramtest.Limits{PerGroupPerMinute: 2},
			sends: []send{
				{chat: -5}, {chat: -5}, {chat: -5, wantRetry: 60}, {chat: 5}, {chat: 5}, {chat: 5},
				{after: 30 * time.Second, chat: -5, wantRetry: 30},
				{after: 30 * time.Second, chat: -5},
			},
		},
		{
			name:   "in all per second",
			limits: telegramtest.Limits{PerSecond: 2},
			sends: []send{
				{chat: 1}, {after: 500 * time.Millisecond, chat: 2}, {chat: 3, wantRetry: 1},
				{after: 500 * time.Millisecond, chat: 3}, {chat: 4, wantRetry: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{now: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
			srv := telegramtest.New(t, token)
			srv.Limits = tt.limits
			srv.Now = clk.Now
			api := newAPI(t, srv)
			wantSent, wantLimited := 0, 0
			for i, s := range tt.sends {
				clk.advance(s.after)
				_, err := api.Send(tgbotapi.NewMessage(s.chat, "a"))
				if s.wantRetry == 0 {
					wantSent++
					if err != nil {
						t.Errorf("send %d to %d: %v", i, s.chat, err)
					}
					continue
				}
				wantLimited++
				if e := apiError(t, err); e.Code != 429 || e.RetryAfter != s.wantRetry {
					t.Errorf("send %d to %d: %d retry after %d, want 429 retry after %d", i, s.chat, e.Code, e.RetryAfter, s.wantRetry)
				}
			}
			if st := srv.Stats(); st.Sent != wantSent || st.RateLimited != wantLimited {
				t.Errorf("Stats = %+v, want %d sent, %d rate limited", st, wantSent, wantLimited)
			}
		})
	}
}
