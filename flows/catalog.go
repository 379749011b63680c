package flows

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// Catalog is the set of procedures the bot knows, checked as a whole.
type Catalog struct {
	flows    []*Flow
	byID     map[string]*Flow
	faqs     []*FAQ
	faqID    map[string]*FAQ
	intents  []*Intent
	intentID map[string]*Intent
	index    index
	// model, when not nil, is the learned model beside the matcher (see
	// decide).
	model *learned
}

// Content is what a catalog is made of.
type Content struct {
	Flows   []*Flow
	FAQs    []*FAQ
	Intents []*Intent
	// Answers are questions that answer an intent of the same id (the
	// commune's hours answer xa-gio-lam-viec). They are found through
	// their intent, never searched themselves.
	Answers []*FAQ
	// Synonyms fold what else people say onto the words of the keywords.
	Synonyms []*Synonym
	// Learn are labelled messages, written as in an evaluation set. When
	// there are some, a model is trained on them and on what the entries
	// say (titles, keywords, examples), and understanding weighs its
	// answer with the matcher's (see decide).
	Learn []EvalCase
}

// NewCatalog checks the flows together (ids unique, handovers lead to a flow
// that exists) and indexes them and the questions for search. The issues
// include those found in each flow when it was parsed only if the caller
// adds them; NewCatalog reports the cross-flow ones.
func NewCatalog(flows []*Flow, faqs []*FAQ) (*Catalog, Issues) {
	return NewCatalogOf(Content{Flows: flows, FAQs: faqs})
}

// NewCatalogOf is NewCatalog with intents and answers too. Ids are unique
// across procedures, questions and intents, answers aside; every example
// is understood, and one that leads elsewhere is a warning.
func NewCatalogOf(in Content) (*Catalog, Issues) {
	flows := in.Flows
	c := &Catalog{byID: make(map[string]*Flow, len(flows)), faqID: map[string]*FAQ{}, intentID: map[string]*Intent{}}
	var iss Issues
	answers := map[*FAQ]bool{}
	for _, q := range in.Answers {
		answers[q] = true
	}
	var searched []*FAQ // the questions, answers aside
	for _, q := range append(slices.Clone(in.FAQs), in.Answers...) {
		if prev, dup := c.faqID[q.ID]; dup {
			iss.add(q.File, q.pos.at("id"), "id", "duplicate question id %q (also in %s)", q.ID, prev.File)
			continue
		}
		c.faqID[q.ID] = q
		c.faqs = append(c.faqs, q)
		if !answers[q] {
			searched = append(searched, q)
		}
	}
	for _, it := range in.Intents {
		if prev, dup := c.intentID[it.ID]; dup {
			iss.add(it.File, it.pos.at("id"), "id", "duplicate intent id %q (also in %s)", it.ID, prev.File)
			continue
		}
		if q, ok := c.faqID[it.ID]; ok && !answers[q] {
			iss.add(it.File, it.pos.at("id"), "id", "intent id %q is also a question's (%s)", it.ID, q.File)
			continue
		}
		c.intentID[it.ID] = it
		c.intents = append(c.intents, it)
	}
	for _, f := range flows {
		if prev, dup := c.byID[f.ID]; dup {
			iss.add(f.File, f.pos.at("id"), "id", "duplicate procedure id %q (also in %s)", f.ID, prev.File)
			continue
		}
		if q, ok := c.faqID[f.ID]; ok {
			iss.add(f.File, f.pos.at("id"), "id", "procedure id %q is also a question's (%s)", f.ID, q.File)
			continue
		}
		if it, ok := c.intentID[f.ID]; ok {
			iss.add(f.File, f.pos.at("id"), "id", "procedure id %q is also an intent's (%s)", f.ID, it.File)
			continue
		}
		c.byID[f.ID] = f
		c.flows = append(c.flows, f)
	}
	for _, f := range c.flows {
		check := func(id string, line int, field string) {
			if _, ok := c.byID[id]; id != "" && !ok {
				iss.add(f.File, line, field, "no procedure has id %q", id)
			}
		}
		for i, s := range f.Steps {
			if s == nil {
				continue
			}
			field := fmt.Sprintf("steps[%d] (%s)", i, s.ID)
			check(s.Flow, s.pos.at("flow"), field+".flow")
			for j, ch := range s.Choices {
				check(ch.Flow, ch.pos.at("flow"), fmt.Sprintf("%s.choices[%d].flow", field, j))
			}
			for j, r := range s.Routes {
				check(r.Flow, r.pos.at("flow"), fmt.Sprintf("%s.routes[%d].flow", field, j))
			}
		}
	}
	for _, q := range c.faqs {
		if _, ok := c.byID[q.Related]; q.Related != "" && !ok {
			iss.add(q.File, q.pos.at("related"), "related", "no procedure has id %q", q.Related)
		}
	}
	slices.SortStableFunc(c.flows, func(a, b *Flow) int {
		if c := menuRank(a) - menuRank(b); c != 0 {
			return c
		}
		return strings.Compare(a.File, b.File)
	})
	lex, lexIss := withSynonyms(in.Synonyms)
	iss = append(iss, lexIss...)
	c.index = buildIndex(lex, c.flows, searched, c.intents)
	for _, k := range in.Learn {
		if _, ok := c.classOf(k.Want); !ok {
			iss.add(k.File, k.Line, "", "%q expects %q, which is neither a procedure, a question, an intent nor @class", k.Text, k.Want)
		}
	}
	if len(in.Learn) > 0 {
		c.model = c.learn(in.Learn)
	}
	iss = append(iss, c.lintSynonyms(in.Synonyms)...)
	iss = append(iss, c.lintExamples()...)
	return c, iss
}

