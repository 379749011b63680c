package flows

import (
	"errors"
	"fmt"
	"maps"
	"time"
)

// ErrUnknownFlow is returned when asked to start a flow the catalog lacks.
var ErrUnknownFlow = errors.New("flows: unknown procedure")

// State is where a citizen is in a flow. It is small and plain so that it
// can be saved as it is between two messages.
type State struct {
	Flow string `json:"f"`
	// Hash is the flow's content hash when the state was last advanced.
	Hash string `json:"h"`
	// Step is the id of the question waiting for an answer.
	Step string `json:"s"`
	// Vars holds the answers and computed values by name.
	Vars map[string]string `json:"v,omitempty"`
	// Trail lists the questions answered, in order, for going back.
	Trail []string `json:"t,omitempty"`
	// Unsure is an answer to the question at Step that is allowed but
	// unlikely (a birth a century ago), awaiting her confirmation.
	Unsure string `json:"un,omitempty"`
	// After the end (Step is an end step): the next page of the details
	// and of the sources to show when asked.
	Detail int `json:"dp,omitempty"`
	Source int `json:"sp,omitempty"`
	// Started and Updated are Unix seconds.
	Started int64 `json:"t0"`
	Updated int64 `json:"t1"`
}

// Input is what the citizen did: typed Text, pressed the button of Choice,
// or asked to go Back. Now is the time it happened, in the commune's zone.
type Input struct {
	Text   string
	Choice string
	Back   bool
	Now    time.Time
}

// Option is a choice offered with a message.
type Option struct {
	ID    string
	Label string
}

// Output is one message to the citizen. Prompt marks the question that waits
// for her answer; channels add "back" and "cancel" to it.
type Output struct {
	Text    string
	Options []Option
	Prompt  bool
}

// Result is what a step produced.
type Result struct {
	// State is the state to save. When Done, it is the state at the end,
	// which Engine.Ending and Step still take: for the details, the
	// sources, or going back to change the last answer.
	State State
	Out   []Output
	// Done reports that the flow ended and the conversation is back at the
	// menu.
	Done bool
	// Rejected reports that the answer was not accepted: State is the state
	// given, and Out says why.
	Rejected bool
	// Effects are the actions the steps passed asked the bot to carry out
	// (set a reminder), once the state is saved.
	Effects []Effect
}

// Engine runs flows. It is pure: no I/O, time comes in with the input, and
// one Engine may serve any number of goroutines.
type Engine struct {
	cat *Catalog
	msg *Messages
}

// NewEngine returns an engine over the catalog's flows.
func NewEngine(cat *Catalog, msg *Messages) *Engine {
	return &Engine{cat: cat, msg: msg}
}

// Messages returns the engine's words.
func (e *Engine) Messages() *Messages { return e.msg }

// Catalog returns the flows the engine runs.
func (e *Engine) Catalog() *Catalog { return e.cat }

// maxHops bounds handovers from flow to flow within one step.
const maxHops = 8

// Start begins the flow with the given id. kept holds what the citizen's
// earlier conversations left to remember (see Kept); nil for none.
func (e *Engine) Start(id string, now time.Time, kept map[string]string) (Result, error) {
	f, ok := e.cat.Flow(id)
	if !ok {
		return Result{}, fmt.Errorf("start %q: %w", id, ErrUnknownFlow)
	}
	r := &run{e: e, today: DateOf(now), now: now.Unix(), kept: kept}
	r.begin(f)
	return r.result(), nil
}

// Kept returns what a state holds that outlives its flow — the ticks of
// tasks lists — by "flow/name", for the caller to keep with the citizen and
// pass to the next Start.
func (e *Engine) Kept(st State) map[string]string {
	f, ok := e.cat.Flow(st.Flow)
	if !ok {
		return nil
	}
	var out map[string]string
	for name, v := range f.vars {
		if v.kind != KindTasks {
			continue
		}
		if value, ok := st.Vars[name]; ok {
			if out == nil {
				out = map[string]string{}
			}
			out[f.ID+"/"+name] = value
		}
	}
	return out
}

