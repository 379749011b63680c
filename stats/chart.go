package stats

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// ChartLabels are the words of a chart, from the caller: the bot keeps
// them in its YAML with its other words.
type ChartLabels struct {
	// Title is drawn above the chart ("Hoạt động 30 ngày qua").
	Title string
	// Active, Started, Done and Asked name the four lines: people using
	// the bot, procedures started, procedures completed, questions to
	// volunteers.
	Active, Started, Done, Asked string
}

// Size of the chart in pixels: wide enough for 30 days, and with text
// large enough to read on a phone, where Telegram shows it about 400
// pixels wide.
const (
	ChartWidth  = 1000
	ChartHeight = 560
)

// chartFont is the typeface of every word of the chart. Liberation Sans
// (shipped inside gonum/plot, go-fonts/liberation) has every letter of
// Vietnamese, precomposed; the Go fonts do not (TestChartFont).
var chartFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Font sizes in points, at 96 dots per inch (a point is 4/3 pixel).
const (
	titleSize  = 22
	legendSize = 17
	tickSize   = 15
)

// The colours of the lines: four that differ for the colour-blind too
// (Okabe–Ito), in the order of the series.
var seriesColors = []color.Color{
	color.RGBA{0, 114, 178, 255},   // blue: people
	color.RGBA{230, 159, 0, 255},   // orange: started
	color.RGBA{0, 158, 115, 255},   // green: done
	color.RGBA{204, 121, 167, 255}, // purple: questions
}

// series is one line of the chart.
type series struct {
	label  string
	values []float64
}

