package flows

import (
	"errors"
	"strings"
	"testing"
)

// endingFlow ends with a short summary and three details, the last two
// long enough to need a page each; it cites two sources.
var endingFlow = `id: ket
title: Thủ tục có chi tiết
summary: Để thử phần chi tiết sau khi kết thúc.
keywords: [chi tiết]
sources:
  - title: Nguồn một
    url: https://example.org/mot
    checked: 01/11/2026
  - title: Nguồn hai
    checked: 02/11/2026
steps:
  - id: ai
    type: ask
    text: Ai đi làm?
    choices:
      - {id: cha_me, label: Cha hoặc mẹ}
      - {id: ong_ba, label: Ông bà}
  - id: ngay
    type: input
    save: ngay
    text: Ngày nào?
    input: {kind: date, max: today}
  - id: het
    type: end
    text: "Tóm tắt: {ai}, {ngay}."
    details: [uy_quyen, dai_mot, dai_hai]
  - id: uy_quyen
    type: say
    when: {ai: ong_ba}
    text: Ông bà không cần giấy ủy quyền.
  - id: dai_mot
    type: checklist
    text: "Lệ phí ({ai}):"
    items:
      - text: ` + strings.Repeat("một ", 150) + `
  - id: dai_hai
    type: say
    text: ` + strings.Repeat("hai ", 150) + `
`

func endingEngine(t *testing.T) *Engine {
	t.Helper()
	f, iss := Parse("ket.yaml", []byte(endingFlow))
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	cat, iss := NewCatalog([]*Flow{f}, nil)
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	return NewEngine(cat, DefaultMessages())
}

