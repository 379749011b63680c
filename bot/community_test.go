package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/roles"
	"github.com/motcua/motcua/stats"
	"github.com/motcua/motcua/store"
)

// desk is a NoticeDesk that keeps what it was given.
type desk struct {
	mu        sync.Mutex
	sent      []bot.NoticeDraft
	cancelled []string
	erased    []string
	down      bool
	textOnly  int
	count     int
	short     []bot.QuotaShort
}

func (d *desk) Preview(_ context.Context, n bot.NoticeDraft) (bot.NoticePreview, error) {
	return bot.NoticePreview{Recipients: d.count, Short: d.short, TextOnly: d.textOnly}, nil
}

func (d *desk) Send(_ context.Context, n bot.NoticeDraft) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.down {
		return "", fmt.Errorf("create: %w", store.ErrUnavailable)
	}
	if d.count == 0 {
		return "", bot.ErrNoRecipients
	}
	d.sent = append(d.sent, n)
	return "7", nil
}

func (d *desk) List(context.Context, int) ([]bot.NoticeSummary, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []bot.NoticeSummary
	for i := len(d.sent) - 1; i >= 0; i-- {
		out = append(out, bot.NoticeSummary{ID: fmt.Sprint(i + 1), Draft: d.sent[i], Status: bot.NoticeScheduled, Created: now(), Total: d.count})
	}
	return out, nil
}

func (d *desk) DeleteChat(_ context.Context, chat string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.erased = append(d.erased, chat)
	return nil
}

func (d *desk) Cancel(_ context.Context, id string) (bool, error) {
	d.cancelled = append(d.cancelled, id)
	return id == "7", nil
}

type community struct {
	svc   *bot.Service
	ppl   *people.Memory
	desk  *desk
	n     int
	staff bot.User
}

const staffID = "tg:900"

func newCommunity(t *testing.T) *community {
	t.Helper()
	villages, err := bot.VillagesFromNames([]string{"Thôn 1", "Thôn Đắk Lư", "Buôn Ea Sa"})
	if err != nil {
		t.Fatal(err)
	}
	c := &community{ppl: people.NewMemory(), desk: &desk{count: 1234}}
	com := &bot.Community{
		People: c.ppl, Villages: villages, Notices: c.desk,
		Roles: roles.WithConfig(roles.NewMemory(roles.Options{}), nil, []string{staffID}),
	}
	c.svc = bot.New(engine(t), store.NewMemory(store.Options{Now: now}), bot.Options{Location: ict, Now: now, Retries: []time.Duration{}, Community: com})
	return c
}

func (c *community) party(t *testing.T, chat string, private bool, user string) *party {
	return &party{t: t, svc: c.svc, chat: bot.Chat{ID: chat, Private: private}, user: bot.User{ID: user, Name: "Chị Lan"}, n: &c.n}
}

func person(t *testing.T, ppl *people.Memory, chat string) people.Person {
	t.Helper()
	p, ok, err := ppl.Get(context.Background(), chat)
	if err != nil || !ok {
		t.Fatalf("person %s: %v, known %v", chat, err, ok)
	}
	return p
}

