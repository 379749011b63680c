package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/notices"
	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/stats"
	"github.com/motcua/motcua/tickets"
)

// figureDays is the span of /thongke.
const figureDays = 30

// quota tells how many messages a channel may still send this month;
// *outbox.Outbox has it.
type quota interface {
	QuotaLeft(ctx context.Context) (left int, limited bool, err error)
}

// desk is the staff's notices over the notices store: it counts the
// recipients for the preview and queues what staff confirm.
type desk struct {
	notices   *notices.Store
	people    people.Store
	reminders reminders.Store
	// quotas are the channels' monthly quotas, by chat prefix.
	quotas map[string]quota
	now    func() time.Time
}

var _ bot.NoticeDesk = (*desk)(nil)

// notice turns a staff's draft into a notice.
func notice(d bot.NoticeDraft) notices.Notice {
	n := notices.Notice{
		Author: d.Author, AuthorName: d.AuthorName, Text: d.Text, Photo: d.Photo, Urgent: d.Urgent, At: d.At, Key: d.Key,
	}
	switch d.Audience {
	case bot.AudienceAll:
		n.Audience = notices.Audience{People: true}
	case bot.AudienceVillages:
		n.Audience = notices.Audience{People: true, Filter: people.Filter{Villages: d.Villages}}
	case bot.AudienceReminders:
		n.Audience = notices.Audience{Reminders: true}
	case bot.AudienceGroups:
		n.Audience = notices.Audience{Groups: true, Filter: people.Filter{Villages: d.Villages}}
	}
	n.Audience.Filter.Urgent = d.Urgent
	return n
}

// Preview counts the recipients, by channel, and tells which channel's
// quota would run short.
func (d *desk) Preview(ctx context.Context, nd bot.NoticeDraft) (bot.NoticePreview, error) {
	a := notice(nd).Audience
	byChannel := map[string]int{}
	total := 0
	switch {
	case a.Groups:
		gs, err := d.people.Groups(ctx, a.Filter.Villages)
		if err != nil {
			return bot.NoticePreview{}, fmt.Errorf("count village groups: %w", err)
		}
		for _, g := range gs {
			byChannel[channel(g.Chat)]++
		}
		total = len(gs)
	case a.Reminders:
		// Those who stopped ordinary notices get only urgent ones: the
		// walk asks the people registry, as the sender will, a batch of
		// chats at a time (one round trip each, not one a chat).
		const size = 500
		batch := make([]string, 0, size)
		count := func() error {
			off := make([]bool, len(batch))
			if !a.Filter.Urgent && len(batch) > 0 {
				var err error
				if off, err = d.people.Stopped(ctx, batch); err != nil {
					return err
				}
			}
			for i, chat := range batch {
				if !off[i] {
					byChannel[channel(chat)]++
					total++
				}
			}
			batch = batch[:0]
			return nil
		}
		err := d.reminders.Chats(ctx, func(chat string) error {
			if !people.IsChat(chat) {
				return nil // a terminal's reminder (motcua chat): no channel reaches it
			}
			if batch = append(batch, chat); len(batch) < size {
				return nil
			}
			return count()
		})
		if err == nil {
			err = count()
		}
		if err != nil {
			return bot.NoticePreview{}, fmt.Errorf("count families with a reminder: %w", err)
		}
	default:
		for ch := range d.quotas {
			f := a.Filter
			f.Channel = ch
			n, err := d.people.Count(ctx, f)
			if err != nil {
				return bot.NoticePreview{}, fmt.Errorf("count recipients: %w", err)
			}
			byChannel[ch] = n
		}
		n, err := d.people.Count(ctx, a.Filter)
		if err != nil {
			return bot.NoticePreview{}, fmt.Errorf("count recipients: %w", err)
		}
		total = n
	}
	p := bot.NoticePreview{Recipients: total}
	if ph := nd.Photo; ph != nil && ph.ID != "" {
		// A picture a channel holds by its id goes on that channel only:
		// the others send the words alone.
		for ch, n := range byChannel {
			if ch != channel(ph.ID) {
				p.TextOnly += n
			}
		}
	}
	for ch, q := range d.quotas {
		need := byChannel[ch]
		if need == 0 {
			continue
		}
		left, limited, err := q.QuotaLeft(ctx)
		if err != nil {
			return bot.NoticePreview{}, fmt.Errorf("read the %s quota: %w", ch, err)
		}
		if limited && need > left {
			p.Short = append(p.Short, bot.QuotaShort{Channel: ch, Left: left, Need: need})
		}
	}
	return p, nil
}

