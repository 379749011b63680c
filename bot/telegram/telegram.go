package telegram

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/channel"
	"github.com/motcua/motcua/store"
)

// Handler answers updates; *bot.Service is one. Handle returns the reply
// to deliver, and an error matching bot.ErrTryLater when the update must
// be delivered again; Delivered learns how many of the reply's messages
// got through, so that a repeated delivery sends the rest.
type Handler interface {
	Handle(ctx context.Context, u bot.Update) (bot.Reply, error)
	Delivered(ctx context.Context, u bot.Update, r bot.Reply, sent int) error
}

// Blocklist records the chats that blocked the bot, so that bulk sends skip
// them.
type Blocklist interface {
	Block(ctx context.Context, chat string) error
}

// Options configures a Bot.
type Options struct {
	Token string
	// APIURL is the Bot API server (https://api.telegram.org when empty), or
	// a self-hosted one.
	APIURL string
	// Timeout bounds each call to the Bot API (10 s when zero).
	Timeout time.Duration
	// Workers bound the updates handled at once, of different chats
	// (channel.DefaultWorkers when zero).
	Workers int
	// Deadline bounds the handling of one update, reply sent
	// (channel.DefaultDeadline when zero): past it, a webhook answers 503
	// and Telegram delivers the update again; polling asks for it again.
	Deadline time.Duration
	// ChatRate and ChatBurst bound how fast one chat's updates are taken
	// (see channel.DispatchOptions); an update over them is dropped, the
	// first of a burst answered with TooFast. ChatRate zero: no bound.
	ChatRate  float64
	ChatBurst int
	TooFast   string
	Logger    *slog.Logger
	Metrics   *Metrics
	Commands  []bot.Command
	// Blocklist, when set, learns of the chats that blocked the bot.
	Blocklist Blocklist
	// Wait pauses between retries (a timer when nil); tests replace it.
	Wait func(ctx context.Context, d time.Duration) error
}

// DefaultAPIURL is Telegram's Bot API server.
const DefaultAPIURL = "https://api.telegram.org"

// Bot is motcua on Telegram: it turns updates into calls of the service and
// replies into messages and keyboards.
type Bot struct {
	api      *tgbotapi.BotAPI
	apiURL   string // without the trailing slash
	http     *http.Client
	svc      Handler
	username string
	timeout  time.Duration
	log      *slog.Logger
	metrics  *Metrics
	commands []bot.Command
	block    Blocklist
	wait     func(ctx context.Context, d time.Duration) error
	disp     *channel.Dispatcher[inbound]
	deadline time.Duration
	tooFast  string
	// apologized holds the updates whose apology was sent while the store
	// was unreachable, so that the citizen gets one apology, not one per
	// delivery, until the update is handled.
	apologized channel.Once
}

// New connects to the Bot API (getMe) and returns a bot that hands updates
// to svc. Close stops its workers.
func New(ctx context.Context, svc Handler, opts Options) (*Bot, error) {
	if opts.Token == "" {
		return nil, errors.New("telegram: no token")
	}
	b := &Bot{
		svc:      svc,
		timeout:  opts.Timeout,
		log:      opts.Logger,
		metrics:  opts.Metrics,
		commands: opts.Commands,
		block:    opts.Blocklist,
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
	b.http = channel.HTTPClient(workers, pollTimeout+b.timeout)
	getMeCtx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	api, err := tgbotapi.NewBotAPIWithClient(opts.Token, apiURL+"/bot%s/%s", httpClient{ctx: getMeCtx, base: b.http, token: opts.Token})
	if err != nil {
		return nil, fmt.Errorf("telegram: connect to %s: %w", apiURL, channel.Redact(err, opts.Token))
	}
	b.api, b.apiURL = api, apiURL
	b.username = api.Self.UserName
	b.disp = channel.NewDispatcher(channel.DispatchOptions[inbound]{
		Workers: workers, Rate: opts.ChatRate, Burst: opts.ChatBurst,
		ID: func(in inbound) string { return strconv.Itoa(in.upd.UpdateID) },
	}, b.process)
	return b, nil
}

// Username is the bot's @name, without the @.
func (b *Bot) Username() string { return b.username }

// Close stops the workers once the updates they hold are handled, or when
// ctx ends.
func (b *Bot) Close(ctx context.Context) error { return b.disp.Close(ctx) }

// SetCommands registers the command menu. Some Bot API servers lack the
// method: a failure is logged, not fatal.
func (b *Bot) SetCommands(ctx context.Context) {
	cmds := make([]tgbotapi.BotCommand, len(b.commands))
	for i, c := range b.commands {
		cmds[i] = tgbotapi.BotCommand{Command: c.Command, Description: c.Description}
	}
	if _, err := b.send(ctx, "setMyCommands", config(tgbotapi.NewSetMyCommands(cmds...))); err != nil {
		b.log.Warn("telegram: could not register the command menu", "err", err)
	}
}

// process handles one update: it converts it, asks the service, sends
// the reply and tells the service how much of it got through. It returns
// an error only when the update must be delivered again: the service
// said so (the store is unreachable, or another delivery holds the
// reply), or a message could not be sent for now (its chat's 429 lasts
// longer than the update's deadline, the Bot API fails, the deadline
// passed); everything else is logged.
func (b *Bot) process(ctx context.Context, in inbound) error {
	upd := in.upd
	start := time.Now()
	u, chatID, kind := b.convert(upd)
	b.metrics.Update(kind)
	if cq := upd.CallbackQuery; cq != nil {
		// Always answer, so the button stops spinning.
		if _, err := b.send(ctx, "answerCallbackQuery", b.request(tgbotapi.NewCallback(cq.ID, ""))); err != nil {
			b.log.Debug("telegram: answer callback", "err", err)
		}
		// And take the keyboard off the message, so the question cannot
		// be answered twice — in the webhook's answer when there is one
		// (Telegram carries it out: a call saved).
		if edit, ok := keyboardOff(upd); ok && !in.webhook {
			if _, err := b.send(ctx, "editMessageReplyMarkup", config(edit)); err != nil {
				b.log.Debug("telegram: remove keyboard", "err", err)
			}
		}
	}
	if kind == kindIgnored {
		return nil
	}
	reply, err := b.svc.Handle(ctx, u)
	if errors.Is(err, bot.ErrTryLater) {
		if errors.Is(err, store.ErrUnavailable) {
			b.metrics.StoreError()
			if b.apologized.First(u.ID) {
				b.deliver(ctx, chatID, reply)
			}
		}
		return fmt.Errorf("update %d: %w", upd.UpdateID, err)
	}
	if err != nil {
		b.log.Error("telegram: handle update", "update", upd.UpdateID, "err", err)
	}
	sent, derr := b.deliver(ctx, chatID, reply)
	// The record of what got through must land even when the deadline
	// has just passed: without it, the redelivery sends it again.
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.timeout)
	defer cancel()
	if err := b.svc.Delivered(rec, u, reply, sent); err != nil {
		b.log.Warn("telegram: record a delivered reply", "update", upd.UpdateID, "err", err)
	}
	if derr != nil {
		return fmt.Errorf("update %d: %d of %d messages sent: %w: %w", upd.UpdateID, sent, len(reply.Messages), bot.ErrTryLater, derr)
	}
	b.apologized.Done(u.ID)
	b.metrics.Handled(time.Since(start))
	return nil
}