func TestGreetingAsksTheVillageThenShowsTheMenu(t *testing.T) {
	c := newCommunity(t)
	p := c.party(t, "zl:abc", true, "zl:abc")
	out := p.send(bot.Update{Text: "xin chao"})
	for _, want := range []string{"Xin chào!", "Bạn ở thôn nào?", "1. Thôn 1", "2. Thôn Đắk Lư", "4. Bỏ qua"} {
		if !strings.Contains(out, want) {
			t.Fatalf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Thủ tục thử") {
		t.Fatalf("the menu came before the village was answered:\n%s", out)
	}
	out = p.send(bot.Update{Text: "thon dak lu"})
	if !strings.Contains(out, "Đã ghi: bạn ở Thôn Đắk Lư.") || !strings.Contains(out, "Thủ tục thử") {
		t.Fatalf("after the village:\n%s", out)
	}
	if got := person(t, c.ppl, "zl:abc"); got.Village != "thon-dak-lu" || !got.LastSeen.Equal(now()) {
		t.Fatalf("person = %+v", got)
	}
	// Asked once: /start goes to the menu.
	if out := p.send(bot.Update{Text: "/start"}); strings.Contains(out, "Bạn ở thôn nào?") {
		t.Fatalf("asked again:\n%s", out)
	}
	// /thon changes it, by number.
	p.send(bot.Update{Text: "/thon"})
	if out := p.send(bot.Update{Text: "3"}); !strings.Contains(out, "Buôn Ea Sa") {
		t.Fatalf("after 3:\n%s", out)
	}
	if got := person(t, c.ppl, "zl:abc"); got.Village != "buon-ea-sa" {
		t.Fatalf("village = %q", got.Village)
	}
}

func TestTheVillageQuestionLosesNothingTyped(t *testing.T) {
	c := newCommunity(t)
	p := c.party(t, "tg:5", true, "tg:5")
	p.send(bot.Update{Text: "/start"})
	if out := p.send(bot.Update{Text: "9"}); !strings.Contains(out, "Mình chưa nhận ra thôn này.") {
		t.Fatalf("a wrong number:\n%s", out)
	}
	// A procedure's name is not a village: it is searched for.
	if out := p.send(bot.Update{Text: "thu nghiem"}); !strings.Contains(out, "Có phải bạn cần: Thủ tục thử?") {
		t.Fatalf("the text was lost:\n%s", out)
	}
	if got := person(t, c.ppl, "tg:5"); got.Village != "" {
		t.Fatalf("village = %q", got.Village)
	}
}

func TestSkipTheVillage(t *testing.T) {
	c := newCommunity(t)
	p := c.party(t, "tg:6", true, "tg:6")
	p.send(bot.Update{Text: "/start"})
	out := p.send(bot.Update{Data: p.data("Bỏ qua")})
	if !strings.Contains(out, "/thon") || !strings.Contains(out, "Thủ tục thử") {
		t.Fatalf("after skipping:\n%s", out)
	}
}

func TestStopAndResumeNotices(t *testing.T) {
	c := newCommunity(t)
	p := c.party(t, "tg:7", true, "tg:7")
	if out := p.send(bot.Update{Text: "/tatthongbao"}); !strings.Contains(out, "Đã tắt thông báo thường") {
		t.Fatalf("stop:\n%s", out)
	}
	if !person(t, c.ppl, "tg:7").NoNotices {
		t.Fatal("notices not stopped")
	}
	if out := p.send(bot.Update{Text: "/batthongbao"}); !strings.Contains(out, "Đã bật thông báo") {
		t.Fatalf("resume:\n%s", out)
	}
	if person(t, c.ppl, "tg:7").NoNotices {
		t.Fatal("notices not resumed")
	}
	// /xoadulieu forgets her.
	p.send(bot.Update{Text: "/xoadulieu"})
	p.send(bot.Update{Text: "1"})
	if _, ok, _ := c.ppl.Get(context.Background(), "tg:7"); ok {
		t.Fatal("still known after /xoadulieu")
	}
	if len(c.desk.erased) != 1 || c.desk.erased[0] != "tg:7" {
		t.Fatalf("notices not told of /xoadulieu: %v", c.desk.erased)
	}
}

func TestStaffTieAGroupToItsVillage(t *testing.T) {
	c := newCommunity(t)
	ctx := context.Background()
	stranger := c.party(t, "tg:-100", false, "tg:55")
	if out := stranger.send(bot.Update{Event: bot.EventJoined}); !strings.Contains(out, "Xin chào cả nhóm!") {
		t.Fatalf("joined:\n%s", out)
	}
	if out := stranger.send(bot.Update{Text: "/thon 1"}); !strings.Contains(out, "Chỉ cán bộ xã") {
		t.Fatalf("a stranger:\n%s", out)
	}
	staff := c.party(t, "tg:-100", false, staffID)
	if out := staff.send(bot.Update{Text: "/thon"}); !strings.Contains(out, "2. Thôn Đắk Lư") {
		t.Fatalf("the list:\n%s", out)
	}
	if out := staff.send(bot.Update{Text: "/thon 2"}); !strings.Contains(out, "Đã gắn nhóm này với Thôn Đắk Lư") {
		t.Fatalf("tied:\n%s", out)
	}
	staff.send(bot.Update{Event: bot.EventMoved, MovedTo: "tg:-1009"})
	gs, err := c.ppl.Groups(ctx, nil)
	if err != nil || len(gs) != 1 || gs[0] != (people.Group{Chat: "tg:-1009", Village: "thon-dak-lu"}) {
		t.Fatalf("groups = %+v, %v", gs, err)
	}
	moved := c.party(t, "tg:-1009", false, staffID)
	moved.send(bot.Update{Event: bot.EventLeft})
	if gs, _ := c.ppl.Groups(ctx, nil); len(gs) != 0 {
		t.Fatalf("groups after leaving = %+v", gs)
	}
}

func TestHelpShowsStaffTheirCommands(t *testing.T) {
	c := newCommunity(t)
	if out := c.party(t, staffID, true, staffID).send(bot.Update{Text: "/trogiup"}); !strings.Contains(out, "Cách dùng trợ lý") || !strings.Contains(out, "/dsthongbao") {
		t.Fatalf("staff's help:\n%s", out)
	}
	if out := c.party(t, "tg:8", true, "tg:8").send(bot.Update{Text: "/trogiup"}); strings.Contains(out, "/dsthongbao") {
		t.Fatalf("a citizen's help shows staff's commands:\n%s", out)
	}
}

func TestOnlyStaffSendNotices(t *testing.T) {
	c := newCommunity(t)
	p := c.party(t, "tg:8", true, "tg:8")
	if out := p.send(bot.Update{Text: "/thongbao"}); !strings.Contains(out, "Chỉ cán bộ xã mới gửi được thông báo.") {
		t.Fatalf("a citizen:\n%s", out)
	}
	// Nothing was started: a number is the menu's, not a notice's.
	if out := p.send(bot.Update{Text: "1"}); strings.Contains(out, "nội dung thông báo") {
		t.Fatalf("a dialogue began:\n%s", out)
	}
	if out := p.send(bot.Update{Text: "/huythongbao 7"}); !strings.Contains(out, "Chỉ cán bộ xã") {
		t.Fatalf("a citizen cancels:\n%s", out)
	}
	if len(c.desk.sent)+len(c.desk.cancelled) != 0 {
		t.Fatalf("desk used: %+v", c.desk)
	}
}

func TestStaffSendANoticeToTwoVillages(t *testing.T) {
	c := newCommunity(t)
	s := c.party(t, staffID, true, staffID)
	out := s.send(bot.Update{Text: "/thongbao"})
	for _, want := range []string{"Gửi cho ai?", "1. Mọi người dân dùng trợ lý", "2. Người dân một hoặc vài thôn", "4. Các nhóm thôn có trợ lý"} {
		if !strings.Contains(out, want) {
			t.Fatalf("missing %q in:\n%s", want, out)
		}
	}
	s.send(bot.Update{Text: "2"})
	// Pressing toggles; typing a list sets it.
	out = s.send(bot.Update{Data: s.data("Thôn 1")})
	if !strings.Contains(out, "✓ Thôn 1") {
		t.Fatalf("not ticked:\n%s", out)
	}
	if out := s.send(bot.Update{Text: "1, ea sa"}); !strings.Contains(out, "Gõ nội dung thông báo") {
		t.Fatalf("after the villages:\n%s", out)
	}
	// Back to the villages and forward again.
	s.send(bot.Update{Text: "quay lại"})
	s.send(bot.Update{Text: "xong"})
	s.send(bot.Update{Text: "Thứ Bảy 28/11 tiêm vắc-xin sởi cho trẻ tại trạm y tế, 7:30–11:00."})
	if out := s.send(bot.Update{Text: "khong"}); !strings.Contains(out, "Gửi khi nào?") {
		t.Fatalf("after urgent:\n%s", out)
	}
	out = s.send(bot.Update{Text: "07:00 ngày mai"})
	for _, want := range []string{"Xem lại trước khi gửi", "tiêm vắc-xin sởi", "người dân Thôn 1, Buôn Ea Sa", "1.234 người", "thường", "07:00 24/11/2026", "1. ✅ Gửi"} {
		if !strings.Contains(out, want) {
			t.Fatalf("preview misses %q:\n%s", want, out)
		}
	}
	out = s.send(bot.Update{Data: s.data("✅ Gửi")})
	if !strings.Contains(out, "Đã hẹn gửi thông báo (mã 7) lúc 07:00 24/11/2026") {
		t.Fatalf("after confirming:\n%s", out)
	}
	if len(c.desk.sent) != 1 {
		t.Fatalf("sent %d notices", len(c.desk.sent))
	}
	got := c.desk.sent[0]
	want := bot.NoticeDraft{Author: staffID, AuthorName: "Chị Lan", Audience: bot.AudienceVillages, Villages: []string{"thon-1", "buon-ea-sa"},
		Text: "Thứ Bảy 28/11 tiêm vắc-xin sởi cho trẻ tại trạm y tế, 7:30–11:00.", At: time.Date(2026, 11, 24, 7, 0, 0, 0, ict)}
	if got.Author != want.Author || got.AuthorName != want.AuthorName || got.Audience != want.Audience || strings.Join(got.Villages, ",") != strings.Join(want.Villages, ",") ||
		got.Text != want.Text || !got.At.Equal(want.At) || got.Urgent || got.Photo != nil {
		t.Fatalf("draft = %+v\nwant    %+v", got, want)
	}
	// The dialogue is over: "1" is the menu's again.
	if out := s.send(bot.Update{Text: "1"}); strings.Contains(out, "thông báo") {
		t.Fatalf("still in the dialogue:\n%s", out)
	}
}

func TestUrgentNoticeWithAPhotoNow(t *testing.T) {
	c := newCommunity(t)
	c.desk.short = []bot.QuotaShort{{Channel: "zl", Left: 200, Need: 450}}
	c.desk.textOnly = 450
	s := c.party(t, staffID, true, staffID)
	s.send(bot.Update{Text: "/thongbao"})
	s.send(bot.Update{Text: "mọi người dân dùng trợ lý"})
	if out := s.send(bot.Update{Photo: &bot.Photo{ID: "tg:AgAC"}}); !strings.Contains(out, "Đã nhận ảnh") {
		t.Fatalf("after the photo:\n%s", out)
	}
	s.send(bot.Update{Text: "Bão số 9 đổ bộ đêm nay. Không ra đồng, không đi thuyền."})
	s.send(bot.Update{Data: s.data("🚨 Khẩn")})
	out := s.send(bot.Update{Text: "1"})
	for _, want := range []string{"(kèm 1 ảnh)", "mọi người dân", "khẩn", "ngay khi bạn chọn “✅ Gửi”", "Zalo chỉ còn 200 tin", "250 người dùng Zalo", "450 người ở kênh khác (Zalo) chỉ nhận phần chữ"} {
		if !strings.Contains(out, want) {
			t.Fatalf("preview misses %q:\n%s", want, out)
		}
	}
	if out := s.send(bot.Update{Text: "1"}); !strings.Contains(out, "Đã xếp thông báo vào hàng gửi (mã 7)") {
		t.Fatalf("queued:\n%s", out)
	}
	got := c.desk.sent[0]
	if !got.Urgent || got.Photo == nil || got.Photo.ID != "tg:AgAC" || !got.At.IsZero() || got.Audience != bot.AudienceAll {
		t.Fatalf("draft = %+v", got)
	}
	if out := s.send(bot.Update{Data: "nt:7:cancel"}); !strings.Contains(out, "Đã dừng thông báo 7.") {
		t.Fatalf("cancel:\n%s", out)
	}
	out = s.send(bot.Update{Text: "/dsthongbao"})
	for _, want := range []string{"Các thông báo gần đây", "• Mã 1 · hẹn gửi lúc", "gửi mọi người dân", "“Bão số 9 đổ bộ đêm nay. Không ra đồng, không đi thuyền.”", "/huythongbao"} {
		if !strings.Contains(out, want) {
			t.Fatalf("list misses %q:\n%s", want, out)
		}
	}
	citizen := c.party(t, "tg:8", true, "tg:8")
	if out := citizen.send(bot.Update{Text: "/dsthongbao"}); !strings.Contains(out, "Chỉ cán bộ xã") {
		t.Fatalf("a citizen lists notices:\n%s", out)
	}
}

func TestNoticeDialogueHintsAndCancel(t *testing.T) {
	c := newCommunity(t)
	s := c.party(t, staffID, true, staffID)
	s.send(bot.Update{Text: "/thongbao"})
	s.send(bot.Update{Text: "2"})
	if out := s.send(bot.Update{Text: "xong"}); !strings.Contains(out, "ít nhất một thôn") {
		t.Fatalf("no village:\n%s", out)
	}
	if out := s.send(bot.Update{Text: "thôn chín"}); !strings.Contains(out, "Mình chưa nhận ra") {
		t.Fatalf("a wrong village:\n%s", out)
	}
	s.send(bot.Update{Text: "1"})
	s.send(bot.Update{Text: "xong"})
	s.send(bot.Update{Text: "Họp thôn tối thứ Sáu."})
	s.send(bot.Update{Text: "1"})
	s.send(bot.Update{Text: "2"})
	if out := s.send(bot.Update{Text: "hôm qua"}); !strings.Contains(out, "chưa đọc được thời điểm") {
		t.Fatalf("a wrong time:\n%s", out)
	}
	if out := s.send(bot.Update{Text: "8:00 hôm nay"}); !strings.Contains(out, "đã qua") {
		t.Fatalf("a time gone:\n%s", out)
	}
	if out := s.send(bot.Update{Text: "hủy"}); !strings.Contains(out, "Đã bỏ thông báo nháp") {
		t.Fatalf("cancel:\n%s", out)
	}
	if len(c.desk.sent) != 0 {
		t.Fatal("a cancelled draft was sent")
	}
}

func TestParseWhen(t *testing.T) {
	now := now() // Monday 23/11/2026 09:00
	at := func(d, m, h, min int) time.Time { return time.Date(2026, time.Month(m), d, h, min, 0, 0, ict) }
	for _, tc := range []struct {
		name, text string
		want       time.Time
		err        bool
	}{
		{"tomorrow", "07:00 ngày mai", at(24, 11, 7, 0), false},
		{"tomorrow without diacritics", "7h ngay mai", at(24, 11, 7, 0), false},
		{"today later", "14:30 hôm nay", at(23, 11, 14, 30), false},
		{"afternoon", "3 giờ chiều nay", at(23, 11, 15, 0), false},
		{"evening tomorrow", "7h30 tối mai", at(24, 11, 19, 30), false},
		{"a date", "07:00 25/11/2026", at(25, 11, 7, 0), false},
		{"a date without year", "8h 1/12", at(1, 12, 8, 0), false},
		{"next year", "8h 5/1", time.Date(2027, 1, 5, 8, 0, 0, 0, ict), false},
		{"no day, later today", "10:00", at(23, 11, 10, 0), false},
		{"no day, gone today", "08:00", at(24, 11, 8, 0), false},
		{"today gone", "8:00 hôm nay", time.Time{}, true},
		{"no time", "ngày mai", time.Time{}, true},
		{"too far", "7:00 1/6/2027", time.Time{}, true},
		{"not a date", "7:00 31/2/2027", time.Time{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := bot.ParseWhen(tc.text, now)
			if (err != nil) != tc.err || !got.Equal(tc.want) {
				t.Fatalf("ParseWhen(%q) = %v, %v; want %v (error %v)", tc.text, got, err, tc.want, tc.err)
			}
		})
	}
}

// figures is a FigureSource of fixed figures.
type figures struct{ f bot.Figures }

func (f figures) Figures(context.Context, time.Time) (bot.Figures, error) { return f.f, nil }

func TestFiguresForStaff(t *testing.T) {
	villages, _ := bot.VillagesFromNames([]string{"Thôn 1", "Thôn 2"})
	var drawn []bot.DayFigure
	com := &bot.Community{
		People: people.NewMemory(), Villages: villages,
		Roles: roles.WithConfig(roles.NewMemory(roles.Options{}), nil, []string{staffID}),
		Figures: figures{bot.Figures{
			Days: 30, People: 1520, Active: 610, NoNotices: 12,
			Villages:  map[string]int{"thon-1": 900, "thon-2": 400, "": 220},
			Flows:     []bot.FlowFigure{{Flow: "thu", Started: 40, Done: 25}, {Flow: "thu-hai", Started: 60, Done: 50}},
			GaveUp:    []bot.GaveUpFigure{{Flow: "thu", Step: "ai", N: 9}},
			Reminders: 311, Asked: 48, Answered: 45, ClaimMedian: 25 * time.Minute, AnswerMedian: 3*time.Hour + 10*time.Minute,
			Notices: 4, NoticeMessages: 5210,
			Daily: []bot.DayFigure{{Date: flows.Date{Year: 2026, Month: 11, Day: 22}, Active: 30}},
		}},
		Chart: func(title string, series []string, days []bot.DayFigure) ([]byte, error) {
			drawn = days
			return []byte("png"), nil
		},
	}
	svc := bot.New(engine(t), store.NewMemory(store.Options{Now: now}), bot.Options{Location: ict, Now: now, Retries: []time.Duration{}, Community: com})
	n := 0
	s := &party{t: t, svc: svc, chat: bot.Chat{ID: staffID, Private: true}, user: bot.User{ID: staffID}, n: &n}
	out := s.send(bot.Update{Text: "/thongke"})
	for _, want := range []string{
		"30 ngày qua (đến 23/11/2026)", "1.520 người (610 người nhắn", "12 người đã tắt",
		"Thôn 1: 900", "Thôn 2: 400", "chưa chọn thôn: 220",
		"bắt đầu 100 lần, làm đến cuối 75 lần (75 %)", "Thủ tục thử thứ hai: 60 → 50",
		"Thủ tục thử, ở câu “Ai đi làm?”: 9 lần", "Gia đình đặt nhắc hạn thẻ BHYT: 311",
		"25 phút", "3 giờ 10 phút", "4 thông báo, 5.210 tin",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("missing %q in:\n%s", want, out)
		}
	}
	if m := s.last.Messages[0]; len(s.last.Messages) != 1 || m.Photo == nil || string(m.Photo.PNG) != "png" || len(drawn) != 1 {
		t.Fatalf("not one message with the chart: %+v", s.last.Messages)
	}
	citizen := &party{t: t, svc: svc, chat: bot.Chat{ID: "tg:1", Private: true}, user: bot.User{ID: "tg:1"}, n: &n}
	if out := citizen.send(bot.Update{Text: "/thongke"}); !strings.Contains(out, "Chỉ cán bộ xã mới xem được số liệu.") {
		t.Fatalf("a citizen:\n%s", out)
	}
}