// Send queues the notice, with the preview's count as its total until
// the sending has walked the audience.
func (d *desk) Send(ctx context.Context, nd bot.NoticeDraft) (string, error) {
	n := notice(nd)
	p, err := d.Preview(ctx, nd)
	if err != nil {
		return "", err
	}
	if p.Recipients == 0 {
		return "", bot.ErrNoRecipients
	}
	n.Counts.Total = p.Recipients
	n, err = d.notices.Create(ctx, n, d.now())
	if err != nil {
		return "", err
	}
	return n.ID, nil
}

// Cancel stops a notice; false when there is none to stop.
func (d *desk) Cancel(ctx context.Context, id string) (bool, error) {
	err := d.notices.Cancel(ctx, id, d.now())
	if errors.Is(err, notices.ErrNotFound) || errors.Is(err, notices.ErrFinished) {
		return false, nil
	}
	return err == nil, err
}

// List returns the latest notices of every staff member, newest first.
func (d *desk) List(ctx context.Context, max int) ([]bot.NoticeSummary, error) {
	ns, err := d.notices.List(ctx, "", max)
	if err != nil {
		return nil, err
	}
	out := make([]bot.NoticeSummary, len(ns))
	for i, n := range ns {
		out[i] = bot.NoticeSummary{
			ID: n.ID, Draft: draft(n), Status: string(n.Status), Created: n.Created,
			Sent: n.Counts.Sent, Total: n.Counts.Total,
		}
	}
	return out, nil
}

// DeleteChat forgets that chat received notices.
func (d *desk) DeleteChat(ctx context.Context, chat string) error {
	return d.notices.DeleteChat(ctx, chat)
}

// draft is notice's inverse: the draft a notice was made of.
func draft(n notices.Notice) bot.NoticeDraft {
	d := bot.NoticeDraft{
		Author: n.Author, AuthorName: n.AuthorName, Text: n.Text, Photo: n.Photo, Urgent: n.Urgent, At: n.At,
		Audience: bot.AudienceAll, Villages: n.Audience.Filter.Villages,
	}
	switch a := n.Audience; {
	case a.Groups:
		d.Audience = bot.AudienceGroups
	case a.Reminders:
		d.Audience = bot.AudienceReminders
	case len(a.Filter.Villages) > 0:
		d.Audience = bot.AudienceVillages
	}
	return d
}

// channel is a chat's channel: "tg" of "tg:123".
func channel(chat string) string {
	ch, _, _ := strings.Cut(chat, ":")
	return ch
}

// poster posts and edits a message on one channel; *telegram.Bot and
// *zalo.Bot are.
type poster interface {
	Post(ctx context.Context, chat string, m bot.Message) (string, error)
	Edit(ctx context.Context, chat, ref string, m bot.Message) error
}

// reporter shows staff a notice's progress in one message, edited in
// place; on a channel that cannot edit (Zalo) only the start and the final
// report are sent.
type reporter struct {
	com     *bot.Community
	posters map[string]poster
	// pace counts each report in its channel's outbox (Take), so that the
	// reports and the notice's own sends keep the bot's limit together.
	pace outboxes
}

var _ notices.Reporter = reporter{}

func (r reporter) Report(ctx context.Context, n notices.Notice) (string, error) {
	p, ok := r.posters[channel(n.Author)]
	if !ok {
		return n.Progress, fmt.Errorf("report notice %s: no channel for %s", n.ID, n.Author)
	}
	final := n.Status == notices.Done || n.Status == notices.Canceled
	m := r.com.NoticeReport(bot.NoticeStatus{
		ID: n.ID, Done: n.Status == notices.Done, Cancelled: n.Status == notices.Canceled, Waiting: n.Waiting,
		Total: n.Counts.Total, Sent: n.Counts.Sent, Blocked: n.Counts.Blocked, Failed: n.Counts.Failed, Skipped: n.Counts.Skipped,
	})
	if channel(n.Author) != "tg" {
		// Only Telegram keeps a button on a message it did not send in
		// the conversation; elsewhere the text's /huythongbao does.
		m.Buttons = nil
	}
	take := func() error {
		if ob, ok := r.pace[channel(n.Author)]; ok {
			return ob.Take(ctx, n.Author)
		}
		return nil
	}
	if n.Progress != "" {
		err := paced(ctx, func() error {
			if err := take(); err != nil {
				return err
			}
			return p.Edit(ctx, n.Author, n.Progress, m)
		})
		switch {
		case err == nil:
			return n.Progress, nil
		case !errors.Is(err, bot.ErrCannotEdit):
			return n.Progress, fmt.Errorf("report notice %s: %w", n.ID, err)
		case !final:
			return n.Progress, nil // the report at the end says it all
		}
	}
	var ref string
	err := paced(ctx, func() (err error) {
		if err := take(); err != nil {
			return err
		}
		ref, err = p.Post(ctx, n.Author, m)
		return err
	})
	if err != nil {
		return n.Progress, fmt.Errorf("report notice %s: %w", n.ID, err)
	}
	return ref, nil
}

