// Package scheduler runs the cron-driven job that sends due BHYT
// reminders (DESIGN.md, invariants 4, 5 and 7). Every replica runs one
// Job; none of them scans anything, and the replicas never send a
// reminder twice but for a crash's sends in flight (see below):
//
//	job, err := scheduler.New(remStore, ob, texts, scheduler.Options{Registerer: reg})
//	err = job.Start(ctx) // Tick every 5 s, with robfig/cron
//	defer job.Stop(shutdownCtx)
//
// # A tick
//
// Tick(ctx, now) is one pass; Start calls it on the schedule with
// Options.Now, and tests with a clock they move.
//
//  1. In quiet hours (the outbox's QuietUntil, 21:00 to 07:00) it claims
//     nothing: reminders are never urgent, and a claim would only sit out
//     its lease and come back, maybe still in the night.
//  2. It claims up to Batch due reminders under a Lease (the store's
//     Claim: atomic, so replicas never share one), and renews the lease
//     of those not yet sent every third of it while it sends (Renew). What
//     a claim returns is the latest missed stage only (Claimed.Stage):
//     catching up after a downtime is the store's rule, not the job's.
//  3. It sends each through the outbox (the one paced sender of the
//     bot), with Key = Claimed.Key(). Chats are sent to by Workers in
//     parallel, the reminders of one chat in turn.
//  4. A send the channel accepted is recorded with Done, and only then.
//     Done is a compare-and-set: a citizen who renewed or snoozed the
//     card meanwhile keeps her answer.
//  5. It claims again while claims come back full and some of the batch
//     went out, each claim at the tick's time plus the time it has taken,
//     so that each lease counts from its own claim.
//
// What does not go out is left to the lease: a failed send (its lease is
// no longer renewed), a tick canceled halfway, a replica that dies after
// its claim. The store hands the reminder out again, once, when the lease
// ends. The lease is short (10 s) because it is renewed while the batch
// is sent, however long that takes (500 at 29 a second take 17 s): a
// replica killed mid-batch leaves the rest to the others within the
// lease and a tick (5 s), seconds rather than the minutes a lease long
// enough for a whole batch would cost. A batch's sends stop when its
// lease could not be renewed for 9/10 of it (Redis out of reach, or the
// process stalled), so that they never overlap another replica's claim of
// the same reminders; a renewal that finds a claim no longer held (the
// citizen changed the reminder, or another replica took it after a stall)
// drops it unsent.
//
// Delivery is at least once, never "exactly once". A send the channel
// accepted is recorded with Done at once, one round trip to Redis; a
// replica that dies between the two leaves that stage to be sent again
// after the lease, with the same Key. So a crash repeats at most the
// sends in flight at that instant: one per worker (Options.Workers, 8),
// and in practice fewer, since a worker spends most of its time waiting
// for the outbox's pace (TestServeRemindersSurviveAKilledReplica in
// cmd/motcua measures it with a SIGKILL). A send whose answer the
// network lost is retried by the channel and may also arrive twice.
//
// Three answers of the outbox end a send otherwise:
//
//   - ErrQuietHours, a batch that crossed 21:00: the tick stops. The
//     reminders not sent stay claimed and come back after the lease; the
//     first tick after 07:00 claims them.
//   - ErrBlocked, the citizen blocked the bot: the chat's reminders are
//     paused (SetPaused, which the outbox's OnBlocked may have done
//     already; pausing twice changes nothing) and her other reminders in
//     the tick are not sent.
//   - A write to the store that fails after a send (Done, SetPaused)
//     stops the tick: more sends would only make more messages that go
//     again after the lease. These writes are made even when the tick's
//     context has ended, within 10 s: what was sent must be recorded.
//
// # The schedule
//
// Options.Spec is a robfig/cron spec in Options.Location: "@every 5s"
// (the default: a tick that finds nothing due costs one round trip, and
// the interval adds to what a crash costs), or "* * * * *" for every
// minute on the minute. A tick still running when the next one is due
// makes it skip (cron.SkipIfStillRunning, logged at debug level): a
// catch-up of thousands of cards expiring on the same day runs to its
// end without a second tick in the same process competing with it. Other
// replicas do compete, through their claims.
//
// # Words
//
// The job builds no text: a Renderer, fed from the bot's YAML messages,
// makes each reminder's message and buttons. Reminders are set in private
// chats, so messages go out with Group unset.
//
// # Metrics
//
// With a Registerer: motcua_scheduler_reminders_total by how each claimed
// reminder ended (sent, quiet, blocked, failed) and
// motcua_scheduler_tick_seconds.
package scheduler
