// Package people keeps the audience of commune notices: the citizens
// using the bot (each a private chat, "tg:123" or "zl:abc"), the village
// (thôn) each chose, whether she stopped ordinary notices, and the
// village groups where the bot is a member.
//
// # What the bot does with it
//
// Every citizen message calls Seen (one round trip, idempotent: a repeat,
// or a late call from another replica, changes nothing; FirstSeen only
// goes back, LastSeen only forward). /thon calls SetVillage with an id
// the bot checked against the configuration (the store does not know the
// list); /tatthongbao and /batthongbao call SetNotices. Both need Seen
// first: for a chat the bot does not know they say ErrNotFound rather
// than invent a person with no time.
//
// Staff choose an audience as a Filter: villages (none: everyone, with a
// village or not), urgent (those who stopped ordinary notices too), a
// channel. Count gives the preview; Audience then calls a function for
// each chat, which the sender (elsewhere) queues. An audience the
// registry does not walk itself, as the families with a BHYT reminder,
// is checked with Stopped: for a batch of chats, whether each stopped
// ordinary notices, in one round trip. Village groups are looked up
// apart, with Groups; the bot keeps them with AddGroup, RemoveGroup and
// MigrateGroup (a Telegram group becoming a supergroup changes its id).
// Figures counts people, per village ("" for those who have not chosen)
// and those who stopped notices.
//
// DeleteChat (/xoadulieu) erases the person: her record and every index
// that named her. Nothing else is kept of her; if she writes again she
// is a new person.
//
// # Keys in Redis
//
// With the default prefix "mc":
//
//	mc:{people}:p          hash: chat → "first,last,off,village" (times
//	                       in Unix ms, off "1" when she stopped notices)
//	mc:{people}:all        sorted set, every score 0: every chat
//	mc:{people}:v:<id>     sorted set, the same: the chats of a village
//	mc:{people}:off        set: the chats that stopped ordinary notices
//	mc:{people}:villages   set: the villages with someone in them
//	mc:{people}:g          hash: group chat → village
//
// person.lua makes every change of a person (Seen, SetVillage,
// SetNotices, DeleteChat): it reads her record and changes it and the
// indexes in one atomic step, so no index ever disagrees with a record.
// page.lua reads a batch of an audience, figures.lua the figures in one
// consistent read, migrate.lua moves a group. Stopped is one SMISMEMBER
// on off (Redis 6.2 or later): the set answers for a batch of chats in
// one command, where the records would need an HMGET and a decoding, and
// it says the same, since person.lua changes both in one step. Measured
// (BenchmarkStoppedCount, Redis 7.0 on loopback, 2 cores): who of 10,000
// chats stopped, 3.3 ms by Stopped per 500, 0.7 s by Get per chat.
//
// # Why sorted sets, walked by their members
//
// An audience is walked a batch (500) at a time, each batch one round
// trip: ZRANGE BYLEX from just after the last chat of the previous batch,
// less the members of off unless the notice is urgent. Scores are all 0,
// so the members are in the order of their bytes and a batch resumes
// strictly after the last chat read. Unlike SSCAN, which may return an
// element twice when the set is resized during the walk, this calls every
// chat present throughout exactly once, and the cursor is a chat: a
// sender could record it and resume after a crash. A channel is a range
// of members ("tg:" up to "tg;"), so a Zalo-only notice does not read
// Telegram chats. The cost is memory: a sorted set member takes about 120
// bytes where a set member would take about 60.
//
// A person is in exactly one village set, so walking several villages
// one after the other gives nobody twice, unless she moves between two
// of them during the walk (she may then get it twice, or not at all).
//
// Count walks the audience without calling anyone: a count per village,
// channel and notice setting would have to be kept for every
// combination, and 10,000 people are 20 round trips, for a preview.
//
// # One hash tag for all
//
// Every key has the hash tag {people}, so Redis Cluster keeps them in one
// slot on one node. A change of village moves a chat from one village
// set to another, and the old village is known only from her record,
// inside the script: the script derives that key from the record, which
// Redis Cluster allows only for keys of the slot of the keys it was given.
// One slot is what makes person.lua one atomic step, and figures.lua one
// consistent read. A commune's people fit one node easily.
//
// # Memory
//
// Measured (BenchmarkMemoryPerPerson, Redis 7.0, 10,000 people: two in
// three on Telegram, ids of 10 digits, the others on Zalo, 19 digits;
// three in four with a village among 12; one in ten stopped): 345 bytes a
// person, 3.4 MB for 10,000. Of that, about 100 bytes are the record,
// 120 her member of all, 140 her member of a village set (for the three
// in four who chose one) and 5 the off set. Dropping all (walking every
// village set and a set of those without a village instead) would save
// about a third, for a walk of everyone over many keys; not worth it at
// a commune's size.
//
// # Failures
//
// Errors from a Redis that cannot be reached match store.ErrUnavailable
// (store.IsUnavailable sorts them); a caller's cancellation does not.
// Every write is idempotent, so trying one again is safe. An Audience
// that fails midway has called each for a prefix of the chats, in order.
package people
