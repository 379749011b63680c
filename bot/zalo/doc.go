// Package zalo is motcua's Zalo channel, on the Zalo Bot Platform
// (bot.zaloplatforms.com) through plain net/http.
//
//	b, err := zalo.New(ctx, svc, zalo.Options{
//		Token:   os.Getenv("ZALO_BOT_TOKEN"), // "<bot_id>:<secret>"
//		Metrics: zalo.NewMetrics(reg),
//		Logger:  log.With("channel", "zalo"),
//	})
//	defer b.Close(shutdownCtx)
//	// either long polling…
//	go b.Poll(ctx)
//	// …or a webhook (one replica or many):
//	mux.Handle("/zalo", b.Webhook(os.Getenv("ZALO_WEBHOOK_SECRET")))
//	err = b.SetWebhook(ctx, "https://xa.example/zalo", secret)
//	// unasked messages leave through the outbox: *Bot is an outbox.Sender
//	ob := outbox.New(b, outbox.Options{Quota: &outbox.Quota{Limit: 3000,
//		Counter: outbox.NewRedisCounter(redisClient, "mc", "zalo")}})
//
// Every call is a POST of JSON to <APIURL>/bot<token>/<method>, answered
// with an envelope {"ok","result"} or {"ok":false,"error_code" (or
// "errorCode"),"description"}; ok is what counts, not the HTTP status. The
// token sits in the path, so every error is scrubbed of it
// (channel.Redact): "<token>" stands in its place in *url.Error's URL and
// in any text that held it.
//
// Updates arrive by long polling (Poll: getUpdates hands out one update a
// call, once, with no offset; an idle poll ends with 408) or by webhook
// (X-Bot-Api-Secret-Token compared in constant time; the body bare or
// wrapped). Both queue the update on its chat's queue (channel.Dispatcher:
// a chat's updates in order, chats in parallel, a flood dropped at the
// door) and return at once: Zalo wants the webhook answered fast and
// nothing can be handed back to it. So the worker itself keeps an update
// until its reply got through: each try within Options.Deadline, and
// when the store is unreachable or a message cannot be sent for now, one
// apology to the citizen (for the store), then again with backoff until it
// is done or Close gives up; a try after a partial send sends the rest of
// the reply the service kept (bot.Service.Delivered). Update ids are
// "zl:u:<message_id>", remembered by the store, so a delivery seen twice is
// answered once. Messages from bots and from the bot itself are dropped.
//
// Zalo has no buttons, keyboards, edits or parse modes. A reply is plain
// text, so nothing a citizen typed is read as markup: buttons are numbered
// lines as in bot/console (she types the number or the label), Hint stands
// for Nav, and a button that opens a private chat is a line saying so (with
// Options.ChatLink when the commune has one: Zalo documents no link that
// opens a chat with a bot). Texts over 2000 UTF-16 units are split at
// paragraphs, then lines, then spaces. A Photo goes by URL with the text as
// caption; another channel's file or a drawn PNG cannot, and the text goes
// alone. Edit returns bot.ErrCannotEdit.
//
// Sends retry network errors, 5xx and 403 (documented as a server error)
// with backoff; a 400 is final (Permanent). Zalo's 429 means the bot's
// monthly quota of messages is spent (3,000 on the free plan): SendError's
// QuotaSpent says so, and it is deliberately not RateLimited, so the outbox
// does not wait a second and try again, but stops for the month.
//
// In groups (beta) the bot sees only mentions and replies; the mention
// ("@<name>", any name getMe reports or Options.MentionNames) is taken out
// of the text and the service answers briefly, Private false.
package zalo
