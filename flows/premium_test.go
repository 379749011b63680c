package flows

import (
	"strings"
	"testing"
	"time"
)

const premiumFlow = `id: phi
title: Phí BHYT
summary: Tính phí.
keywords: [phí]
sources:
  - {title: NĐ 188/2025/NĐ-CP, checked: 22/11/2026}
steps:
  - id: so_nguoi
    type: input
    text: Mấy người?
    save: so_nguoi
    input: {kind: number, min: "1", max: "30"}
  - id: tinh
    type: compute
    save: phi
    premium:
      members: so_nguoi
      months: "12"
      rate: "4.5"
      ladder: [100, 70, 60, 50, 40]
      base:
        - {from: 01/07/2024, amount: 2340000}
        - {from: 01/07/2026, amount: 2530000}
  - id: ket_qua
    type: end
    text: "Cả năm: {phi} đồng."
`

func TestPremium(t *testing.T) {
	f, iss := Parse("phi.yaml", []byte(premiumFlow))
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	cat, _ := NewCatalog([]*Flow{f}, nil)
	e := NewEngine(cat, DefaultMessages())
	// Figures from the household ladder: 113.850, 79.695, 68.310, 56.925,
	// 45.540 đồng a month from 01/07/2026 (procedures/research.md §3.3).
	tests := []struct {
		members string
		on      time.Time
		want    string
	}{
		{"1", fixedNow, "Cả năm: 1.366.200 đồng."},
		{"3", fixedNow, "Cả năm: 3.142.260 đồng."},
		{"5", fixedNow, "Cả năm: 4.371.840 đồng."},
		{"6", fixedNow, "Cả năm: 4.918.320 đồng."},
		{"1", time.Date(2026, 6, 30, 9, 0, 0, 0, ict), "Cả năm: 1.263.600 đồng."},
	}
	for _, tt := range tests {
		r, err := e.Start("phi", tt.on, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err = e.Step(r.State, Input{Text: tt.members, Now: tt.on})
		if err != nil {
			t.Fatal(err)
		}
		if got := texts(r); got != tt.want {
			t.Errorf("%s people on %s: %q, want %q", tt.members, tt.on.Format("02/01/2006"), got, tt.want)
		}
	}
}

func TestPremiumLint(t *testing.T) {
	tests := []struct{ old, new, want string }{
		{"members: so_nguoi", "members: chua_co", `"chua_co" is not set by any step before this one`},
		{`rate: "4.5"`, `rate: "bốn"`, `"bốn" is not a percentage`},
		{"ladder: [100, 70, 60, 50, 40]", "ladder: [100, 170]", "170 is not a percentage"},
		{"{from: 01/07/2026, amount: 2530000}", "{from: 1 tháng 7, amount: 0}", "is not a date dd/mm/yyyy"},
		{"    save: phi\n", "    save: phi\n    from: so_nguoi\n", "a date (from, add) or a premium, not both"},
	}
	for _, tt := range tests {
		_, iss := Parse("phi.yaml", []byte(strings.Replace(premiumFlow, tt.old, tt.new, 1)))
		if !strings.Contains(iss.Error(), tt.want) {
			t.Errorf("%s: want %q in:\n%v", tt.new, tt.want, iss)
		}
	}
}
