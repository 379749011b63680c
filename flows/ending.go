package flows

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// What a procedure that ended still offers, as Option ids and as the Choice
// of an Input to Step with the state at the end.
const (
	// ShowDetails shows the next page of the end's details.
	ShowDetails = "chi_tiet"
	// ShowSources shows the next page of the procedure's sources.
	ShowSources = "nguon"
)

// MaxPage is how much of the details or the sources one tap shows, in
// characters: a page and the closing line fit the 1,200 characters of one
// reply.
const MaxPage = MaxMessage

// ErrEnded is returned for an input a procedure that ended cannot take.
var ErrEnded = errors.New("flows: the procedure ended")

// Ending returns what the state at a procedure's end offers at now: the
// details (or the rest of them) when the end has some that show, and the
// sources. It returns nil for a state that is not at an end.
func (e *Engine) Ending(st State, now time.Time) []Option {
	f, ok := e.cat.Flow(st.Flow)
	if !ok {
		return nil
	}
	end, ok := f.Step(st.Step)
	if !ok || end.Kind != KindEnd {
		return nil
	}
	r := &run{e: e, today: DateOf(now), now: now.Unix(), f: f, st: st}
	var out []Option
	if details := r.visibleDetails(end); len(details) > 0 {
		label := e.msg.DetailsButton
		if st.Detail > 0 && st.Detail < len(details) {
			label = e.msg.DetailsMore
		}
		out = append(out, Option{ID: ShowDetails, Label: label})
	}
	if len(f.Sources) > 0 {
		label := e.msg.SourcesButton
		if st.Source > 0 && st.Source < len(r.sourcePages()) {
			label = e.msg.SourcesMore
		}
		out = append(out, Option{ID: ShowSources, Label: label})
	}
	return out
}

// visibleDetails are the end's details whose condition holds.
func (r *run) visibleDetails(end *Step) []*Step {
	var out []*Step
	for _, id := range end.Details {
		if s, ok := r.f.byID[id]; ok && r.holds(s.When) {
			out = append(out, s)
		}
	}
	return out
}

// ended answers an input to a procedure at its end: a page of details or
// of sources, which leaves it at the end (Done), or going back, which
// reopens the last question.
func (r *run) ended(f *Flow, end *Step, st State, in Input) (Result, error) {
	r.resume(f, st)
	switch {
	case in.Back && len(st.Trail) == 0:
		// Nothing was answered: the procedure starts again.
		r.begin(f)
		return r.result(), nil
	case in.Back:
		r.st.Hash, r.st.Updated = f.Hash, r.now
		r.st.Detail, r.st.Source = 0, 0
		r.back()
		return r.result(), nil
	case in.Choice == ShowDetails:
		r.page(r.detailTexts(end), &r.st.Detail)
	case in.Choice == ShowSources:
		r.page(r.sourcePages(), &r.st.Source)
	default:
		return Result{}, fmt.Errorf("%q at the end of %q: %w", in.Choice+in.Text, f.ID, ErrEnded)
	}
	r.done = true
	return r.result(), nil
}

// detailTexts renders the end's details whose condition holds.
func (r *run) detailTexts(end *Step) []string {
	var out []string
	for _, s := range r.visibleDetails(end) {
		if s.Kind == KindChecklist {
			out = append(out, r.checklist(s))
		} else {
			out = append(out, r.render(s.Text))
		}
	}
	return out
}

// sourcePages lays the flow's sources out in pages.
func (r *run) sourcePages() []string { return r.e.msg.SourcePages(r.f.Title, r.f.Sources) }

// SourcePages lays out the sources of what is titled title (a procedure, a
// question) as messages of at most MaxPage characters, one source a line
// with the date it was checked and its address.
func (m *Messages) SourcePages(title string, sources []Source) []string {
	var pages []string
	cur := Fill(m.SourcesTitle, "title", title)
	lines := 0
	for _, src := range sources {
		line := Fill(m.SourceLine, "title", src.Title, "checked", src.Checked)
		if src.URL != "" {
			line += "\n" + Fill(m.SourceURL, "url", src.URL)
		}
		if lines > 0 && utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(line) > MaxPage {
			pages = append(pages, cur)
			cur, lines = Fill(m.SourcesTitleMore, "title", title), 0
		}
		cur += "\n" + line
		lines++
	}
	return append(pages, cur)
}

// page says the texts from *next on, as many as fit MaxPage (at least
// one), and moves *next past them; after the last it starts again.
func (r *run) page(texts []string, next *int) {
	if *next >= len(texts) {
		*next = 0
	}
	used := 0
	i := *next
	for ; i < len(texts); i++ {
		n := utf8.RuneCountInString(texts[i])
		if i > *next && used+n > MaxPage {
			break
		}
		r.say(texts[i])
		used += n
	}
	*next = i
}

// Again asks once more the question a state waits at, changing nothing: a
// channel that opens on a conversation kept from before (the terminal,
// whose screen was cleared) shows where she is. An answer awaiting her
// confirmation is asked about again; a procedure changed meanwhile starts
// again, saying so.
func (e *Engine) Again(st State, now time.Time) (Result, error) {
	r := &run{e: e, today: DateOf(now), now: now.Unix()}
	f, ok := e.cat.Flow(st.Flow)
	if !ok {
		return Result{Done: true, Out: []Output{{Text: e.msg.FlowGone}}}, nil
	}
	cur, ok := f.Step(st.Step)
	switch {
	case (!ok || !cur.Interactive()) && st.Hash != f.Hash:
		r.say(Fill(e.msg.FlowChanged, "title", f.Title))
		r.begin(f)
		return r.result(), nil
	case !ok || !cur.Interactive():
		return Result{}, fmt.Errorf("step %q of %q: not a question", st.Step, st.Flow)
	}
	r.f, r.st = f, st
	if st.Unsure != "" && cur.Kind == KindInput {
		r.confirm(cur.Input, st.Unsure)
	} else {
		r.ask(cur)
	}
	return r.result(), nil
}
