// Package telegramtest is a fake Telegram Bot API server, for tests that
// drive the Telegram adapter end to end through the real client library,
// and for load runs.
//
//	srv := telegramtest.New(t, token)
//	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(token, srv.Endpoint())
//	srv.PushUpdate(telegramtest.TextUpdate(42, "private", 42, "/start"))
//	srv.WaitCalls(t, "sendMessage", 1)
//	got := srv.SentTo(42)
//
// It speaks the Bot API's JSON at /bot<token>/<method>: the envelope
// {"ok","result","error_code","description","parameters"}, the HTTP status
// equal to error_code, 401 for another token, 404 for a method it does not
// know, method names in any case, parameters in the query string or in a
// URL-encoded, multipart or JSON body. Every call is recorded, uploaded
// files with their bytes (Call.Files); sendMessage's are decoded into
// Messages with their inline keyboards (Sent), sendPhoto's too, the caption
// as Text and the upload's bytes kept (Photos).
//
// What it imitates, because an adapter must handle it:
//   - getUpdates' offset confirms and forgets the updates before it; with
//     nothing queued it waits up to timeout seconds (at most 2) for a push;
//     a newer getUpdates ends a waiting one with 409, and so does a webhook;
//   - Telegram's own answers for a blocked user or a group that removed the
//     bot (403), a group upgraded to a supergroup (400 with
//     migrate_to_chat_id) and flood control (429 with retry_after);
//   - an edit without reply_markup takes the keyboard off, and an edit that
//     changes nothing is refused with "message is not modified"; the text
//     of a photo and the caption of a text cannot be edited;
//   - allowed_updates, given to getUpdates or setWebhook, is remembered and
//     updates of other kinds are dropped (with no list given, every kind is
//     sent: Telegram's default, which leaves out chat_member and reactions,
//     is not imitated);
//   - limits that are easy to overrun: 4096 UTF-16 code units of text
//     (after removing HTML markup), 64 bytes of callback data, a button
//     needs an action, commands of [a-z0-9_]{1,32}, webhook secret tokens
//     of [A-Za-z0-9_-];
//   - entities in built updates (in a photo's caption too), with offsets in
//     UTF-16 code units; photos in three sizes; my_chat_member updates.
//
// Faults a real server cannot be made to show on demand are injected:
// FailNext answers any status and body (an HTML 502 from a proxy),
// RateLimitNext a 429; they queue and each takes the next call that
// matches. Block, Migrate and Limits last.
//
// What it does not imitate:
//   - methods other than getMe, getUpdates, setWebhook, deleteWebhook,
//     getWebhookInfo, sendMessage, sendPhoto, editMessageText,
//     editMessageCaption, editMessageReplyMarkup, answerCallbackQuery and
//     set/get/deleteMyCommands (they answer 404);
//   - parsing of text: an answer's Message echoes the text as sent, markup
//     and all, with no entities, and HTML or Markdown errors go unnoticed;
//   - reply keyboards, their removal and force_reply: accepted unread;
//   - webhook delivery: setWebhook is recorded, updates are not posted
//     (Deliver posts one; Answered makes the call a webhook's answer
//     carries, as Telegram does), and any URL is taken, http too;
//   - the scopes and languages of commands, chat members, downloads of
//     files (an upload is any bytes, not checked to be an image);
//   - ids: a chat's type is guessed from its id's sign and size.
//
// The descriptions of errors an adapter acts on (401, 403, 404, 409, 429,
// migration, "message is not modified") are Telegram's; those of other
// validation errors are close to Telegram's, not always the same.
//
// Waiting is on channels, never on sleeps: WaitCalls and AwaitCalls wake
// when a call is recorded, a long poll when an update is pushed. A call is
// recorded before it is answered, so when the client has its answer the
// call is in Calls.
package telegramtest
