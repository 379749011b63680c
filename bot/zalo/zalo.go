package zalo

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/channel"
	"github.com/motcua/motcua/store"
)

// Handler answers updates; *bot.Service is one. Handle returns the reply
// to deliver, and an error matching bot.ErrTryLater when the update must
// be tried again; Delivered learns how many of the reply's messages got
// through, so that the next try sends the rest.
type Handler interface {
	Handle(ctx context.Context, u bot.Update) (bot.Reply, error)
	Delivered(ctx context.Context, u bot.Update, r bot.Reply, sent int) error
}

// Options configures a Bot.
type Options struct {
	// Token is the bot's token, "<bot_id>:<secret>".
	Token string
	// APIURL is the Bot Platform server (DefaultAPIURL when empty).
	APIURL string
	// Timeout bounds each call to the Bot Platform other than a long poll
	// (10 s when zero).
	Timeout time.Duration
	// Workers bound the updates handled at once, of different chats
	// (channel.DefaultWorkers when zero).
	Workers int
	// Deadline bounds one try at an update, reply sent
	// (channel.DefaultDeadline when zero); the bot tries again after it.
	Deadline time.Duration
	// ChatRate and ChatBurst bound how fast one chat's updates are taken
	// (see channel.DispatchOptions); an update over them is dropped, the
	// first of a burst answered with TooFast. ChatRate zero: no bound.
	ChatRate  float64
	ChatBurst int
	TooFast   string
	Logger    *slog.Logger
	// Metrics, from NewMetrics, counts what the channel does (nothing when
	// nil).
	Metrics *Metrics
	// MentionNames are the names the bot is mentioned by in groups
	// ("@Trợ lý Một Cửa"), besides those getMe reports: Zalo puts the
	// display name inline, and getMe may report only the account name.
	MentionNames []string
	// ChatLink, when set, is shown after a line inviting a citizen to
	// message the bot privately (a group's "Nhắn riêng…"): the bot's link
	// or QR page as the commune publishes it. Zalo documents no link that
	// opens a chat with a bot, so none is made up.
	ChatLink string
	// Wait pauses between retries (a timer when nil); tests replace it.
	Wait func(ctx context.Context, d time.Duration) error
}

// DefaultAPIURL is Zalo's Bot Platform server.
const DefaultAPIURL = "https://bot-api.zaloplatforms.com"

// chatPrefix names Zalo's chats and users across channels.
const chatPrefix = "zl:"

// pollTimeout is how long one getUpdates waits for an update.
const pollTimeout = 30 * time.Second

// Bot is motcua on Zalo: it turns updates into calls of the service and
// replies into plain-text messages.
type Bot struct {
	api      *client
	svc      Handler
	id       string
	names    []string
	chatLink string
	timeout  time.Duration
	log      *slog.Logger
	metrics  *Metrics
	wait     func(ctx context.Context, d time.Duration) error
	deadline time.Duration
	tooFast  string
	// disp queues updates and returns at once: nothing can be handed
	// back to Zalo, so run keeps an update until it is handled, in the
	// dispatcher's context, apart from the request or poll that brought it.
	disp *channel.Dispatcher[update]
}

