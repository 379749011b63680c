package reminders_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/reminders"
)

var hcm = mustLoad("Asia/Ho_Chi_Minh")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// at is 08:00 on a day in Ho Chi Minh City.
func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 8, 0, 0, 0, hcm) }

func date(y int, m time.Month, d int) flows.Date { return flows.Date{Year: y, Month: m, Day: d} }

func TestStages(t *testing.T) {
	def := reminders.DefaultSchedule()
	tests := []struct {
		name   string
		sched  reminders.Schedule
		expiry flows.Date
		want   []time.Time
	}{
		{
			name:   "across a month end",
			sched:  def,
			expiry: date(2026, 3, 1),
			want:   []time.Time{at(2026, 1, 30), at(2026, 2, 22), at(2026, 2, 28), at(2026, 3, 2)},
		},
		{
			name:   "the day before is a leap day",
			sched:  def,
			expiry: date(2028, 3, 1),
			want:   []time.Time{at(2028, 1, 31), at(2028, 2, 23), at(2028, 2, 29), at(2028, 3, 2)},
		},
		{
			name:   "expiry on a leap day",
			sched:  def,
			expiry: date(2024, 2, 29),
			want:   []time.Time{at(2024, 1, 30), at(2024, 2, 22), at(2024, 2, 28), at(2024, 3, 1)},
		},
		{
			name:   "leads in the year before",
			sched:  def,
			expiry: date(2027, 1, 5),
			want:   []time.Time{at(2026, 12, 6), at(2026, 12, 29), at(2027, 1, 4), at(2027, 1, 6)},
		},
		{
			name:   "the day after in the next year",
			sched:  def,
			expiry: date(2026, 12, 31),
			want:   []time.Time{at(2026, 12, 1), at(2026, 12, 24), at(2026, 12, 30), at(2027, 1, 1)},
		},
		{
			name:   "other leads, no day after, evening in UTC",
			sched:  reminders.Schedule{Leads: []int{14, 0}, Hour: 19, Minute: 30, Location: time.UTC, Snooze: 1},
			expiry: date(2026, 1, 10),
			want: []time.Time{
				time.Date(2025, 12, 27, 19, 30, 0, 0, time.UTC),
				time.Date(2026, 1, 10, 19, 30, 0, 0, time.UTC),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.sched.Stages(reminders.Reminder{Expiry: tt.expiry})
			if !slices.EqualFunc(got, tt.want, time.Time.Equal) {
				t.Errorf("Stages(%v) = %v, want %v", tt.expiry, got, tt.want)
			}
		})
	}
}