// rateLimited is a channel's error asking every send to wait (Telegram's
// 429); *telegram.SendError is one.
type rateLimited interface {
	RateLimited() (time.Duration, bool)
}

// paced calls send, and again after the wait a rate limit asks for, up
// to three times: the report goes beside the outbox, whose own sends may
// meet the channel's limit at that moment, and the final report must not
// be lost to it.
func paced(ctx context.Context, send func() error) error {
	var err error
	for range 3 {
		err = send()
		var rl rateLimited
		if !errors.As(err, &rl) {
			return err
		}
		wait, ok := rl.RateLimited()
		if !ok {
			return err
		}
		t := time.NewTimer(min(wait, 30*time.Second))
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
	return err
}

// figures gathers /thongke's figures from the stores.
type figures struct {
	people    people.Store
	stats     stats.Store
	tickets   tickets.Store
	reminders reminders.Store
	notices   *notices.Store // nil on the memory stores
	loc       *time.Location
}

var _ bot.FigureSource = figures{}

func (f figures) Figures(ctx context.Context, now time.Time) (bot.Figures, error) {
	now = now.In(f.loc)
	today := flows.DateOf(now)
	from := today.AddDays(-(figureDays - 1))
	out := bot.Figures{Days: figureDays}
	pf, err := f.people.Figures(ctx)
	if err != nil {
		return out, fmt.Errorf("people: %w", err)
	}
	out.People, out.NoNotices, out.Villages = pf.People, pf.NoNotices, pf.Villages
	days, err := f.stats.Days(ctx, from, today)
	if err != nil {
		return out, fmt.Errorf("daily figures: %w", err)
	}
	if out.Active, err = f.stats.Reach(ctx, from, today); err != nil {
		return out, fmt.Errorf("people active: %w", err)
	}
	for _, ft := range stats.Flows(days) {
		out.Flows = append(out.Flows, bot.FlowFigure{Flow: ft.Flow, Started: int(ft.Started), Done: int(ft.Done)})
	}
	for _, g := range stats.TopQuits(days, 3) {
		out.GaveUp = append(out.GaveUp, bot.GaveUpFigure{Flow: g.Flow, Step: g.Step, N: int(g.Count)})
	}
	for _, d := range days {
		started, done := d.Procedures()
		out.Daily = append(out.Daily, bot.DayFigure{Date: d.Date, Active: d.Active, Started: int(started), Done: int(done), Questions: int(d.Counts[stats.Asked])})
	}
	err = f.reminders.Chats(ctx, func(string) error { out.Reminders++; return nil })
	if err != nil {
		return out, fmt.Errorf("reminders: %w", err)
	}
	since := time.Date(from.Year, time.Month(from.Month), from.Day, 0, 0, 0, 0, f.loc)
	ts, err := f.tickets.Stats(ctx, since, now)
	if err != nil {
		return out, fmt.Errorf("questions: %w", err)
	}
	out.Asked, out.Answered, out.ClaimMedian, out.AnswerMedian = ts.Asked, ts.Answered, ts.ToClaim, ts.ToAnswer
	if f.notices != nil {
		nf, err := f.notices.Stats(ctx, since, now)
		if err != nil {
			return out, fmt.Errorf("notices: %w", err)
		}
		out.Notices, out.NoticeMessages = nf.Notices, nf.Delivered
	}
	return out, nil
}

// chart draws the figures' chart with package stats.
func chart(title string, series []string, days []bot.DayFigure) ([]byte, error) {
	sd := make([]stats.Day, len(days))
	for i, d := range days {
		sd[i] = stats.Day{Date: d.Date, Active: d.Active, Counts: map[string]int64{
			stats.Started("all"): int64(d.Started), stats.Done("all"): int64(d.Done), stats.Asked: int64(d.Questions),
		}}
	}
	labels := stats.ChartLabels{Title: title}
	if len(series) == 4 {
		labels.Active, labels.Started, labels.Done, labels.Asked = series[0], series[1], series[2], series[3]
	}
	return stats.Chart(sd, labels)
}