// Step applies the citizen's input to the state.
func (e *Engine) Step(st State, in Input) (Result, error) {
	r := &run{e: e, today: DateOf(in.Now), now: in.Now.Unix()}
	f, ok := e.cat.Flow(st.Flow)
	if !ok {
		return Result{Done: true, Out: []Output{{Text: e.msg.FlowGone}}}, nil
	}
	cur, ok := f.Step(st.Step)
	if ok && cur.Kind == KindEnd {
		return r.ended(f, cur, st, in)
	}
	if st.Hash != f.Hash && (!ok || !cur.Interactive()) {
		r.say(Fill(e.msg.FlowChanged, "title", f.Title))
		r.begin(f)
		return r.result(), nil
	}
	if !ok || !cur.Interactive() {
		return Result{}, fmt.Errorf("step %q of %q: not a question", st.Step, st.Flow)
	}
	r.resume(f, st)
	r.st.Hash, r.st.Updated = f.Hash, r.now

	if in.Back {
		r.back()
		return r.result(), nil
	}
	if cur.Kind == KindTasks {
		done, hint := r.tick(cur, in)
		switch {
		case hint != "":
			out := Output{Text: hint, Prompt: true, Options: r.options(cur)}
			return Result{State: st, Out: []Output{out}, Rejected: true}, nil
		case !done:
			r.ask(cur) // the list again, with the new ticks
			return r.result(), nil
		}
		r.st.Trail = append(r.st.Trail[:len(r.st.Trail):len(r.st.Trail)], cur.ID)
		r.advance(r.f.next(cur))
		return r.result(), nil
	}
	unsure := r.st.Unsure
	if unsure != "" {
		// A confirmation reads full-width digits ("１") too.
		switch yes, ok := yesOrNo(in.Choice, narrow(in.Text)); {
		case ok && yes:
			r.accept(cur, unsure, target{step: r.f.next(cur)})
			return r.result(), nil
		case ok:
			r.st.Unsure = "" // not that: the question again
			r.ask(cur)
			return r.result(), nil
		}
		r.st.Unsure = "" // another answer instead, if it is one
	}
	value, next, hint := r.answer(cur, in)
	if hint != "" && unsure != "" {
		// Neither yes, no nor an answer: the confirmation still waits.
		out := Output{Text: e.msg.YesNoHint, Prompt: true, Options: e.msg.yesNoOptions()}
		return Result{State: st, Out: []Output{out}, Rejected: true}, nil
	}
	if hint != "" {
		out := Output{Text: hint, Prompt: true, Options: r.options(cur)}
		return Result{State: st, Out: []Output{out}, Rejected: true}, nil
	}
	if cur.Kind == KindInput && r.unlikely(cur.Input, value) {
		r.st.Unsure = value
		r.confirm(cur.Input, value)
		return r.result(), nil
	}
	r.accept(cur, value, next)
	return r.result(), nil
}

// accept saves the answer to the question and goes on.
func (r *run) accept(cur *Step, value string, next target) {
	r.st.Unsure = ""
	r.st.Vars[cur.SaveName()] = value
	r.st.Trail = append(r.st.Trail[:len(r.st.Trail):len(r.st.Trail)], cur.ID)
	r.follow(next)
}

// run is one call of Start or Step.
type run struct {
	e     *Engine
	today Date
	now   int64

	f       *Flow
	st      State
	out     []Output
	done    bool
	hops    int
	kept    map[string]string // what earlier conversations left, by flow/name
	effects []Effect
}

// resume takes up state st of flow f, with a copy of its answers to change.
func (r *run) resume(f *Flow, st State) {
	r.f, r.st = f, st
	r.st.Vars = maps.Clone(st.Vars)
	if r.st.Vars == nil {
		r.st.Vars = map[string]string{}
	}
}

func (r *run) result() Result {
	return Result{State: r.st, Out: r.out, Done: r.done, Effects: r.effects}
}

func (r *run) say(text string) {
	r.out = append(r.out, Output{Text: text})
}

// begin starts f afresh.
func (r *run) begin(f *Flow) {
	r.f = f
	r.st = State{Flow: f.ID, Hash: f.Hash, Vars: map[string]string{}, Started: r.now, Updated: r.now}
	for name, v := range f.vars {
		if value, ok := r.kept[f.ID+"/"+name]; ok && v.kind == KindTasks {
			r.st.Vars[name] = value
		}
	}
	r.advance(f.StartStep())
}

// target is where an answer or a step leads: a step of this flow, or
// another flow.
type target struct {
	step *Step
	flow string
}

func (r *run) follow(t target) {
	if t.flow != "" {
		r.handover(t.flow)
		return
	}
	r.advance(t.step)
}

func (r *run) handover(id string) {
	r.hops++
	f, ok := r.e.cat.Flow(id)
	if !ok || r.hops > maxHops {
		// The catalog checks handover targets at load, so this is a bug.
		r.say(r.e.msg.FlowGone)
		r.done = true
		return
	}
	r.begin(f)
}

// advance runs steps from s until one waits for the citizen, and asks it,
// or until the flow ends or hands over.
func (r *run) advance(s *Step) {
	if q := r.walk(s, true); q != nil {
		r.ask(q)
	}
}

