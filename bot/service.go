package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/store"
)

// Options configures a Service. The zero value of each field has a default.
type Options struct {
	// Location is the commune's time zone, for dates and deadlines
	// (Asia/Ho_Chi_Minh when nil).
	Location *time.Location
	// Now tells the time (time.Now when nil).
	Now func() time.Time
	// Logger receives what staff need to know (slog.Default when nil).
	Logger *slog.Logger
	// Messages are the bot's own words (the shipped ones when nil).
	Messages *Messages
	// Retries are the pauses before trying again when the store cannot be
	// reached (100 ms and 400 ms when nil; empty for none).
	Retries []time.Duration
	// Effects carries out what procedures ask for (set a reminder); nil
	// ignores such steps, with a log line. Reminders is used when nil.
	Effects Effects
	// Reminders, when set, gives /nhacnho and the reminders' buttons.
	Reminders *Reminders
	// ReminderFlow is the procedure that sets a new reminder ("nhac-nho").
	ReminderFlow string
	// Volunteers, when set, lets citizens ask the commune's volunteers.
	Volunteers *Volunteers
	// Community, when set, keeps citizens' villages and notice settings,
	// and gives staff notices and figures. New fills in its defaults.
	Community *Community
}

// Effects carries out an action a procedure's step asked for, once the
// conversation that asked is saved. The messages it returns are sent after
// the reply (to other chats when they say To).
type Effects interface {
	Apply(ctx context.Context, chat Chat, e flows.Effect) ([]Message, error)
}

// Service turns updates from any channel into replies. It is safe for
// concurrent use; updates of one chat are kept consistent by the store, not
// by the caller.
type Service struct {
	eng     *flows.Engine
	store   store.Conversations
	msg     *Messages
	loc     *time.Location
	now     func() time.Time
	log     *slog.Logger
	retries []time.Duration
	effects Effects
	rem     *Reminders
	remFlow string
	vol     *Volunteers
	com     *Community
	router  *router
	// marks records delivered replies off the update's path, when the
	// store can write many at once; nil otherwise.
	marks *marker
}

// rooms are the bot's features, each in its file; the router's order
// among them is in router.handle. Where several rooms answer the same
// thing ("hủy", a group's message), the one listed first is asked first:
// the procedures, which take what nobody else does, come last.
var rooms = []room{
	communeRoom{}, reminderRoom{}, volunteerRoom{}, villageRoom{},
	noticeRoom{}, figureRoom{}, eraseRoom{}, procedureRoom{},
}