func TestCountsUse(t *testing.T) {
	c := newCommunity(t)
	st := stats.NewMemory()
	c.svc = bot.New(engine(t), store.NewMemory(store.Options{Now: now}), bot.Options{Location: ict, Now: now, Retries: []time.Duration{}, Community: &bot.Community{
		People: c.ppl, Stats: st,
	}})
	a := c.party(t, "tg:1", true, "tg:1")
	a.send(bot.Update{Text: "/start thu"})
	a.send(bot.Update{Text: "/huy"}) // gave up at the first question
	a.send(bot.Update{Text: "/start thu"})
	b := c.party(t, "tg:2", true, "tg:2")
	b.send(bot.Update{Text: "/start thu"})
	b.send(bot.Update{Text: "/start thu-hai"}) // left for another
	today := flows.DateOf(now())
	days, err := st.Days(context.Background(), today, today)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{stats.Started("thu"): 3, stats.Started("thu-hai"): 1, stats.Quit("thu", "ai"): 2}
	for field, n := range want {
		if got := days[0].Counts[field]; got != n {
			t.Errorf("%s = %d, want %d (all: %v)", field, got, n, days[0].Counts)
		}
	}
	if days[0].Active != 2 {
		t.Errorf("active = %d, want 2", days[0].Active)
	}
}

