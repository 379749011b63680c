package bot

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/roles"
)

//go:embed community.yaml
var communityYAML []byte

// PeopleStore is what the bot needs of the people using it and of the
// village groups; people.Store has it.
type PeopleStore interface {
	Seen(ctx context.Context, chat string, now time.Time) error
	SetVillage(ctx context.Context, chat, village string) error
	SetNotices(ctx context.Context, chat string, on bool) error
	AddGroup(ctx context.Context, g people.Group) error
	RemoveGroup(ctx context.Context, chat string) error
	MigrateGroup(ctx context.Context, old, new string) error
	DeleteChat(ctx context.Context, chat string) error
}

// StatsRecorder counts the use of the bot day by day; stats.Store has it.
type StatsRecorder interface {
	Add(ctx context.Context, day flows.Date, counts map[string]int64) error
	Active(ctx context.Context, day flows.Date, chat string) error
}

// Village is a village (thôn) of the commune, from its configuration.
type Village struct {
	// ID is kept in Redis and in buttons: short, stable.
	ID   string
	Name string
}

// VillagesFromNames gives each village name an id: its words without
// diacritics, joined by "-" ("Thôn Đắk Lư" → "thon-dak-lu").
func VillagesFromNames(names []string) ([]Village, error) {
	out := make([]Village, 0, len(names))
	seen := map[string]string{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		id := strings.ReplaceAll(flows.Normalize(n), " ", "-")
		if id == "" {
			return nil, errors.New("a village without a name")
		}
		if len(id) > 40 {
			return nil, fmt.Errorf("village %q: a name of at most 40 letters", n)
		}
		if other, dup := seen[id]; dup {
			return nil, fmt.Errorf("villages %q and %q are the same name", other, n)
		}
		seen[id] = n
		out = append(out, Village{ID: id, Name: n})
	}
	return out, nil
}

// Community is the commune's side of the bot: the village each citizen
// lives in and whether she wants notices, the village groups, and, for
// staff, notices (/thongbao) and figures (/thongke).
type Community struct {
	People   PeopleStore
	Villages []Village
	// Roles says who is staff.
	Roles roles.Store
	// Notices, when set, lets staff send notices.
	Notices NoticeDesk
	// Stats, when set, counts the use of the bot day by day.
	Stats StatsRecorder
	// Figures, when set, gives staff the figures of use; Chart, when set,
	// draws them; Catalog names procedures and their steps in them.
	Figures FigureSource
	Chart   ChartDrawer
	Catalog *flows.Catalog
	// Texts are the words (the shipped ones when nil).
	Texts *CommunityTexts
	// Location, Now and Logger default to the service's.
	Location *time.Location
	Now      func() time.Time
	Logger   *slog.Logger

	// msg are the service's words (staff's commands).
	msg *Messages
}

