package stats

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strconv"
	"sync"

	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
	"golang.org/x/text/unicode/norm"
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

// chartFont is the typeface of every word of the chart, parsed at the
// first chart rather than when the program starts: most processes never
// draw one. Liberation Sans (go-fonts/liberation) has every letter of
// Vietnamese, precomposed; the Go fonts do not (TestChartFont). The
// font's bytes are embedded, and parsing reads them in place.
var chartFont = sync.OnceValues(func() (*sfnt.Font, error) {
	f, err := opentype.Parse(liberationsansregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("stats: chart: parse Liberation Sans: %w", err)
	}
	return f, nil
})

// Font sizes in points, at 96 dots per inch (a point is 4/3 pixel).
const (
	titleSize  = 22
	legendSize = 17
	tickSize   = 15
)

// pt is a length of v points in pixels.
func pt(v float64) float64 { return v * 96 / 72 }

// The colours of the lines: four that differ for the colour-blind too
// (Okabe–Ito), in the order of the series.
var seriesColors = []color.Color{
	color.RGBA{0, 114, 178, 255},   // blue: people
	color.RGBA{230, 159, 0, 255},   // orange: started
	color.RGBA{0, 158, 115, 255},   // green: done
	color.RGBA{204, 121, 167, 255}, // purple: questions
}