// New returns a service that runs the engine's procedures and keeps
// conversations in st.
func New(eng *flows.Engine, st store.Conversations, opts Options) *Service {
	s := &Service{eng: eng, store: st, msg: opts.Messages, loc: opts.Location, now: opts.Now, log: opts.Logger, retries: opts.Retries, effects: opts.Effects, rem: opts.Reminders, remFlow: opts.ReminderFlow, vol: opts.Volunteers, com: opts.Community}
	if s.effects == nil && s.rem != nil {
		s.effects = s.rem
	}
	s.router = newRouter(rooms...)
	if s.msg == nil {
		s.msg = DefaultMessages()
	}
	if s.loc == nil {
		s.loc = flows.Vietnam()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if b, ok := st.(store.Batcher); ok {
		s.marks = newMarker(b, s.log)
	}
	if opts.Retries == nil {
		s.retries = []time.Duration{100 * time.Millisecond, 400 * time.Millisecond}
	}
	if c := s.com; c != nil {
		if c.Texts == nil {
			c.Texts = DefaultCommunityTexts()
		}
		if c.Location == nil {
			c.Location = s.loc
		}
		if c.Now == nil {
			c.Now = s.now
		}
		if c.Logger == nil {
			c.Logger = s.log
		}
		if c.Catalog == nil {
			c.Catalog = eng.Catalog()
		}
		c.msg = s.msg
	}
	return s
}

// ErrTryLater means an update could not be handled now and must be
// delivered again: the store is unavailable (the error also matches
// store.ErrUnavailable, and the reply is an apology), another delivery of
// the update holds its reply, or the update's deadline passed. A webhook
// answers non-2xx, polling keeps its offset at the update, and Zalo's
// worker tries again itself.
var ErrTryLater = errors.New("bot: update to be delivered again")

// Handle answers one update with the reply to deliver; the channel then
// says with Delivered how much of it the citizen got.
//
// The turn's reply is saved with the conversation, in the same commit,
// and kept until Delivered says it was all delivered: a repeated delivery
// of an update whose reply did not get through (a send that failed, a
// replica that died before sending) gets that reply — the rest of it —
// not a new one and not silence. A repeated delivery of an update fully
// delivered gets an empty reply and no error.
//
// When the update cannot be handled now err matches ErrTryLater; when the
// store cannot be reached it also matches store.ErrUnavailable and the
// reply is an apology, worth sending once.
func (s *Service) Handle(ctx context.Context, u Update) (Reply, error) {
	if err := ctx.Err(); err != nil {
		return Reply{}, fmt.Errorf("handle update: %w: %w", ErrTryLater, err)
	}
	u.Text = cut(u.Text, maxInput)
	now := s.now().In(s.loc)
	// What a room needs read is read before the update, once: the update
	// itself may run more than once and does no I/O. Only a private
	// chat's text gives a command, and it is read only when a room that
	// reads before is on.
	var (
		read   map[string]any
		cmd    string
		parsed bool
	)
	for _, p := range s.router.prereads {
		if !u.Chat.Private || !p.on(s) {
			continue
		}
		if !parsed {
			cmd, parsed = s.router.commandOf(u.Text), true
		}
		if p.command != cmd {
			continue
		}
		v, err := p.read(ctx, s, u)
		if err != nil {
			return s.failed(u, "read "+p.name, err)
		}
		if read == nil {
			read = map[string]any{}
		}
		read[p.name] = v
	}
	var (
		reply   Reply
		effects []flows.Effect
	)
	update := func(snap store.Snapshot) (store.Change, error) {
		conv, err := decodeConversation(snap.Data)
		if err != nil {
			// A record this version cannot read must not trap the citizen.
			s.log.Error("unreadable conversation, starting afresh", "chat", u.Chat.ID, "err", err)
			conv = conversation{}
		}
		t := &turn{s: s, u: u, conv: conv, now: now, read: read}
		s.router.handle(t)
		if t.err != nil {
			return store.Change{}, t.err
		}
		if snap.Blocked && s.rem != nil {
			// She blocked the bot and now writes again: her reminders,
			// paused at the block, resume.
			t.effects = append(t.effects, flows.Effect{Action: effectResume})
		}
		reply = Reply{Messages: t.out}
		effects = t.effects
		if len(t.counts) > 0 && s.com != nil && s.com.Stats != nil {
			effects = append(effects, flows.Effect{Action: effectCount, Args: t.counts})
		}
		data, err := t.conv.encode()
		if err != nil {
			return store.Change{}, err
		}
		c := store.Change{Data: data}
		if u.ID != "" && (len(reply.Messages) > 0 || len(effects) > 0) {
			reply.kept = true
			if c.Reply, err = encodeKept(kept{Messages: reply.Messages, Effects: effects}); err != nil {
				return store.Change{}, err
			}
		}
		return c, nil
	}
	snap, err := store.UpdateSnapshot(ctx, s.store, u.Chat.ID, u.ID, update)
	retried := false
	for i := 0; errors.Is(err, store.ErrUnavailable) && i < len(s.retries); i++ {
		if !sleep(ctx, s.retries[i]) {
			break
		}
		retried = true
		snap, err = store.UpdateSnapshot(ctx, s.store, u.Chat.ID, u.ID, update)
	}
	switch {
	case err == nil:
		return s.apply(ctx, u.Chat, reply, effects), nil
	case errors.Is(err, store.ErrDuplicate) && retried && snap.Reply != nil && len(reply.Messages) > 0:
		// The commit that seemed to fail had landed, only its answer was
		// lost: the reply it computed is the one it saved, and this
		// delivery holds it.
		return s.apply(ctx, u.Chat, reply, effects), nil
	case errors.Is(err, store.ErrDuplicate):
		return s.redeliver(ctx, u, snap)
	case errors.Is(err, store.ErrUnavailable), ctx.Err() != nil:
		return s.failed(u, "handle update", err)
	default:
		s.log.Error("handle update", "err", err)
		return Reply{Messages: []Message{{Text: s.msg.InternalError}}}, fmt.Errorf("handle update: %w", err)
	}
}

// redeliver answers a repeated delivery of an update already handled:
// with what is left of its reply, when some of it did not get through.
func (s *Service) redeliver(ctx context.Context, u Update, snap store.Snapshot) (Reply, error) {
	if snap.Reply == nil {
		s.log.Debug("repeated update ignored", "update", u.ID)
		return Reply{}, nil
	}
	raw, err := s.store.ClaimReply(ctx, u.Chat.ID, u.ID)
	switch {
	case errors.Is(err, store.ErrReplyHeld):
		s.log.Debug("repeated update: its reply is being delivered", "update", u.ID)
		return Reply{}, fmt.Errorf("handle update: %w: %w", ErrTryLater, err)
	case err != nil:
		return s.failed(u, "claim the reply of a repeated update", err)
	case raw == nil:
		return Reply{}, nil // delivered meanwhile
	}
	k, err := decodeKept(raw)
	if err != nil {
		// Nothing this version can send: let it go rather than fail the
		// update for ever.
		s.log.Error("unreadable undelivered reply, dropped", "chat", u.Chat.ID, "update", u.ID, "err", err)
		if err := s.store.SetReply(ctx, u.Chat.ID, u.ID, nil); err != nil {
			s.log.Warn("drop an unreadable reply", "err", err)
		}
		return Reply{}, nil
	}
	s.log.Info("repeated update: sending the rest of its reply", "update", u.ID, "messages", len(k.Messages), "actions", len(k.Effects))
	return s.apply(ctx, u.Chat, Reply{Messages: k.Messages, kept: true}, k.Effects), nil
}

// failed answers an update the store could not take now: an apology when
// it was unreachable, nothing when the update's time ran out. The apology
// says she need not send it again when the channel will deliver the
// update again by itself (it has an id), and asks her to when it cannot
// (the terminal).
func (s *Service) failed(u Update, op string, err error) (Reply, error) {
	err = fmt.Errorf("%s: %w: %w", op, ErrTryLater, err)
	if !errors.Is(err, store.ErrUnavailable) {
		s.log.Debug("update given up", "err", err)
		return Reply{}, err
	}
	s.log.Warn("store unavailable", "op", op, "err", err)
	text := s.msg.StoreDown
	if u.ID == "" {
		text = s.msg.StoreDownAgain
	}
	return Reply{Messages: []Message{{Text: text}}}, err
}

// Delivered records how much of r, the reply Handle returned for u, the
// channel delivered: its first sent messages, in order. The rest is kept
// for a repeated delivery of u, at once, so that the redelivery can take
// it; all of it delivered, nothing is kept — recorded off the update's
// path when the store writes many at once (a marker; Close writes what is
// queued). Handle's actions were carried out, so a repeated delivery sends
// the rest without doing them again. A reply that was not kept (an
// apology, a terminal's reply) costs nothing here.
func (s *Service) Delivered(ctx context.Context, u Update, r Reply, sent int) error {
	if !r.kept || u.ID == "" {
		return nil
	}
	var rest []byte
	if sent < len(r.Messages) {
		var err error
		if rest, err = encodeKept(kept{Messages: r.Messages[max(0, sent):]}); err != nil {
			return fmt.Errorf("record delivery of %s: %w", u.ID, err)
		}
	} else if s.marks != nil && s.marks.add(store.Delivery{Conv: u.Chat.ID, UpdateID: u.ID}) {
		// All of it got through: the mark need not hold the update up.
		return nil
	}
	if err := s.store.SetReply(ctx, u.Chat.ID, u.ID, rest); err != nil {
		return fmt.Errorf("record delivery of %s: %w", u.ID, err)
	}
	return nil
}

// apply carries out the effects of a saved update, each by the actor its
// action is routed to (router.actor); the erase goes to every actor that
// keeps something of her. A failure is said to the citizen after the
// reply (but for the quiet actions), and logged in full for staff.
func (s *Service) apply(ctx context.Context, chat Chat, reply Reply, effects []flows.Effect) Reply {
	for _, e := range effects {
		var actors []Effects
		if e.Action == effectErase {
			for _, er := range s.router.erasers {
				if a := er(s); a != nil {
					actors = append(actors, a)
				}
			}
		} else if a := s.router.actorOf(s, e.Action); a != nil {
			actors = append(actors, a)
		} else {
			s.log.Warn("an action nobody carries out", "action", e.Action)
			continue
		}
		for _, a := range actors {
			msgs, err := a.Apply(ctx, chat, e)
			if err != nil {
				s.log.Error("carry out an action", "action", e.Action, "err", err)
				if !s.router.quiet[e.Action] {
					reply.Messages = append(reply.Messages, Message{Text: s.msg.ActionFailed})
				}
			}
			reply.Messages = append(reply.Messages, msgs...)
		}
	}
	return reply
}

// Close writes what the service still holds (the marks of replies
// delivered) and stops its work, or gives up when ctx ends.
func (s *Service) Close(ctx context.Context) error {
	if s.marks == nil {
		return nil
	}
	return s.marks.close(ctx)
}

// sleep waits for d unless ctx ends first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
