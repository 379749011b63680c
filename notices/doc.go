// Package notices sends commune notices: a message from staff to an
// audience of citizens (the people of some villages, the village groups,
// the families with a BHYT reminder), as a job on a Redis Stream that
// the replicas share, through each channel's one paced outbox (DESIGN.md,
// invariants 4 to 6).
//
//	st := notices.NewStore(client, notices.Options{})
//	n, err := st.Create(ctx, notices.Notice{Author: "tg:42", Text: text,
//		Audience: notices.Audience{People: true, Filter: f}, Counts: notices.Counts{Total: preview}}, now)
//	w, err := notices.NewWorker(st, notices.WorkerOptions{
//		Senders: map[string]notices.Sender{"tg": tgOutbox, "zl": zlOutbox},
//		People: peopleStore, Reminders: reminderStore, Reporter: progress})
//	go w.Run(ctx) // every replica
//	err = st.Cancel(ctx, n.ID, now)
//	figures, err := st.Stats(ctx, now.AddDate(0, 0, -30), now)
//
// # A notice's life
//
// Create stores the notice and, in the same script, puts its job on the
// stream, or, with a later send time (At: "07:00 ngày mai"), in a sorted
// set scored by that time. Every worker, each turn of its loop (every
// Block, 2 s), runs Promote: one script moves the due ones to the stream,
// so replicas promoting at once queue each notice once. Promotion lives
// in the worker's loop rather than in a cron job: the loop already wakes
// every two seconds on every replica, so a scheduled notice leaves within
// two seconds of its time with no second schedule to configure, start and
// stop; a cron job would add a minute's granularity and nothing else.
//
// Workers read the stream as one consumer group (XREADGROUP, BLOCK 2 s),
// each under a name of its own (host-pid-random): Redis gives each entry
// to one of them. A worker sends one job at a time; one job already
// keeps the bot's 30 a second busy.
//
// # Sending a job
//
// The worker walks the audience, the groups first, then the people
// (people.Store's Audience, with Filter.Urgent set to the notice's), then
// the families with a reminder (reminders.Store's Chats, less those who
// stopped ordinary notices unless urgent), a Batch (100) at a time. Each
// batch loses the chats it holds twice, those still being sent to and,
// with one SMISMEMBER, those in the notice's done set; the rest are
// handed to Workers (8) senders that run for the whole job, each sending
// through the outbox of the chat's channel (by its prefix) with Key
// "<id>/<chat>". The next batch is read and handed out while the last
// sends of the one before still wait for the channel's answers, so the
// pace never drops at a batch's end: at Telegram's 100 ms a call, a notice
// keeps the outbox's 29 a second (BenchmarkNoticeRate). The outbox paces
// them (30 a second per bot, 1 a second per chat, 20 a minute per group),
// waits out 429s and marks who blocked the bot. Memory stays flat: a
// batch and the chats in flight are all a worker holds, however large the
// audience.
//
// Each outcome is recorded right after it is known, by one script
// (record.lua): the chat joins the done set and, only if it was not in
// it, one counter goes up (sent, blocked, failed, skipped). So the counts
// stay exact when a message is sent twice, and a chat in two parts of the
// audience (a family with a reminder who is also among the people) gets
// the notice once: the second part's batch finds it in flight or in the
// done set (the chats in flight are read first, so a chat recorded in
// between is in the done set). A failure after the outbox's retries, or a
// refusal for good, is recorded failed and not tried again.
//
// # Resuming, leases and takeovers
//
// A worker that dies, or whose context ends, leaves its entry pending.
// Another worker takes it over with XAUTOCLAIM once it has been idle a
// Lease (10 s): the others look every Block (2 s), so a replica killed
// mid-notice costs about a lease, seconds. A running job renews its hold
// every third of the lease (refresh.lua: XCLAIM to itself, only while
// the entry is still its own, with package lease), so a long live job is
// never taken; one whose renewal finds the entry taken (it stalled past
// the lease) stops, and so does one that could not renew for 9/10 of the
// lease (Redis out of reach), before another worker may take it. The new
// worker walks the audience again from the start: people.Store's
// Audience has no starting chat, and the done set is the record of what
// was sent; re-reading 10,000 chats is 20 round trips and 100
// SMISMEMBERs, nothing next to the six minutes of sending.
//
// Delivery is at least once, never "exactly once": nothing recorded goes
// again, but what was in flight when the first worker died — sent, and
// maybe accepted by the channel, but not yet recorded — goes again, with
// the same Key. So a crash repeats at most Workers messages (8), and in
// practice one or two: a sender waits for the outbox's pace most of the
// time, and records its outcome one round trip after the channel's
// answer (TestServeNoticeSurvivesAKilledReplica in cmd/motcua measures
// it with a SIGKILL). A send whose answer the network lost is retried by
// the channel and may also arrive twice.
//
// # Quiet hours, cancel, progress
//
// An ordinary notice that meets quiet hours (the outbox's ErrQuietHours)
// is not failed: pause.lua puts it back in the scheduled set at the
// outbox's QuietUntil (07:00) with Waiting set, and acknowledges its
// entry, so no worker holds it through the night; at 07:00 it is
// promoted, still sending, and goes on from the done set. Urgent notices
// ignore quiet hours and reach those who stopped ordinary notices.
//
// Cancel sets the status. A running job learns of it from its next
// record (record.lua returns the status), stops within one message, and
// its worker finishes it as canceled with the counts so far. A notice
// that never started is finished by Cancel itself; one waiting for quiet
// hours is put on the stream for a worker to finish and report.
//
// The Reporter (the bot, which posts the first time and edits after) is
// called when a job starts or resumes, at most every ReportEvery (5 s)
// and ReportSends recipients while it sends, when it waits for quiet
// hours, and at the end. It returns the ref of its message, kept in the
// notice, so a resumed run on another replica edits the same message.
// Reports run aside, one at a time, and the sending does not wait for
// them: the first one goes to the staff's chat, which has just had the
// bot's answer to the confirmation, and Telegram lets a chat have about
// one message a second, so the first recipient would otherwise wait a
// second for it. The final report waits for the one running. A replica
// that dies between posting the message and keeping its ref leaves a
// message the run that takes over does not know of: staff then get a
// second one, as any send in flight at a crash may go twice.
//
// # Keys in Redis
//
// With the default prefix "mc":
//
//	mc:{notices}:seq        counter: the notices' ids
//	mc:{notices}:n:<id>     hash: the notice (JSON in "n"), status,
//	                        counters, progress ref, started, finished,
//	                        waiting (times in Unix ms)
//	mc:{notices}:d:<id>     set: the chats with an outcome
//	mc:{notices}:sched      sorted set: id by the time to send (Unix ms)
//	mc:{notices}:jobs       stream: one entry {id} per job run
//	mc:{notices}:recent     sorted set: id by creation, for List
//	mc:{notices}:day:<date> hash: notices done, messages delivered,
//	                        recipients blocked that day (yyyymmdd in
//	                        Asia/Ho_Chi_Minh), for Stats
//
// A finished notice's record and done set, and the daily figures, expire
// after the Retention (90 days); recent forgets older ids as notices are
// created; a job's stream entry is deleted when it is acknowledged.
//
// # One hash tag
//
// Every key has the hash tag {notices}, so Redis Cluster keeps them in one
// slot: the scripts touch the stream, the scheduled set, a record, its
// done set and the day's figures together (promote.lua queues a notice
// and changes its record in one step; record.lua adds to the done set
// and the counters, and reads the status; finish.lua acknowledges the
// entry with the record's end), and promote.lua derives records' keys
// from the ids it finds, which Cluster allows only within the slot of its
// keys. A commune's notices are a few a week: one slot is no hot spot.
// The done set is the only large key: about 70 bytes a recipient, 700 KB
// for a notice to 10,000, kept 90 days.
//
// # Backends
//
// Redis only: the worker is a consumer group with leases, which a memory
// store would have to imitate in full for a trial run that can start a
// private redis-server as easily.
//
// # Failures
//
// Errors from a Redis that cannot be reached match store.ErrUnavailable.
// A worker logs them and tries again after Block; a job whose records
// fail stops (more sends would only make more unrecorded messages) and
// is taken over after the lease. Writes made after a send are made even
// when the worker's context has ended, within 10 s.
//
// # Metrics
//
// With a Registerer: motcua_notices_jobs_total by event (started,
// paused, done, canceled) and motcua_notices_recipients_total by outcome
// (sent, blocked, failed, skipped), each recipient counted once.
package notices
