package stats

import (
	"reflect"
	"testing"
	"time"

	"github.com/motcua/motcua/flows"
)

// days makes a period of days from counts, one map a day.
func days(counts ...map[string]int64) []Day {
	d0 := flows.Date{Year: 2026, Month: time.July, Day: 1}
	out := make([]Day, len(counts))
	for i, c := range counts {
		out[i] = Day{Date: d0.AddDays(i), Counts: c}
	}
	return out
}

func TestFlows(t *testing.T) {
	tests := []struct {
		name string
		days []Day
		want []FlowTotals
	}{
		{"no days", nil, []FlowTotals{}},
		{"days with nothing", days(map[string]int64{}, nil), []FlowTotals{}},
		{"other fields only", days(map[string]int64{Asked: 3, "notices": 100}), []FlowTotals{}},
		{
			"summed over days, most started first",
			days(
				map[string]int64{Started("khai-sinh"): 3, Done("khai-sinh"): 1, Started("bhyt-gia-han"): 1, Asked: 2},
				map[string]int64{Started("khai-sinh"): 2, Done("khai-sinh"): 2, Quit("khai-sinh", "ngay_sinh"): 1, Quit("khai-sinh", "ten_me"): 2},
				map[string]int64{Started("bhyt-gia-han"): 9, Done("bhyt-gia-han"): 4},
			),
			[]FlowTotals{
				{Flow: "bhyt-gia-han", Started: 10, Done: 4},
				{Flow: "khai-sinh", Started: 5, Done: 3, Quit: 3},
			},
		},
		{
			"ties by id; done or quit alone still shows",
			days(map[string]int64{Started("b"): 1, Started("a"): 1, Done("c"): 1, Quit("d", "x"): 1, Started("e"): 0}),
			[]FlowTotals{{Flow: "a", Started: 1}, {Flow: "b", Started: 1}, {Flow: "c", Done: 1}, {Flow: "d", Quit: 1}},
		},
		{"a quit field without a step is not a procedure's", days(map[string]int64{"quit:khai-sinh": 4}), []FlowTotals{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Flows(tt.days); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Flows = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		name string
		f    FlowTotals
		want float64
	}{
		{"none started", FlowTotals{Done: 2}, 0},
		{"none done", FlowTotals{Started: 4}, 0},
		{"three in four", FlowTotals{Started: 4, Done: 3}, 0.75},
		{"more done than started", FlowTotals{Started: 2, Done: 3}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Rate(); got != tt.want {
				t.Errorf("Rate of %+v = %v, want %v", tt.f, got, tt.want)
			}
		})
	}
}

func TestTopQuits(t *testing.T) {
	period := days(
		map[string]int64{Quit("khai-sinh", "ngay_sinh"): 2, Quit("khai-sinh", "ten_me"): 1, Started("khai-sinh"): 9},
		map[string]int64{Quit("khai-sinh", "ngay_sinh"): 3, Quit("bhyt-gia-han", "so_the"): 5, Quit("bhyt-gia-han", "muc_dong"): 1},
		map[string]int64{Quit("a", "z"): 1},
	)
	all := []GaveUp{
		{Flow: "bhyt-gia-han", Step: "so_the", Count: 5},
		{Flow: "khai-sinh", Step: "ngay_sinh", Count: 5},
		{Flow: "a", Step: "z", Count: 1},
		{Flow: "bhyt-gia-han", Step: "muc_dong", Count: 1},
		{Flow: "khai-sinh", Step: "ten_me", Count: 1},
	}
	tests := []struct {
		name string
		days []Day
		n    int
		want []GaveUp
	}{
		{"nothing", days(map[string]int64{Started("a"): 1}), 5, []GaveUp{}},
		{"all", period, 0, all},
		{"top two", period, 2, all[:2]},
		{"more than there are", period, 10, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TopQuits(tt.days, tt.n); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("TopQuits(%d) = %+v, want %+v", tt.n, got, tt.want)
			}
		})
	}
}

func TestTotal(t *testing.T) {
	period := days(map[string]int64{Asked: 2, "answered": 1}, map[string]int64{}, map[string]int64{Asked: 5})
	tests := []struct {
		field string
		want  int64
	}{
		{Asked, 7},
		{"answered", 1},
		{"notices", 0},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			if got := Total(period, tt.field); got != tt.want {
				t.Errorf("Total %s = %d, want %d", tt.field, got, tt.want)
			}
		})
	}
}

func TestProcedures(t *testing.T) {
	d := Day{Counts: map[string]int64{
		Started("khai-sinh"): 3, Started("bhyt-gia-han"): 2, Done("khai-sinh"): 1,
		Quit("khai-sinh", "ngay_sinh"): 1, Asked: 7,
	}}
	if started, done := d.Procedures(); started != 5 || done != 1 {
		t.Errorf("Procedures = %d, %d; want 5, 1", started, done)
	}
	if started, done := (Day{}).Procedures(); started != 0 || done != 0 {
		t.Errorf("Procedures of an empty day = %d, %d; want 0, 0", started, done)
	}
}

func TestFields(t *testing.T) {
	tests := []struct {
		field            string
		kind, flow, step string
		ok               bool
	}{
		{Started("khai-sinh"), "start", "khai-sinh", "", true},
		{Done("khai-sinh"), "done", "khai-sinh", "", true},
		{Quit("khai-sinh", "ngay_sinh"), "quit", "khai-sinh", "ngay_sinh", true},
		{Asked, "", "", "", false},
		{"quit:khai-sinh", "quit", "khai-sinh", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			kind, flow, step, ok := parseField(tt.field)
			if kind != tt.kind || flow != tt.flow || step != tt.step || ok != tt.ok {
				t.Errorf("parseField(%q) = %q, %q, %q, %t; want %q, %q, %q, %t", tt.field, kind, flow, step, ok, tt.kind, tt.flow, tt.step, tt.ok)
			}
		})
	}
	if got := Quit("khai-sinh", "ngay_sinh"); got != "quit:khai-sinh:ngay_sinh" {
		t.Errorf("Quit = %q, want the field the package doc names", got)
	}
}
