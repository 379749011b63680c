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
// # Starting from the last commit
//
// A citizen's next message usually reaches the replica that handled her
// last one, minutes later. Redis remembers what it committed for up to
// 10,000 conversations, for 10 minutes each (recent.go), and UpdateSnapshot
// starts from that instead of a Load: the update costs one round trip,
// the commit, instead of two. The memory is a guess the commit checks. A
// guess gone stale — another replica wrote, the record expired, was erased
// or lost in a failover, the chat blocked the bot (the commit of a
// remembered snapshot checks the block mark, which a Load would have
// read), or the update was already handled — makes the commit write
// nothing and answer a *StaleError carrying the record, the block mark or
// the kept reply as they are; the update is then handled again from there,
// in one more round trip: never worse than a Load first. The cost is that
// the update's function may run for a duplicate before the commit finds
// it (its result is dropped), which is why that function must be pure.
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
// costs two, Commit and a SetReply shared with other updates' (Delivered),
// and a Load when this process holds nothing recent of the chat (see
// "Starting from the last commit"). No command walks the key space.
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
//
// # Failover
//
// This section is about every store on Redis, not this package's alone.
// With Redis Sentinel or Redis Cluster a replica is promoted when its
// master dies: Sentinel after down-after-milliseconds (30 s by default, 5 s
// is reasonable) and a vote of the sentinels, Cluster after
// cluster-node-timeout. Measured (cmd/motcua TestServeSentinelFailover,
// down-after 1 s, loopback, 2 cores, 7 runs): the bot served again 2.4 to
// 4.5 s after the master was killed, without a restart. Until then every write
// fails with an error matching ErrUnavailable: the update is not handled,
// the citizen is told once to wait, the webhook answers 503 and Telegram
// delivers the update again (polling holds its offset, Zalo's worker
// retries). Nothing is lost in that window.
//
// What can be lost is older. Replication is asynchronous: a master
// answers a write before its replica has it, so a write acknowledged just
// before the master died, within the replica's lag (well under a
// millisecond on a quiet LAN, more when the replica falls behind), may be
// missing on the new master. A master cut off from the sentinels but not
// from the bot keeps taking writes that are thrown away when it rejoins as
// a replica; min-replicas-to-write 1 with min-replicas-max-lag 10 on the
// masters bounds that to 10 s (past it the master refuses writes, which
// the bot takes as unavailable). Each script is replicated whole, as one
// transaction, so a lost write is a whole step, never half of one. What a
// lost write costs, by kind, with the bound:
//
//   - A conversation step (commit.lua). The record and its update id
//     are lost together, with whatever the commit keeps beside them.
//     The citizen already has the reply (the next question); her next
//     update is taken against the step before: a button of the lost
//     question is refused as an old one ("Nút này thuộc một câu hỏi cũ"),
//     a typed answer is read as the answer to the earlier question. Bound:
//     per chat, the steps committed within the lag, in practice its last
//     one, since her next update waits for her to read and answer.
//   - An update id. Never lost without its step. When both are lost and
//     the update comes again (its answer was not 2xx), it is handled again
//     from the earlier step: its effect lands once, its reply is sent
//     twice. A mark that a reply was delivered, lost, lets a redelivery of
//     its update send that reply again. Bound: one repeated reply per
//     update in flight at the failover.
//   - Reminders. A lost Claim leaves the reminders it took due on the new
//     master: the next tick of any replica (a minute) takes them again
//     while the first may still be sending them, so those not yet Done go
//     twice; bound: one claim's batch (500) per replica, only when the
//     failover falls within the lag after a Claim. A lost Done sends its
//     stage again after the lease: the Dones within the lag, one or two
//     at 29 sends a second. A lost Save, Delete, Snooze or pause undoes
//     the citizen's change (a deleted reminder comes back).
//   - Notices. A recipient's outcome (record.lua: the done set and its
//     counter, together) lost sends to her again when the job goes on,
//     counted once. A lost read of the job or renewal of its lease lets
//     another worker take it over: as after a replica's crash, at most
//     the sends in flight (notices.workers) go twice; measured, 2 to 4
//     of 131 with 4 workers. A lost Create is worse: staff were told the notice
//     is queued, and it is gone, never sent and not listed; bound: the
//     notices created within the lag.
//   - Tickets (put.lua). A lost Create: the citizen was told "Đã gửi câu
//     hỏi" and the group's post may be there, but its "Nhận" finds no
//     ticket. A lost claim: the volunteer was told the ticket is his, and
//     it is open again for another. Bound: the changes within the lag.
//   - Roles and invites. A lost Invite is a code that does not work, a
//     lost Join one to use again; a lost Revoke leaves the volunteer his
//     role, the one loss that widens rights: staff who revoke someone
//     during a failover should check that it held.
//   - People. A lost SetNotices or SetVillage undoes it (she gets the
//     next ordinary notice, or her old village's); a lost Seen is made
//     again by her next message.
//   - Erasure (/xoadulieu). Each store's part is its own write: a lost
//     one leaves that part of her data on the new master, though she was
//     told it is erased. Bound: the erasures within the lag.
//   - Figures (stats, the Zalo quota, the outbox's shared pace). Counters
//     lost are short by the writes within the lag: a day's counts a
//     little low, a few Zalo messages over the quota, a moment over
//     Telegram's pace answered with 429s and waited out. A lost "blocked
//     the bot" mark is made again by the next 403.
//
// # WAIT and WAITAOF
//
// None is used. WAIT n makes Redis answer once n replicas have the
// connection's earlier writes, so that a failover to one of them keeps
// them; it costs a round trip to the replica on each write that uses it.
// For a conversation step that would be on every update, the hot path, to
// save at most one re-asked step per chat within the lag: not worth it.
// For the rare writes whose loss misleads someone (a notice's Create, a
// Revoke, an erasure, a reminder Claim) a WAIT 1 of 100 ms would be cheap,
// but it cannot be sent through go-redis's clients as they are: WAIT
// counts its own connection's writes, so it must share a pipeline with
// the write on the node that holds the key, and a cluster client sends a
// command without a key to any node; on a master without replicas it
// waits out its timeout. Doing it means a client per node
// (ClusterClient.MasterForKey) and knowing whether the master has
// replicas: left until such a loss is seen, which needs a failover within
// the lag of one of a few writes a day. WAITAOF (Redis 7.2; Debian 12
// ships 7.0) waits for the append-only file to reach the disk: it answers
// another risk, a restart of the same node losing its last second with
// appendfsync everysec, which appendfsync always removes at its own cost.
//
// # One slot as a limit
//
// On a cluster, per-chat keys ({tg:123}) spread over every slot and grow
// with the cluster. The other stores each keep one hash tag, so that
// their scripts may touch their indexes in one atomic step; each such
// slot lives on one master:
//
//   - {people} and {stats} take a write on every update (Seen; Add and
//     Active): the whole bot's traffic meets on these two slots, a small
//     script or MULTI each. bench/telegramload measures redis-server at
//     about 0.05 ms of CPU for an update's two round trips of commit and
//     load: a core takes some 20,000 such writes a second, far beyond a
//     province's citizens typing. Split
//     later: people by a hash of the chat into N tags, each with its own
//     indexes, the audience walked tag by tag; stats by a hash of the
//     field, read back from the N.
//   - {rem}: about 180 bytes a reminder (1 million: 180 MB on one node);
//     reminders leave at the bot's pace, 29 a second, some 1.4 million in
//     the 14 hours outside quiet hours, so memory, not traffic, is the
//     limit. Split later: N due sets, {rem:k} by the chat's bucket, the
//     record beside its due entry as today, Claim taking from each in
//     turn.
//   - {notices}: a notice's done set holds about 70 bytes a recipient
//     for 90 days, so 10,000 recipients a day keep some 63 MB; sending is
//     bounded by the same 29 a second. Split later: drop a done set when
//     its notice finishes (the counts stay), or give each notice a tag of
//     its own with the stream kept apart.
//   - {tk}, {roles}: tens of writes a day; no limit in sight.
package store
