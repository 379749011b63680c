// Package channel holds what motcua's channel adapters (bot/telegram,
// bot/zalo) share, so that each adapter keeps only what its platform does
// differently.
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
package channel
