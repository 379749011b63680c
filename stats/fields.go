package stats

import "strings"

// Fields of the counters the bot adds. A store treats a field as an
// opaque name; these functions and constants are the names the bot and
// the summaries agree on. Flow and step ids never hold ':' (flows' lint
// refuses it), so Quit's field splits back into its two parts.
//
// Questions answered and notices delivered are counted where they happen,
// with their medians, by packages tickets and notices; only the questions
// asked are counted here, for the chart's line of questions by day.
const (
	// Asked counts questions to volunteers asked.
	Asked = "asked"
)

// Prefixes of the fields about procedures.
const (
	startPrefix = "start:"
	donePrefix  = "done:"
	quitPrefix  = "quit:"
)

// Started is the field counting the procedures flow started.
func Started(flow string) string { return startPrefix + flow }

// Done is the field counting the procedures flow completed (reached an
// end step).
func Done(flow string) string { return donePrefix + flow }

// Quit is the field counting the people who gave up flow at step: with
// /huy, or by starting another procedure.
func Quit(flow, step string) string { return quitPrefix + flow + ":" + step }

// parseField tells what a field of a procedure counts: its kind
// ("start", "done" or "quit"), the flow and, for "quit", the step. ok is
// false for every other field.
func parseField(field string) (kind, flow, step string, ok bool) {
	switch {
	case strings.HasPrefix(field, startPrefix):
		return "start", field[len(startPrefix):], "", true
	case strings.HasPrefix(field, donePrefix):
		return "done", field[len(donePrefix):], "", true
	case strings.HasPrefix(field, quitPrefix):
		flow, step, ok := strings.Cut(field[len(quitPrefix):], ":")
		return "quit", flow, step, ok
	}
	return "", "", "", false
}
