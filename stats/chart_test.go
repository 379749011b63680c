package stats

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"slices"
	"testing"
	"time"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"github.com/motcua/motcua/flows"
)

// vietnameseLabels are the words the bot's YAML is expected to give; a
// default for tests only.
var vietnameseLabels = ChartLabels{
	Title:   "Hoạt động 30 ngày qua (xã Đông Hưng)",
	Active:  "Người dùng",
	Started: "Bắt đầu thủ tục",
	Done:    "Hoàn thành",
	Asked:   "Câu hỏi",
}

// vietnamese holds every letter of Vietnamese, each vowel with its five
// tones, in both cases.
const vietnamese = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ" +
	"AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬBCDĐEÈÉẺẼẸÊỀẾỂỄỆGHIÌÍỈĨỊKLMNOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢPQRSTUÙÚỦŨỤƯỪỨỬỮỰVXYỲÝỶỸỴ0123456789/()%:"

// TestChartFont: the font of the chart draws every letter of Vietnamese;
// and the check would catch a font that cannot, such as the Go fonts.
func TestChartFont(t *testing.T) {
	f, err := chartFont()
	if err != nil {
		t.Fatal(err)
	}
	name, err := f.Name(nil, sfnt.NameIDPostScript)
	if err != nil || name != "LiberationSans" {
		t.Errorf("chart font is %q (%v), want LiberationSans", name, err)
	}
	if missing := missingGlyphs(f, vietnamese); len(missing) > 0 {
		t.Errorf("%s has no glyph for %q", name, string(missing))
	}

	goFont, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := missingGlyphs(goFont, "ệ ư ơ ă đ ế ả ộ"), []rune("ệươếảộ"); !slices.Equal(got, want) {
		t.Errorf("missing in Go Regular = %q, want %q: the check must catch a font without Vietnamese", string(got), string(want))
	}
}

// thirtyDays is a month of figures, today last.
func thirtyDays() []Day {
	d0 := flows.Date{Year: 2026, Month: time.June, Day: 16}
	days := make([]Day, 30)
	for i := range days {
		days[i] = Day{
			Date: d0.AddDays(i),
			Counts: map[string]int64{
				Started("khai-sinh"):           int64(5 + i%7),
				Started("bhyt-gia-han"):        int64(10 + i%5),
				Done("khai-sinh"):              int64(3 + i%4),
				Done("bhyt-gia-han"):           int64(8 + i%3),
				Quit("khai-sinh", "ngay_sinh"): 1,
				Asked:                          int64(i % 4),
				"notices":                      int64(100 * (i % 2)),
			},
			Active: 40 + 3*i,
		}
	}
	return days
}

func TestChart(t *testing.T) {
	empty := make([]Day, 30)
	for i := range empty {
		empty[i] = Day{Date: flows.Date{Year: 2026, Month: time.July, Day: 1}.AddDays(i), Counts: map[string]int64{}}
	}
	tests := []struct {
		name string
		days []Day
		// lines are the series drawn in the plot (not only in the legend),
		// with at least minPixels pixels of their colour.
		lines     []int
		minPixels int
	}{
		{"thirty days", thirtyDays(), []int{0, 1, 2, 3}, 1500},
		{"nothing happened", empty, []int{3}, 1500}, // the last drawn covers the others at 0
		{"one day", thirtyDays()[29:], []int{0, 1, 2, 3}, 10},
		{"no days", nil, nil, 0},
		{"a big day", append(thirtyDays()[:29], Day{Date: flows.Date{Year: 2026, Month: time.July, Day: 15}, Active: 12_345, Counts: map[string]int64{}}), []int{0, 3}, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Chart(tt.days, vietnameseLabels)
			if err != nil {
				t.Fatalf("Chart: %v", err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("decode the chart as PNG: %v", err)
			}
			if got := img.Bounds().Size(); got.X != ChartWidth || got.Y != ChartHeight {
				t.Errorf("chart is %v, want %dx%d", got, ChartWidth, ChartHeight)
			}
			plotArea := image.Rect(0, 60, ChartWidth, ChartHeight-60)
			for i, c := range seriesColors {
				n := pixels(img, plotArea, c)
				if slices.Contains(tt.lines, i) && n < tt.minPixels {
					t.Errorf("line %d: %d pixels of its colour, want at least %d", i, n, tt.minPixels)
				}
				if tt.lines == nil && n > 0 {
					t.Errorf("line %d: %d pixels of its colour with no days, want none", i, n)
				}
				legend := image.Rect(0, ChartHeight-60, ChartWidth, ChartHeight)
				if n := pixels(img, legend, c); n < 100 {
					t.Errorf("legend of line %d: %d pixels of its colour, want at least 100", i, n)
				}
			}
			if n := pixels(img, image.Rect(0, 0, ChartWidth, 50), color.Black); n < 500 {
				t.Errorf("title: %d black pixels, want at least 500", n)
			}
			if dir := os.Getenv("STATS_CHART_DIR"); dir != "" { // to look at it
				if err := os.WriteFile(fmt.Sprintf("%s/%s.png", dir, tt.name), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// pixels counts the pixels of r that are c, give or take antialiasing.
func pixels(img image.Image, r image.Rectangle, c color.Color) int {
	cr, cg, cb, _ := c.RGBA()
	near := func(a, b uint32) bool { return max(a, b)-min(a, b) < 0x1000 }
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			if near(pr, cr) && near(pg, cg) && near(pb, cb) {
				n++
			}
		}
	}
	return n
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 5: "5", 999: "999", 1000: "1.000", 15000: "15.000", 1234567: "1.234.567", -1500: "-1.500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestChartLabels(t *testing.T) {
	decomposed := ChartLabels{
		Title:   "Ho\u0323at \u0111o\u0302\u0323ng", // "Hoạt động" typed in NFD
		Active:  "Ngu\u031b\u031bo\u031b\u0300i du\u0300ng",
		Started: "Bă\u0300t đâ\u0300u",
		Done:    "Hoa\u0300n tha\u0300nh",
		Asked:   "Câu ho\u0309i",
	}
	if _, err := Chart(thirtyDays(), decomposed); err != nil {
		t.Errorf("Chart with labels in NFD = %v, want them composed and drawn", err)
	}
	boxed := vietnameseLabels
	boxed.Title = "Hoạt động 📊"
	if _, err := Chart(thirtyDays(), boxed); !errors.Is(err, ErrInvalid) {
		t.Errorf("Chart with an emoji in the title = %v, want ErrInvalid: it would be drawn as a box", err)
	}
}

func TestYStep(t *testing.T) {
	tests := []struct {
		top, want float64
	}{
		{0, 1}, {3, 1}, {6, 1}, {7, 2}, {12, 2}, {13, 5}, {30, 5}, {31, 10}, {100, 20}, {12_345, 5000},
	}
	for _, tt := range tests {
		if got := yStep(tt.top); got != tt.want {
			t.Errorf("yStep(%v) = %v, want %v", tt.top, got, tt.want)
		}
	}
}

func TestDayTicks(t *testing.T) {
	var labels []string
	for _, l := range dayLabels(thirtyDays()) {
		if l != "" {
			labels = append(labels, l)
		}
	}
	want := []string{"18/06", "21/06", "24/06", "27/06", "30/06", "03/07", "06/07", "09/07", "12/07", "15/07"}
	if !slices.Equal(labels, want) {
		t.Errorf("labels of 30 days = %q, want %q", labels, want)
	}
}