// gridColor is the colour of the horizontal lines behind the series.
var gridColor = color.Gray{Y: 200}

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
	f, err := chartFont()
	if err != nil {
		return nil, err
	}
	for _, l := range []string{labels.Title, labels.Active, labels.Started, labels.Done, labels.Asked} {
		if missing := missingGlyphs(f, l); len(missing) > 0 {
			return nil, fmt.Errorf("%w: chart label %q: font Liberation Sans has no glyph for %q", ErrInvalid, l, string(missing))
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

	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, ChartWidth, ChartHeight))}
	draw.Draw(c.img, c.img.Bounds(), image.White, image.Point{}, draw.Src)
	var faces [3]text
	for i, size := range []float64{titleSize, tickSize, legendSize} {
		if faces[i], err = newText(f, size); err != nil {
			return nil, err
		}
	}
	legendHeight := drawLegend(c, faces[2], all)
	drawPlot(c, days, all, labels.Title, faces[0], faces[1], box{
		minX: pt(6), minY: pt(6), maxX: ChartWidth - pt(6), maxY: ChartHeight - legendHeight,
	})

	var buf bytes.Buffer
	buf.Grow(64 << 10)
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, c.img); err != nil {
		return nil, fmt.Errorf("stats: chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// box is a rectangle in pixels, y down.
type box struct{ minX, minY, maxX, maxY float64 }

// drawPlot draws in b the title, the axes with their ticks and labels,
// the grid and the series.
func drawPlot(c *canvas, days []Day, all []series, title string, titleText, tickText text, b box) {
	var (
		tickLong  = pt(8) // a labelled tick
		tickShort = pt(4) // a day without a label
		labelGap  = pt(3) // between a tick and its label
		axisWidth = pt(1)
		xPad      = pt(8) // between the x axis and the lowest value
		yPad      = pt(5) // between the y axis and the first day
		lineWidth = pt(2.5)
		radius    = pt(2.5) // of the point of a day
	)

	// The title, centred on the picture, and under it room for half the
	// top label of the y axis.
	c.text(titleText, title, ChartWidth/2-titleText.width(title)/2, b.minY+titleText.ascent)
	top := b.minY + titleText.height + pt(8) + tickText.capHeight/2

	// The y axis: from 0 to a step above the highest value, and at least
	// to 5 so that a quiet month does not look like a busy one.
	high := 0.0
	for _, s := range all {
		for _, v := range s.values {
			high = max(high, v)
		}
	}
	step := yStep(high)
	yMax := math.Max(5, step*math.Ceil(high/step))
	if high == yMax {
		yMax += step
	}
	var yLabels []string
	labelWidth := 0.0
	for v := 0.0; v <= yMax+step/2; v += step {
		l := thousands(int64(v))
		yLabels = append(yLabels, l)
		labelWidth = max(labelWidth, tickText.width(l))
	}

	// The x axis: a day at each whole number, one day alone in the middle.
	n := len(days)
	xMin, xMax := 0.0, math.Max(1, float64(n-1))
	if n == 1 {
		xMin, xMax = -1, 1
	}
	dayLabels := dayLabels(days)

	// The frame: the y labels on the left, the dates at the bottom, the
	// last one centred under the last day, with some air on the right.
	// The axes are on the middle of a pixel, to be sharp.
	axisX := math.Floor(b.minX+labelWidth+labelGap+tickLong) + 0.5
	left, right := axisX+yPad, b.maxX-pt(18)
	if n > 0 {
		right = min(right, b.maxX-tickText.width(dayLabels[n-1])/2)
	}
	dateBaseline := b.maxY - tickText.descent
	axisY := math.Floor(dateBaseline-tickText.capHeight-labelGap-tickLong) + 0.5
	bottom := axisY - xPad
	x := func(v float64) float64 { return left + (v-xMin)/(xMax-xMin)*(right-left) }
	y := func(v float64) float64 { return bottom - v/yMax*(bottom-top) }

	for i, l := range yLabels {
		v := float64(i) * step
		c.hline(left, right, y(v), gridColor)
		c.text(tickText, l, axisX-tickLong-labelGap-tickText.width(l), y(v)+tickText.capHeight/2)
	}
	// The axes in two thin boxes: the rasteriser's work is its box.
	c.fill(color.Black, axisX-tickLong-1, top-axisWidth, axisX+axisWidth, axisY+axisWidth, func(z *vector.Rasterizer, o point) {
		for i := range yLabels {
			v := y(float64(i) * step)
			rect(z, o, axisX-tickLong, v-axisWidth/2, axisX, v+axisWidth/2)
		}
		rect(z, o, axisX-axisWidth/2, top-axisWidth/2, axisX+axisWidth/2, axisY+axisWidth/2)
	})
	c.fill(color.Black, axisX-axisWidth, axisY-axisWidth, right+axisWidth, axisY+tickLong+1, func(z *vector.Rasterizer, o point) {
		rect(z, o, axisX-axisWidth/2, axisY-axisWidth/2, right+axisWidth/2, axisY+axisWidth/2)
		for i, l := range dayLabels {
			length := tickShort
			if l != "" {
				length = tickLong
			}
			rect(z, o, x(float64(i))-axisWidth/2, axisY, x(float64(i))+axisWidth/2, axisY+length)
		}
	})
	for i, l := range dayLabels {
		if l != "" {
			c.text(tickText, l, x(float64(i))-tickText.width(l)/2, dateBaseline)
		}
	}

	// Each line a day at a time, in a box around the day's segment and
	// point: the segment from the day before ends under the point of that
	// day, drawn already, whose middle is opaque, so that the pieces join
	// without a seam.
	for i, s := range all {
		for j, v := range s.values {
			x1, y1 := x(float64(j)), y(v)
			x0, y0 := x1, y1
			if j > 0 {
				x0, y0 = x(float64(j-1)), y(s.values[j-1])
			}
			edge := max(radius, lineWidth/2) + 1
			c.fill(seriesColors[i], min(x0, x1)-edge, min(y0, y1)-edge, max(x0, x1)+edge, max(y0, y1)+edge, func(z *vector.Rasterizer, o point) {
				if j > 0 {
					segment(z, o, x0, y0, x1, y1, lineWidth/2)
				}
				circle(z, o, x1, y1, radius)
			})
		}
	}
}

// drawLegend draws one row at the bottom of c, a short thick line and its
// label for each series, centred; it returns the height it took.
func drawLegend(c *canvas, t text, all []series) float64 {
	var (
		swatch = pt(24) // the line before a label
		thick  = pt(4)  // its width
		gap    = pt(8)  // between the line and its label
		space  = pt(28) // between two entries
	)
	width := -space
	for _, s := range all {
		width += swatch + gap + t.width(s.label) + space
	}
	height := t.height * 2.2
	x := ChartWidth/2 - width/2
	y := ChartHeight - height/2
	for i, s := range all {
		c.fill(seriesColors[i], x, y-thick, x+swatch, y+thick, func(z *vector.Rasterizer, o point) {
			rect(z, o, x, y-thick/2, x+swatch, y+thick/2)
		})
		x += swatch + gap
		c.text(t, s.label, x, y+t.capHeight/2)
		x += t.width(s.label) + space
	}
	return height
}

// text is a font at one size, with the measures used to place words.
type text struct {
	face font.Face
	// ascent and descent are the font's, above and below the baseline;
	// height is the distance between two lines; capHeight is the height
	// of a capital or a digit, to centre a label on a point.
	ascent, descent, height, capHeight float64
}

func newText(f *sfnt.Font, size float64) (text, error) {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 96, Hinting: font.HintingNone})
	if err != nil {
		return text{}, fmt.Errorf("stats: chart: font at %v points: %w", size, err)
	}
	m := face.Metrics()
	t := text{face: face, ascent: float(m.Ascent), descent: float(m.Descent), height: float(m.Height), capHeight: float(m.CapHeight)}
	if t.capHeight <= 0 {
		bounds, _ := font.BoundString(face, "H")
		t.capHeight = -float(bounds.Min.Y)
	}
	return t, nil
}

// width is how far s advances, in pixels.
func (t text) width(s string) float64 { return float(font.MeasureString(t.face, s)) }

func float(v fixed.Int26_6) float64 { return float64(v) / 64 }