// ask puts a question to the citizen and waits at it.
func (r *run) ask(q *Step) {
	r.st.Step = q.ID
	r.out = append(r.out, Output{Text: r.render(q.Text), Options: r.options(q), Prompt: true})
}

// walk runs steps from s and returns the first question, or nil when the
// flow ends or hands over first. Loud, it says what the steps say and ends
// or hands over the flow; quiet (when replaying answers) it only computes.
// Lint guarantees every loop waits for an answer, so this ends; the bound is
// a second guard.
func (r *run) walk(s *Step, loud bool) *Step {
	for guard := 0; s != nil && guard < 10*len(r.f.Steps)+10; guard++ {
		if !r.holds(s.When) {
			s = r.f.next(s)
			continue
		}
		switch s.Kind {
		case KindAsk, KindInput, KindTasks:
			return s
		case KindEnd:
			if loud {
				r.say(r.render(s.Text))
				r.done = true
				// The state stays at the end: its details and sources are
				// one tap away, and the last answer can still be changed.
				r.st.Step = s.ID
			}
			return nil
		case KindSay:
			if loud {
				r.say(r.render(s.Text))
			}
		case KindChecklist:
			if loud {
				r.say(r.checklist(s))
			}
		case KindAction:
			if loud {
				r.effects = append(r.effects, r.effect(s))
				if s.Text != "" {
					r.say(r.render(s.Text))
				}
			}
		case KindCompute:
			r.compute(s)
		case KindBranch:
			if t, ok := r.route(s); ok {
				if t.flow != "" {
					return r.leave(t.flow, loud)
				}
				s = t.step
				continue
			}
		}
		if s.Flow != "" {
			return r.leave(s.Flow, loud)
		}
		s = r.f.next(s)
	}
	if loud {
		r.done = true // only a flow that failed lint gets here
	}
	return nil
}

// leave hands the citizen over to another flow when loud; either way the
// walk in this flow is over.
func (r *run) leave(flow string, loud bool) *Step {
	if loud {
		r.handover(flow)
	}
	return nil
}

func (r *run) route(s *Step) (target, bool) {
	for _, rt := range s.Routes {
		if r.holds(rt.When) {
			if rt.Flow != "" {
				return target{flow: rt.Flow}, true
			}
			return target{step: r.f.byID[rt.Next]}, true
		}
	}
	return target{}, false
}

func (r *run) compute(s *Step) {
	if s.Premium != nil {
		r.premium(s)
		return
	}
	from, err := ParseISODate(r.st.Vars[s.From])
	if err != nil {
		delete(r.st.Vars, s.Save)
		return
	}
	to, _ := shift(from, s.Add, 1)
	r.st.Vars[s.Save] = to.ISO()
}

// back returns to the question answered before the current one, forgetting
// the answers given since.
func (r *run) back() {
	r.st.Unsure = ""
	if len(r.st.Trail) == 0 {
		r.say(r.e.msg.BackFirst)
		r.ask(r.f.byID[r.st.Step])
		return
	}
	prev := r.st.Trail[len(r.st.Trail)-1]
	keep := r.st.Trail[:len(r.st.Trail)-1]
	answers := r.st.Vars
	r.st.Vars = map[string]string{}
	r.st.Trail = nil
	// Ticks of a tasks list are remembered, not answers to go back over.
	for name, v := range r.f.vars {
		if value, ok := answers[name]; ok && v.kind == KindTasks {
			r.st.Vars[name] = value
		}
	}
	// Replay the kept answers from the start, quietly: computed values and
	// skipped steps come out as they would have.
	s := r.f.StartStep()
	for _, id := range keep {
		s = r.walk(s, false)
		if s == nil || s.ID != id {
			break
		}
		name := s.SaveName()
		r.st.Vars[name] = answers[name]
		r.st.Trail = append(r.st.Trail, s.ID)
		s = r.nextAfterAnswer(s, answers[name])
		if s == nil {
			break
		}
	}
	if s = r.walk(s, false); s == nil {
		s = r.f.byID[prev]
	}
	if s == nil {
		s = r.f.byID[r.st.Step] // the procedure changed under the trail
	}
	r.ask(s)
}

// nextAfterAnswer is where an answered question leads within the flow.
func (r *run) nextAfterAnswer(s *Step, value string) *Step {
	if s.Kind == KindAsk {
		for _, c := range s.Choices {
			if c.ID == value {
				return r.f.choiceNext(s, c)
			}
		}
		return nil
	}
	return r.f.next(s)
}
