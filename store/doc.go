// Package store keeps the state of conversations: where each citizen is in
// a procedure, and which updates were already handled.
//
// # One record per conversation
//
// A conversation (a chat on one channel, named like "tg:123" or
// "zalo:abc") is one record: an opaque blob that the bot encodes and a
// version. Everything the bot keeps about a conversation changes together,
// so one atomic step is enough to save it; there are no cross-record
// transactions.
//
// # Compare-and-swap
//
// Load returns the data with its version; Commit saves new data only if the
// version is still the one loaded, and otherwise fails with ErrConflict
// without writing. Two replicas handling two updates of one chat therefore
// never lose one: the loser loads again and applies its update on top of
// the winner's. Update wraps that loop around a pure function. A missing
// record is version 0 and every commit adds one. A record deleted and
// recreated counts from 0 again, so a writer could in principle overwrite
// a newer record if, between its Load and its Commit, the conversation
// were deleted and then committed exactly as many times as before; that
// window is accepted.
//
// # Every update once
//
// Telegram re-sends a webhook that did not get a 2xx, and long polling
// re-delivers after a crash. Each update id is remembered for DedupTTL (24
// hours), per conversation, in the same atomic commit that saves its
// effect: either both happen or neither, so an update is never marked
// handled without its change, nor changed twice. Load reports a
// remembered id (Snapshot.Seen) so the bot can stop early; Commit checks
// again and fails with ErrDuplicate, which wins over ErrConflict. An empty
// id (a scheduled job, a staff action) is never a duplicate.
//
// # Keys in Redis
//
// With the default prefix "mc", the conversation "tg:123" is
//
//	mc:{tg:123}:conv      "<version> <token> <data>", token naming the last
//	                      commit; expires IdleTTL after the last commit
//	mc:{tg:123}:u:<id>    an update handled for it; expires after DedupTTL
//
// The braces are a hash tag: Redis Cluster puts every key of one
// conversation in the same slot, so the commit script may touch them all,
// and different conversations spread over the cluster. Conversation ids
// and the prefix therefore must not contain braces. Load is one round trip
// (GET and EXISTS, pipelined); Commit is one round trip (a Lua script run
// by EVALSHA, sent once more as EVAL the first time after Redis restarts);
// Delete is one DEL. No command walks the key space.
//
// Each commit carries a random token, stored with the record and as the
// value of the update key, so that when go-redis re-sends the script after
// losing its reply, the second run recognises its own write and reports
// success instead of ErrDuplicate or ErrConflict.
//
// # Idle expiry
//
// Personal data is kept only as long as it serves the citizen (Nghị định
// 13/2023/NĐ-CP): a conversation nobody writes to for IdleTTL (30 days by
// default) disappears; loading it does not extend its life. Redis expires
// keys itself; the memory store checks expiry whenever it meets an entry
// and sweeps everything expired once a minute by its clock, which tests
// inject (Options.Now) and move instead of sleeping.
//
// # Backends
//
// NewRedis is for production, NewMemory for trial runs and unit tests of
// other packages. Both pass the conformance suite in package storetest;
// package redistest starts the private redis-server those tests use.
package store
