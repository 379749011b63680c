package flows

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// base is a small valid flow; the cases below break it one way each.
const base = `id: mau
title: Mẫu
summary: Một mẫu.
keywords: [mẫu]
sources:
  - title: Thử
    checked: 23/11/2026
steps:
  - id: hoi
    type: ask
    text: Chọn
    choices:
      - {id: a, label: A}
      - {id: b, label: B, next: cuoi}
  - id: ngay
    type: input
    text: Ngày?
    save: ngay
    input: {kind: date, max: today}
  - id: cuoi
    type: end
    text: Hết.
`

func TestParseValid(t *testing.T) {
	f, iss := Parse("mau.yaml", []byte(base))
	if len(iss) > 0 {
		t.Fatalf("unexpected issues:\n%v", iss)
	}
	if f.ID != "mau" || len(f.Steps) != 3 || f.Hash == "" {
		t.Fatalf("decoded %+v", f)
	}
}

func TestLintFindsEachProblem(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string // file:line: field: message, in part
		warning  bool
	}{
		{"unknown field", "    text: Chọn\n", "    text: Chọn\n    colour: đỏ\n", `mau.yaml:12: steps[0].colour: unknown field "colour"`, false},
		{"unknown top-level field", "title: Mẫu\n", "title: Mẫu\ntitel: x\n", `mau.yaml:3: titel: unknown field`, false},
		{"wrong type", "keywords: [mẫu]\n", "keywords: {a: b}\n", `mau.yaml:4: cannot unmarshal`, false},
		{"missing target", "{id: b, label: B, next: cuoi}", "{id: b, label: B, next: khong_co}", `mau.yaml:14: steps[0] (hoi).choices[1].next: no step has id "khong_co"`, false},
		{"duplicate step id", "  - id: ngay\n", "  - id: hoi\n", `mau.yaml:15: steps[1].id: duplicate step id "hoi" (first on line 9)`, false},
		{"duplicate choice id", "{id: b, label: B", "{id: a, label: B", `duplicate id "a" in this step`, false},
		{"long choice id", "{id: a, label: A}", "{id: " + strings.Repeat("a", 40) + ", label: A}", `fit Telegram's 64 bytes`, false},
		{"long label", "{id: a, label: A}", "{id: a, label: " + strings.Repeat("Ă", 40) + "}", `a button label must be short`, false},
		{"text over telegram", "    text: Hết.\n", "    text: " + strings.Repeat("x", 4100) + "\n", `mau.yaml:22: steps[2] (cuoi).text: 4100 characters, over Telegram's limit of 4096`, false},
		{"text over a phone screen", "    text: Hết.\n", "    text: " + strings.Repeat("x", 901) + "\n", `mau.yaml:22: warning: steps[2] (cuoi).text: 901 characters, over 900 (one phone screen)`, true},
		{"condition on unset answer", "    text: Ngày?\n", "    text: Ngày?\n    when: {chua_hoi: x}\n", `steps[1] (ngay).when.chua_hoi: "chua_hoi" is not set by any step before this one`, false},
		{"condition value not a choice", "    text: Ngày?\n", "    text: Ngày?\n    when: {hoi: c}\n", `"c" is not a value of "hoi" (one of: a, b)`, false},
		{"condition on a later answer", "    text: Chọn\n", "    text: Chọn {ngay}\n", `{ngay}: "ngay" is not set by any step before this one`, false},
		{"con_lai on a choice", "    text: Hết.\n", "    text: Hết {hoi.con_lai}.\n", `.con_lai applies to dates only`, false},
		{"unreachable step", "    text: Hết.\n", "    text: Hết.\n  - id: mo_coi\n    type: end\n    text: x\n", `mau.yaml:23: steps[3] (mo_coi): unreachable`, false},
		{"loop without input", "    input: {kind: date, max: today}\n", "    input: {kind: date, max: today}\n  - id: v1\n    type: say\n    text: a\n  - id: v2\n    type: say\n    text: b\n    next: v1\n", `a loop that never waits for an answer: v1 → v2 → v1`, false},
		{"bad date bound", "max: today", "max: mai", `"mai" is not a date bound`, false},
		{"bad input kind", "kind: date", "kind: ngay", `"ngay" is not an answer kind`, false},
		{"field of another kind", "    save: ngay\n", "    save: ngay\n    choices: []\n", `a step of type input has no choices`, false},
		{"falls off the end", "  - id: cuoi\n    type: end\n", "  - id: cuoi\n    type: say\n", `the last step in the file must be an end step`, false},
		{"bad flow id", "id: mau\n", "id: Mẫu 1\n", `mau.yaml:1: id: "Mẫu 1" must be lower-case`, false},
		{"source without date", "checked: 23/11/2026", "checked: hôm nay", `sources[0].checked: "hôm nay" is not a date`, false},
		{"compute from a choice", "  - id: cuoi\n", "  - id: tinh\n    type: compute\n    save: han\n    from: hoi\n    add: 60d\n  - id: cuoi\n", `"hoi" is not a date answer`, false},
		{"empty list entry", "      - {id: a, label: A}\n", "      - {id: a, label: A}\n      -\n", `mau.yaml:12: steps[0].choices[1]: an empty entry`, false},
		{"bad duration", "  - id: cuoi\n", "  - id: tinh\n    type: compute\n    save: han\n    from: ngay\n    add: 60 ngay\n  - id: cuoi\n", `"60 ngay" is not a duration`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(base, tt.old) {
				t.Fatalf("the base flow has no %q", tt.old)
			}
			src := strings.Replace(base, tt.old, tt.new, 1)
			_, iss := Parse("mau.yaml", []byte(src))
			for _, i := range iss {
				if strings.Contains(i.String(), tt.want) {
					if i.Warning != tt.warning {
						t.Errorf("%v: warning = %v, want %v", i, i.Warning, tt.warning)
					}
					return
				}
			}
			t.Errorf("no issue contains %q; got:\n%v", tt.want, iss)
		})
	}
}