// CommunityTexts are the bot's words about villages, notices and figures
// (bot/community.yaml).
type CommunityTexts struct {
	VillageGreeting         string `yaml:"village_greeting"`
	VillageAsk              string `yaml:"village_ask"`
	VillageSkip             string `yaml:"village_skip"`
	VillageTypedHint        string `yaml:"village_typed_hint"`
	VillageSkipped          string `yaml:"village_skipped"`
	VillageSet              string `yaml:"village_set"`
	VillageNone             string `yaml:"village_none"`
	VillageHint             string `yaml:"village_hint"`
	NoticesStopped          string `yaml:"notices_stopped"`
	NoticesStarted          string `yaml:"notices_started"`
	NoticesNone             string `yaml:"notices_none"`
	GroupJoined             string `yaml:"group_joined"`
	GroupVillageList        string `yaml:"group_village_list"`
	GroupVillageSet         string `yaml:"group_village_set"`
	GroupVillageNotStaff    string `yaml:"group_village_not_staff"`
	NoticeNotStaff          string `yaml:"notice_not_staff"`
	NoticeOff               string `yaml:"notice_off"`
	NoticeAudience          string `yaml:"notice_audience"`
	NoticeAll               string `yaml:"notice_all"`
	NoticeVillages          string `yaml:"notice_villages"`
	NoticeReminders         string `yaml:"notice_reminders"`
	NoticeGroups            string `yaml:"notice_groups"`
	NoticePickVillages      string `yaml:"notice_pick_villages"`
	NoticePickGroups        string `yaml:"notice_pick_groups"`
	NoticePicked            string `yaml:"notice_picked"`
	NoticeDonePicking       string `yaml:"notice_done_picking"`
	NoticePickOne           string `yaml:"notice_pick_one"`
	NoticePickHint          string `yaml:"notice_pick_hint"`
	NoticeAskText           string `yaml:"notice_ask_text"`
	NoticeAskTextAfterPhoto string `yaml:"notice_ask_text_after_photo"`
	NoticeTooLong           string `yaml:"notice_too_long"`
	NoticeAskUrgent         string `yaml:"notice_ask_urgent"`
	NoticeUrgentYes         string `yaml:"notice_urgent_yes"`
	NoticeUrgentNo          string `yaml:"notice_urgent_no"`
	NoticeAskWhen           string `yaml:"notice_ask_when"`
	NoticeNow               string `yaml:"notice_now"`
	NoticeLater             string `yaml:"notice_later"`
	NoticeAskTime           string `yaml:"notice_ask_time"`
	NoticeTimeHint          string `yaml:"notice_time_hint"`
	NoticeTimePast          string `yaml:"notice_time_past"`
	NoticePreview           string `yaml:"notice_preview"`
	NoticePreviewGroups     string `yaml:"notice_preview_groups"`
	NoticePreviewPeople     string `yaml:"notice_preview_people"`
	NoticePreviewPhoto      string `yaml:"notice_preview_photo"`
	NoticePreviewTextOnly   string `yaml:"notice_preview_text_only"`
	NoticeQuotaWarning      string `yaml:"notice_quota_warning"`
	NoticeNobody            string `yaml:"notice_nobody"`
	NoticeConfirm           string `yaml:"notice_confirm"`
	NoticeDiscard           string `yaml:"notice_discard"`
	NoticeSendFailed        string `yaml:"notice_send_failed"`
	NoticeDiscarded         string `yaml:"notice_discarded"`
	NoticeQueued            string `yaml:"notice_queued"`
	NoticeScheduled         string `yaml:"notice_scheduled"`
	NoticeCancelButton      string `yaml:"notice_cancel_button"`
	NoticeCancelled         string `yaml:"notice_cancelled"`
	NoticeCancelGone        string `yaml:"notice_cancel_gone"`
	NoticeCancelUsage       string `yaml:"notice_cancel_usage"`
	NoticeAllLabel          string `yaml:"notice_all_label"`
	NoticeRemindersLabel    string `yaml:"notice_reminders_label"`
	NoticeVillagesLabel     string `yaml:"notice_villages_label"`
	NoticeGroupsLabel       string `yaml:"notice_groups_label"`
	NoticeGroupsAllLabel    string `yaml:"notice_groups_all_label"`
	NoticeUrgentLabel       string `yaml:"notice_urgent_label"`
	NoticeOrdinaryLabel     string `yaml:"notice_ordinary_label"`
	NoticeNowLabel          string `yaml:"notice_now_label"`
	NoticeListTitle         string `yaml:"notice_list_title"`
	NoticeListLine          string `yaml:"notice_list_line"`
	NoticeListNone          string `yaml:"notice_list_none"`
	NoticeListHint          string `yaml:"notice_list_hint"`
	NoticeStatusScheduled   string `yaml:"notice_status_scheduled"`
	NoticeStatusQueued      string `yaml:"notice_status_queued"`
	NoticeStatusSending     string `yaml:"notice_status_sending"`
	NoticeStatusDone        string `yaml:"notice_status_done"`
	NoticeStatusCanceled    string `yaml:"notice_status_canceled"`
	NoticeProgress          string `yaml:"notice_progress"`
	NoticeWaiting           string `yaml:"notice_waiting"`
	NoticeReport            string `yaml:"notice_report"`
	NoticeReportCancelled   string `yaml:"notice_report_cancelled"`
	FiguresNotStaff         string `yaml:"figures_not_staff"`
	FiguresTitle            string `yaml:"figures_title"`
	FiguresPeople           string `yaml:"figures_people"`
	FiguresVillageLine      string `yaml:"figures_village_line"`
	FiguresNoVillage        string `yaml:"figures_no_village"`
	FiguresFlows            string `yaml:"figures_flows"`
	FiguresFlowLine         string `yaml:"figures_flow_line"`
	FiguresGaveUp           string `yaml:"figures_gave_up"`
	FiguresGaveUpLine       string `yaml:"figures_gave_up_line"`
	FiguresReminders        string `yaml:"figures_reminders"`
	FiguresQuestions        string `yaml:"figures_questions"`
	FiguresNotices          string `yaml:"figures_notices"`
	FiguresNone             string `yaml:"figures_none"`
	FiguresChartTitle       string `yaml:"figures_chart_title"`
	FiguresChartActive      string `yaml:"figures_chart_active"`
	FiguresChartStarted     string `yaml:"figures_chart_started"`
	FiguresChartDone        string `yaml:"figures_chart_done"`
	FiguresChartQuestions   string `yaml:"figures_chart_questions"`
	DurationUnderMinute     string `yaml:"duration_under_minute"`
	DurationMinutes         string `yaml:"duration_minutes"`
	DurationHours           string `yaml:"duration_hours"`
	DurationHoursMinutes    string `yaml:"duration_hours_minutes"`
	DurationDays            string `yaml:"duration_days"`
	FiguresFailed           string `yaml:"figures_failed"`
}