// downRoles is a roles store whose Redis cannot be reached.
type downRoles struct{ roles.Store }

func (downRoles) Role(context.Context, string) (roles.Role, bool, error) {
	return "", false, fmt.Errorf("role: %w", store.ErrUnavailable)
}

// TestStaffCheckFailing: when who is staff cannot be read, staff get an
// apology to try again, not a refusal.
func TestStaffCheckFailing(t *testing.T) {
	com := &bot.Community{People: people.NewMemory(), Roles: downRoles{}, Figures: figures{}}
	svc := bot.New(engine(t), store.NewMemory(store.Options{Now: now}), bot.Options{Location: ict, Now: now, Retries: []time.Duration{}, Community: com})
	n := 0
	s := &party{t: t, svc: svc, chat: bot.Chat{ID: staffID, Private: true}, user: bot.User{ID: staffID}, n: &n}
	out := s.send(bot.Update{Text: "/thongke"})
	if strings.Contains(out, "Chỉ cán bộ xã") || !strings.Contains(out, "Xin lỗi, mình chưa làm được việc vừa hẹn") {
		t.Fatalf("reply:\n%s", out)
	}
}

// TestTerminalKeepsNobody: the terminal's chat ("cli:…", a trial run) is
// asked its village and answered as anyone, but nothing is kept of it as
// an audience, and nothing fails.
func TestTerminalKeepsNobody(t *testing.T) {
	c := newCommunity(t)
	p := c.party(t, "cli:root", true, "")
	p.send(bot.Update{Text: "/start"})
	if out := p.send(bot.Update{Text: "xin chào"}); !strings.Contains(out, "Bạn ở thôn nào?") {
		t.Fatalf("a greeting during the village question:\n%s", out)
	}
	if out := p.send(bot.Update{Text: "1"}); !strings.Contains(out, "Đã ghi: bạn ở Thôn 1.") {
		t.Fatalf("village:\n%s", out)
	}
	out := p.send(bot.Update{Text: "/tatthongbao"})
	if !strings.Contains(out, "Đã tắt thông báo thường") || strings.Contains(out, "Xin lỗi") {
		t.Fatalf("notices off:\n%s", out)
	}
	if f, err := c.ppl.Figures(context.Background()); err != nil || f.People != 0 {
		t.Fatalf("people kept: %+v, %v", f, err)
	}
}

