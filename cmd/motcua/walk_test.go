package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/telegram/telegramtest"
)

// What a walker does: start the birth registration by its deep link, press
// the first choice of every question, type the birth date when a date is
// asked, until the bot's closing message (as bench/telegramload does).
const (
	birthStart = "/start khai-sinh"
	walkEnd    = "Muốn xem thêm, bạn chọn bên dưới."
	maxUpdates = 40
)

// walker drives citizens through motcua serve's webhook as Telegram does:
// a chat's next update once the previous one was answered 2xx; an update
// answered otherwise, or whose connection broke, is delivered again, the
// same update, after a pause that grows (Telegram's redelivery).
type walker struct {
	api          *telegramtest.Server
	hook, secret string
	date         string        // typed when a question has no choices
	think        time.Duration // a citizen's pause before each update
	nav          map[string]bool
	apologies    map[string]bool

	mu  sync.Mutex
	oks []time.Time // when each update was answered 2xx
}

func newWalker(api *telegramtest.Server, hook, secret, date string) *walker {
	msgs := bot.DefaultMessages()
	return &walker{
		api: api, hook: hook, secret: secret, date: date,
		nav:       map[string]bool{msgs.Back: true, msgs.Cancel: true, msgs.AskVolunteer: true},
		apologies: map[string]bool{msgs.StoreDown: true, msgs.InternalError: true},
	}
}

// walked is one citizen's walk.
type walked struct {
	chat         int64
	replies      []int // messages other than apologies for each update
	apologies    int   // "Xin lỗi…" messages: one per update the store refused
	redeliveries int   // deliveries answered other than 2xx, delivered again
	err          error // why the walk stopped before the end
}

// walk walks chat through the procedure.
func (w *walker) walk(ctx context.Context, chat int64) walked {
	out := walked{chat: chat}
	seen := len(w.api.SentTo(chat))
	upd := telegramtest.TextUpdate(chat, "private", chat, birthStart)
	for range maxUpdates {
		select {
		case <-ctx.Done():
			out.err = ctx.Err()
			return out
		case <-time.After(w.think):
		}
		again, err := w.deliver(ctx, upd)
		out.redeliveries += again
		if err != nil {
			out.err = fmt.Errorf("chat %d, update %d: %w", chat, upd.UpdateID, err)
			return out
		}
		// The webhook answers once the reply was sent.
		all := w.api.SentTo(chat)
		var got []telegramtest.Message
		for _, m := range all[seen:] {
			if w.apologies[m.Text] {
				out.apologies++
			} else {
				got = append(got, m)
			}
		}
		seen = len(all)
		out.replies = append(out.replies, len(got))
		if len(got) == 0 {
			out.err = fmt.Errorf("chat %d, update %d (the %dth): no reply", chat, upd.UpdateID, len(out.replies))
			return out
		}
		last := got[len(got)-1]
		if strings.Contains(last.Text, walkEnd) {
			return out
		}
		if data, ok := w.firstChoice(last); ok {
			upd = telegramtest.CallbackUpdate(chat, last.MessageID, chat, data)
		} else {
			upd = telegramtest.TextUpdate(chat, "private", chat, w.date)
		}
	}
	out.err = fmt.Errorf("chat %d: no closing message after %d updates", chat, maxUpdates)
	return out
}

// firstChoice is the callback data of the first button of m that is not
// back, cancel or asking a volunteer.
func (w *walker) firstChoice(m telegramtest.Message) (string, bool) {
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.CallbackData != "" && !w.nav[b.Text] {
				return b.CallbackData, true
			}
		}
	}
	return "", false
}

// deliver posts u until it is answered 2xx, and returns how many times it
// was delivered again.
func (w *walker) deliver(ctx context.Context, u tgbotapi.Update) (int, error) {
	pause := 100 * time.Millisecond
	for again := 0; ; again++ {
		resp, err := telegramtest.Deliver(ctx, w.hook, w.secret, u)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				w.mu.Lock()
				w.oks = append(w.oks, time.Now())
				w.mu.Unlock()
				return again, nil
			}
			if resp.StatusCode == http.StatusUnauthorized {
				return again, fmt.Errorf("the webhook answered %s", resp.Status)
			}
		}
		select {
		case <-ctx.Done():
			return again, fmt.Errorf("delivered %d times: %w", again+1, ctx.Err())
		case <-time.After(pause):
		}
		pause = min(2*pause, 2*time.Second)
	}
}

// answered is how many updates were answered 2xx.
func (w *walker) answered() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.oks)
}

// firstOKAfter is when the first update was answered 2xx after t.
func (w *walker) firstOKAfter(t time.Time) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ok := range w.oks {
		if ok.After(t) {
			return ok, true
		}
	}
	return time.Time{}, false
}

// walkAll walks chats first, first+1…, n of them at once, and returns
// their walks in order.
func (w *walker) walkAll(ctx context.Context, first int64, n int) []walked {
	out := make([]walked, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { out[i] = w.walk(ctx, first+int64(i)) })
	}
	wg.Wait()
	return out
}

// compare sets a walk against the reference walk: the updates beyond the
// reference's count (steps asked again) and the messages beyond its
// count for each update (replies sent twice).
func compare(ref, w walked) (reasked, duplicated int) {
	reasked = max(0, len(w.replies)-len(ref.replies))
	for i, n := range w.replies {
		if i < len(ref.replies) && n > ref.replies[i] {
			duplicated += n - ref.replies[i]
		}
	}
	return reasked, duplicated
}
