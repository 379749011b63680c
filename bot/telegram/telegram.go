package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/channel"
	"github.com/motcua/motcua/store"
)

// Handler answers updates; *bot.Service is one.
type Handler interface {
	Handle(ctx context.Context, u bot.Update) (bot.Reply, error)
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
	// Workers handle updates of different chats at once (16 when zero).
	Workers  int
	Logger   *slog.Logger
	Metrics  *Metrics
	Commands []bot.Command
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
	http     *http.Client
	svc      Handler
	username string
	timeout  time.Duration
	log      *slog.Logger
	metrics  *Metrics
	commands []bot.Command
	block    Blocklist
	wait     func(ctx context.Context, d time.Duration) error
	disp     *channel.Dispatcher[tgbotapi.Update]
	// apologized holds the updates whose apology was sent while the store
	// was unreachable, so that the citizen gets one apology, not one per
	// delivery, until the update is handled.
	apologized sync.Map
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
	b.api = api
	b.username = api.Self.UserName
	b.disp = channel.NewDispatcher(workers, queueLen, b.process)
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

// process handles one update: it converts it, asks the service, and sends
// the reply. It returns an error only when the update should be delivered
// again (the store was unreachable); everything else is logged.
func (b *Bot) process(ctx context.Context, upd tgbotapi.Update) error {
	start := time.Now()
	u, chatID, kind := b.convert(upd)
	b.metrics.Update(kind)
	if cq := upd.CallbackQuery; cq != nil {
		// Always answer, so the button stops spinning, and take the keyboard
		// off the message, so the question cannot be answered twice.
		if _, err := b.send(ctx, "answerCallbackQuery", config(tgbotapi.NewCallback(cq.ID, ""))); err != nil {
			b.log.Debug("telegram: answer callback", "err", err)
		}
		// In a group the post stays pressable: a stranger's press must not
		// take "Nhận" away from the volunteers.
		if cq.Message != nil && cq.Message.Chat != nil && cq.Message.Chat.IsPrivate() {
			edit := tgbotapi.NewEditMessageReplyMarkup(cq.Message.Chat.ID, cq.Message.MessageID, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
			if _, err := b.send(ctx, "editMessageReplyMarkup", config(edit)); err != nil {
				b.log.Debug("telegram: remove keyboard", "err", err)
			}
		}
	}
	if kind == kindIgnored {
		return nil
	}
	reply, err := b.svc.Handle(ctx, u)
	if errors.Is(err, store.ErrUnavailable) {
		b.metrics.StoreError()
		if _, already := b.apologized.LoadOrStore(upd.UpdateID, true); !already {
			b.deliver(ctx, chatID, reply)
		}
		return fmt.Errorf("update %d: %w", upd.UpdateID, err)
	}
	b.apologized.Delete(upd.UpdateID)
	b.deliver(ctx, chatID, reply)
	b.metrics.Handled(time.Since(start))
	if err != nil {
		b.log.Error("telegram: handle update", "update", upd.UpdateID, "err", err)
	}
	return nil
}

// deliver sends a reply, message after message, in order; a message To
// another chat goes there.
func (b *Bot) deliver(ctx context.Context, chatID int64, reply bot.Reply) {
	failed := map[int64]bool{} // a chat a send failed to gets nothing more
	for _, m := range reply.Messages {
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
		_, err := b.post(ctx, to, m, true)
		var serr *SendError
		if errors.As(err, &serr) && serr.Reason == ReasonMigrated {
			// The group became a supergroup: send there, and from now on.
			// Nothing was sent to the old group, so the message goes whole.
			b.log.Info("telegram: group migrated", "to", serr.MigratedTo)
			if m.To == "" {
				chatID = serr.MigratedTo
			}
			to = serr.MigratedTo
			_, err = b.post(ctx, to, m, true)
		}
		switch {
		case errors.As(err, &serr) && serr.Reason == ReasonBlocked:
			if b.block != nil {
				if err := b.block.Block(ctx, chatKey(to)); err != nil {
					b.log.Warn("telegram: record a blocked chat", "err", err)
				}
			}
			failed[target] = true // other chats may still be reached
		case err != nil:
			b.log.Warn("telegram: send reply", "err", err)
			failed[target] = true
		}
	}
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
