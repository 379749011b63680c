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
// # Replies until delivered
//
// Remembering that an update was handled is not enough: a reply saved but
// never sent (the Bot API failed, the process died before sending) would
// be lost, the redelivery taken for a duplicate. So the commit keeps, with
// the update id, the reply still to deliver (Change.Reply, opaque bytes
// the bot encodes), and the channel says after sending how much is left
// (SetReply: nil once all got through). A redelivery that finds a reply
// left (Snapshot.Reply) takes it with ClaimReply and sends it.
//
// One delivery at a time holds an update's reply: the committer from its
// commit, a redelivery from its claim, each for ReplyHold (the update's
// deadline and a margin). Meanwhile another delivery of the update —
// Telegram retrying after a timeout, the same update sent to two replicas
// — gets ErrReplyHeld and is answered "try later", so a live delivery is
// never doubled. SetReply releases the hold at once, so a redelivery after
// a failed send goes on without waiting; a delivery that died releases it
// when the hold ends. Holds are timed by the server's clock (Redis's TIME
// in the scripts), the same for every replica.
//
// The bound this gives: a message is sent twice only when its sender dies
// after the channel accepted it and before SetReply recorded it — at most
// the messages of the updates in flight at the crash, once more each. A
// reply whose SetReply is lost (Redis down right then) may be sent again
// to a redelivery; a webhook answered 200 is not delivered again, so in
// practice only a crash repeats.
//
// # Keys in Redis
//
// With the default prefix "mc", the conversation "tg:123" is
//
//	mc:{tg:123}:conv      "<version> <token> <data>", token naming the last
//	                      commit; expires IdleTTL after the last commit
//	mc:{tg:123}:u:<id>    an update handled for it: "<token>" when nothing
//	                      is left to deliver, "<token> <held until, ms>
//	                      <reply>" while its reply is undelivered ("d"
//	                      stands for the token once SetReply wrote);
//	                      expires after DedupTTL
//
// The braces are a hash tag: Redis Cluster puts every key of one
// conversation in the same slot, so the commit script may touch them all,
// and different conversations spread over the cluster. Conversation ids
// and the prefix therefore must not contain braces. Load is one round trip
// (GET, EXISTS and GET, pipelined); Commit is one round trip (a Lua script
// run by EVALSHA, sent once more as EVAL the first time after Redis
// restarts); SetReply is one SET (XX, KEEPTTL); ClaimReply, only for a
// redelivery, one script; Delete is one DEL. An update on the happy path
// costs three: Load, Commit, SetReply. No command walks the key space.
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
