// Package channel holds what motcua's channel adapters (bot/telegram,
// bot/zalo, and for Choices bot/console) share, so that each adapter
// keeps only what its platform does differently.
//
// The Dispatcher gives each chat with updates waiting a queue and a
// goroutine of its own (a chat is a string: Telegram's ids are numbers,
// Zalo's are not), so that one chat's updates are handled in order,
// different chats in parallel, and a chat that waits — its own 429, a slow
// send — holds nothing another chat needs: not a goroutine per update,
// and not a small pool of workers shared by hash, where one chat waiting
// out Telegram's per-chat limit stalled every chat behind it (measured at
// 31.5 s a message). Workers bounds the updates handled at once, across
// chats; QueueLen a chat's waiting ones. At the door, a token bucket per
// chat (Rate, Burst; golang.org/x/time/rate) drops a flood before it costs
// a Redis call: the error says whether it is the first drop of a burst,
// the one worth a "slow down" to the citizen. A redelivery of an update
// the bucket took before (ID) is never counted again, so a limit cannot
// drop an update that failed and came back.
//
// It has the two ways an adapter needs: Submit returns the result, for
// Telegram, which answers a webhook only after handling (503 asks Telegram
// to deliver the update again) and keeps its polling offset at an update
// to be handled again; an update whose context ends (its deadline) while
// it waits for a worker is not handled. Enqueue returns once the update is
// queued, for Zalo, which hands an update out once and wants the webhook
// answered at once, so that its handler keeps the update, in the
// dispatcher's context, until it is done or Close gives up.
//
// Around the dispatcher, what both adapters do the same way: Metrics (one
// constructor; each channel keeps its metric names), Webhook (POST only,
// the secret compared in constant time, 401 counted), Redact (a bot's
// token sits in every request URL and must never reach an error or a
// log), HTTPClient (idle connections kept for the updates in flight),
// Backoff and Sleep for retries, Once (one apology per update, however
// often it is delivered), and Choices, the numbered lines a citizen
// answers by typing where a platform has no buttons.
//
// What differs stays in the adapters: the platform's API and error codes,
// and so each send's retry policy (Telegram waits out a 429's
// retry_after; Zalo's 429 is the month's quota, and its 403 a server
// error).
package channel
