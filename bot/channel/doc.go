// Package channel holds what motcua's channel adapters (bot/telegram,
// bot/zalo, and for Choices bot/console) share, so that each adapter
// keeps only what its platform does differently.
//
// The Dispatcher hands each update to one of a fixed set of workers, chosen
// by the update's chat (a string: Telegram's ids are numbers, Zalo's are
// not), so that one chat's updates are handled in order and different
// chats in parallel — never a goroutine per update. It has the two ways an
// adapter needs: Submit returns the result, for Telegram, which answers a
// webhook only after handling (503 asks Telegram to deliver the update
// again) and keeps its polling offset at an update to be handled again;
// Enqueue returns once the update is queued, for Zalo, which hands an
// update out once and wants the webhook answered at once, so that its
// handler keeps the update, in the dispatcher's context, until the store
// answers or Close gives up.
//
// Around the dispatcher, what both adapters do the same way: Metrics (one
// constructor; each channel keeps its metric names), Webhook (POST only,
// the secret compared in constant time, 401 counted), Redact (a bot's
// token sits in every request URL and must never reach an error or a
// log), HTTPClient (an idle connection kept per worker), Backoff and Sleep
// for retries, and Choices, the numbered lines a citizen answers by typing
// where a platform has no buttons.
//
// What differs stays in the adapters: the platform's API and error codes,
// and so each send's retry policy (Telegram waits out a 429's
// retry_after; Zalo's 429 is the month's quota, and its 403 a server
// error).
package channel