// Chart draws days as a PNG of ChartWidth × ChartHeight pixels: a line a
// day for the people using the bot, the procedures started and completed
// (all procedures together) and the questions to volunteers, dates as
// dd/mm under it, labels below. A period with no figures draws flat lines
// at 0; no days at all draws the empty frame. Labels are normalised to
// NFC; one with a letter the font cannot draw is ErrInvalid, since it
// would show as a box.
func Chart(days []Day, labels ChartLabels) ([]byte, error) {
	labels = ChartLabels{
		Title:   norm.NFC.String(labels.Title),
		Active:  norm.NFC.String(labels.Active),
		Started: norm.NFC.String(labels.Started),
		Done:    norm.NFC.String(labels.Done),
		Asked:   norm.NFC.String(labels.Asked),
	}
	face := font.DefaultCache.Lookup(chartFont, titleSize)
	for _, l := range []string{labels.Title, labels.Active, labels.Started, labels.Done, labels.Asked} {
		if missing := missingGlyphs(face.Face, l); len(missing) > 0 {
			return nil, fmt.Errorf("%w: chart label %q: font %s has no glyph for %q", ErrInvalid, l, face.Name(), string(missing))
		}
	}
	all := []series{
		{labels.Active, make([]float64, len(days))},
		{labels.Started, make([]float64, len(days))},
		{labels.Done, make([]float64, len(days))},
		{labels.Asked, make([]float64, len(days))},
	}
	for i, d := range days {
		all[0].values[i] = float64(d.Active)
		started, done := d.Procedures()
		all[1].values[i] = float64(started)
		all[2].values[i] = float64(done)
		all[3].values[i] = float64(d.Counts[Asked])
	}

	// The canvas draws on a copy of the image it is given: encode its own.
	canvas := vgimg.NewWith(vgimg.UseImage(image.NewRGBA(image.Rect(0, 0, ChartWidth, ChartHeight))), vgimg.UseDPI(96))
	c := draw.New(canvas)
	legendHeight := drawLegend(c, all)
	p, err := newPlot(days, all, labels.Title)
	if err != nil {
		return nil, err
	}
	// Margins: the last date's label is centred on the right edge.
	p.Draw(draw.Crop(c, vg.Points(6), -vg.Points(24), legendHeight, -vg.Points(6)))

	var buf bytes.Buffer
	buf.Grow(64 << 10)
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, canvas.Image()); err != nil {
		return nil, fmt.Errorf("stats: chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// newPlot makes the plot of the series, without a legend.
func newPlot(days []Day, all []series, title string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(chartFont, titleSize)
	p.Title.Padding = vg.Points(8)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Tick.Label.Font = font.From(chartFont, tickSize)
		ax.LineStyle.Width = vg.Points(1)
	}

	top := 0.0
	for _, s := range all {
		for _, v := range s.values {
			top = max(top, v)
		}
	}
	step := yStep(top)
	// Room above the highest point; at least 0 to 5, so that a quiet
	// month does not look like a busy one.
	p.Y.Min, p.Y.Max = 0, math.Max(5, step*math.Ceil(top/step))
	if top == p.Y.Max {
		p.Y.Max += step
	}
	p.Y.Tick.Marker = yTicks(step)

	n := len(days)
	p.X.Min, p.X.Max = 0, math.Max(1, float64(n-1))
	if n == 1 {
		p.X.Min, p.X.Max = -1, 1
	}
	p.X.Tick.Marker = dayTicks(days)
	p.X.Padding = vg.Points(8)

	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal.Color = color.Gray{Y: 200}
	grid.Horizontal.Width = vg.Points(0.75)
	p.Add(grid)
	if n == 0 {
		return p, nil
	}
	for i, s := range all {
		xys := make(plotter.XYs, n)
		for j, v := range s.values {
			xys[j] = plotter.XY{X: float64(j), Y: v}
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, fmt.Errorf("stats: chart: line %d: %w", i, err)
		}
		line.Color = seriesColors[i]
		line.Width = vg.Points(2.5)
		points.Color = seriesColors[i]
		points.Shape = draw.CircleGlyph{}
		points.Radius = vg.Points(2.5)
		p.Add(line, points)
	}
	return p, nil
}

// drawLegend draws one row at the bottom of c, a short thick line and its
// label for each series, centred; it returns the height it took.
func drawLegend(c draw.Canvas, all []series) vg.Length {
	sty := text.Style{
		Color:   color.Black,
		Font:    font.From(chartFont, legendSize),
		XAlign:  draw.XLeft,
		YAlign:  draw.YCenter,
		Handler: plot.DefaultTextHandler,
	}
	const (
		swatch = vg.Length(24) // the line before a label
		gap    = vg.Length(8)  // between the line and its label
		space  = vg.Length(28) // between two entries
	)
	width := -space
	for _, s := range all {
		width += swatch + gap + sty.Width(s.label) + space
	}
	height := sty.Height("Ếg") * 2.2
	x := c.Center().X - width/2
	y := c.Min.Y + height/2
	for i, s := range all {
		c.StrokeLine2(draw.LineStyle{Color: seriesColors[i], Width: vg.Points(4)}, x, y, x+swatch, y)
		x += swatch + gap
		c.FillText(sty, vg.Point{X: x, Y: y}, s.label)
		x += sty.Width(s.label) + space
	}
	return height
}

// yStep is the step between the labels of the y axis: 1, 2 or 5 times a
// power of ten, so that at most 6 steps reach top; 1 for nothing.
func yStep(top float64) float64 {
	step := 1.0
	for {
		for _, m := range []float64{1, 2, 5} {
			if top/(m*step) <= 6 {
				return m * step
			}
		}
		step *= 10
	}
}

// yTicks labels the multiples of step, as whole numbers.
func yTicks(step float64) plot.Ticker {
	return plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		var ticks []plot.Tick
		for v := 0.0; v <= hi+step/2; v += step {
			ticks = append(ticks, plot.Tick{Value: v, Label: thousands(int64(v))})
		}
		return ticks
	})
}

// dayTicks marks every day and labels one in k as dd/mm, with k such that
// at most about 10 labels fit; the last day (today) is always labelled.
func dayTicks(days []Day) plot.Ticker {
	k := max(1, (len(days)+9)/10)
	ticks := make([]plot.Tick, len(days))
	for i, d := range days {
		ticks[i] = plot.Tick{Value: float64(i)}
		if (len(days)-1-i)%k == 0 {
			ticks[i].Label = fmt.Sprintf("%02d/%02d", d.Date.Day, int(d.Date.Month))
		}
	}
	return plot.ConstantTicks(ticks)
}

// thousands writes n with a dot between thousands, as Vietnamese do:
// 12.000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}

// missingGlyphs returns the letters of s, other than spaces and controls,
// that f has no glyph for: they would be drawn as the empty box.
func missingGlyphs(f *sfnt.Font, s string) []rune {
	var (
		buf     sfnt.Buffer
		missing []rune
	)
	for _, r := range s {
		if r == ' ' || r < 0x20 {
			continue
		}
		if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
			missing = append(missing, r)
		}
	}
	return missing
}
