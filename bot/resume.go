package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/store"
)

// errNothingUnderWay stops Resume's update when no procedure is under
// way: nothing is written, and /start answers as an update of its own.
var errNothingUnderWay = errors.New("bot: no procedure under way")

// Resume opens a chat on the conversation kept for it, as the terminal does
// when it starts (its screen shows nothing of before): with a procedure
// under way, a greeting that names it and its pending question again,
// nothing answered lost; otherwise what /start shows. Like Handle, the
// reply is worth showing even with an error: it is the apology.
//
// The conversation is read once, by the update that writes the greeting;
// without a procedure under way that update stops before writing and
// /start is handled.
func (s *Service) Resume(ctx context.Context, chat Chat, from User) (Reply, error) {
	now := s.now().In(s.loc)
	var (
		reply  Reply
		loaded bool
	)
	update := func(snap store.Snapshot) (store.Change, error) {
		loaded = true
		conv, err := decodeConversation(snap.Data)
		if err != nil || conv.Flow == nil {
			return store.Change{}, errNothingUnderWay
		}
		t := &turn{s: s, u: Update{Chat: chat, From: from}, conv: conv, now: now}
		res, err := s.eng.Again(*conv.Flow, now)
		if err != nil {
			return store.Change{}, err
		}
		t.say(flows.Fill(s.msg.Resumed, "title", flowTitle(s.eng.Catalog(), conv.Flow.Flow)))
		t.result(res)
		if t.err != nil {
			return store.Change{}, t.err
		}
		reply = Reply{Messages: t.out}
		data, err := t.conv.encode()
		return store.Change{Data: data}, err
	}
	switch _, err := store.UpdateSnapshot(ctx, s.store, chat.ID, "", update); {
	case err == nil:
		return reply, nil
	case errors.Is(err, errNothingUnderWay):
		return s.Handle(ctx, Update{Chat: chat, From: from, Text: "/start"})
	case !loaded, errors.Is(err, store.ErrUnavailable):
		// Whatever kept the conversation from being read, she is told the
		// store is down.
		s.log.Warn("store unavailable", "err", err)
		return Reply{Messages: []Message{{Text: s.msg.StoreDownAgain}}}, fmt.Errorf("resume: %w", err)
	default:
		s.log.Error("resume", "err", err)
		return Reply{Messages: []Message{{Text: s.msg.InternalError}}}, fmt.Errorf("resume: %w", err)
	}
}
