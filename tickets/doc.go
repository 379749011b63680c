// Package tickets keeps the questions the bot hands to a person: a
// citizen's ticket, claimed by one volunteer, answered and closed, with
// figures on how long people waited.
//
// # A ticket's life
//
// The bot creates a ticket when a citizen asks (/hoi, a flow step, a
// search that found nothing): her question, her display name, where in a
// procedure she was, her village when known, and the answers she agreed
// to share, already worded (Shared; empty unless she agreed: the store
// never reads her conversation). Create sets Status Open and Notified 1,
// for the post the bot makes in the volunteers' group at once; SetPost
// records that message so that a volunteer's reply to it finds the ticket
// (ByPost).
//
//	Open ──Claim──▶ Claimed ──Close──▶ Closed
//	  ▲               │  Release (the claimer only)
//	  └───────────────┘
//	Open ──Close──▶ Closed
//
// A chat has at most one ticket under way (open or claimed): Create
// refuses a second with ErrActive, and Active returns the one there is,
// so that the bot sends her messages to its volunteer. Answered records
// the first answer relayed to her; Close, from either side, ends it for
// good. Claimed keeps the time of the first claim through a hand-back,
// so that the figures measure the wait until someone first took it.
//
// # One claim wins
//
// Every change is a compare-and-set on the ticket's version: read, apply
// the rule, write if nobody wrote in between, else read again. Of two
// volunteers pressing "Nhận" at once, both read an open ticket; one write
// lands, the other finds the version moved, reads again, finds the
// ticket claimed and returns ErrTaken with the ticket, which names the
// winner. A volunteer pressing twice gets ErrTaken naming himself.
//
// The rules live once, in Go (core.go), on a small backend that reads and
// writes records and keeps the indexes; Redis and Memory implement it, so
// the two behave alike by construction, and the conformance suite in
// package ticketstest checks both.
//
// # Re-posts and staff, once
//
// The scheduler (elsewhere) runs on every replica, each tick, something
// like:
//
//	again, staff, err := st.Due(ctx, now, 30*time.Minute, escalateAfter)
//	for _, t := range again { // post again, ping volunteers
//		if post, err := group.Send(ctx, t); err == nil {
//			st.SetPost(ctx, t.ID, post)
//			st.MarkNotified(ctx, t.ID)
//		}
//	}
//	for _, t := range staff { // tell the staff chat
//		if err := staffChat.Send(ctx, t); err == nil {
//			st.MarkEscalated(ctx, t.ID)
//		}
//	}
//
// with escalateAfter 4 hours within desk hours and 0 outside them (0
// claims none). Both waits count from Created, for open tickets only: a
// claimed ticket waits for nobody, and one handed back after 4 hours is
// due for staff at once. A ticket is re-posted once and staff are told
// once.
//
// Due claims: each ticket it returns is held for Options.Lease (2
// minutes), during which no other Due returns it, so replicas ticking at
// once send it once. A ticket not marked by the lease's end (the replica
// died, the send failed) comes again: delivery is at least once, as for
// reminders. Marking is idempotent, and any write (SetPost between the
// send and the mark) keeps the lease.
//
// # Privacy: content goes, figures stay
//
// DeleteChat (/xoadulieu) deletes every ticket of the chat at once,
// whatever its state. A closed ticket is deleted Options.Retention (30
// days) after it closed, by Purge, which the scheduler calls on its
// ticks; an open or claimed ticket is kept until it is closed. Deleted
// means gone: Get says ErrNotFound, and no index names it.
//
// The figures are events, kept apart from the tickets and never deleted
// with them: "asked", "first claimed", "first answered", "closed", each
// with the ticket's random ID (which names nothing once the ticket is
// gone), its village and, for the claim and the answer, the wait since it
// was asked, in milliseconds. No name, chat, question or volunteer. Stats
// adds up the events of a span of time, each counted in the span in which
// it happened, and takes the medians of the waits, overall and per
// village.
//
// # Keys in Redis
//
// With the default prefix "mc":
//
//	mc:{tk}:t:<id>       the ticket: a hash (fields in record.go)
//	mc:{tk}:open         open tickets: sorted set of ids by Created (ms)
//	mc:{tk}:claimed      claimed tickets: the same
//	mc:{tk}:closed       closed tickets by Closed (ms), for Purge
//	mc:{tk}:renotify     open tickets not yet re-posted, by Created, or
//	                     while Due holds them by lease end - renotifyAfter
//	mc:{tk}:escalate     open tickets staff were not told of, the same
//	mc:{tk}:active       hash: chat → id of her ticket under way
//	mc:{tk}:posts        hash: group message → id
//	mc:{tk}:c:<chat>     set: the ids of the chat's tickets
//	mc:{tk}:f:<yyyymmdd> the figures of a UTC day: sorted set of events
//	                     "<kind> <id> <wait ms> <village>" by when (ms)
//
// Three scripts, each touching only the keys it is given:
//
//	put.lua     every change of a ticket (Create, Claim, Release,
//	            Answered, Close, SetPost, MarkNotified, MarkEscalated): the
//	            ticket, the seven index keys, the chat's set and the day's
//	            figures. Compare-and-set on the version; the indexes and the
//	            figures change in the same atomic step, derived from the
//	            new record, so none is ever out of step with its ticket.
//	due.lua     Due: the two queues, renotify and escalate.
//	remove.lua  DeleteChat and Purge: the tickets, their chats' sets and
//	            the seven index keys; never the figures.
//
// Reads are plain commands: Get and Open load tickets with pipelined
// HGETALLs, Active and ByPost are an HGET then a ticket, Stats is one
// ZRANGEBYSCORE a day, pipelined. No command walks the key space.
//
// Each put carries a random token, kept in the ticket, so that when
// go-redis re-sends the script after losing its reply, the second run
// recognises its own write and says ok instead of "conflict" (a Create
// refused by itself, a claimer told he lost to himself).
//
// # One hash tag for all
//
// Every key has the hash tag {tk}, so Redis Cluster keeps them in one slot
// on one node. Open and Due need the whole commune's open tickets in one
// key each, and every write changes a ticket and those indexes together;
// one slot makes that one atomic script. Tickets are few (tens a day in a
// commune, deleted 30 days after closing), so one node carries them
// easily. Measured (BenchmarkMemoryPerTicket, 5,000 tickets at 20 a day,
// a 200-character question, two posts, claimed, answered, closed): about
// 2.6 KB a ticket while its content is kept, and 250 bytes of figures
// left for good: 1.8 MB a year. A day's figures stay in Redis's compact
// listpack encoding up to 128 events (about 30 tickets a day) and events
// up to 64 bytes (a village of up to about 40 bytes: 15 to 40 letters,
// by their diacritics); past that they take about twice the memory, and
// are just as correct.
//
// # Time and failures
//
// No store reads a clock: every method that needs the time is given it,
// the update's for a citizen or a volunteer, the tick's for the scheduler;
// tests move a clock instead of sleeping. Times are kept to the
// millisecond.
//
// Errors from a Redis that cannot be reached match store.ErrUnavailable
// (store.IsUnavailable sorts them). Such a write may or may not have
// landed; trying it again is safe: a Claim that landed says ErrTaken
// naming the caller, a Create that landed says ErrActive, and the figures
// count each event once.
package tickets