// TestLintReportsAllAtOnce checks that one pass over a broken file finds
// every problem, each with its file, line and field.
func TestLintReportsAllAtOnce(t *testing.T) {
	data, err := os.ReadFile("testdata/bad/hong.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, iss := Parse("hong.yaml", data)
	want := []string{
		`hong.yaml:1: id: "Hong Het" must be lower-case`,
		`hong.yaml:7: sources[0].checked:`,
		`hong.yaml:12: steps[0].colour: unknown field "colour"`,
		`hong.yaml:14: steps[0] (dau).choices[0].id:`,
		`hong.yaml:16: steps[0] (dau).choices[0].next: no step has id "khong_co_buoc_nay"`,
		`hong.yaml:20: steps[1].id: duplicate step id "dau"`,
		`hong.yaml:32: steps[4] (ngay).save: missing`,
		`hong.yaml:35: steps[4] (ngay).input.kind:`,
		`hong.yaml:39: steps[5] (cuoi).next: an end step has no next`,
	}
	got := iss.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
	if iss.Err() == nil {
		t.Error("Err() is nil for a broken file")
	}
}

func TestCatalogChecksHandovers(t *testing.T) {
	flow := func(id, extra string) *Flow {
		src := strings.Replace(base, "id: mau\n", "id: "+id+"\n", 1)
		src = strings.Replace(src, "{id: b, label: B, next: cuoi}", "{id: b, label: B"+extra+"}", 1)
		f, iss := Parse(id+".yaml", []byte(src))
		if err := iss.Err(); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return f
	}
	_, iss := NewCatalog([]*Flow{flow("mot", ", flow: khong-co"), flow("mot", ", next: cuoi")}, nil)
	got := iss.Error()
	for _, w := range []string{`mot.yaml:14: steps[0] (hoi).choices[1].flow: no procedure has id "khong-co"`, `duplicate procedure id "mot"`} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}

func TestLoadOverride(t *testing.T) {
	base := os.DirFS("testdata/good")
	over := os.DirFS("testdata/bad")
	_, iss := Load(base, "good", over, "bad")
	if iss.Err() == nil {
		t.Fatal("a broken override file must stop loading")
	}
	if !strings.HasPrefix(iss.Errors()[0].File, "bad/") {
		t.Errorf("issues name files by their label: %v", iss.Errors()[0])
	}
	cat, iss := Load(base, "good", nil, "")
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cat.Flows()) != 2 {
		t.Errorf("flows = %d, want 2", len(cat.Flows()))
	}
}

