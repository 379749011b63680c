package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/telegram/telegramtest"
)

// What every simulated citizen does: start the birth registration by its
// deep link, press the first choice of every question, type the same birth
// date when a date is asked, until the bot's closing message.
const (
	startText = "/start khai-sinh"
	dateText  = "10/11/2026"
	endMarker = "Muốn xem thêm, bạn chọn bên dưới."
	// maxSteps ends a walk that goes round in circles.
	maxSteps = 40
)

// loader walks citizens through the bot by webhook and reads the bot's
// replies back from the fake Bot API.
type loader struct {
	api    *telegramtest.Server
	hook   string // the bot's webhook, http://127.0.0.1:<port>/tg
	secret string
	client *http.Client
	nav    map[string]bool // labels of the back and cancel buttons, which are not choices
}

func newLoader(api *telegramtest.Server, hook, secret string, concurrency int) *loader {
	msgs := bot.DefaultMessages()
	return &loader{
		api: api, hook: hook, secret: secret,
		// telegramtest.Deliver uses http.DefaultClient, which keeps only two
		// idle connections per host: with more users in flight every request
		// would open a connection. Telegram keeps its webhook connections
		// open (up to max_connections, 40 by default), and so does this.
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency,
		}},
		nav: map[string]bool{msgs.Back: true, msgs.Cancel: true},
	}
}

// walk is one citizen's conversation.
type walk struct {
	chat      int64
	replies   []int           // messages the bot sent for each update, in order
	latencies []time.Duration // webhook request durations, in order
	next      int             // the next message id in the chat
	err       error           // why the walk stopped before the end
}

// walk runs one conversation, each update sent once its predecessor was
// answered, as Telegram does within a chat.
func (l *loader) walk(ctx context.Context, chat int64) walk {
	w := walk{chat: chat, next: 1}
	upd := telegramtest.TextUpdate(chat, "private", chat, startText)
	for step := 1; ; step++ {
		if step > maxSteps {
			w.err = fmt.Errorf("chat %d: no closing message after %d updates", chat, maxSteps)
			return w
		}
		d, err := l.deliver(ctx, upd)
		if err != nil {
			w.err = fmt.Errorf("chat %d, update %d (step %d): %w", chat, upd.UpdateID, step, err)
			return w
		}
		w.latencies = append(w.latencies, d)
		got := w.collect(l.api)
		w.replies = append(w.replies, len(got))
		if len(got) == 0 {
			w.err = fmt.Errorf("chat %d, update %d (step %d): no reply", chat, upd.UpdateID, step)
			return w
		}
		last := got[len(got)-1]
		data, isChoice := l.firstChoice(last)
		switch {
		case strings.Contains(last.Text, endMarker):
			return w
		case isChoice:
			upd = telegramtest.CallbackUpdate(chat, last.MessageID, chat, data)
		default:
			upd = telegramtest.TextUpdate(chat, "private", chat, dateText)
		}
	}
}

// collect returns the messages sent to the chat since the last collect.
// The fake numbers each chat's messages 1, 2, 3…, so they are found by id,
// at no cost growing with the number of messages recorded.
func (w *walk) collect(api *telegramtest.Server) []telegramtest.Message {
	var got []telegramtest.Message
	for {
		m, ok := api.Current(w.chat, w.next)
		if !ok {
			return got
		}
		got = append(got, m)
		w.next++
	}
}

// firstChoice is the callback data of the first button of m that is not
// back or cancel.
func (l *loader) firstChoice(m telegramtest.Message) (string, bool) {
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.CallbackData != "" && !l.nav[b.Text] {
				return b.CallbackData, true
			}
		}
	}
	return "", false
}

// deliver posts u to the webhook as Telegram does and returns the time
// from sending the request to reading the whole answer. The bot answers
// only once the reply was sent to the Bot API, so this is the time until
// the reply was recorded by the fake, plus one loopback answer.
func (l *loader) deliver(ctx context.Context, u tgbotapi.Update) (time.Duration, error) {
	body, err := json.Marshal(u)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.hook, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(telegramtest.SecretHeader, l.secret)
	start := time.Now()
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if resp.StatusCode/100 != 2 {
		return d, fmt.Errorf("webhook answered %s", resp.Status)
	}
	return d, nil
}

// run walks users citizens, concurrency of them at a time; citizen i
// writes from chat firstChat+i.
func (l *loader) run(ctx context.Context, users, concurrency int, firstChat int64) []walk {
	walks := make([]walk, users)
	todo := make(chan int)
	var wg sync.WaitGroup
	for range concurrency {
		wg.Go(func() {
			for i := range todo {
				walks[i] = l.walk(ctx, firstChat+int64(i))
			}
		})
	}
	for i := range users {
		todo <- i
	}
	close(todo)
	wg.Wait()
	return walks
}

// check compares every walk with the reference walk (one citizen alone
// before the load): the same updates, each with the same number of
// replies, and nothing sent after an update was answered. It returns the
// problems, the first few in full.
func check(api *telegramtest.Server, ref walk, walks []walk) (problems []string, count int) {
	report := func(format string, args ...any) {
		count++
		if len(problems) < 5 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	sent := sum(ref.replies)
	for i := range walks {
		w := &walks[i]
		sent += sum(w.replies)
		if w.err != nil {
			report("%v", w.err)
			continue
		}
		if !slices.Equal(w.replies, ref.replies) {
			report("chat %d: replies per update %v, expected %v%s", w.chat, w.replies, ref.replies, moreThan(w.replies, ref.replies))
		}
		if late := len(w.collect(api)); late > 0 {
			report("chat %d: %d messages sent after the webhook had answered", w.chat, late)
			sent += late
		}
	}
	if got := api.Stats().Sent; got != sent {
		report("the fake accepted %d messages, the walks saw %d", got, sent)
	}
	return problems, count
}

// moreThan says whether an update of got had more replies than the same
// update of want.
func moreThan(got, want []int) string {
	for i := range min(len(got), len(want)) {
		if got[i] > want[i] {
			return fmt.Sprintf(": step %d got more replies than expected", i+1)
		}
	}
	return ""
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
