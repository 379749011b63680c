package flows

import (
	"fmt"
	"slices"
	"strings"
)

// Class is what a message asks for, once understood: what the bot does
// with it.
type Class string

// Classes.
const (
	ClassProcedure  Class = "procedure"    // offer or start a procedure
	ClassFAQ        Class = "faq"          // answer a question
	ClassCommune    Class = "commune"      // the commune's own information: hours, address, phone, notices
	ClassPerson     Class = "person"       // she asks for a person
	ClassSocial     Class = "social"       // hello, thanks, goodbye, and nothing else
	ClassOutOfScope Class = "out-of-scope" // something the bot does not guide, or nothing it knows
	// ClassNotQuestion is text that asks nothing: a bare date or number,
	// markup, a link, a foreign language, only punctuation.
	ClassNotQuestion Class = "not-question"
)

// intentClasses are the classes an intent may have.
var intentClasses = []Class{ClassCommune, ClassPerson, ClassSocial, ClassOutOfScope}

// Intent is something a message may mean besides a procedure or a
// question: asking for a person, the commune's hours, thanks, a procedure
// the bot does not guide. It is found by its keywords and examples like a
// procedure, and has a class; the bot words the reply.
type Intent struct {
	ID string `yaml:"id"`
	// Kind is its class: commune, person, social or out-of-scope.
	Kind Class `yaml:"kind"`
	// Title names the intent to people: an out-of-scope reply names it
	// ("đất đai, sổ đỏ").
	Title            string   `yaml:"title"`
	Keywords         []string `yaml:"keywords"`
	Examples         []string `yaml:"examples"`
	NegativeKeywords []string `yaml:"negative_keywords"`

	// File is where the intent was read from.
	File string `yaml:"-"`
	pos  positions
}

// IntentDir is the directory, beside the procedures, of the intents.
const IntentDir = "intents"

type intentFile struct {
	Entries []*Intent `yaml:"entries"`
}

// ParseIntents decodes a file of intents, reporting every problem.
func ParseIntents(file string, data []byte) ([]*Intent, Issues) {
	var f intentFile
	iss := decodeFile(file, data, &f)
	var out []*Intent
	for i, in := range f.Entries {
		field := fmt.Sprintf("entries[%d]", i)
		if in == nil {
			iss.add(file, 0, field, "an empty entry: remove the lone '-'")
			continue
		}
		in.File = file
		checkEntryID(&iss, file, field, in.ID, in.pos, "gap-nguoi")
		if !slices.Contains(intentClasses, in.Kind) {
			iss.add(file, in.pos.at("kind"), field+".kind", "%q is not one of commune, person, social, out-of-scope", in.Kind)
		}
		if strings.TrimSpace(in.Title) == "" {
			iss.add(file, in.pos.line, field+".title", "missing: what the intent is, in a few words")
		}
		if len(in.Keywords)+len(in.Examples) == 0 {
			iss.add(file, in.pos.line, field+".keywords", "missing: the words that find this intent")
		}
		out = append(out, in)
	}
	return out, iss
}