// New connects to the Bot Platform (getMe, which checks the token and
// tells the bot's own id) and returns a bot that hands updates to svc.
// Close stops its workers.
func New(ctx context.Context, svc Handler, opts Options) (*Bot, error) {
	if opts.Token == "" {
		return nil, errors.New("zalo: no token")
	}
	b := &Bot{
		svc:      svc,
		chatLink: opts.ChatLink,
		timeout:  opts.Timeout,
		log:      opts.Logger,
		metrics:  opts.Metrics,
		wait:     opts.Wait,
		deadline: cmp.Or(opts.Deadline, channel.DefaultDeadline),
		tooFast:  opts.TooFast,
	}
	if b.timeout <= 0 {
		b.timeout = channel.DefaultTimeout
	}
	if b.log == nil {
		b.log = slog.Default()
	}
	if b.wait == nil {
		b.wait = channel.Sleep
	}
	apiURL := strings.TrimRight(opts.APIURL, "/")
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = channel.DefaultWorkers
	}
	b.api = &client{base: apiURL, token: opts.Token, http: channel.HTTPClient(workers, pollTimeout+b.timeout)}

	res, err := b.api.call(ctx, b.timeout, "getMe", struct{}{})
	if err != nil {
		return nil, fmt.Errorf("zalo: connect to %s: %w", apiURL, err)
	}
	var me struct {
		ID          json.RawMessage `json:"id"`
		AccountName string          `json:"account_name"`
		Name        string          `json:"name"`
		DisplayName string          `json:"display_name"`
	}
	if err := json.Unmarshal(res, &me); err != nil {
		return nil, fmt.Errorf("zalo: connect to %s: undecodable getMe: %w", apiURL, err)
	}
	b.id = rawString(me.ID)
	for _, n := range append([]string{me.DisplayName, me.Name, me.AccountName}, opts.MentionNames...) {
		if n = strings.TrimSpace(strings.TrimPrefix(n, "@")); n != "" {
			b.names = append(b.names, n)
		}
	}
	b.disp = channel.NewDispatcher(channel.DispatchOptions[update]{
		Workers: workers, QueueLen: queueLen, Rate: opts.ChatRate, Burst: opts.ChatBurst,
		ID: func(u update) string {
			if u.Message == nil {
				return ""
			}
			return u.Message.MessageID
		},
	}, func(ctx context.Context, u update) error {
		b.run(ctx, u)
		return nil
	})
	return b, nil
}

// ID is the bot's own Zalo id, as getMe reported it.
func (b *Bot) ID() string { return b.id }

// Close takes no more updates and stops the workers once the updates they
// hold are handled. When ctx ends first, updates still waiting for the
// store are given up and Close returns ctx's error.
func (b *Bot) Close(ctx context.Context) error { return b.disp.Close(ctx) }

// run handles one update until it is handled: it converts it, asks the
// service, sends the reply and tells the service how much got through.
// Zalo hands an update out once, so when the store is unreachable, or a
// message cannot be sent for now, it is tried again here, with backoff,
// each try within the deadline, until it is done or the bot shuts down;
// a try after a partial send sends the rest. The citizen gets one apology
// while the store is unreachable, at the first failure. ctx ends when
// Close gives up waiting.
func (b *Bot) run(ctx context.Context, upd update) {
	u, chatID, kind := b.convert(upd)
	b.metrics.Update(kind)
	if kind == kindIgnored {
		return
	}
	log := b.log.With("update", u.ID)
	apologized := false
	for attempt := 0; ; attempt++ {
		done, err := b.try(ctx, u, chatID, &apologized)
		if done {
			return
		}
		log.Warn("zalo: the update will be tried again", "attempt", attempt+1, "err", err)
		if b.wait(ctx, channel.Backoff(min(attempt+1, 6))) != nil {
			log.Warn("zalo: shutting down; update given up before its reply got through")
			return
		}
	}
}

// try makes one try at an update, within the deadline, and reports whether
// it is done with.
func (b *Bot) try(ctx context.Context, u bot.Update, chatID string, apologized *bool) (bool, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, b.deadline)
	defer cancel()
	reply, err := b.svc.Handle(ctx, u)
	if errors.Is(err, bot.ErrTryLater) {
		if errors.Is(err, store.ErrUnavailable) {
			b.metrics.StoreError()
			if !*apologized {
				b.deliver(ctx, chatID, reply)
				*apologized = true
			}
		}
		return false, err
	}
	if err != nil {
		b.log.Error("zalo: handle update", "update", u.ID, "err", err)
	}
	sent, derr := b.deliver(ctx, chatID, reply)
	rec, cancelRec := context.WithTimeout(context.WithoutCancel(ctx), b.timeout)
	defer cancelRec()
	if err := b.svc.Delivered(rec, u, reply, sent); err != nil {
		b.log.Warn("zalo: record a delivered reply", "update", u.ID, "err", err)
	}
	if derr != nil {
		return false, fmt.Errorf("%d of %d messages sent: %w", sent, len(reply.Messages), derr)
	}
	b.metrics.Handled(time.Since(start))
	return true, nil
}

