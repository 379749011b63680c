package flows

import (
	"strings"
	"testing"
)

const actionFlow = `id: nhac
title: Nhắc hạn thẻ
summary: Đặt nhắc.
keywords: [nhắc]
sources: [{title: Thử, checked: 23/11/2026}]
steps:
  - id: nguoi
    type: input
    text: Thẻ của ai?
    save: nguoi
    input: {kind: text, max_len: 30}
  - id: han
    type: input
    text: Hết hạn ngày nào?
    save: han
    input: {kind: date, min: today}
  - id: dat
    type: action
    action: reminder
    with: {label: nguoi, expiry: han}
    text: Mình sẽ nhắc trước ngày {han}.
  - id: het
    type: end
    text: Xong.
`

func TestActionEffect(t *testing.T) {
	f, iss := Parse("nhac.yaml", []byte(actionFlow))
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	cat, _ := NewCatalog([]*Flow{f}, nil)
	e := NewEngine(cat, DefaultMessages())
	r, _ := e.Start("nhac", fixedNow, nil)
	r, _ = e.Step(r.State, Input{Text: "Mẹ", Now: fixedNow})
	r, err := e.Step(r.State, Input{Text: "31/12/2026", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(r); got != "Mình sẽ nhắc trước ngày 31/12/2026. | Xong." {
		t.Errorf("got %q", got)
	}
	if len(r.Effects) != 1 || r.Effects[0].Action != "reminder" || r.Effects[0].Args["label"] != "Mẹ" || r.Effects[0].Args["expiry"] != "2026-12-31" {
		t.Errorf("effects %+v", r.Effects)
	}
	// A rejected answer asks for nothing.
	r2, _ := e.Start("nhac", fixedNow, nil)
	r2, _ = e.Step(r2.State, Input{Text: "Bố", Now: fixedNow})
	if bad, _ := e.Step(r2.State, Input{Text: "01/01/2020", Now: fixedNow}); !bad.Rejected || len(bad.Effects) != 0 {
		t.Errorf("rejected step: %+v", bad)
	}

	// A value that is not an answer's name is taken as written.
	lit := strings.Replace(actionFlow, "label: nguoi", "label: Bé An", 1)
	f, iss = Parse("nhac.yaml", []byte(lit))
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	cat, _ = NewCatalog([]*Flow{f}, nil)
	e = NewEngine(cat, DefaultMessages())
	r, _ = e.Start("nhac", fixedNow, nil)
	r, _ = e.Step(r.State, Input{Text: "x", Now: fixedNow})
	r, _ = e.Step(r.State, Input{Text: "31/12/2026", Now: fixedNow})
	if r.Effects[0].Args["label"] != "Bé An" {
		t.Errorf("literal: %+v", r.Effects)
	}
}

func TestActionLint(t *testing.T) {
	tests := []struct{ old, new, want string }{
		{"action: reminder", "action: goi_dien", `"goi_dien" is not an action the bot knows (reminder)`},
		{"with: {label: nguoi, expiry: han}", "with: {label: nguoi}", "missing expiry"},
		{"with: {label: nguoi, expiry: han}", "with: {label: nguoi, expiry: han, mau: do}", "takes no mau"},
		{"with: {label: nguoi, expiry: han}", "with: {label: chua_hoi, expiry: han}", `"chua_hoi" is not set by any step before this one`},
		{"with: {label: nguoi, expiry: han}", "with: {label: nguoi, expiry: nguoi}", `"nguoi" must be a date answer`},
		{"steps:\n", "reminder: {before: \"Thẻ của {label} hết hạn ngày {han}\", after: \"Thẻ của {label} đã hết hạn\"}\nsteps:\n", "reminder.before: {han}: a reminder shows only {label}, {expiry} and {days}"},
	}
	for _, tt := range tests {
		_, iss := Parse("nhac.yaml", []byte(strings.Replace(actionFlow, tt.old, tt.new, 1)))
		if !strings.Contains(iss.Error(), tt.want) {
			t.Errorf("%s: want %q in:\n%v", tt.new, tt.want, iss)
		}
	}
}

// TestTextWords: a text answer that must hold words refuses a bare number
// ("1" typed for a list shown before) and takes a name; the field is for
// text answers only.
func TestTextWords(t *testing.T) {
	words := strings.Replace(actionFlow, "input: {kind: text, max_len: 30}", "input: {kind: text, max_len: 30, words: true}", 1)
	f, iss := Parse("nhac.yaml", []byte(words))
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	cat, _ := NewCatalog([]*Flow{f}, nil)
	e := NewEngine(cat, DefaultMessages())
	r, _ := e.Start("nhac", fixedNow, nil)
	for _, bad := range []string{"1", "12", " 3 "} {
		if got, _ := e.Step(r.State, Input{Text: bad, Now: fixedNow}); !got.Rejected {
			t.Errorf("%q taken as a name", bad)
		}
	}
	if got, _ := e.Step(r.State, Input{Text: "Bé An 2", Now: fixedNow}); got.Rejected {
		t.Error("a name with a number refused")
	}
	_, iss = Parse("nhac.yaml", []byte(strings.Replace(actionFlow, "input: {kind: date, min: today}", "input: {kind: date, min: today, words: true}", 1)))
	if !strings.Contains(iss.Error(), "words applies to text answers only") {
		t.Errorf("words on a date answer: %v", iss)
	}
}
