// Package stats keeps the daily figures of use that commune staff read
// with /thongke, and draws them as a chart.
//
// # What the bot does with it
//
// After an update commits, the bot adds what it changed to the day's
// counters with one Add: a procedure started (Started(flow)), completed
// (Done(flow)) or given up at a step (Quit(flow, step): /huy, or another
// procedure started over it), a question to volunteers asked (Asked).
// Field names are opaque to the store; these helpers are the names the
// bot and the summaries agree on. A citizen's first message of the day
// also calls Active, which counts distinct people a day. (Answers and
// notices delivered are counted, with their times, by packages tickets
// and notices.)
//
// A day is a civil date in the commune's zone (flows.DateOf(now.In(loc))),
// so that a message at 23:30 in Vietnam counts on that day, not on UTC's.
//
// /thongke reads 30 days with Days (one round trip), the distinct people
// of the whole period with Reach, and sums them with the pure functions
// Flows (started, done, given up and the completion rate per procedure),
// TopQuits (where people gave up, most first), Total and Day.Procedures.
// Chart draws the days as a PNG for the bot to send as a photo.
//
// # Keys in Redis
//
// With the default prefix "mc", per day:
//
//	mc:{stats}:d:<yyyy-mm-dd>   hash: field → count (HINCRBY)
//	mc:{stats}:a:<yyyy-mm-dd>   HyperLogLog of the chats active that day
//
// Add is one MULTI of an HINCRBY per field and an EXPIREAT, sent in one
// round trip: a reader sees all of an Add or none of it, and replicas
// adding at once lose nothing. Active is one MULTI of PFADD and
// EXPIREAT. Both keys of a day expire Retention (400) days after the day,
// a time computed from the date alone: every write sets the same one, and
// a late write does not keep an old day longer. A year ago stays
// comparable with today. Days is a pipeline of an HGETALL and a PFCOUNT
// per day; Reach is one PFCOUNT of all the days' HyperLogLogs, which Redis
// merges.
//
// # One hash tag for all
//
// Every key has the hash tag {stats}, so Redis Cluster keeps them in one
// slot on one node. PFCOUNT of several keys (Reach) is refused by Cluster
// unless they share a slot, and one node makes the 60 commands of Days
// one round trip to one server rather than one per node. The cost is that
// the figures of a commune live on one node: a few kilobytes a day, a few
// hundred writes a day; no node would notice.
//
// # Why a HyperLogLog for people
//
// A set of the day's chats would be exact, but it would hold who used
// the bot on which day: personal data (Nghị định 13/2023/NĐ-CP) that
// /xoadulieu would then have to find and erase in 400 sets, and that
// nobody needs. A HyperLogLog holds no chat id that can be read back: only
// the count survives, and there is nothing to erase. It also bounds the
// memory: sparse (about 1 KB for 300 people) and at most 12 KB dense,
// however many people, where a set of 5,000 chats would take about 300 KB
// a day. The price is that the count is approximate: Redis's HyperLogLog
// has a standard error of 0.81 % (measured on Redis 7.0: 300 people count
// 299, 1,000 count 998, 5,000 count 4,971). Reach is as approximate.
// Memory, for trial runs, counts exactly with sets.
//
// The counters are exact, but an Add is not idempotent: one retried after
// its reply was lost counts twice. The bot adds after its update commits
// and an update is handled once, so this is rare and small.
//
// # Memory
//
// Measured (BenchmarkMemoryPerDay, Redis 7.0, 400 days of a commune with
// 20 procedures each started, done and given up at 3 steps, 104 fields,
// and 300 people active a day): 2,870 bytes a day of used_memory, 1.1 MB
// for the 400 days kept. MEMORY USAGE gives 2,632 bytes for the hash and
// 1,096 for the HyperLogLog; a day of 5,300 people takes 14,408 (dense),
// so 400 very busy days would be about 7 MB. The hash is a listpack while
// it has at most hash-max-listpack-entries fields (512 by default); past
// that Redis makes it a hash table, about three times larger (600 fields:
// 46 KB). A commune's procedures and the steps they are given up at stay
// well below.
//
// # The chart
//
// Chart draws with golang.org/x/image alone (opentype for the words,
// vector for the lines): four lines (people, procedures started,
// completed, questions), dates as dd/mm, whole numbers with a dot between
// thousands, 1000 × 560 pixels with text large enough to read when
// Telegram shows it 400 pixels wide on a phone. Its words come from the
// caller (the bot keeps them in YAML). The font is Liberation Sans
// (go-fonts/liberation), embedded and parsed at the first chart, so that
// a process that draws none pays nothing for it: it has every Vietnamese
// letter, precomposed, which the Go fonts do not. Labels are composed
// (NFC) first, since YAML may hold them decomposed; a label with a letter
// the font lacks (an emoji) is ErrInvalid rather than a box in the
// picture. About 20 ms and 3.7 MB of allocations a chart on 2 cores
// (BenchmarkChart), for a command staff type a few times a week.
//
// # Failures
//
// Errors from a Redis that cannot be reached match store.ErrUnavailable
// (store.IsUnavailable sorts them); a caller's cancellation does not.
// Arguments the store refuses (a day that does not exist, a negative
// count, a period longer than MaxDays) are ErrInvalid, and nothing of
// the call is written.
package stats