// DefaultCommunityTexts returns the words shipped with the binary.
func DefaultCommunityTexts() *CommunityTexts {
	var ct CommunityTexts
	if err := flows.DecodeTexts(communityYAML, &ct); err != nil {
		panic(fmt.Sprintf("bot: shipped community.yaml: %v", err)) // caught by the package tests
	}
	return &ct
}

// village returns the village with the id, and whether there is one.
func (c *Community) village(id string) (Village, bool) {
	for _, v := range c.Villages {
		if v.ID == id {
			return v, true
		}
	}
	return Village{}, false
}

// findVillage reads what someone typed to name a village: its number in
// the list, its name or id, with or without diacritics, with or without
// "thôn".
func (c *Community) findVillage(text string) (Village, bool) {
	n := flows.Normalize(text)
	if i, err := strconv.Atoi(n); err == nil {
		if i >= 1 && i <= len(c.Villages) {
			return c.Villages[i-1], true
		}
		return Village{}, false
	}
	for _, v := range c.Villages {
		if name := flows.Normalize(v.Name); n == name || n == bareName(name) {
			return v, true
		}
	}
	return Village{}, false
}

// villageWords are the words a village's name may begin with, which
// people leave out: "Ea Sa" for "Buôn Ea Sa".
var villageWords = []string{"thon ", "buon ", "ban ", "xom ", "ap ", "lang ", "soc ", "khu pho ", "to dan pho ", "to "}

// bareName is a normalized village name without its first word of
// villageWords.
func bareName(name string) string {
	for _, w := range villageWords {
		if rest, ok := strings.CutPrefix(name, w); ok && rest != "" {
			return rest
		}
	}
	return name
}

// villageList numbers the villages, a line each.
func (c *Community) villageList() string {
	lines := make([]string, len(c.Villages))
	for i, v := range c.Villages {
		lines[i] = strconv.Itoa(i+1) + ". " + v.Name
	}
	return strings.Join(lines, "\n")
}

// Effects of the community, carried out after the update is saved.
const (
	effectSeen       = "people_seen"    // the first message of her day
	effectVillage    = "people_village" // village
	effectNotices    = "people_notices" // on ("1" or "0")
	effectGroup      = "people_group"   // user, village
	effectGroupLeft  = "people_left"
	effectGroupMoved = "people_moved"     // to
	effectPreview    = "notice_preview"   // draft, confirm, discard
	effectSend       = "notice_send"      // draft
	effectCancel     = "notice_cancel"    // user, id
	effectNoticeList = "notice_list"      // user
	effectStaffHelp  = "people_staffhelp" // user: staff's commands after the help
	effectFigures    = "figures"          // user
	effectCount      = "people_count"     // the fields to count one more of today
)