func ended(t *testing.T, e *Engine, who string) Result {
	t.Helper()
	r, err := e.Start("ket", fixedNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{who, "10/11/2026"} {
		if r, err = e.Step(r.State, Input{Text: in, Now: fixedNow}); err != nil {
			t.Fatal(err)
		}
	}
	if !r.Done || texts(r) != "Tóm tắt: "+map[string]string{"1": "Cha hoặc mẹ", "2": "Ông bà"}[who]+", 10/11/2026." {
		t.Fatalf("not at the end: %+v", r)
	}
	return r
}

func TestEndingOffersDetailsAndSources(t *testing.T) {
	e := endingEngine(t)
	r := ended(t, e, "2")
	if got := e.Ending(r.State, fixedNow); len(got) != 2 || got[0] != (Option{ShowDetails, "📄 Xem chi tiết"}) || got[1] != (Option{ShowSources, "📚 Nguồn"}) {
		t.Fatalf("the end offers %+v", got)
	}
	// The first tap shows what fits a page: the short detail and the first
	// long one; the second long one is the next page.
	st := r.State
	pages := []string{}
	for i := 0; i < 3; i++ {
		p, err := e.Step(st, Input{Choice: ShowDetails, Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		if !p.Done {
			t.Fatal("a page of details leaves the procedure at its end")
		}
		pages = append(pages, texts(p))
		st = p.State
		if i == 0 {
			if got := e.Ending(st, fixedNow)[0].Label; got != "📄 Xem tiếp chi tiết" {
				t.Errorf("after the first page the button reads %q", got)
			}
		}
	}
	if !strings.HasPrefix(pages[0], "Ông bà không cần giấy ủy quyền. | Lệ phí (Ông bà):") || strings.Contains(pages[0], "hai") {
		t.Errorf("first page: %.120s", pages[0])
	}
	if !strings.HasPrefix(pages[1], "hai hai") {
		t.Errorf("second page: %.120s", pages[1])
	}
	if pages[2] != pages[0] {
		t.Errorf("after the last page the details start again, got %.120s", pages[2])
	}
	// Details whose condition fails are not shown.
	r = ended(t, e, "1")
	if p, _ := e.Step(r.State, Input{Choice: ShowDetails, Now: fixedNow}); strings.Contains(texts(p), "ủy quyền") {
		t.Errorf("a detail for someone else: %.120s", texts(p))
	}
}

// TestEndingDetailsUnderADate: the details button is offered as the
// details are shown, their conditions on a date's state read against the
// day of the input (10/11/2026 is past on 23/11/2026).
func TestEndingDetailsUnderADate(t *testing.T) {
	for _, tt := range []struct {
		name, when string
		offered    bool
	}{
		{"overdue", "qua_han", true},
		{"in time", "con_han", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			flow, _, _ := strings.Cut(endingFlow, "  - id: uy_quyen\n")
			flow = strings.Replace(flow, "details: [uy_quyen, dai_mot, dai_hai]", "details: [han]", 1)
			flow += "  - id: han\n    type: say\n    when: {ngay: " + tt.when + "}\n    text: Chi tiết theo ngày.\n"
			f, iss := Parse("ket.yaml", []byte(flow))
			if err := iss.Err(); err != nil {
				t.Fatal(err)
			}
			cat, _ := NewCatalog([]*Flow{f}, nil)
			e := NewEngine(cat, DefaultMessages())
			r := ended(t, e, "1")
			p, err := e.Step(r.State, Input{Choice: ShowDetails, Now: fixedNow})
			if err != nil {
				t.Fatal(err)
			}
			if shown := strings.Contains(texts(p), "Chi tiết theo ngày."); shown != tt.offered {
				t.Fatalf("the detail shown: %v, want %v", shown, tt.offered)
			}
			got := e.Ending(r.State, fixedNow)
			if offered := len(got) > 0 && got[0].ID == ShowDetails; offered != tt.offered {
				t.Errorf("the details offered: %v, want %v (%+v)", offered, tt.offered, got)
			}
		})
	}
}

func TestEndingSources(t *testing.T) {
	e := endingEngine(t)
	r := ended(t, e, "1")
	p, err := e.Step(r.State, Input{Choice: ShowSources, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	want := "📚 Nguồn của “Thủ tục có chi tiết”:\n• Nguồn một (kiểm tra ngày 01/11/2026)\n  https://example.org/mot\n• Nguồn hai (kiểm tra ngày 02/11/2026)"
	if got := texts(p); got != want || !p.Done {
		t.Errorf("sources:\n%s\nwant\n%s", got, want)
	}
}

func TestEndingSourcesInPages(t *testing.T) {
	var src strings.Builder
	for i := 0; i < 12; i++ {
		src.WriteString("  - title: Nghị định số " + strings.Repeat("x", 100) + "\n    checked: 01/11/2026\n")
	}
	flow := strings.Replace(endingFlow, "  - title: Nguồn một\n    url: https://example.org/mot\n    checked: 01/11/2026\n", src.String(), 1)
	f, iss := Parse("ket.yaml", []byte(flow))
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	cat, _ := NewCatalog([]*Flow{f}, nil)
	e := NewEngine(cat, DefaultMessages())
	r := ended(t, e, "1")
	st, seen := r.State, 0
	for page := 0; page < 4; page++ {
		p, err := e.Step(st, Input{Choice: ShowSources, Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Out {
			if n := len([]rune(o.Text)); n > MaxPage {
				t.Errorf("a page of %d characters, over %d", n, MaxPage)
			}
			seen += strings.Count(o.Text, "• ")
		}
		st = p.State
		if e.Ending(st, fixedNow)[1].Label == "📚 Nguồn" { // the last page was shown
			break
		}
	}
	if seen != 13 {
		t.Errorf("the pages showed %d sources, want 13", seen)
	}
}

func TestEndingBackReopensTheLastQuestion(t *testing.T) {
	e := endingEngine(t)
	r := ended(t, e, "2")
	p, err := e.Step(r.State, Input{Back: true, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if p.Done || texts(p) != "Ngày nào?" || p.State.Step != "ngay" || p.State.Vars["ai"] != "ong_ba" {
		t.Fatalf("back after the end: %+v", p)
	}
	// A new answer ends the procedure again with it.
	p, err = e.Step(p.State, Input{Text: "12/11/2026", Now: fixedNow})
	if err != nil || !p.Done || texts(p) != "Tóm tắt: Ông bà, 12/11/2026." {
		t.Fatalf("after correcting: %+v, %v", p, err)
	}
	if _, err := e.Step(p.State, Input{Text: "gì đó", Now: fixedNow}); !errors.Is(err, ErrEnded) {
		t.Errorf("other input at the end: %v, want ErrEnded", err)
	}
}

func TestLintDetails(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"missing", "details: [uy_quyen, dai_mot, dai_hai]", "details: [khong_co]", `steps[2] (het).details: no step has id "khong_co"`},
		{"a question", "details: [uy_quyen, dai_mot, dai_hai]", "details: [ai, uy_quyen, dai_mot, dai_hai]", `"ai" is a step of type ask`},
		{"reached otherwise", "    text: Ngày nào?\n", "    text: Ngày nào?\n    next: dai_hai\n", `shown as an end's details, so no other step may lead here (step "ngay" does)`},
		{"not an end", "    text: Ai đi làm?\n", "    text: Ai đi làm?\n    details: [dai_hai]\n", `a step of type ask has no details`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(endingFlow, tt.old, tt.new, 1)
			if src == endingFlow {
				t.Fatalf("the flow has no %q", tt.old)
			}
			_, iss := Parse("ket.yaml", []byte(src))
			if !strings.Contains(iss.Error(), tt.want) {
				t.Errorf("no issue contains %q; got:\n%v", tt.want, iss)
			}
		})
	}
	if _, iss := Parse("ket.yaml", []byte(endingFlow)); len(iss) > 0 {
		t.Errorf("details written after the end are fine: %v", iss)
	}
}

// TestAgainAsksThePendingQuestion: a conversation opened again shows the
// question it waits at, and changes nothing; an answer awaiting its
// confirmation is asked about again.
func TestAgainAsksThePendingQuestion(t *testing.T) {
	e := endingEngine(t)
	r, _ := e.Start("ket", fixedNow, nil)
	r, _ = e.Step(r.State, Input{Text: "2", Now: fixedNow})
	again, err := e.Again(r.State, fixedNow)
	if err != nil || texts(again) != "Ngày nào?" || !again.Out[0].Prompt || again.State.Step != "ngay" || again.State.Vars["ai"] != "ong_ba" {
		t.Fatalf("again: %q %+v %v", texts(again), again.State, err)
	}
	u := unlikelyEngine(t)
	r, _ = u.Start("nhieu", fixedNow, nil)
	r, _ = u.Step(r.State, Input{Text: "10/11/1926", Now: fixedNow})
	if again, _ := u.Again(r.State, fixedNow); !strings.HasPrefix(texts(again), "Bé sinh năm 1926") || again.State.Unsure == "" {
		t.Errorf("again, with an answer to confirm: %q", texts(again))
	}
}
