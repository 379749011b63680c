package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/flows"
)

// FigureSource gathers the figures of use staff see with /thongke;
// cmd/motcua puts one together from the stores.
type FigureSource interface {
	Figures(ctx context.Context, now time.Time) (Figures, error)
}

// Figures are the figures of use over the last Days days.
type Figures struct {
	Days int
	// People counts the people the bot knows, Active those who wrote in
	// the period, NoNotices those who stopped ordinary notices.
	People, Active, NoNotices int
	// Villages counts people by village id; "" for those who chose none.
	Villages map[string]int
	Flows    []FlowFigure
	GaveUp   []GaveUpFigure
	// Reminders counts the BHYT reminders set.
	Reminders int
	// Asked and Answered count questions to volunteers; the medians are
	// the times to a claim and to an answer (zero when none).
	Asked, Answered           int
	ClaimMedian, AnswerMedian time.Duration
	// Notices counts the notices sent, Messages the messages they made.
	Notices, NoticeMessages int
	// Daily are the day-by-day figures, oldest first, for the chart.
	Daily []DayFigure
}

// FlowFigure counts a procedure's runs.
type FlowFigure struct {
	Flow          string
	Started, Done int
}

// GaveUpFigure counts where people stopped a procedure midway.
type GaveUpFigure struct {
	Flow, Step string
	N          int
}

// DayFigure is one day of the chart.
type DayFigure struct {
	Date                             flows.Date
	Active, Started, Done, Questions int
}

// ChartDrawer draws the chart of the daily figures as a PNG: a title, the
// names of the series (active, started, done, questions) and the days.
type ChartDrawer func(title string, series []string, days []DayFigure) ([]byte, error)

// figureRoom is /thongke: the figures of use of the last 30 days, in
// words and as a chart, for staff (checked in the effect). It keeps
// nothing in the conversation.
type figureRoom struct{}

func (figureRoom) register(r *router) {
	r.command(func(t *turn, _ string) {
		if t.s.com == nil || t.s.com.Figures == nil {
			t.say(t.s.com.textsOr().FiguresFailed)
			return
		}
		t.act(effectFigures, map[string]string{"user": t.user()})
	}, "thongke")
	r.actor(effectFigures, community, false)
}

// applyFigures answers /thongke: the figures in words, and the chart.
func (c *Community) applyFigures(ctx context.Context, chat Chat, e flows.Effect) ([]Message, error) {
	ct := c.Texts
	if refusal, ok, err := c.requireStaff(ctx, e.Args["user"], "figures", chat.ID, ct.FiguresNotStaff); !ok {
		return refusal, err
	}
	now := c.now()
	f, err := c.Figures.Figures(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("gather figures: %w", err)
	}
	m := Message{Text: c.figuresText(f, now)}
	if c.Chart != nil && len(f.Daily) > 0 {
		series := []string{ct.FiguresChartActive, ct.FiguresChartStarted, ct.FiguresChartDone, ct.FiguresChartQuestions}
		png, err := c.Chart(ct.FiguresChartTitle, series, f.Daily)
		if err != nil {
			// The words are the figures; the chart only shows them.
			c.log().Error("draw the chart of figures", "err", err)
		} else {
			// The figures go with the chart: a channel that cannot send a
			// drawn picture (Zalo) sends them alone.
			m.Photo = &Photo{PNG: png}
		}
	}
	return []Message{m}, nil
}

// figuresText words the figures, a few lines a topic.
func (c *Community) figuresText(f Figures, now time.Time) string {
	ct := c.Texts
	if c.Location != nil {
		now = now.In(c.Location)
	}
	days := strconv.Itoa(f.Days)
	lines := []string{
		flows.Fill(ct.FiguresTitle, "days", days, "date", flows.DateOf(now).String()),
		"",
		flows.Fill(ct.FiguresPeople, "people", thousands(f.People), "active", thousands(f.Active), "days", days, "off", thousands(f.NoNotices)),
	}
	for _, v := range c.Villages {
		if n := f.Villages[v.ID]; n > 0 {
			lines = append(lines, flows.Fill(ct.FiguresVillageLine, "village", v.Name, "n", thousands(n)))
		}
	}
	if n := f.Villages[""]; n > 0 {
		lines = append(lines, flows.Fill(ct.FiguresVillageLine, "village", ct.FiguresNoVillage, "n", thousands(n)))
	}
	started, done := 0, 0
	for _, fl := range f.Flows {
		started += fl.Started
		done += fl.Done
	}
	lines = append(lines, flows.Fill(ct.FiguresFlows, "started", thousands(started), "done", thousands(done), "rate", percent(done, started, ct.FiguresNone)))
	flowsByUse := slices.Clone(f.Flows)
	slices.SortStableFunc(flowsByUse, func(a, b FlowFigure) int { return b.Started - a.Started })
	for _, fl := range flowsByUse {
		lines = append(lines, flows.Fill(ct.FiguresFlowLine, "title", flowTitle(c.Catalog, fl.Flow), "started", thousands(fl.Started), "done", thousands(fl.Done)))
	}
	if len(f.GaveUp) > 0 {
		lines = append(lines, ct.FiguresGaveUp)
		for _, g := range f.GaveUp[:min(len(f.GaveUp), 3)] {
			lines = append(lines, flows.Fill(ct.FiguresGaveUpLine, "title", flowTitle(c.Catalog, g.Flow), "step", c.stepText(g.Flow, g.Step), "n", thousands(g.N)))
		}
	}
	lines = append(lines,
		flows.Fill(ct.FiguresReminders, "n", thousands(f.Reminders)),
		flows.Fill(ct.FiguresQuestions, "asked", thousands(f.Asked), "answered", thousands(f.Answered),
			"claim", ct.duration(f.ClaimMedian), "answer", ct.duration(f.AnswerMedian)),
		flows.Fill(ct.FiguresNotices, "notices", thousands(f.Notices), "messages", thousands(f.NoticeMessages)),
	)
	return strings.Join(lines, "\n")
}

// stepText names a step by the start of its question, or its id.
func (c *Community) stepText(flow, step string) string {
	if c.Catalog != nil {
		if f, ok := c.Catalog.Flow(flow); ok {
			if s, ok := f.Step(step); ok && s.Text != "" {
				first, _, _ := strings.Cut(s.Text, "\n")
				if r := []rune(first); len(r) > 60 {
					first = string(r[:59]) + "…"
				}
				return first
			}
		}
	}
	return step
}

// percent words part of whole: "64 %", or none when whole is 0.
func percent(part, whole int, none string) string {
	if whole == 0 {
		return none
	}
	return strconv.Itoa((part*100+whole/2)/whole) + " %"
}

// duration words a median time: "25 phút", "3 giờ 10 phút", "2 ngày".
func (ct *CommunityTexts) duration(d time.Duration) string {
	switch {
	case d <= 0:
		return ct.FiguresNone
	case d < time.Minute:
		return ct.DurationUnderMinute
	case d < time.Hour:
		return flows.Fill(ct.DurationMinutes, "m", strconv.Itoa(int(d.Round(time.Minute)/time.Minute)))
	case d < 24*time.Hour:
		d = d.Round(time.Minute)
		h, m := strconv.Itoa(int(d/time.Hour)), int(d%time.Hour/time.Minute)
		if m == 0 {
			return flows.Fill(ct.DurationHours, "h", h)
		}
		return flows.Fill(ct.DurationHoursMinutes, "h", h, "m", strconv.Itoa(m))
	}
	return flows.Fill(ct.DurationDays, "d", strconv.Itoa(int((d+12*time.Hour)/(24*time.Hour))))
}
