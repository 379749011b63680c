// Package telegram is motcua's Telegram channel, on the
// go-telegram-bot-api library.
//
// Updates arrive by long polling (Poll) or by webhook (Webhook) and take the
// same path: a dispatcher hands each to a worker chosen by its chat, so the
// updates of one chat are handled in order and different chats in parallel;
// the worker converts the update, asks bot.Service, and sends the reply.
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
// apology, and the update is delivered again (a webhook answers 503; polling
// keeps its offset at the update). Update ids are remembered by the store,
// so a second delivery of an update already handled changes nothing.
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
