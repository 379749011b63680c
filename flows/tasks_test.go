package flows

import (
	"strings"
	"testing"
)

const tasksFlow = `id: cong-dan-so
title: Công dân số
summary: Những việc để thành công dân số.
keywords: [công dân số]
sources:
  - {title: Thử, checked: 23/11/2026}
steps:
  - id: viec
    type: tasks
    text: "Bạn đã làm được {viec} việc. Bấm vào việc đã làm xong:"
    items:
      - {id: vneid, text: VNeID mức độ 2}
      - {id: ngan_hang, text: Ứng dụng ngân hàng}
      - {id: so_suc_khoe, text: Sổ sức khỏe điện tử}
  - id: con_vneid
    type: say
    when: {viec: vneid}
    text: Có VNeID rồi.
  - id: het
    type: end
    text: "Tiến độ {viec}."
`

func tasksEngine(t *testing.T) *Engine {
	t.Helper()
	f, iss := Parse("cds.yaml", []byte(tasksFlow))
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	cat, _ := NewCatalog([]*Flow{f}, nil)
	return NewEngine(cat, DefaultMessages())
}

func TestTasksTickAndSave(t *testing.T) {
	e := tasksEngine(t)
	r, err := e.Start("cong-dan-so", fixedNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "Bạn đã làm được 0/3 việc. Bấm vào việc đã làm xong: [vneid:⬜ VNeID mức độ 2] [ngan_hang:⬜ Ứng dụng ngân hàng] [so_suc_khoe:⬜ Sổ sức khỏe điện tử] [xong:➡ Xong, đi tiếp]"
	if got := texts(r); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	steps := []struct {
		in   Input
		want string
	}{
		{Input{Text: "1"}, "Bạn đã làm được 1/3 việc. Bấm vào việc đã làm xong: [vneid:✅ VNeID mức độ 2]"},
		{Input{Choice: "so_suc_khoe"}, "2/3"},
		{Input{Text: "ngan hang"}, "3/3"},
		{Input{Text: "1"}, "[vneid:⬜ VNeID mức độ 2]"}, // untick
		{Input{Text: "9"}, "Bạn gõ số từ 1 đến 4"},
	}
	for _, s := range steps {
		s.in.Now = fixedNow
		next, err := e.Step(r.State, s.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := texts(next); !strings.Contains(got, s.want) {
			t.Fatalf("after %+v: %s", s.in, got)
		}
		if !next.Rejected {
			r = next
		}
	}
	if r.State.Vars["viec"] != "ngan_hang,so_suc_khoe" {
		t.Errorf("ticks are kept in list order: %q", r.State.Vars["viec"])
	}
	kept := e.Kept(r.State)
	if kept["cong-dan-so/viec"] != "ngan_hang,so_suc_khoe" {
		t.Errorf("kept %v", kept)
	}
	done, _ := e.Step(r.State, Input{Text: "lưu lại", Now: fixedNow})
	if !done.Done || texts(done) != "Tiến độ 2/3." {
		t.Errorf("save: %q done=%v", texts(done), done.Done)
	}

	// Next time she starts where she left off; a condition sees the ticks.
	again, _ := e.Start("cong-dan-so", fixedNow, map[string]string{"cong-dan-so/viec": "vneid"})
	if got := texts(again); !strings.Contains(got, "1/3") || !strings.Contains(got, "✅ VNeID") {
		t.Errorf("remembered: %s", got)
	}
	saved, _ := e.Step(again.State, Input{Choice: "xong", Now: fixedNow})
	if got := texts(saved); got != "Có VNeID rồi. | Tiến độ 1/3." {
		t.Errorf("condition on a tick: %q", got)
	}
}

func TestTasksLint(t *testing.T) {
	tests := []struct{ old, new, want string }{
		{"{id: vneid, text: VNeID mức độ 2}", "{text: VNeID mức độ 2}", "items[0].id: missing: a short id such as vneid"},
		{"{id: ngan_hang,", "{id: vneid,", `duplicate id "vneid" in this step`},
		{"{id: so_suc_khoe, text: Sổ sức khỏe điện tử}", "{id: xong, text: x}", `"xong" is a word tasks lists keep for themselves`},
		{"when: {viec: vneid}", "when: {viec: khac}", `"khac" is not a value of "viec"`},
		{"{id: vneid, text: VNeID mức độ 2}", "{id: vneid, text: " + strings.Repeat("ư", 30) + "}", "it is shown on a button"},
	}
	for _, tt := range tests {
		_, iss := Parse("cds.yaml", []byte(strings.Replace(tasksFlow, tt.old, tt.new, 1)))
		if !strings.Contains(iss.Error(), tt.want) {
			t.Errorf("%s: want %q in:\n%v", tt.new, tt.want, iss)
		}
	}
}