// Apply carries out what an update of chat asked of the community.
func (c *Community) Apply(ctx context.Context, chat Chat, e flows.Effect) ([]Message, error) {
	ct := c.Texts
	if !people.IsChat(chat.ID) && (e.Action == effectSeen || e.Action == effectVillage || e.Action == effectNotices) {
		// The terminal ("cli:…"): a trial run, where nobody is kept as an
		// audience; she is answered as if she were.
		switch {
		case e.Action != effectNotices:
			return nil, nil
		case e.Args["on"] == "1":
			return []Message{{Text: ct.NoticesStarted}}, nil
		}
		return []Message{{Text: ct.NoticesStopped}}, nil
	}
	switch e.Action {
	case effectSeen:
		if err := c.People.Seen(ctx, chat.ID, c.now()); err != nil {
			return nil, err
		}
		if c.Stats != nil {
			return nil, c.Stats.Active(ctx, c.today(), chat.ID)
		}
		return nil, nil
	case effectCount:
		if c.Stats == nil {
			return nil, nil
		}
		counts := make(map[string]int64, len(e.Args))
		for field := range e.Args {
			counts[field] = 1
		}
		return nil, c.Stats.Add(ctx, c.today(), counts)
	case effectVillage:
		v := e.Args["village"]
		err := c.People.SetVillage(ctx, chat.ID, v)
		if errors.Is(err, people.ErrNotFound) {
			// She was erased, or her day's first message was lost: she
			// wrote now, so she is seen now.
			if err = c.People.Seen(ctx, chat.ID, c.now()); err == nil {
				err = c.People.SetVillage(ctx, chat.ID, v)
			}
		}
		return nil, err
	case effectNotices:
		on := e.Args["on"] == "1"
		err := c.People.SetNotices(ctx, chat.ID, on)
		if errors.Is(err, people.ErrNotFound) {
			if err = c.People.Seen(ctx, chat.ID, c.now()); err == nil {
				err = c.People.SetNotices(ctx, chat.ID, on)
			}
		}
		if err != nil {
			return nil, err
		}
		if on {
			return []Message{{Text: ct.NoticesStarted}}, nil
		}
		return []Message{{Text: ct.NoticesStopped}}, nil
	case effectGroup:
		if refusal, ok, err := c.requireStaff(ctx, e.Args["user"], "tie a group to a village", chat.ID, ct.GroupVillageNotStaff); !ok {
			return refusal, err
		}
		v, _ := c.village(e.Args["village"])
		if err := c.People.AddGroup(ctx, people.Group{Chat: chat.ID, Village: v.ID}); err != nil {
			return nil, err
		}
		return []Message{{Text: flows.Fill(ct.GroupVillageSet, "village", v.Name)}}, nil
	case effectStaffHelp:
		if c.Roles == nil {
			return nil, nil
		}
		staff, err := roles.Has(ctx, c.Roles, e.Args["user"], roles.Staff)
		if err != nil || !staff {
			return nil, err
		}
		return []Message{{Text: c.msg.StaffCommands}}, nil
	case effectGroupLeft:
		return nil, c.People.RemoveGroup(ctx, chat.ID)
	case effectGroupMoved:
		return nil, c.People.MigrateGroup(ctx, chat.ID, e.Args["to"])
	case effectErase:
		var err error
		if people.IsChat(chat.ID) {
			err = c.People.DeleteChat(ctx, chat.ID)
		}
		if c.Notices != nil {
			err = errors.Join(err, c.Notices.DeleteChat(ctx, chat.ID))
		}
		return nil, err
	case effectPreview, effectSend, effectCancel, effectNoticeList:
		return c.applyNotice(ctx, chat, e)
	case effectFigures:
		return c.applyFigures(ctx, chat, e)
	}
	return nil, fmt.Errorf("community: unknown action %q", e.Action)
}

// requireStaff reports whether user is staff (ok); when she is not, it
// gives the refusal to say, and when the check fails, its error.
func (c *Community) requireStaff(ctx context.Context, user, what, chat, refusal string) ([]Message, bool, error) {
	ok, err := c.isStaff(ctx, user, what, chat)
	switch {
	case err != nil:
		return nil, false, err
	case !ok:
		return []Message{{Text: refusal}}, false, nil
	}
	return nil, true, nil
}

// isStaff reports whether user is commune staff; a refusal is logged with
// what was attempted, for staff to see who tried.
func (c *Community) isStaff(ctx context.Context, user, what, chat string) (bool, error) {
	if c.Roles == nil {
		c.log().Warn("refused: no staff are configured", "what", what, "user", user, "chat", chat)
		return false, nil
	}
	ok, err := roles.Has(ctx, c.Roles, user, roles.Staff)
	if err != nil {
		return false, fmt.Errorf("check staff role: %w", err)
	}
	if !ok {
		c.log().Warn("refused: not staff", "what", what, "user", user, "chat", chat)
	}
	return ok, nil
}

func (c *Community) log() *slog.Logger { return c.Logger }

func (c *Community) now() time.Time { return c.Now() }

func (c *Community) today() flows.Date { return flows.DateOf(c.Now().In(c.Location)) }