// deliver sends a reply, message after message, in order; a message To
// another chat goes there. It returns how many messages are done — sent,
// or given up for good (she blocked the bot, the Bot API refused the
// message as it is) — before the first that could not be sent for now,
// with the error that stopped it: that message and the rest are for a
// redelivery of the update.
func (b *Bot) deliver(ctx context.Context, chatID int64, reply bot.Reply) (int, error) {
	failed := map[int64]bool{} // a chat that blocked the bot gets nothing more
	for i, m := range reply.Messages {
		target := chatID
		if m.To != "" {
			id, err := telegramChat(m.To)
			if err != nil {
				b.log.Warn("telegram: a message for another channel's chat", "err", err)
				continue
			}
			target = id
		}
		if failed[target] {
			continue
		}
		to := target
		_, err := b.sendParts(ctx, to, m, true)
		var serr *SendError
		if errors.As(err, &serr) && serr.Reason == ReasonMigrated {
			// The group became a supergroup: send there, and from now on.
			// Nothing was sent to the old group, so the message goes whole.
			b.log.Info("telegram: group migrated", "to", serr.MigratedTo)
			if m.To == "" {
				chatID = serr.MigratedTo
			}
			to = serr.MigratedTo
			_, err = b.sendParts(ctx, to, m, true)
		}
		switch {
		case err == nil:
		case errors.As(err, &serr) && serr.Reason == ReasonBlocked:
			if b.block != nil {
				if err := b.block.Block(ctx, chatKey(to)); err != nil {
					b.log.Warn("telegram: record a blocked chat", "err", err)
				}
			}
			failed[target] = true // other chats may still be reached
		case errors.As(err, &serr) && serr.Permanent():
			// Sending it again would be refused again.
			b.log.Error("telegram: a reply the Bot API refuses, left out", "err", err)
		default:
			b.log.Warn("telegram: send reply", "err", err)
			return i, err
		}
	}
	return len(reply.Messages), nil
}

// inbound is an update as it waits for its chat's worker: webhook is set
// when a webhook's answer is still to be written (it can carry one call).
type inbound struct {
	upd     tgbotapi.Update
	webhook bool
}

// keyboardOff is the edit that takes the keyboard off a button's message
// in a private chat. In a group the post stays pressable: a stranger's
// press must not take "Nhận" away from the volunteers.
func keyboardOff(upd tgbotapi.Update) (tgbotapi.EditMessageReplyMarkupConfig, bool) {
	cq := upd.CallbackQuery
	if cq == nil || cq.Message == nil || cq.Message.Chat == nil || !cq.Message.Chat.IsPrivate() {
		return tgbotapi.EditMessageReplyMarkupConfig{}, false
	}
	return tgbotapi.NewEditMessageReplyMarkup(cq.Message.Chat.ID, cq.Message.MessageID, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}), true
}

// telegramChat reads a chat named "tg:<id>".
func telegramChat(chat string) (int64, error) {
	idText, ok := strings.CutPrefix(chat, "tg:")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		return 0, fmt.Errorf("telegram: %q is not a Telegram chat", chat)
	}
	return id, nil
}

// chatKey names a Telegram chat across channels.
func chatKey(id int64) string { return "tg:" + strconv.FormatInt(id, 10) }