func TestDefaultScheduleIsVietnamAtEight(t *testing.T) {
	s := reminders.DefaultSchedule()
	got := s.Stages(reminders.Reminder{Expiry: date(2026, 6, 15)})[0]
	if want := time.Date(2026, 5, 16, 1, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("first stage = %v, want %v (08:00 at UTC+7)", got, want)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestNext(t *testing.T) {
	s := reminders.DefaultSchedule()
	card := reminders.Reminder{Chat: "tg:1", ID: "1", Label: "Mẹ", Expiry: date(2026, 3, 1)}
	with := func(f func(r *reminders.Reminder)) reminders.Reminder {
		r := card
		f(&r)
		return r
	}
	tests := []struct {
		name   string
		r      reminders.Reminder
		want   time.Time
		wantOK bool
	}{
		{"nothing sent: the 30-day stage", card, at(2026, 1, 30), true},
		{"two sent: the 1-day stage", with(func(r *reminders.Reminder) { r.Sent = 2 }), at(2026, 2, 28), true},
		{"three sent: the day after", with(func(r *reminders.Reminder) { r.Sent = 3 }), at(2026, 3, 2), true},
		{"all sent: over", with(func(r *reminders.Reminder) { r.Sent = 4 }), time.Time{}, false},
		{"paused", with(func(r *reminders.Reminder) { r.Paused = true }), time.Time{}, false},
		{
			"snoozed past the next stage: the snooze",
			with(func(r *reminders.Reminder) { r.Sent = 1; r.SnoozedUntil = at(2026, 2, 25) }),
			at(2026, 2, 25), true,
		},
		{
			"snooze ends before the next stage: the stage",
			with(func(r *reminders.Reminder) { r.Sent = 1; r.SnoozedUntil = at(2026, 2, 1) }),
			at(2026, 2, 22), true,
		},
		{
			"all sent but snoozed: the snooze",
			with(func(r *reminders.Reminder) { r.Sent = 4; r.SnoozedUntil = at(2026, 3, 5) }),
			at(2026, 3, 5), true,
		},
		{
			"snoozed and paused",
			with(func(r *reminders.Reminder) { r.SnoozedUntil = at(2026, 3, 5); r.Paused = true }),
			time.Time{}, false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := s.Next(tt.r)
			if ok != tt.wantOK || !got.Equal(tt.want) {
				t.Errorf("Next = %v, %t; want %v, %t", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestDue(t *testing.T) {
	s := reminders.DefaultSchedule()
	card := reminders.Reminder{Chat: "tg:1", ID: "1", Label: "Tôi", Expiry: date(2026, 3, 1)}
	tests := []struct {
		name      string
		sent      int
		snoozed   time.Time
		paused    bool
		now       time.Time
		wantStage int
		wantOK    bool
	}{
		{"before the first stage", 0, time.Time{}, false, at(2026, 1, 30).Add(-time.Minute), 0, false},
		{"at the first stage", 0, time.Time{}, false, at(2026, 1, 30), 0, true},
		{"first sent, second not yet", 1, time.Time{}, false, at(2026, 2, 10), 0, false},
		{"late by a day: the same stage", 1, time.Time{}, false, at(2026, 2, 23), 1, true},
		{"down since January: only the 1-day stage", 0, time.Time{}, false, at(2026, 2, 28).Add(time.Hour), 2, true},
		{"down past the day after: only the day after", 0, time.Time{}, false, at(2026, 4, 1), 3, true},
		{"all sent", 4, time.Time{}, false, at(2026, 4, 1), 0, false},
		{"paused", 1, time.Time{}, true, at(2026, 2, 23), 0, false},
		{"snoozed, not over", 1, at(2026, 2, 25), false, at(2026, 2, 24), 0, false},
		{"snooze over: the latest stage come", 1, at(2026, 2, 25), false, at(2026, 2, 25), 1, true},
		{"snoozed last stage comes again", 3, at(2026, 3, 5), false, at(2026, 3, 5), 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := card
			r.Sent, r.SnoozedUntil, r.Paused = tt.sent, tt.snoozed, tt.paused
			stage, ok := s.Due(r, tt.now)
			if ok != tt.wantOK || (ok && stage != tt.wantStage) {
				t.Errorf("Due(sent %d, at %v) = %d, %t; want %d, %t", tt.sent, tt.now, stage, ok, tt.wantStage, tt.wantOK)
			}
		})
	}
}

func TestBegin(t *testing.T) {
	s := reminders.DefaultSchedule()
	expiry := date(2026, 3, 1)
	tests := []struct {
		name     string
		now      time.Time
		wantSent int
		wantNext time.Time
		wantOK   bool
	}{
		{"40 days before: every stage", at(2026, 1, 20), 0, at(2026, 1, 30), true},
		{"5 days before: the 1-day stage and the day after", at(2026, 2, 24).Add(2 * time.Hour), 2, at(2026, 2, 28), true},
		{"7 days before, before 08:00: the 7-day stage", at(2026, 2, 22).Add(-time.Hour), 1, at(2026, 2, 22), true},
		{"7 days before, at 08:00: too late for it", at(2026, 2, 22), 2, at(2026, 2, 28), true},
		{"on the expiry day: the day after only", at(2026, 3, 1).Add(3 * time.Hour), 3, at(2026, 3, 2), true},
		{"expired long ago: nothing", at(2026, 5, 1), 4, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := reminders.Reminder{Chat: "tg:1", ID: "1", Label: "Bé An", Expiry: expiry, Sent: 3, SnoozedUntil: at(2027, 1, 1)}
			r := s.Begin(old, tt.now)
			if r.Sent != tt.wantSent || !r.SnoozedUntil.IsZero() {
				t.Errorf("Begin: Sent %d, SnoozedUntil %v; want %d and none", r.Sent, r.SnoozedUntil, tt.wantSent)
			}
			next, ok := s.Next(r)
			if ok != tt.wantOK || !next.Equal(tt.wantNext) {
				t.Errorf("Next after Begin = %v, %t; want %v, %t", next, ok, tt.wantNext, tt.wantOK)
			}
			if _, due := s.Due(r, tt.now); due {
				t.Errorf("due at once after Begin; nothing should be sent late at creation")
			}
		})
	}
}

func TestSnooze(t *testing.T) {
	s := reminders.DefaultSchedule()
	// Pressed at 22:15 on 30/12: back at 08:00 on 02/01, not at night.
	pressed := time.Date(2026, 12, 30, 22, 15, 0, 0, hcm)
	until := s.SnoozeEnd(pressed.UTC())
	if want := at(2027, 1, 2); !until.Equal(want) {
		t.Fatalf("SnoozeEnd(%v) = %v, want %v", pressed, until, want)
	}

	r := reminders.Reminder{Chat: "tg:1", ID: "1", Label: "Tôi", Expiry: date(2027, 1, 25), Sent: 1}
	once := r.Snoozed(until)
	if once.Sent != 0 || !once.SnoozedUntil.Equal(until) {
		t.Errorf("Snoozed: Sent %d, until %v; want the 30-day stage again (0) at %v", once.Sent, once.SnoozedUntil, until)
	}
	if twice := once.Snoozed(until); twice != once {
		t.Errorf("snoozing twice = %+v, want %+v", twice, once)
	}
	if stage, ok := s.Due(once, until); !ok || stage != 0 {
		t.Errorf("Due at the snooze's end = %d, %t; want the 30-day stage again", stage, ok)
	}
}

func TestValidate(t *testing.T) {
	bad := reminders.Schedule{Leads: []int{1, 7}, After: -1, Hour: 24, Snooze: 0}
	err := bad.Validate()
	if err == nil {
		t.Fatal("Validate accepted a bad schedule")
	}
	for _, want := range []string{"decreasing", "after -1", "24:00", "snooze 0"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %q, want it to mention %q", err, want)
		}
	}
	if err := (reminders.Schedule{Snooze: 3}).Validate(); err == nil || !strings.Contains(err.Error(), "no stages") {
		t.Errorf("Validate of a schedule without stages = %v", err)
	}
}