// TestNoticeToNobody: a notice whose audience is empty is previewed as
// such and, confirmed anyway by typing, not queued.
func TestNoticeToNobody(t *testing.T) {
	c := newCommunity(t)
	c.desk.count = 0
	s := c.party(t, staffID, true, staffID)
	s.send(bot.Update{Text: "/thongbao"})
	s.send(bot.Update{Text: "3"}) // the families with a reminder
	s.send(bot.Update{Text: "Hạn thẻ BHYT cuối năm."})
	s.send(bot.Update{Text: "1"})
	if out := s.send(bot.Update{Text: "1"}); !strings.Contains(out, "Chưa có ai") || strings.Contains(out, "✅ Gửi") {
		t.Fatalf("preview:\n%s", out)
	}
	if out := s.send(bot.Update{Text: "1"}); !strings.Contains(out, "Chưa có ai") || len(c.desk.sent) != 0 {
		t.Fatalf("sent to nobody: %v\n%s", c.desk.sent, out)
	}
}

// TestNoticeQueueDown: when the notice cannot be queued, staff get an
// apology and the words they wrote back.
func TestNoticeQueueDown(t *testing.T) {
	c := newCommunity(t)
	c.desk.down = true
	s := c.party(t, staffID, true, staffID)
	s.send(bot.Update{Text: "/thongbao"})
	s.send(bot.Update{Text: "1"})
	s.send(bot.Update{Text: "Chiều nay cắt điện từ 13:00 đến 17:00."})
	s.send(bot.Update{Text: "1"})
	s.send(bot.Update{Text: "1"})
	out := s.send(bot.Update{Text: "1"})
	if !strings.Contains(out, "chưa được xếp gửi") || !strings.Contains(out, "Chiều nay cắt điện từ 13:00 đến 17:00.") {
		t.Fatalf("reply:\n%s", out)
	}
}
