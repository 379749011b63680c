package flows

import (
	"fmt"
	"strings"
)

// Issue is one problem found in a procedure file, with where to fix it.
type Issue struct {
	File  string
	Line  int
	Field string // e.g. steps[3].next
	Msg   string
	// Warning marks an issue that does not stop the bot from starting.
	Warning bool
}

func (i Issue) String() string {
	var b strings.Builder
	b.WriteString(i.File)
	if i.Line > 0 {
		fmt.Fprintf(&b, ":%d", i.Line)
	}
	b.WriteString(": ")
	if i.Warning {
		b.WriteString("warning: ")
	}
	if i.Field != "" {
		b.WriteString(i.Field)
		b.WriteString(": ")
	}
	b.WriteString(i.Msg)
	return b.String()
}

// Issues is every problem found in a set of procedure files. As an error it
// lists them all, one a line.
type Issues []Issue

func (is *Issues) add(file string, line int, field, format string, args ...any) {
	*is = append(*is, Issue{File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (is *Issues) warn(file string, line int, field, format string, args ...any) {
	*is = append(*is, Issue{File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// Errors returns the issues that are not warnings.
func (is Issues) Errors() Issues {
	var out Issues
	for _, i := range is {
		if !i.Warning {
			out = append(out, i)
		}
	}
	return out
}

// Err returns the issues as an error when at least one is not a warning.
func (is Issues) Err() error {
	if len(is.Errors()) == 0 {
		return nil
	}
	return is
}

func (is Issues) Error() string {
	lines := make([]string, len(is))
	for i, x := range is {
		lines[i] = x.String()
	}
	return strings.Join(lines, "\n")
}
