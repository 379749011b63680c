package flows

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
)

// Catalog is the set of procedures the bot knows, checked as a whole.
type Catalog struct {
	flows []*Flow
	byID  map[string]*Flow
	faqs  []*FAQ
	faqID map[string]*FAQ
	index []indexed
	vocab map[string]bool
}

// NewCatalog checks the flows together (ids unique, handovers lead to a flow
// that exists) and indexes them for search. The issues include those found
// in each flow when it was parsed only if the caller adds them; NewCatalog
// reports the cross-flow ones.
func NewCatalog(flows []*Flow, faqs []*FAQ) (*Catalog, Issues) {
	c := &Catalog{byID: make(map[string]*Flow, len(flows)), faqID: make(map[string]*FAQ, len(faqs))}
	var iss Issues
	for _, q := range faqs {
		if prev, dup := c.faqID[q.ID]; dup {
			iss.add(q.File, q.pos.at("id"), "id", "duplicate question id %q (also in %s)", q.ID, prev.File)
			continue
		}
		c.faqID[q.ID] = q
		c.faqs = append(c.faqs, q)
	}
	for _, f := range flows {
		if prev, dup := c.byID[f.ID]; dup {
			iss.add(f.File, f.pos.at("id"), "id", "duplicate procedure id %q (also in %s)", f.ID, prev.File)
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
	c.index = buildIndex(c.flows, c.faqs)
	c.vocab = vocabulary(c.index)
	return c, iss
}

// FAQDir is the directory, beside the procedures, of the questions and
// answers.
const FAQDir = "faq"

// Load reads the procedures at the root of base (the shipped ones, named
// baseLabel/… in issues) and its questions in FAQDir and, when override is
// not nil, those of override (named overrideLabel/…) laid over them by id.
// Extra questions (the commune's own, from its configuration) are added. It
// returns every problem found; the catalog is usable only when issues.Err()
// is nil.
func Load(base fs.FS, baseLabel string, override fs.FS, overrideLabel string, extra ...*FAQ) (*Catalog, Issues) {
	flows, iss := LoadFS(base, baseLabel)
	faqs, faqIss := loadFAQ(base, baseLabel)
	iss = append(iss, faqIss...)
	if override != nil {
		more, moreIss := LoadFS(override, overrideLabel)
		iss = append(iss, moreIss...)
		flows = merge(flows, more, func(f *Flow) string { return f.ID })
		moreFAQ, moreFAQIss := loadFAQ(override, overrideLabel)
		iss = append(iss, moreFAQIss...)
		faqs = merge(faqs, moreFAQ, func(q *FAQ) string { return q.ID })
	}
	faqs = append(faqs, extra...)
	cat, catIss := NewCatalog(flows, faqs)
	iss = append(iss, catIss...)
	slices.SortStableFunc(iss, func(a, b Issue) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return cat, iss
}

func loadFAQ(fsys fs.FS, label string) ([]*FAQ, Issues) {
	sub, err := fs.Sub(fsys, FAQDir)
	if err != nil {
		return nil, Issues{{File: label, Msg: fmt.Sprintf("cannot read %s: %v", FAQDir, err)}}
	}
	return LoadFAQFS(sub, filepath.Join(label, FAQDir))
}

// FAQs returns the questions and answers.
func (c *Catalog) FAQs() []*FAQ { return c.faqs }

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
