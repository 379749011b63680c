package flows

import (
	"fmt"
	"strings"
)

// FAQ is a short question and its answer, found by search like a procedure:
// "mất thẻ BHYT thì làm sao?". A file of them lists entries.
type FAQ struct {
	ID       string   `yaml:"id"`
	Question string   `yaml:"question"`
	Answer   string   `yaml:"answer"`
	Keywords []string `yaml:"keywords"`
	// Examples and NegativeKeywords are as a procedure's.
	Examples         []string `yaml:"examples"`
	NegativeKeywords []string `yaml:"negative_keywords"`
	Sources          []Source `yaml:"sources"`
	// Related is a procedure offered after the answer, if any.
	Related string `yaml:"related"`

	// File is where the entry was read from.
	File string `yaml:"-"`
	pos  positions
}

// faqFile is the shape of a file of questions.
type faqFile struct {
	Entries []*FAQ `yaml:"entries"`
}

// ParseFAQ decodes a file of questions and answers, reporting every problem.
func ParseFAQ(file string, data []byte) ([]*FAQ, Issues) {
	var ff faqFile
	iss := decodeFile(file, data, &ff)
	seen := map[string]int{}
	var out []*FAQ
	for i, q := range ff.Entries {
		field := fmt.Sprintf("entries[%d]", i)
		if q == nil {
			iss.add(file, 0, field, "an empty entry: remove the lone '-'")
			continue
		}
		q.File = file
		checkEntryID(&iss, file, field, q.ID, q.pos, "mat-the-bhyt")
		if first, dup := seen[q.ID]; dup {
			iss.add(file, q.pos.at("id"), field+".id", "duplicate id %q (first on line %d)", q.ID, first)
		}
		seen[q.ID] = q.pos.at("id")
		if strings.TrimSpace(q.Question) == "" {
			iss.add(file, q.pos.line, field+".question", "missing: the question as citizens ask it")
		}
		if strings.TrimSpace(q.Answer) == "" {
			iss.add(file, q.pos.line, field+".answer", "missing: the short answer")
		}
		l := &linter{f: &Flow{File: file}}
		l.text(q.Answer, q.pos.at("answer"), field+".answer")
		iss = append(iss, l.iss...)
		if len(q.Sources) == 0 {
			iss.add(file, q.pos.line, field+".sources", "missing: cite the legal basis and the date it was checked")
		}
		for j, s := range q.Sources {
			if _, err := ParseDate(s.Checked, Date{Year: 2100}); err != nil {
				iss.add(file, s.pos.at("checked"), fmt.Sprintf("%s.sources[%d].checked", field, j), "%q is not a date dd/mm/yyyy", s.Checked)
			}
		}
		out = append(out, q)
	}
	return out, iss
}
