// Package outbox is the one sender of bulk messages of a bot: reminders
// now, commune notices next (DESIGN.md, invariant 4). Everything sent
// unasked leaves through one Outbox per bot, because the channel's limits
// are the bot's, not the job's: a reminder tick and a notice to every
// village running at once must share 30 messages a second.
//
//	ob := outbox.New(tgBot, outbox.Options{OnBlocked: markInactive, Registerer: reg})
//	err := ob.Send(ctx, outbox.Message{Chat: "tg:123", Body: msg, Key: key})
//	rep := ob.SendAll(ctx, msgs, 8, recordSent)
//
// Send is a pipeline of small stages, in this order:
//
//  1. quiet: in quiet hours (21:00 to 07:00 in Asia/Ho_Chi_Minh) a message
//     that is not urgent is refused with ErrQuietHours, and QuietUntil says
//     when to send it. The outbox keeps no queue of its own: the caller
//     (the scheduler) already keeps due work, and reschedules it.
//  2. pause: after a rate limit (Telegram's 429) every send waits until the
//     retry_after has passed, not only the one that was refused — sending
//     during a flood wait only lengthens it.
//  3. limit: the chat's limiter (about 1 a second for a private chat, 20
//     a minute for a group), then the bot's (29 a second, under Telegram's
//     30: see Options for the room left), all golang.org/x/time/rate
//     limiters with a burst of one, read at a time from Options.Now, so
//     that tests move a fake clock instead of sleeping. A token of each is
//     taken at the instant of the send, never earlier, so that no limit is
//     exceeded in any window as Telegram counts them (a sliding one, where
//     a burst above the rate would be refused). Quiet hours are checked
//     again after the wait, which may have crossed 21:00.
//  4. send, through Sender.
//  5. classify the error by what it can do, not by its type, so that the
//     outbox knows no channel: an error with RateLimited() pauses every
//     send and the same message goes again, costing no attempt; one with
//     Blocked() calls OnBlocked (mark the recipient inactive, pause her
//     reminders) and ends with ErrBlocked, not retried; anything else is
//     tried again after a backoff, up to MaxAttempts, then returned.
//     An error with QuotaSpent() (Zalo's 429) ends with ErrQuota, not
//     retried, and marks the month's quota spent.
//  6. record: Send returns nil only once the channel accepted the message;
//     the caller records the message's Key as sent then, and only then.
//
// With Options.Quota (Zalo's free plan: 3,000 messages a month), one
// message of the month's quota is taken before the limits (Counter.Add,
// atomic, so replicas sending at once never exceed it together) and given
// back unless the channel accepts it; past the limit Send returns ErrQuota
// at once. Months are calendar months in Location; RedisCounter keeps one
// key a month, <prefix>:{quota:<name>}:<yyyy-mm>, for 40 days. QuotaLeft
// tells staff what is left before a notice. A counter that cannot be
// reached lets messages go: the channel's own 429 still stops them.
//
// Several replicas share one bot's pace through a Pacer (RedisPacer: the
// generic cell rate algorithm in one Lua script, one round trip a send):
// each send reserves the next free instant of one schedule, and a 429 seen
// by one replica pauses them all. The local limiters stay, so a replica
// alone never exceeds the rate when Redis is unreachable.
//
// Take counts a message sent beside the outbox (a notice's progress
// report, posted or edited in the staff's chat): it waits for a place in
// the same limits, so that a report sent while a notice goes out at full
// pace does not make one message too many in a second. Its 429 is the
// caller's to wait out: it pauses no send of the outbox. The bot's answers
// to what citizens write do not go through the outbox, and are not
// counted: the 29 a second leave them about one a second.
//
// A message the channel splits in parts (Telegram's past 4096 characters)
// counts as one send: reminders and notices are short.
//
// Limiters of idle chats are dropped (a full limiter is the same as a new
// one), so memory stays flat over any number of chats.
//
// Metrics, when a Registerer is given: motcua_outbox_messages_total by how
// each message ended (ok, blocked, failed, quiet, canceled, quota),
// motcua_outbox_attempts_total by the result of each send (ok,
// rate_limited, blocked, failed, quota) and motcua_outbox_wait_seconds, the
// time a send waited for the pause and the limits.
package outbox
