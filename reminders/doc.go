// Package reminders keeps the reminders of BHYT (health insurance) cards
// and hands out the due ones, once each, to whichever replica asks first.
//
// # When a reminder falls due
//
// A Schedule is pure. A card has stages: Leads days before its expiry (30,
// 7 and 1), then After days after it (1), each at 08:00 in
// Asia/Ho_Chi_Minh. Reminder.Sent counts the stages behind it. Begin
// starts a series, at creation or at renewal ("Đã gia hạn" with the new
// expiry): stages whose time has passed are skipped, so a card expiring in
// 5 days gets the 1-day reminder and the day after only. Next says when
// the reminder falls due; Due says which stage to send at a given time:
// the latest one whose time has come, so that after a downtime only the
// latest missed stage goes out, late, and the earlier ones are skipped.
//
// "Nhắc lại sau" (Reminder.Snoozed, Store.Snooze) reopens the last stage
// sent and holds the reminder until SnoozedUntil (Schedule.SnoozeEnd: 3
// days on, at 08:00); pressing it twice is pressing it once. A reminder of
// a chat that blocked the bot is Paused and never due.
//
// # A tick
//
// The scheduler (elsewhere) runs, on every replica, something like:
//
//	cs, err := st.Claim(ctx, now, lease, 500)
//	// every lease/3 while sending: cs, err = st.Renew(ctx, cs, now, lease)
//	for _, c := range cs {
//		err := ob.Send(ctx, outbox.Message{Chat: c.Chat, Body: text(c), Key: c.Key()})
//		switch {
//		case err == nil:
//			err = st.Done(ctx, c, c.Stage) // only after the send succeeded
//		case errors.Is(err, outbox.ErrBlocked): // or in Options.OnBlocked
//			err = st.SetPaused(ctx, c.Chat, true)
//		} // any other failure: the claim comes back when the lease ends
//	}
//
// Claim takes due reminders atomically and leases them until now+lease,
// so no other replica takes them meanwhile. The holder renews the lease
// (Renew) while it sends, every third of it, so the lease can be short —
// seconds — however long a batch takes: a replica that dies holding
// claims leaves them to come back, once, when its last lease ends. Renew
// also tells the holder which claims it no longer holds (recorded,
// changed by the citizen, or taken by another replica after a stall past
// the lease): it must not send those.
//
// Delivery is at least once, never "exactly once": a replica that dies
// between a send the channel accepted and its Done sends nothing more,
// but that stage goes again after the lease. So a crash repeats at most
// the sends in flight at that instant, one per worker of the sender
// (scheduler.Options.Workers); Claimed.Key names the sending, the same
// for both, for an outbox that wants to drop the second. Done follows
// the send at once, so the window is one round trip to Redis after the
// channel's answer.
//
// Done is a compare-and-set on the record as it was claimed: when the
// reminder changed since (renewed, snoozed, paused, deleted, or already
// recorded by another replica) it changes nothing, so a late Done never
// undoes a citizen's renewal or snooze, and recording twice is harmless.
//
// No store reads a clock: Claim and Renew are given now, Begin and
// SnoozeEnd the time of the citizen's answer. Replicas' clocks must agree
// to well within the lease. Stages fall at 08:00, outside quiet hours
// (21:00 to 07:00), but a catch-up after a night's outage would not: the
// scheduler should not claim in quiet hours, and a claim the outbox
// refuses for them comes back after its lease.
//
// # Keys in Redis
//
// With the default prefix "mc", reminder 1 of chat tg:123 is the name
// "tg:123|1" in up to three places:
//
//	mc:{rem}:due     a sorted set: every reminder that has a Next time,
//	                 as "<name> <record>", scored by that time in Unix
//	                 milliseconds; paused and finished ones are out
//	mc:{rem}:leased  a sorted set: the names claimed, scored by the end
//	                 of their lease; only what replicas are sending
//	mc:{rem}:r:<n>   a hash, one of 4096 buckets, name → record; a
//	                 chat's reminders are all in bucket n = FNV-1a(chat)
//	                 mod 4096
//
// A record is one short string, "<expiry yyyymmdd> <sent> <snoozed until,
// Unix seconds, or 0> <paused 0|1> <label>": "20260715 1 0 0 Bé An". A
// name holds no space, so a due entry, "tg:123|1 20260715 1 0 0 Bé An",
// splits at its first.
//
// Claim is one script on the two sorted sets: the due entries, lowest
// score first, less those whose name is leased beyond now; then a ZADD
// of the lease's end to the leased set. It reads no record: the due
// entries carry them, so a claim walks the head of the due set and
// nothing else, and costs about the same with a million reminders stored
// as with 10,000 (BenchmarkClaim: 1.3 ms and 1.2 ms of Redis's time for
// 1,000 claimed; looking the records up in their buckets, 244 records
// each at a million, cost that much again and twice as much at a million
// as at 10,000). Nor does a claim change the due set: changing a
// million-entry sorted set at each name claimed costs a search of it per
// name, where the leased set stays small. Renew is one script on the
// leased set: a claim's lease end is its token, and a name whose score is
// no longer it is no longer held.
//
// Every write — Save, Delete, Done, Snooze, SetPaused, DeleteChat — is
// one script on the sorted sets and the chat's bucket together: the
// record, its due entry (which carries it, so it is replaced with it) and
// the end of its claim change in one atomic step, so no crash and no race
// between two writers can leave a due entry out of step with its record.
// The writes that depend on the record (Done, Snooze, SetPaused) compare
// it with the one they read and retry, or for Done give up, when it
// changed. Claim still trusts the record over the due time: an entry
// whose record is unreadable or not due is given the due entry its record
// calls for, and not returned.
//
// The version before kept the record in its bucket only (a due entry was
// the bare name) and a claim by moving the due entry to the lease's end,
// with no leased set. Its data is read as it is: a bare due entry's record
// is looked up in its bucket (an HGET, as every claim used to make), and
// the first write of the reminder writes its due entry anew; what a
// replica of that version left claimed comes back when that lease ends.
// Nothing needs migrating. Replicas of both versions must not run at once
// (stop the old ones, then start the new): an old one would claim, from
// the due set alone, what a new one holds, and would leave due entries of
// records it changed behind.
//
// # One hash tag, not the chat's
//
// All reminder keys share the hash tag {rem}, so Redis Cluster keeps them
// in one slot, on one node; the chat's own tag ({tg:123}, as package store
// uses) would spread them. Two reasons:
//
//   - The due set must be one key for Claim to find the earliest due with
//     one command, so its slot already carries all the claim traffic and,
//     at about 136 bytes an entry, two thirds of the memory. Records in
//     the same slot make each write one atomic script. In the chat's slot
//     they would take two steps per write, and keeping the due entry in
//     step with the record across a crash, or across a Done racing a
//     snooze, would take a version in every due entry and a sweep for
//     stale ones.
//   - Memory. A hash of its own per chat costs about 137 bytes holding
//     one record (a dictionary entry, the key's name, an object, a
//     listpack): 273 bytes a reminder with its due entry when a chat has
//     one, 208 when it has three, against a target of 200. Small hashes
//     are stored as compact listpacks, so in 4096 buckets of a few
//     hundred a record costs about 47 bytes: 193 bytes a reminder,
//     however many a chat has (BenchmarkMemoryPerReminder, 100,000
//     reminders, INFO used_memory; its chat-keys runs measure the other
//     layout). The record carried in the due entry costs 16 of them
//     (177 without it).
//
// The leased set holds only the claims in flight (a batch per replica
// sending, about 100 bytes a claim) and is gone when none is. A million
// reminders thus take about 195 MB on one node. A bucket stays a
// listpack up to 512 records (about two million reminders in all) and
// records up to 64 bytes (a label of up to about 40 bytes: 13 to 40
// letters, by their diacritics); past that it turns into a hashtable,
// which is correct but costs about 60 bytes more a record.
//
// # Failures
//
// Errors from a Redis that cannot be reached match store.ErrUnavailable.
// A write that failed so may or may not have landed; trying it again is
// safe (Save and Delete write the same again, Done and Snooze compare
// first). A Claim that failed after taking reminders, or whose answer was
// lost and was sent again by the client, leaves them to come back after
// the lease; a Renew that failed leaves the lease as it was.
//
// # Backends
//
// NewRedis is for production; NewMemory, with the same rules on maps, for
// trial runs and tests of other packages. Both pass the conformance suite
// in package reminderstest.
package reminders