// canvas is the picture being drawn, and a rasteriser for its shapes.
type canvas struct {
	img *image.RGBA
	z   vector.Rasterizer
}

// text draws s in black from x on the baseline y.
func (c *canvas) text(t text, s string, x, y float64) {
	d := font.Drawer{
		Dst:  c.img,
		Src:  image.Black,
		Face: t.face,
		Dot:  fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round(y * 64))},
	}
	d.DrawString(s)
}

// hline draws a horizontal line one pixel high from x0 to x1, on the row
// of y, without antialiasing: the grid stays sharp.
func (c *canvas) hline(x0, x1, y float64, col color.Color) {
	row := int(math.Floor(y))
	r := image.Rect(int(math.Round(x0)), row, int(math.Round(x1)), row+1)
	draw.Draw(c.img, r, image.NewUniform(col), image.Point{}, draw.Over)
}

// point is the corner of the rasteriser in the picture.
type point struct{ x, y float64 }

// fill fills in col, antialiased, the shapes that add draws within
// (x0, y0)–(x1, y1): their union, provided each is drawn turning the same
// way (rect, segment and circle do). The rasteriser is only as large as
// that box, to which o is the corner.
func (c *canvas) fill(col color.Color, x0, y0, x1, y1 float64, add func(z *vector.Rasterizer, o point)) {
	r := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1))).Intersect(c.img.Bounds())
	if r.Empty() {
		return
	}
	c.z.Reset(r.Dx(), r.Dy())
	add(&c.z, point{float64(r.Min.X), float64(r.Min.Y)})
	c.z.Draw(c.img, r, image.NewUniform(col), image.Point{})
}

// polygon adds the closed path through ps, turned to go counterclockwise
// on the screen (positive area with y down), so that overlapping shapes
// add up rather than cancel.
func polygon(z *vector.Rasterizer, o point, ps ...[2]float64) {
	area := 0.0
	for i, p := range ps {
		q := ps[(i+1)%len(ps)]
		area += p[0]*q[1] - q[0]*p[1]
	}
	at := func(i int) (float32, float32) {
		if area < 0 {
			i = len(ps) - 1 - i
		}
		return float32(ps[i][0] - o.x), float32(ps[i][1] - o.y)
	}
	z.MoveTo(at(0))
	for i := 1; i < len(ps); i++ {
		z.LineTo(at(i))
	}
	z.ClosePath()
}

// rect adds the rectangle from (x0, y0) to (x1, y1).
func rect(z *vector.Rasterizer, o point, x0, y0, x1, y1 float64) {
	polygon(z, o, [2]float64{x0, y0}, [2]float64{x1, y0}, [2]float64{x1, y1}, [2]float64{x0, y1})
}

// segment adds the line from (x0, y0) to (x1, y1), half wide on either
// side, with square ends flush with its points.
func segment(z *vector.Rasterizer, o point, x0, y0, x1, y1, half float64) {
	dx, dy := x1-x0, y1-y0
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	nx, ny := -dy/l*half, dx/l*half
	polygon(z, o, [2]float64{x0 + nx, y0 + ny}, [2]float64{x1 + nx, y1 + ny}, [2]float64{x1 - nx, y1 - ny}, [2]float64{x0 - nx, y0 - ny})
}

// circle adds the disc of radius r around (x, y), in four cubic arcs
// going the way of polygon.
func circle(z *vector.Rasterizer, o point, x, y, r float64) {
	const k = 0.5522847498 // 4/3 (√2 - 1): the control points of a quarter
	// The unit circle from angle 0 by quarters, three points a quarter.
	arcs := [12][2]float64{
		{1, k}, {k, 1}, {0, 1},
		{-k, 1}, {-1, k}, {-1, 0},
		{-1, -k}, {-k, -1}, {0, -1},
		{k, -1}, {1, -k}, {1, 0},
	}
	at := func(p [2]float64) (float32, float32) {
		return float32(x + p[0]*r - o.x), float32(y + p[1]*r - o.y)
	}
	z.MoveTo(at([2]float64{1, 0}))
	for i := 0; i < len(arcs); i += 3 {
		bx, by := at(arcs[i])
		cx, cy := at(arcs[i+1])
		dx, dy := at(arcs[i+2])
		z.CubeTo(bx, by, cx, cy, dx, dy)
	}
	z.ClosePath()
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

// dayLabels labels one day in k as dd/mm, with k such that at most about
// 10 labels fit; the last day (today) is always labelled. The others are
// "": they are ticked without a label.
func dayLabels(days []Day) []string {
	k := max(1, (len(days)+9)/10)
	labels := make([]string, len(days))
	for i, d := range days {
		if (len(days)-1-i)%k == 0 {
			labels[i] = fmt.Sprintf("%02d/%02d", d.Date.Day, int(d.Date.Month))
		}
	}
	return labels
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
