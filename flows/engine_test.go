package flows

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

var ict = time.FixedZone("ICT", 7*3600)

// fixedNow is 23/11/2026 09:00 in Vietnam.
var fixedNow = time.Date(2026, time.November, 23, 9, 0, 0, 0, ict)

func testEngine(t testing.TB) *Engine {
	t.Helper()
	cat, iss := Load(os.DirFS("testdata/good"), "good", nil, "")
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	return NewEngine(cat, DefaultMessages())
}

// texts joins the outputs, options shown as [id:label].
func texts(r Result) string {
	var parts []string
	for _, o := range r.Out {
		s := o.Text
		for _, opt := range o.Options {
			s += " [" + opt.ID + ":" + opt.Label + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

// walk starts the test flow and feeds it inputs, failing on any error.
func walk(t *testing.T, e *Engine, inputs ...Input) Result {
	t.Helper()
	r, err := e.Start("thu", fixedNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		if in.Now.IsZero() {
			in.Now = fixedNow
		}
		r2, err := e.Step(r.State, in)
		if err != nil {
			t.Fatalf("step %+v: %v", in, err)
		}
		if !r2.Rejected {
			r = r2
		} else {
			r.Out, r.Rejected = r2.Out, true
		}
	}
	return r
}

func text(s string) Input { return Input{Text: s} }

func TestEngineHappyPath(t *testing.T) {
	e := testEngine(t)
	r, err := e.Start("thu", fixedNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := texts(r), "Chào bạn. | Ai đi làm? [cha_me:Cha hoặc mẹ] [ong_ba:Ông bà] [khac:Người khác]"; got != want {
		t.Fatalf("start:\n got %s\nwant %s", got, want)
	}
	if !r.Out[1].Prompt || r.Out[0].Prompt {
		t.Error("only the question is a prompt")
	}
	steps := []struct {
		in   Input
		want string
	}{
		{text("1"), "Bé sinh ngày nào?"},
		{text("10/11/2026"), "Hạn là 09/01/2027 (còn 47 ngày). | Nhà có mấy người?"},
		{text("1.000"), "Số này phải không quá 20."},
		{text("3"), "Có giấy chứng sinh chưa? [co:Có] [khong:Không]"},
		{Input{Choice: "co"}, "Giấy tờ (Cha hoặc mẹ, 3 người):\n• Giấy chứng sinh\n• Căn cước | Xong."},
	}
	for _, s := range steps {
		s.in.Now = fixedNow
		next, err := e.Step(r.State, s.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := texts(next); got != s.want {
			t.Fatalf("after %+v:\n got %q\nwant %q", s.in, got, s.want)
		}
		if !next.Rejected {
			r = next
		}
	}
	if !r.Done {
		t.Error("the flow should be done")
	}
}

func TestEngineRejectsAndKeepsTheStep(t *testing.T) {
	e := testEngine(t)
	atDate := walk(t, e, text("ong ba"))
	tests := []struct {
		name, in, want string
	}{
		{"impossible date", "31/02/2025", "Ngày “31/02/2025” không có trên lịch."},
		{"future date", "24/11/2026", "Ngày sinh không thể sau hôm nay."},
		{"too early", "01/01/2019", "Ngày này phải từ 23/11/2020 trở về sau."},
		{"words", "hôm qua", "Mình chưa đọc được ngày này."},
		{"iso", "2026-05-01", "Bạn ghi ngày trước, rồi tháng, rồi năm nhé. Có phải ngày 01/05/2026?"},
		{"month 13", "12/13/2025", "không có trên lịch"},
		{"empty", "", "Mình chưa đọc được ngày này."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := e.Step(atDate.State, Input{Text: tt.in, Now: fixedNow})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Rejected || r.State.Step != "ngay_sinh" {
				t.Fatalf("rejected=%v step=%s", r.Rejected, r.State.Step)
			}
			if got := texts(r); !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want it to contain %q", got, tt.want)
			}
		})
	}

	r, err := e.Step(walk(t, e).State, Input{Text: "9", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Rejected || !strings.Contains(texts(r), "Bạn gõ số từ 1 đến 3") || len(r.Out[0].Options) != 3 {
		t.Errorf("a wrong number shows the hint and the choices again: %s", texts(r))
	}
}

func TestEngineChoosesByLabelWithoutDiacritics(t *testing.T) {
	e := testEngine(t)
	for _, in := range []string{"ong ba", "Ông bà", "ÔNG BÀ", "2", "  ong   ba "} {
		r := walk(t, e, text(in))
		if r.Rejected || r.State.Vars["ai"] != "ong_ba" {
			t.Errorf("%q: vars=%v rejected=%v", in, r.State.Vars, r.Rejected)
		}
	}
	// A yes/no question shows 1. Có, 2. Không: the numbers work too.
	for in, want := range map[string]string{"1": "co", "2": "khong", "co": "co", "Không": "khong", "ko": "khong"} {
		r := walk(t, e, text("1"), text("10/11/2026"), text("3"), text(in))
		if r.Rejected || r.State.Vars["co_giay"] != want {
			t.Errorf("%q: rejected=%v vars=%v", in, r.Rejected, r.State.Vars)
		}
	}
	// "nguoi" is a word of one label only; "ba" alone is too short to guess.
	if r := walk(t, e, text("nguoi")); r.State.Vars["ai"] != "khac" {
		t.Errorf("nguoi: %v", r.State.Vars)
	}
	if r := walk(t, e, text("ba")); !r.Rejected {
		t.Errorf("ba should not be guessed: %v", r.State.Vars)
	}
	if r := walk(t, e, text("cha")); r.Rejected || r.State.Vars["ai"] != "cha_me" {
		t.Errorf("cha, a word of one label, picks it: %v", r.State.Vars)
	}
	// A number that starts one label picks it; other numbers are lines.
	months := []Option{{ID: "m12", Label: "12 tháng"}, {ID: "m6", Label: "6 tháng"}, {ID: "m3", Label: "3 tháng"}}
	for in, want := range map[string]int{"6": 1, "12": 0, "3": 2, "1": 0, "2": 1, "7": -1} {
		if got := pickOption(months, text(in)); got != want {
			t.Errorf("pickOption(%q) = %d, want %d", in, got, want)
		}
	}
	// "chưa" answers a question, it does not name the choice "Chưa có…".
	s := &Step{Kind: KindAsk, Choices: []*Choice{{ID: "roi", Label: "Có rồi"}, {ID: "tai_nha", Label: "Chưa có, người mất tại nhà"}}}
	r := &run{e: e}
	for in, want := range map[string]string{"chưa": "", "có": "", "chua co": "tai_nha", "tai nha": "tai_nha", "co roi": "roi", "2": "tai_nha"} {
		got := ""
		if c := r.pick(s, text(in)); c != nil {
			got = c.ID
		}
		if got != want {
			t.Errorf("pick(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEngineLateDeadlineBranch(t *testing.T) {
	e := testEngine(t)
	r := walk(t, e, text("1"), text("1/9/26"))
	if got := texts(r); !strings.HasPrefix(got, "Hạn là 31/10/2026, đã quá hạn 23 ngày.") {
		t.Errorf("got %q", got)
	}
	r = walk(t, e, text("1"), text("24-09-2026"))
	if got := texts(r); !strings.HasPrefix(got, "Hạn là 23/11/2026 (hôm nay là ngày cuối).") {
		t.Errorf("got %q", got)
	}
}

func TestDaysLeftReadable(t *testing.T) {
	e := testEngine(t)
	r := &run{e: e, today: DateOf(fixedNow)}
	tests := []struct {
		d    Date
		want string
	}{
		{Date{2026, 11, 24}, "còn 1 ngày"},
		{Date{2027, 1, 22}, "còn 60 ngày"},
		{Date{2027, 1, 23}, "còn khoảng 2 tháng"},
		{Date{2027, 5, 10}, "còn khoảng 6 tháng"},
		{Date{2028, 10, 22}, "còn khoảng 23 tháng"},
		{Date{2028, 11, 23}, "còn khoảng 2 năm"},
		{Date{2032, 11, 10}, "còn khoảng 6 năm"},
		{DateOf(fixedNow).AddDays(2182), "còn khoảng 6 năm"},
		{Date{2026, 11, 23}, "hôm nay là ngày cuối"},
		{Date{2026, 9, 24}, "đã quá hạn 60 ngày"},
		{Date{2026, 9, 23}, "đã quá hạn khoảng 2 tháng"},
		{Date{2024, 11, 24}, "đã quá hạn khoảng 23 tháng"},
		{Date{2024, 11, 23}, "đã quá hạn hơn 2 năm"},
		{Date{2000, 1, 1}, "đã quá hạn hơn 26 năm"},
	}
	for _, tt := range tests {
		if got := r.daysLeft(tt.d); got != tt.want {
			t.Errorf("%v: got %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestDateStates(t *testing.T) {
	e := testEngine(t)
	r := &run{e: e, today: DateOf(fixedNow)}
	tests := []struct {
		iso, state string
		want       bool
	}{
		{"2026-11-22", Overdue, true}, {"2026-11-22", DueToday, false}, {"2026-11-22", NotDue, false},
		{"2026-11-23", Overdue, false}, {"2026-11-23", DueToday, true}, {"2026-11-23", NotDue, true},
		{"2026-11-24", Overdue, false}, {"2026-11-24", DueToday, false}, {"2026-11-24", NotDue, true},
		{"rác", Overdue, false}, {"2026-11-24", "khac", false},
	}
	for _, tt := range tests {
		if got := r.dateIs(tt.iso, tt.state); got != tt.want {
			t.Errorf("dateIs(%s, %s) = %v", tt.iso, tt.state, got)
		}
	}
}

func TestEngineBack(t *testing.T) {
	e := testEngine(t)
	r := walk(t, e, text("1"), text("10/11/2026"), text("3"), Input{Back: true})
	if r.State.Step != "so_nguoi" || texts(r) != "Nhà có mấy người?" {
		t.Fatalf("back from co_giay: step %s, %q", r.State.Step, texts(r))
	}
	if _, ok := r.State.Vars["so_nguoi"]; ok {
		t.Error("the answer gone back over must be forgotten")
	}
	if r.State.Vars["han"] != "2027-01-09" {
		t.Errorf("computed values are kept by the replay: %v", r.State.Vars)
	}
	r = walk(t, e, text("1"), text("10/11/2026"), Input{Back: true}, Input{Back: true})
	if r.State.Step != "ai" || len(r.State.Vars) != 0 || len(r.State.Trail) != 0 {
		t.Fatalf("back twice: %+v", r.State)
	}
	r = walk(t, e, Input{Back: true})
	if got := texts(r); !strings.HasPrefix(got, "Đây đã là câu hỏi đầu tiên. | Ai đi làm?") {
		t.Errorf("back at the first question: %q", got)
	}
	// Going back and choosing another branch forgets the first branch.
	r = walk(t, e, text("3"), Input{Back: true}, text("1"), text("10/11/2026"), text("3"), text("khong"))
	if got := texts(r); !strings.Contains(got, "Bạn cần xin giấy chứng sinh trước.") || !strings.Contains(got, "• Văn bản làm chứng") || strings.Contains(got, "• Giấy chứng sinh") {
		t.Errorf("got %q", got)
	}
}

func TestEngineHandover(t *testing.T) {
	e := testEngine(t)
	r := walk(t, e, text("3"), text("+84 912.345.678"))
	if got, want := texts(r), "Đã ghi số 0912 345 678. Chuyển sang thủ tục khác. | Bạn ghi chú gì?"; got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if r.State.Flow != "thu-hai" || r.State.Step != "ghi_chu" {
		t.Fatalf("state %+v", r.State)
	}
	r2, _ := e.Step(r.State, Input{Text: "quá mười ký tự", Now: fixedNow})
	if !r2.Rejected || !strings.Contains(texts(r2), "trong 10 ký tự") {
		t.Errorf("max_len: %q", texts(r2))
	}
	r2, _ = e.Step(r.State, Input{Text: "ngắn", Now: fixedNow})
	if !r2.Done || texts(r2) != "Đã ghi: ngắn." {
		t.Errorf("end: %q done=%v", texts(r2), r2.Done)
	}
}

func TestEngineFlowChanged(t *testing.T) {
	e := testEngine(t)
	r := walk(t, e, text("1"))

	// Same step still there: the conversation goes on.
	st := r.State
	st.Hash = "old"
	r2, err := e.Step(st, Input{Text: "10/11/2026", Now: fixedNow})
	if err != nil || r2.Rejected || r2.State.Hash != e.cat.byID["thu"].Hash {
		t.Fatalf("continue at the same step: %v %+v", err, r2)
	}

	// The step is gone: start again and say why.
	st.Step = "buoc_da_xoa"
	r2, err = e.Step(st, Input{Text: "10/11/2026", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(r2); !strings.HasPrefix(got, "Thủ tục “Thủ tục thử” vừa được cập nhật") || r2.State.Step != "ai" {
		t.Errorf("restart: %q at %s", got, r2.State.Step)
	}

	// The flow is gone altogether.
	st.Flow = "da-xoa"
	r2, err = e.Step(st, Input{Text: "1", Now: fixedNow})
	if err != nil || !r2.Done || !strings.Contains(texts(r2), "không còn trong danh sách") {
		t.Errorf("gone: %v %q", err, texts(r2))
	}
}

func TestEngineDoesNotChangeTheStateGiven(t *testing.T) {
	e := testEngine(t)
	r := walk(t, e, text("1"))
	before := r.State.Vars["ai"]
	trail := len(r.State.Trail)
	if _, err := e.Step(r.State, Input{Text: "10/11/2026", Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	if len(r.State.Vars) != 1 || r.State.Vars["ai"] != before || len(r.State.Trail) != trail {
		t.Errorf("the input state changed: %+v", r.State)
	}
}

func TestSearch(t *testing.T) {
	e := testEngine(t)
	tests := []struct{ q, want string }{
		{"thu nghiem", "thu"},
		{"THỬ NGHIỆM", "thu"},
		{"chuyen tiep", "thu-hai"},
		{"xin chao", ""},
	}
	for _, tt := range tests {
		got := e.Catalog().Search(tt.q)
		switch {
		case tt.want == "" && len(got) != 0:
			t.Errorf("%q: want nothing, got %s", tt.q, got[0].Flow.ID)
		case tt.want != "" && (len(got) == 0 || got[0].Flow.ID != tt.want):
			t.Errorf("%q: want %s first, got %v", tt.q, tt.want, got)
		}
	}
}

func TestShippedMessagesComplete(t *testing.T) {
	m := DefaultMessages()
	if m.Yes != "Có" {
		t.Errorf("yes = %q", m.Yes)
	}
	if _, err := ParseMessages([]byte("yes: Có\n")); err == nil {
		t.Error("a messages file missing texts must be refused")
	}
	if _, err := ParseMessages(append(messagesYAML, "extra: x\n"...)); err == nil {
		t.Error("an unknown message must be refused")
	}
}

func BenchmarkEngineStep(b *testing.B) {
	e := testEngine(b)
	r, err := e.Start("thu", fixedNow, nil)
	if err != nil {
		b.Fatal(err)
	}
	r, _ = e.Step(r.State, Input{Text: "1", Now: fixedNow})
	st := r.State // waiting for the birth date: the busiest step
	in := Input{Text: "10/11/2026", Now: fixedNow}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Step(st, in); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMenuOrder(t *testing.T) {
	parse := func(id string, order int) *Flow {
		src := strings.Replace(base, "id: mau\n", fmt.Sprintf("id: %s\norder: %d\n", id, order), 1)
		if order == 0 {
			src = strings.Replace(base, "id: mau\n", "id: "+id+"\n", 1)
		}
		f, iss := Parse(id+".yaml", []byte(src))
		if err := iss.Err(); err != nil {
			t.Fatal(err)
		}
		return f
	}
	cat, iss := NewCatalog([]*Flow{parse("a-none", 0), parse("b-twenty", 20), parse("c-ten", 10), parse("d-none", 0)}, nil)
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range cat.Flows() {
		ids = append(ids, f.ID)
	}
	if got := strings.Join(ids, " "); got != "c-ten b-twenty a-none d-none" {
		t.Errorf("menu order: %s", got)
	}
}

func TestOneEdit(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"sihn", "sinh", true}, {"sinh", "sinh", false}, {"snh", "sinh", true}, {"siinh", "sinh", true},
		{"sanh", "sinh", true}, {"snih", "sinh", true}, {"hsin", "sinh", false}, {"sinhh", "sinh", true}, {"s", "sinh", false},
	}
	for _, tt := range tests {
		if got := oneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEdit(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

func TestSearchToleratesTypos(t *testing.T) {
	e := testEngine(t)
	for _, q := range []string{"thu nghiiem", "thu ngheim", "chuyen tiepp"} {
		if got := e.Catalog().Search(q); len(got) == 0 {
			t.Errorf("%q found nothing", q)
		}
	}
}
