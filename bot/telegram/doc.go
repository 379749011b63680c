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
// token sits in every request URL, so it is cut out of every error.
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
package telegram