// deliver sends a reply, message after message, in order; a message To
// another chat goes there. It returns how many messages are done — sent,
// or given up for good (a request Zalo refuses as it is, Zalo's monthly
// quota spent) — before the first that could not be sent for now, with
// the error that stopped it.
func (b *Bot) deliver(ctx context.Context, chatID string, reply bot.Reply) (int, error) {
	for i, m := range reply.Messages {
		target := chatID
		if m.To != "" {
			id, err := zaloChat(m.To)
			if err != nil {
				b.log.Warn("zalo: a message for another channel's chat", "err", err)
				continue
			}
			target = id
		}
		_, err := b.post(ctx, target, m)
		var serr *SendError
		switch {
		case err == nil:
		case errors.As(err, &serr) && (serr.Permanent() || serr.QuotaSpent()):
			b.log.Error("zalo: a reply Zalo refuses, left out", "err", err)
		default:
			b.log.Warn("zalo: send reply", "err", err)
			return i, err
		}
	}
	return len(reply.Messages), nil
}

// post sends one message to a Zalo chat id: a photo by URL with the text as
// its caption, or the text alone, split past 2000 units. It returns the
// last message's id ("" when there was nothing to send).
func (b *Bot) post(ctx context.Context, chatID string, m bot.Message) (string, error) {
	parts := channel.Split(b.render(m), maxText)
	var ref string
	if m.Photo != nil && m.Photo.URL != "" {
		params := map[string]string{"chat_id": chatID, "photo": m.Photo.URL}
		if len(parts) > 0 {
			params["caption"], parts = parts[0], parts[1:]
		}
		res, err := b.send(ctx, "sendPhoto", params)
		if err != nil {
			return "", err
		}
		ref = messageID(res)
	} else if m.Photo != nil {
		// Another channel's file, or a drawn PNG: Zalo takes pictures by
		// URL only.
		b.log.Debug("zalo: a picture that is not a URL is left out; the text goes alone")
	}
	for _, p := range parts {
		res, err := b.send(ctx, "sendMessage", map[string]string{"chat_id": chatID, "text": p})
		if err != nil {
			return "", err
		}
		ref = messageID(res)
	}
	return ref, nil
}

// SendTo sends one message, unasked, to a chat named "zl:<id>" — a
// reminder, a notice; *Bot is an outbox.Sender. Network errors, 5xx and
// Zalo's 403 are retried here first; a failure is a *SendError whose
// QuotaSpent reports Zalo's 429 (the month's messages are spent) and
// Permanent a request no retry mends.
func (b *Bot) SendTo(ctx context.Context, chat string, m bot.Message) error {
	_, err := b.Post(ctx, chat, m)
	return err
}

// Post is SendTo returning the id of the last message sent, for a caller
// that would edit it on another channel.
func (b *Bot) Post(ctx context.Context, chat string, m bot.Message) (string, error) {
	id, err := zaloChat(chat)
	if err != nil {
		return "", err
	}
	return b.post(ctx, id, m)
}

// Edit cannot change a message on Zalo: it returns bot.ErrCannotEdit, and
// the caller sends a new message, or nothing.
func (b *Bot) Edit(ctx context.Context, chat, ref string, m bot.Message) error {
	return bot.ErrCannotEdit
}

// zaloChat reads a chat named "zl:<id>".
func zaloChat(chat string) (string, error) {
	id, ok := strings.CutPrefix(chat, chatPrefix)
	if !ok || id == "" || strings.HasPrefix(id, "u:") {
		return "", fmt.Errorf("zalo: %q is not a Zalo chat", chat)
	}
	return id, nil
}

// messageID reads the message_id of a send's result, a string or, to be
// safe, a number.
func messageID(res json.RawMessage) string {
	var r struct {
		MessageID json.RawMessage `json:"message_id"`
	}
	if json.Unmarshal(res, &r) != nil {
		return ""
	}
	return rawString(r.MessageID)
}

// rawString is a JSON string's value, or a number's text.
func rawString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}
