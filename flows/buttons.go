package flows

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Buttons are what a text may say about the buttons the citizen sees.
// Zalo and the terminal show no buttons, only numbered lines, so a text
// never says "bấm nút" (press the button) but "chọn" (choose); and a text
// that names a button in quotes names one that exists, with its label.

// pressWords are phrases that assume buttons; no text says them.
var pressWords = []string{"bam nut", "bam vao nut", "nhan nut", "nhan vao nut", "an nut"}

// decreeNumber matches the number of a legal text (63/2024/NĐ-CP,
// 60/2014/QH13, 117/2026/TT-BTC): those belong in sources.
var decreeNumber = regexp.MustCompile(`\d+/\d{4}/(?:NĐ-CP|QH\d+|TT-|TTLT-|NQ-|QĐ-)|(?:Nghị định|Nghị quyết|Thông tư|Quyết định) (?:số )?\d+/\d{4}`)

// lintWords checks the words of a text shown to citizens: no pressing of
// buttons, no decree numbers outside the sources.
func (l *linter) lintWords(text string, line int, field string) {
	if w := PressWords(text); w != "" {
		l.add(line, field, "says %q, but Zalo and the terminal show no buttons: write “chọn …” (choose) instead", w)
	}
	if m := decreeNumber.FindString(text); m != "" {
		l.iss.warn(l.f.File, line, field, "names a legal text (%s…): decree numbers belong in sources, shown under “📚 Nguồn”; say the rule in plain words", m)
	}
}

// Buttons returns the labels of the buttons the engine shows itself: yes
// and no, the end of a tasks list, the details and the sources.
func (m *Messages) Buttons() []string {
	return []string{m.Yes, m.No, m.TasksDone, m.DetailsButton, m.DetailsMore, m.SourcesButton, m.SourcesMore}
}

// quoted finds “…” in a text.
var quoted = regexp.MustCompile(`“([^”]*)”`)

// CheckButtons reports texts that name a button in quotes that exists
// nowhere — not a choice of any procedure, not an item of a tasks list,
// not one of known (the buttons the engine and the bot show) — and texts
// that tell the citizen to press (“bấm”) one. A quoted name counts as a
// button's when it starts with a mark (“➡ Xong, đi tiếp”) or follows
// "chọn", "bấm" or "nhấn"; an app's menu is written "chọn mục “…”".
func (c *Catalog) CheckButtons(known ...string) Issues {
	labels := map[string]bool{}
	add := func(label string) {
		labels[label] = true
		labels[unmarked(label)] = true
	}
	for _, k := range known {
		add(k)
	}
	for _, f := range c.flows {
		for _, s := range f.Steps {
			if s == nil {
				continue
			}
			for _, ch := range s.Choices {
				add(ch.Label)
			}
			if s.Kind == KindTasks {
				for _, it := range s.Items {
					add(it.Text)
				}
			}
		}
	}
	var iss Issues
	check := func(file string, line int, field, text string) {
		for _, b := range NamedButtons(text) {
			switch {
			case !labels[b.Name]:
				iss.add(file, line, field, "names a button “%s” that no procedure offers and the bot does not show: write the label as the button shows it", b.Name)
			case b.Pressed:
				iss.add(file, line, field, "says to press “%s”, but Zalo and the terminal show no buttons: write “chọn “%s”” (choose)", b.Name, b.Name)
			}
		}
	}
	for _, f := range c.flows {
		for i, s := range f.Steps {
			if s == nil {
				continue
			}
			field := fmt.Sprintf("steps[%d] (%s)", i, s.ID)
			check(f.File, s.pos.at("text"), field+".text", s.Text)
			for j, it := range s.Items {
				check(f.File, it.pos.at("text"), fmt.Sprintf("%s.items[%d].text", field, j), it.Text)
			}
		}
		if rt := f.Reminder; rt != nil {
			check(f.File, rt.pos.at("before"), "reminder.before", rt.Before)
			check(f.File, rt.pos.at("after"), "reminder.after", rt.After)
		}
	}
	for _, q := range c.faqs {
		check(q.File, q.pos.at("answer"), q.ID+".answer", q.Answer)
	}
	return iss
}

// NamedButton is a button a text names: “➡ Xong, đi tiếp”.
type NamedButton struct {
	Name string
	// Pressed reports that the text says to press it ("bấm", "nhấn"),
	// which only channels with buttons allow.
	Pressed bool
}

// NamedButtons finds the buttons a text names: a name in curly quotes that
// starts with a mark, or that follows "chọn", "bấm" or "nhấn" (an app's
// menu is written "chọn mục “…”", and is no button of the bot's).
func NamedButtons(text string) []NamedButton {
	var out []NamedButton
	for _, m := range quoted.FindAllStringSubmatchIndex(text, -1) {
		name := text[m[2]:m[3]]
		verb := lastWord(text[:m[0]])
		if startsWithMark(name) || verb == "chon" || verb == "bam" || verb == "nhan" {
			out = append(out, NamedButton{Name: name, Pressed: verb == "bam" || verb == "nhan"})
		}
	}
	return out
}

// PressWords reports a phrase of text that assumes buttons ("bấm nút"),
// or "" when there is none.
func PressWords(text string) string {
	n := Normalize(text)
	for _, w := range pressWords {
		if containsWords(n, w) {
			return w
		}
	}
	return ""
}

// unmarked is a label without the mark before its words: "✅ Đã gia hạn"
// is also named “Đã gia hạn”.
func unmarked(label string) string {
	return strings.TrimLeftFunc(label, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func startsWithMark(name string) bool {
	r, _ := utf8.DecodeRuneInString(name)
	return name != "" && !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '{'
}

// lastWord is the last word of text, normalised: "… rồi chọn " → "chon";
// "" when text ends with a mark ("Gõ số để chọn · ").
func lastWord(text string) string {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return ""
	}
	w := fields[len(fields)-1]
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			return ""
		}
	}
	return Normalize(w)
}
