package telegramtest

import (
	"sort"
	"time"
)

// Limits is flood control for sendMessage and sendPhoto, counted in sliding
// windows. A send over a limit answers 429 with the whole seconds until the
// window has room, and is not counted. A zero field imposes no limit.
//
// Telegram does not publish exact figures; its guidance is about 30
// messages a second in all, 1 a second to one chat, 20 a minute to one
// group.
type Limits struct {
	// PerSecond bounds the sends to all chats together in any second.
	PerSecond int
	// PerChatPerSecond bounds the sends to one chat in any second.
	PerChatPerSecond int
	// PerGroupPerMinute bounds the sends to one group (a chat id below
	// zero) in any minute.
	PerGroupPerMinute int
}

// SetLimits sets Limits while the server runs.
func (s *Server) SetLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Limits = l
}

// sweepEvery is how many sends pass between sweeps of the chats whose
// windows have emptied, which keeps a load run over many chats from
// growing.
const sweepEvery = 4096

// flood is the windows Limits are counted in: the times of the accepted
// sends, oldest first.
type flood struct {
	all   []time.Time
	chats map[int64][]time.Time
	sends int
}

// admitLocked counts a send to chat against s.Limits, or answers the 429
// it is over.
func (s *Server) admitLocked(chat int64) (answer, bool) {
	l := s.Limits
	if l == (Limits{}) {
		return answer{}, false
	}
	f := &s.flood
	if f.chats == nil {
		f.chats = map[int64][]time.Time{}
	}
	now := s.now()
	f.all = since(f.all, now.Add(-time.Second))
	times := since(f.chats[chat], now.Add(-time.Minute))

	wait := max(
		overBy(f.all, l.PerSecond, time.Second, now),
		overBy(times, l.PerChatPerSecond, time.Second, now),
	)
	if chat < 0 {
		wait = max(wait, overBy(times, l.PerGroupPerMinute, time.Minute, now))
	}
	if wait > 0 {
		f.chats[chat] = times
		return tooManyRequests(int((wait + time.Second - 1) / time.Second)), true
	}
	f.all = append(f.all, now)
	f.chats[chat] = append(times, now)

	f.sends++
	if f.sends%sweepEvery == 0 {
		for id, ts := range f.chats {
			if len(since(ts, now.Add(-time.Minute))) == 0 {
				delete(f.chats, id)
			}
		}
	}
	return answer{}, false
}

// since keeps the times after t.
func since(times []time.Time, t time.Time) []time.Time {
	i := sort.Search(len(times), func(i int) bool { return times[i].After(t) })
	return times[i:]
}

// overBy is how long until one more send fits in limit sends per span, or
// 0 when it fits now; times are the sends of the last minute or less,
// oldest first.
func overBy(times []time.Time, limit int, span time.Duration, now time.Time) time.Duration {
	if limit <= 0 {
		return 0
	}
	recent := since(times, now.Add(-span))
	if len(recent) < limit {
		return 0
	}
	// The send fits once all but limit-1 of the recent ones have left
	// the window.
	return recent[len(recent)-limit].Add(span).Sub(now)
}
