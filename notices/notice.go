package notices

import (
	"errors"
	"time"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/people"
)

// Status is where a notice is in its life.
type Status string

// The statuses of a notice. A notice goes scheduled → queued → sending →
// done, or to canceled from any of the first three.
const (
	// Scheduled waits in the sorted set for its time (Notice.At), or for
	// the quiet hours to end (Notice.Waiting) after it began sending.
	Scheduled Status = "scheduled"
	// Queued is a job on the stream that no worker has begun.
	Queued Status = "queued"
	// Sending is a job a worker is sending.
	Sending Status = "sending"
	// Done is a notice sent to its whole audience.
	Done Status = "done"
	// Canceled is a notice staff stopped; what was sent stays sent.
	Canceled Status = "canceled"
)

// Audience chooses who gets a notice. Several parts may be chosen; a chat
// in two of them gets the notice once.
type Audience struct {
	// People sends to the private chats Filter chooses (people.Store's
	// Audience). Filter.Urgent is the notice's Urgent, whatever is set.
	People bool
	// Filter chooses the villages (none: everyone) and the channel ("":
	// both). The channel applies to every part.
	Filter people.Filter
	// Groups sends to the village groups where the bot is a member, of
	// Filter.Villages (every group when none).
	Groups bool
	// Reminders sends to the families with a BHYT reminder: the chats
	// that have at least one reminder, whatever their village. Those who
	// stopped ordinary notices get only urgent ones.
	Reminders bool
}

// Counts say how a notice's recipients ended.
type Counts struct {
	// Total is how many recipients the notice has: the preview's count
	// until the walk of the audience ends, then Sent+Blocked+Failed+Skipped.
	Total int
	// Sent counts the messages the channel accepted.
	Sent int
	// Blocked counts the recipients who blocked the bot.
	Blocked int
	// Failed counts the messages refused for good or failing after the
	// outbox's retries.
	Failed int
	// Skipped counts the recipients not tried: a chat of a channel with
	// no sender, or whose monthly quota is spent (Zalo).
	Skipped int
}

// Handled is how many recipients have an outcome.
func (c Counts) Handled() int { return c.Sent + c.Blocked + c.Failed + c.Skipped }

// Notice is a message from staff to an audience of citizens.
type Notice struct {
	// ID is given by Create.
	ID string
	// Author is the staff member's chat ("tg:123"), where progress goes.
	Author string
	// AuthorName is her name, for the list of notices.
	AuthorName string
	Audience   Audience
	Text       string
	// Photo, when set, goes with Text as its caption: an ID of the
	// channel or a URL.
	Photo *bot.Photo
	// Urgent notices (a storm warning) reach those who stopped ordinary
	// notices and are sent in quiet hours.
	Urgent bool
	// At is when to send; zero (or a time passed) is now.
	At time.Time
	// Key, when set, makes Create idempotent: a second Create with the
	// same key (within the retention) stores nothing and returns the
	// notice the first one stored.
	Key string
	// Created is when Create stored it.
	Created time.Time

	Status Status
	Counts Counts
	// Progress is the reference the Reporter returned for the progress
	// message, so that a resumed run edits the same message.
	Progress string
	// Started is when sending began, Finished when it ended (done or
	// canceled).
	Started, Finished time.Time
	// Waiting, when set, is when the quiet hours that paused an ordinary
	// notice end: it goes on then.
	Waiting time.Time
}

// Figures are the notices' share of the staff's figures (/thongke).
type Figures struct {
	// Notices counts the notices that finished sending (done) in the span.
	Notices int
	// Delivered counts the messages of notices the channels accepted.
	Delivered int
	// Blocked counts the recipients found blocking the bot.
	Blocked int
}

// Errors of the store, checked with errors.Is. A Redis that cannot be
// reached gives errors matching store.ErrUnavailable.
var (
	// ErrNotFound means there is no such notice (or it expired after the
	// retention).
	ErrNotFound = errors.New("notices: no such notice")
	// ErrInvalid means a notice that cannot be sent: no text and no
	// photo, no author, no audience, a bad filter.
	ErrInvalid = errors.New("notices: invalid")
	// ErrFinished means the notice already ended: it cannot be canceled.
	ErrFinished = errors.New("notices: already finished")
)