func FuzzParse(f *testing.F) {
	for _, file := range []string{"testdata/good/thu.yaml", "testdata/bad/hong.yaml", "testdata/bad/vong.yaml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(base))
	f.Fuzz(func(t *testing.T, data []byte) {
		fl, iss := Parse("fuzz.yaml", data)
		if fl == nil && len(iss) == 0 {
			t.Fatal("no flow and no issue")
		}
		for _, i := range iss {
			if i.File != "fuzz.yaml" || i.Msg == "" {
				t.Fatalf("issue without file or message: %#v", i)
			}
		}
		if fl != nil && iss.Err() == nil {
			// A flow that passes lint must run without panicking.
			cat, ciss := NewCatalog([]*Flow{fl}, nil)
			if ciss.Err() != nil {
				return
			}
			e := NewEngine(cat, DefaultMessages())
			res, err := e.Start(fl.ID, fixedNow, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range []string{"1", "2", "05/03/2026", "co", "x"} {
				if res.Done {
					break
				}
				res, err = e.Step(res.State, Input{Text: in, Now: fixedNow})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

func TestParseFAQ(t *testing.T) {
	good := "entries:\n  - id: mat-the\n    question: Mất thẻ?\n    answer: Xin lại.\n    keywords: [mất thẻ]\n    sources:\n      - {title: Luật, checked: 22/11/2026}\n"
	qs, iss := ParseFAQ("hoi.yaml", []byte(good))
	if err := iss.Err(); err != nil || len(qs) != 1 || qs[0].File != "hoi.yaml" {
		t.Fatalf("%v %+v", err, qs)
	}
	bad := "entries:\n  - id: Mất Thẻ\n    question: \"\"\n    answr: x\n    sources:\n      - {title: Luật, checked: hôm qua}\n  - id: Mất Thẻ\n    question: q\n    answer: a\n    sources: [{title: t, checked: 01/01/2026}]\n"
	_, iss = ParseFAQ("hoi.yaml", []byte(bad))
	got := iss.Error()
	for _, want := range []string{
		`hoi.yaml:4: entries[0].answr: unknown field`,
		`hoi.yaml:2: entries[0].id: "Mất Thẻ" must be lower-case`,
		`entries[0].question: missing`,
		`entries[0].answer: missing`,
		`entries[0].sources[0].checked: "hôm qua" is not a date`,
		`hoi.yaml:7: entries[1].id: duplicate id "Mất Thẻ" (first on line 2)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	// A related procedure must exist.
	qs, _ = ParseFAQ("hoi.yaml", []byte(good+"    related: khong-co\n"))
	if _, iss := NewCatalog(nil, qs); !strings.Contains(iss.Error(), `related: no procedure has id "khong-co"`) {
		t.Errorf("related: %v", iss)
	}
}

func TestLintFindsDeadEnds(t *testing.T) {
	src := strings.Replace(base, "{id: b, label: B, next: cuoi}", "{id: b, label: B, next: hoi}", 1)
	src = strings.Replace(src, "    input: {kind: date, max: today}\n", "    input: {kind: date, max: today}\n    next: hoi\n", 1)
	_, iss := Parse("mau.yaml", []byte(src))
	got := iss.Error()
	for _, want := range []string{"mau.yaml:9: steps[0] (hoi): a dead end", "mau.yaml:15: steps[1] (ngay): a dead end", "steps[2] (cuoi): unreachable"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

// TestLintChecklistLength weighs what a checklist can show at once: items
// that exclude each other (two choices of one question, two sides of a
// date) are never shown together, so they do not add up.
func TestLintChecklistLength(t *testing.T) {
	item := func(when string) string {
		return "      - text: " + strings.Repeat("x", 400) + "\n        when: " + when + "\n"
	}
	plain := "      - text: " + strings.Repeat("x", 400) + "\n"
	checklist := func(items ...string) string {
		return "  - id: ds\n    type: checklist\n    text: Giấy tờ\n    items:\n" + strings.Join(items, "") + "  - id: cuoi\n"
	}
	tests := []struct {
		name  string
		items []string
		warn  string
	}{
		{"exclusive choices", []string{item("{hoi: a}"), item("{hoi: b}"), item("{ngay: qua_han}")}, ""},
		{"exclusive sides of a date", []string{item("{ngay: qua_han}"), item("{ngay: con_han}")}, ""},
		{"today is still in time", []string{item("{ngay: hom_nay}"), item("{ngay: con_han}"), item("{hoi: a}")}, "can be 1216 characters, over 900"},
		{"shown together", []string{item("{hoi: a}"), item("{ngay: qua_han}"), item("{hoi: [a, b]}")}, "can be 1216 characters, over 900"},
		{"always shown, and one of two", []string{plain, item("{hoi: a}"), item("{hoi: b}")}, ""},
		{"always shown, twice", []string{plain, item("{hoi: a}"), plain, item("{hoi: b}")}, "can be 1216 characters, over 900"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(base, "  - id: cuoi\n", checklist(tt.items...), 1)
			_, iss := Parse("mau.yaml", []byte(src))
			got := ""
			for _, i := range iss {
				if strings.Contains(i.String(), "(ds).items") {
					got = i.String()
				}
			}
			switch {
			case tt.warn == "" && got != "":
				t.Errorf("a warning for items never shown together: %s", got)
			case tt.warn != "" && !strings.Contains(got, tt.warn):
				t.Errorf("got %q, want a warning containing %q (all: %v)", got, tt.warn, iss)
			}
		})
	}
}

// BenchmarkParseLongChecklist parses a procedure with a checklist of
// maxItemsWeighed items shown always: items without a condition exclude
// none, so they need not be weighed one set at a time.
func BenchmarkParseLongChecklist(b *testing.B) {
	var items strings.Builder
	for i := range maxItemsWeighed {
		fmt.Fprintf(&items, "      - text: Giấy tờ số %d\n", i)
	}
	checklist := "  - id: ds\n    type: checklist\n    text: Giấy tờ\n    items:\n" + items.String() + "  - id: cuoi\n"
	src := []byte(strings.Replace(base, "  - id: cuoi\n", checklist, 1))
	if _, iss := Parse("mau.yaml", src); len(iss) > 0 {
		b.Fatal(iss)
	}
	b.ReportAllocs()
	for b.Loop() {
		Parse("mau.yaml", src)
	}
}

// TestParseUnreadable: a file that is empty or not YAML is one issue, and
// nothing read, whatever the file holds.
func TestParseUnreadable(t *testing.T) {
	parsers := map[string]func(file string, data []byte) (int, Issues){
		"procedure": func(file string, data []byte) (int, Issues) {
			f, iss := Parse(file, data)
			if f != nil {
				return 1, iss
			}
			return 0, iss
		},
		"faq": func(file string, data []byte) (int, Issues) {
			qs, iss := ParseFAQ(file, data)
			return len(qs), iss
		},
		"intents": func(file string, data []byte) (int, Issues) {
			is, iss := ParseIntents(file, data)
			return len(is), iss
		},
	}
	tests := []struct {
		name, data, want string
	}{
		{name: "empty", data: "", want: "x.yaml: the file is empty"},
		{name: "comments only", data: "# nothing yet\n", want: "x.yaml: the file is empty"},
		{name: "not YAML", data: "id: a\n  title: [b\n", want: "x.yaml:2: mapping values are not allowed in this context"},
	}
	for kind, parse := range parsers {
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				n, iss := parse("x.yaml", []byte(tt.data))
				if n != 0 || len(iss) != 1 || iss[0].String() != tt.want {
					t.Errorf("read %d, issues %q, want none read and %q", n, iss, tt.want)
				}
			})
		}
	}
}
