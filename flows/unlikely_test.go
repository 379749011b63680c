package flows

import (
	"strings"
	"testing"
)

// unlikelyFlow asks a birth date (a century back is allowed, but unlikely
// past 16 years) and a number of people (up to 30, unlikely past 10).
const unlikelyFlow = `id: nhieu
title: Thử câu trả lời lạ
summary: Để thử.
keywords: [thử]
sources:
  - title: Thử
    checked: 23/11/2026
steps:
  - id: hoi_ngay
    type: input
    save: ngay_sinh
    text: Bé sinh ngày nào?
    input:
      kind: date
      min: "01/01/1900"
      max: today
      likely_min: today-16y
      unlikely: "Bé sinh năm {year} (ngày {value}), có đúng không?"
  - id: hoi_so
    type: input
    save: so_nguoi
    text: Mấy người?
    input: {kind: number, min: "1", max: "30", likely_max: "10"}
  - id: het
    type: end
    text: "Bé sinh {ngay_sinh}, {so_nguoi} người."
`

func unlikelyEngine(t *testing.T) *Engine {
	t.Helper()
	f, iss := Parse("nhieu.yaml", []byte(unlikelyFlow))
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	cat, _ := NewCatalog([]*Flow{f}, nil)
	return NewEngine(cat, DefaultMessages())
}

// TestUnlikelyAnswerIsConfirmed: a birth typed a century off is asked
// about, not taken silently; "có" takes it, "không" asks again, another
// date is a new answer; something else keeps the confirmation waiting.
func TestUnlikelyAnswerIsConfirmed(t *testing.T) {
	e := unlikelyEngine(t)
	start := func() Result {
		r, err := e.Start("nhieu", fixedNow, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	step := func(r Result, in Input) Result {
		t.Helper()
		in.Now = fixedNow
		next, err := e.Step(r.State, in)
		if err != nil {
			t.Fatal(err)
		}
		if next.Rejected {
			next.State = r.State
		}
		return next
	}
	ask := "Bé sinh năm 1926 (ngày 10/11/1926), có đúng không? [co:Có] [khong:Không]"
	r := step(start(), text("10/11/1926"))
	if got := texts(r); got != ask || r.Rejected || r.State.Unsure != "1926-11-10" || r.State.Step != "hoi_ngay" {
		t.Fatalf("a birth a century ago: %q %+v", got, r.State)
	}
	if got := texts(step(r, text("1"))); got != "Mấy người?" {
		t.Errorf("confirmed by 1: %q", got)
	}
	if got := step(r, Input{Choice: YesValue}); got.State.Vars["ngay_sinh"] != "1926-11-10" || got.State.Unsure != "" {
		t.Errorf("confirmed by the button: %+v", got.State)
	}
	if got := texts(step(r, text("không"))); got != "Bé sinh ngày nào?" {
		t.Errorf("not confirmed: %q", got)
	}
	if got := texts(step(r, text("２"))); got != "Bé sinh ngày nào?" {
		t.Errorf("not confirmed by a full-width 2: %q", got)
	}
	if got := step(r, text("10/11/2026")); texts(got) != "Mấy người?" || got.State.Vars["ngay_sinh"] != "2026-11-10" {
		t.Errorf("another date instead: %q %+v", texts(got), got.State)
	}
	if got := step(r, text("abc")); !got.Rejected || !strings.HasPrefix(texts(got), DefaultMessages().YesNoHint) {
		t.Errorf("neither: %q", texts(got))
	}
	if got := step(r, Input{Back: true}); got.State.Unsure != "" {
		t.Errorf("going back forgets the unsure answer: %+v", got.State)
	}
	// A likely date is taken at once; so are numbers within the likely
	// bound, and one past it is asked about in the standard words.
	r = step(start(), text("10/11/2020"))
	if got := texts(r); got != "Mấy người?" {
		t.Fatalf("a likely date: %q", got)
	}
	if got := texts(step(r, text("25"))); got != "Bạn gõ 25. Có đúng không? [co:Có] [khong:Không]" {
		t.Errorf("25 people: %q", got)
	}
	if got := texts(step(r, text("4"))); got != "Bé sinh 10/11/2020, 4 người." {
		t.Errorf("4 people: %q", got)
	}
}

// TestNumbersAsTyped: a unit after the number, full-width digits, and a
// number too long to read each get what they need.
func TestNumbersAsTyped(t *testing.T) {
	e := unlikelyEngine(t)
	r, _ := e.Start("nhieu", fixedNow, nil)
	r, _ = e.Step(r.State, Input{Text: "10/11/2020", Now: fixedNow})
	tests := []struct{ in, want string }{
		{"3 người", "Bé sinh 10/11/2020, 3 người."},
		{"３", "Bé sinh 10/11/2020, 3 người."},
		{"３ người", "Bé sinh 10/11/2020, 3 người."},
		{"12345678901234567890", "Số này phải không quá 30."},
		{"3 hoặc 4", DefaultMessages().NumberShape},
		{"ba", DefaultMessages().NumberShape},
	}
	for _, tt := range tests {
		got, err := e.Step(r.State, Input{Text: tt.in, Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		if texts(got) != tt.want {
			t.Errorf("%q: %q, want %q", tt.in, texts(got), tt.want)
		}
	}
	// Without a maximum, a number past reading says so.
	m := DefaultMessages()
	spec := &InputSpec{Kind: InputNumber}
	if _, hint := (&run{e: e}).validate(spec, Input{Text: "12345678901234567890"}); hint != m.NumberHuge {
		t.Errorf("a 20-digit number: %q", hint)
	}
	// A full-width number picks a choice, and a full-width date is read.
	if n := Normalize("１"); n != "1" {
		t.Errorf("Normalize(１) = %q", n)
	}
	if d, err := ParseDate("１０/１１/２０２６", DateOf(fixedNow)); err != nil || d != (Date{2026, 11, 10}) {
		t.Errorf("a full-width date: %v %v", d, err)
	}
}

func TestLintLikely(t *testing.T) {
	for _, tt := range []struct{ old, new, want string }{
		{"likely_min: today-16y", "likely_min: mai", `"mai" is not a date bound`},
		{"      likely_min: today-16y\n", "", `asks to confirm an unlikely answer, but no likely_min or likely_max says which`},
		{"(ngày {value})", "(ngày {ten})", `{ten}: the question shows only {value}`},
	} {
		src := strings.Replace(unlikelyFlow, tt.old, tt.new, 1)
		_, iss := Parse("nhieu.yaml", []byte(src))
		if !strings.Contains(iss.Error(), tt.want) {
			t.Errorf("%q → %q: got %v, want %q", tt.old, tt.new, iss, tt.want)
		}
	}
}
