// Package telegram is motcua's Telegram channel, on the
// go-telegram-bot-api library.
//
// Updates arrive by long polling (Poll) or by webhook (Webhook) and take the
// same path: a dispatcher gives each chat a queue of its own, so the
// updates of one chat are handled in order and different chats in
// parallel, drops a chat's flood at the door (once a burst the chat is
// told to slow down) and bounds each update by its deadline; the worker
// converts the update, asks bot.Service, sends the reply and tells the
// service how many of its messages got through, so that the rest is kept
// for a redelivery. A webhook answers 200 only once the reply got through
// (or a message was given up for good: the chat blocked the bot, or the
// Bot API refuses it as it is), and polling moves its offset past an
// update only then; otherwise 503, and the offset stays.
//
// Every call to the Bot API goes through one place (send): a timeout per
// call, network errors and 5xx retried with backoff, a 429 waited out for
// its retry_after, a 403 final and recorded. The library takes no context;
// each call runs on a copy of the client bound to the call's context. The
// token sits in every request URL, so it is cut out of every error. Photo
// uploads take the library's other path (a multipart body streamed from a
// goroutine), whose errors lose their code: call puts it back, so that a
// 429 or a 403 on an upload is classified as on any other call.
//
// Nothing is lost when the store is unreachable: the citizen gets an
// apology (one per update, however often it comes), and the update is
// delivered again (a webhook answers 503; polling keeps its offset at the
// update). Update ids are remembered by the store with the reply still to
// deliver, so a second delivery of an update already handled changes
// nothing and sends only what did not get through. A webhook answers by
// its deadline because every call below heeds the update's context
// (go-redis bounds each command by it, the Bot API calls run on it): a
// Redis that hangs makes the webhook answer 503 at the deadline.
//
// Choices are inline keyboards whose callback data carry the conversation's
// turn; after a press the keyboard is taken off the message. Texts are sent
// in HTML parse mode, escaped, and split at paragraph boundaries past 4096
// characters. In groups the bot answers only commands, mentions and replies
// to it, briefly, with a button that opens a private chat at the procedure
// (t.me/<bot>?start=<id>): procedures run in private chats only.
//
// A message with a photo is one sendPhoto, by Telegram's file id, by URL
// or uploaded, its text the caption when it fits in 1024 characters; a
// longer text follows the photo as ordinary messages. Post sends a message
// unasked and returns its reference; Edit changes it in place — the text,
// or the caption of a photo, which Telegram tells apart by refusing to edit
// the text of a photo — which is how staff watch a notice's progress.
//
// Besides messages and button presses the bot receives photos (the
// largest size's file id, the caption as the text) and chat events: the bot
// added to or removed from a group (my_chat_member, which Telegram sends
// only because allowedUpdates names it) and a group moved to a supergroup
// (the service message with migrate_to_chat_id); a reply to that goes to
// the new group, the only one that still takes messages.
package telegram