// FAQDir is the directory, beside the procedures, of the questions and
// answers.
const FAQDir = "faq"

// Load reads the procedures at the root of base (the shipped ones, named
// baseLabel/… in issues), its questions in FAQDir, its intents in
// IntentDir and its synonyms in SynonymDir and, when override is not nil, those of override (named
// overrideLabel/…) laid over them by id. Answers (the commune's own, from
// its configuration) answer the intents of their ids. It returns every
// problem found; the catalog is usable only when issues.Err() is nil.
func Load(base fs.FS, baseLabel string, override fs.FS, overrideLabel string, answers ...*FAQ) (*Catalog, Issues) {
	flows, iss := LoadFS(base, baseLabel)
	faqs, faqIss := loadEntries(base, baseLabel, FAQDir, ParseFAQ)
	iss = append(iss, faqIss...)
	intents, intentIss := loadEntries(base, baseLabel, IntentDir, ParseIntents)
	iss = append(iss, intentIss...)
	synonyms, synIss := loadEntries(base, baseLabel, SynonymDir, ParseSynonyms)
	iss = append(iss, synIss...)
	learn, learnIss := loadLearned(base, baseLabel)
	iss = append(iss, learnIss...)
	if override != nil {
		more, moreIss := LoadFS(override, overrideLabel)
		iss = append(iss, moreIss...)
		flows = merge(flows, more, func(f *Flow) string { return f.ID })
		moreFAQ, moreFAQIss := loadEntries(override, overrideLabel, FAQDir, ParseFAQ)
		iss = append(iss, moreFAQIss...)
		faqs = merge(faqs, moreFAQ, func(q *FAQ) string { return q.ID })
		moreIntents, moreIntentIss := loadEntries(override, overrideLabel, IntentDir, ParseIntents)
		iss = append(iss, moreIntentIss...)
		intents = merge(intents, moreIntents, func(i *Intent) string { return i.ID })
		moreSynonyms, moreSynIss := loadEntries(override, overrideLabel, SynonymDir, ParseSynonyms)
		iss = append(iss, moreSynIss...)
		synonyms = append(synonyms, moreSynonyms...) // a commune's add to the shipped ones
		moreLearn, moreLearnIss := loadLearned(override, overrideLabel)
		iss = append(iss, moreLearnIss...)
		learn = append(learn, moreLearn...)
	}
	cat, catIss := NewCatalogOf(Content{Flows: flows, FAQs: faqs, Intents: intents, Answers: answers, Synonyms: synonyms, Learn: learn})
	iss = append(iss, catIss...)
	slices.SortStableFunc(iss, func(a, b Issue) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return cat, iss
}

// FAQs returns the questions and answers, the answers of intents among
// them.
func (c *Catalog) FAQs() []*FAQ { return c.faqs }

// Intents returns the intents.
func (c *Catalog) Intents() []*Intent { return c.intents }

// FAQ returns the question with the given id.
func (c *Catalog) FAQ(id string) (*FAQ, bool) {
	q, ok := c.faqID[id]
	return q, ok
}

// menuRank is a flow's place in the menu: its order, or after all ordered
// flows.
func menuRank(f *Flow) int {
	if f.Order > 0 {
		return f.Order
	}
	return 1 << 20
}

// Flow returns the flow with the given id.
func (c *Catalog) Flow(id string) (*Flow, bool) {
	f, ok := c.byID[id]
	return f, ok
}

// Flows returns the flows in menu order.
func (c *Catalog) Flows() []*Flow { return c.flows }
