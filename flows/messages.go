package flows

import (
	"bytes"
	_ "embed"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed messages.yaml
var messagesYAML []byte

// Messages are the engine's own words: hints for answers it could not
// accept, and phrases shared by every procedure.
type Messages struct {
	ChooseHint     string `yaml:"choose_hint"`
	OneOrTwo       string `yaml:"one_or_two"`
	OneToN         string `yaml:"one_to_n"`
	DateShape      string `yaml:"date_shape"`
	DateInvalid    string `yaml:"date_invalid"`
	DateYearFirst  string `yaml:"date_year_first"`
	DateTooEarly   string `yaml:"date_too_early"`
	DateTooLate    string `yaml:"date_too_late"`
	NumberShape    string `yaml:"number_shape"`
	NumberTooSmall string `yaml:"number_too_small"`
	NumberTooBig   string `yaml:"number_too_big"`
	NumberHuge     string `yaml:"number_huge"`
	PhoneShape     string `yaml:"phone_shape"`
	YesNoHint      string `yaml:"yesno_hint"`
	TextEmpty      string `yaml:"text_empty"`
	TextTooLong    string `yaml:"text_too_long"`
	Yes            string `yaml:"yes"`
	No             string `yaml:"no"`
	DaysLeft       string `yaml:"days_left"`
	DaysLeftMonths string `yaml:"days_left_months"`
	DaysLeftYears  string `yaml:"days_left_years"`
	DueToday       string `yaml:"due_today"`
	Overdue        string `yaml:"overdue"`
	OverdueMonths  string `yaml:"overdue_months"`
	OverdueYears   string `yaml:"overdue_years"`
	BackFirst      string `yaml:"back_first"`
	FlowChanged    string `yaml:"flow_changed"`
	FlowGone       string `yaml:"flow_gone"`
	TasksDone      string `yaml:"tasks_done"`
	TaskDone       string `yaml:"task_done"`
	TaskOpen       string `yaml:"task_open"`
	// Unlikely asks to confirm an answer outside the likely range
	// ({value}, {year}).
	Unlikely string `yaml:"unlikely"`
	// After the end: the details and the sources, one tap away.
	DetailsButton    string `yaml:"details_button"`
	DetailsMore      string `yaml:"details_more"`
	SourcesButton    string `yaml:"sources_button"`
	SourcesMore      string `yaml:"sources_more"`
	SourcesTitle     string `yaml:"sources_title"`
	SourcesTitleMore string `yaml:"sources_title_more"`
	SourceLine       string `yaml:"source_line"`
	SourceURL        string `yaml:"source_url"`
}

// DefaultMessages returns the messages shipped with the binary.
func DefaultMessages() *Messages {
	m, err := ParseMessages(messagesYAML)
	if err != nil {
		panic(fmt.Sprintf("flows: shipped messages.yaml: %v", err)) // caught by the package tests
	}
	return m
}

// ParseMessages decodes messages strictly: an unknown or a missing message is
// an error.
func ParseMessages(data []byte) (*Messages, error) {
	var m Messages
	if err := DecodeTexts(data, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// DecodeTexts decodes a flat YAML mapping of texts into a struct of strings,
// refusing unknown keys and requiring every field.
func DecodeTexts(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode messages: %w", err)
	}
	rv := reflect.ValueOf(v).Elem()
	var missing []string
	for i := 0; i < rv.NumField(); i++ {
		if rv.Field(i).Kind() == reflect.String && strings.TrimSpace(rv.Field(i).String()) == "" {
			name, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("yaml"), ",")
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("decode messages: missing %s", strings.Join(missing, ", "))
	}
	return nil
}

// Fill replaces {key} in text by the values given as key, value pairs, in
// one pass: a value is not read again for keys; a key given twice takes
// its first value; a {word} with no value stays as it is. (It runs on
// every message: one scan and one builder, where a strings.Replacer
// built each time cost a sixth of an update's allocations.)
func Fill(text string, kv ...string) string {
	open := strings.IndexByte(text, '{')
	if open < 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 16*len(kv)/2)
	for open >= 0 {
		b.WriteString(text[:open])
		text = text[open:]
		end := strings.IndexByte(text[1:], '}')
		value, ok := "", false
		if end >= 0 {
			value, ok = lookup(kv, text[1:1+end])
		}
		if ok {
			b.WriteString(value)
			text = text[end+2:]
		} else {
			b.WriteByte('{')
			text = text[1:]
		}
		open = strings.IndexByte(text, '{')
	}
	b.WriteString(text)
	return b.String()
}

// lookup finds key's first value among key, value pairs.
func lookup(kv []string, key string) (string, bool) {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == key {
			return kv[i+1], true
		}
	}
	return "", false
}
