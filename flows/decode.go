package flows

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// positions remembers the line of each field of a YAML mapping, so that an
// issue found after decoding can still point at the line to fix.
type positions struct {
	line   int
	fields map[string]int
}

// at returns the line of field, or of the mapping itself when the field was
// not written.
func (p positions) at(field string) int {
	if l, ok := p.fields[field]; ok {
		return l
	}
	return p.line
}

var positionsType = reflect.TypeOf(positions{})

// decodeFile decodes the YAML file data into v (a pointer to a struct) with
// decodeStrict. A file that is empty or not YAML at all leaves v as it was.
func decodeFile(file string, data []byte, v any) Issues {
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&root); err != nil {
		return unreadable(file, err)
	}
	return decodeStrict(&root, v, file)
}

// unreadable is the issue of a file that could not be decoded as YAML at
// all.
func unreadable(file string, err error) Issues {
	if errors.Is(err, io.EOF) {
		return Issues{{File: file, Msg: "the file is empty"}}
	}
	line, msg := splitYAMLLine(strings.TrimPrefix(err.Error(), "yaml: "))
	return Issues{{File: file, Line: line, Msg: msg}}
}

// checkEntryID reports the id of an entry of a file of questions or
// intents that is missing or not lower-case letters, digits and '-';
// example is an id to suggest.
func checkEntryID(iss *Issues, file, field, id string, pos positions, example string) {
	switch {
	case id == "":
		iss.add(file, pos.line, field+".id", "missing: a short id such as %s", example)
	case !flowIDPattern.MatchString(id):
		iss.add(file, pos.at("id"), field+".id", "%q must be lower-case letters a-z, digits and '-'", id)
	}
}

// decodeStrict decodes n into v (a pointer to a struct) like yaml.Node.Decode,
// but reports every unknown field and every value of the wrong type at once,
// and records the line of each field in the structs' positions.
func decodeStrict(n *yaml.Node, v any, file string) Issues {
	var iss Issues
	walkKnown(n, reflect.ValueOf(v).Elem(), "", file, &iss)
	if err := n.Decode(v); err != nil {
		var te *yaml.TypeError
		if !asTypeError(err, &te) {
			iss.add(file, n.Line, "", "%v", err)
		} else {
			for _, msg := range te.Errors {
				line, text := splitYAMLLine(msg)
				if line == 0 {
					line = n.Line
				}
				iss.add(file, line, "", "%s", text)
			}
		}
	}
	// Decode replaced the structs; walk again to set positions on the new ones.
	setPositions(n, reflect.ValueOf(v).Elem())
	return iss
}

func asTypeError(err error, te **yaml.TypeError) bool {
	t, ok := err.(*yaml.TypeError)
	if ok {
		*te = t
	}
	return ok
}

// splitYAMLLine turns "line 12: cannot unmarshal …" into 12 and the rest.
func splitYAMLLine(msg string) (int, string) {
	var line int
	if _, err := fmt.Sscanf(msg, "line %d:", &line); err != nil {
		return 0, msg
	}
	_, rest, _ := strings.Cut(msg, ": ")
	return line, rest
}

// yamlFields maps the yaml names of a struct's fields to their indexes.
func yamlFields(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("yaml")
		name, _, _ := strings.Cut(tag, ",")
		if name == "" || name == "-" {
			continue
		}
		m[name] = i
	}
	return m
}

// walkKnown reports keys of n that the struct type of v does not have.
func walkKnown(n *yaml.Node, v reflect.Value, path, file string, iss *Issues) {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	switch v.Kind() {
	case reflect.Pointer:
		walkKnown(n, reflect.New(v.Type().Elem()).Elem(), path, file, iss)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, item := range n.Content {
			walkKnown(item, reflect.New(v.Type().Elem()).Elem(), fmt.Sprintf("%s[%d]", path, i), file, iss)
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode || v.Type() == reflect.TypeOf(Cond{}) {
			return
		}
		fields := yamlFields(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			idx, ok := fields[key.Value]
			field := joinPath(path, key.Value)
			if !ok {
				iss.add(file, key.Line, field, "unknown field %q (known: %s)", key.Value, knownList(fields))
				continue
			}
			walkKnown(val, v.Field(idx), field, file, iss)
		}
	}
}

func knownList(fields map[string]int) string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// setPositions records, in every struct that has a positions field, the line
// of the mapping and of each of its keys.
func setPositions(n *yaml.Node, v reflect.Value) {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			setPositions(n, v.Elem())
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i := 0; i < v.Len() && i < len(n.Content); i++ {
			setPositions(n.Content[i], v.Index(i))
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return
		}
		fields := yamlFields(v.Type())
		p := positions{line: n.Line, fields: make(map[string]int, len(n.Content)/2)}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			p.fields[key.Value] = key.Line
			if idx, ok := fields[key.Value]; ok {
				setPositions(val, v.Field(idx))
			}
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).Type == positionsType {
				reflect.NewAt(positionsType, v.Field(i).Addr().UnsafePointer()).Elem().Set(reflect.ValueOf(p))
			}
		}
	}
}

// UnmarshalYAML reads a condition written as a mapping from answer names to
// one value or a list of values.
func (c *Cond) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a condition is written as {name: value} or {name: [value, value]}", n.Line)}}
	}
	c.Line = n.Line
	c.Terms = c.Terms[:0]
	var errs []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		t := Term{Name: key.Value, Line: key.Line}
		switch val.Kind {
		case yaml.ScalarNode:
			t.Values = []string{val.Value}
		case yaml.SequenceNode:
			for _, item := range val.Content {
				if item.Kind != yaml.ScalarNode {
					errs = append(errs, fmt.Sprintf("line %d: condition values of %q must be plain words", item.Line, key.Value))
					continue
				}
				t.Values = append(t.Values, item.Value)
			}
		default:
			errs = append(errs, fmt.Sprintf("line %d: condition on %q must be a value or a list of values", val.Line, key.Value))
			continue
		}
		c.Terms = append(c.Terms, t)
	}
	if len(errs) > 0 {
		return &yaml.TypeError{Errors: errs}
	}
	return nil
}

// Empty reports whether the condition always holds.
func (c Cond) Empty() bool { return len(c.Terms) == 0 }
