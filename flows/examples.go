package flows

import "fmt"

// lintExamples understands every example of every procedure, question and
// intent, and warns of each that leads elsewhere: the officer who wrote it
// learns that the bot will not do what she taught it, and why not (the
// other entry's keywords, a negative keyword of her own).
func (c *Catalog) lintExamples() Issues {
	var iss Issues
	check := func(file string, pos positions, id string, examples []string) {
		for i, ex := range examples {
			u := c.Understand(ex)
			if u.ID == id {
				continue
			}
			got := string(u.Class)
			if u.ID != "" {
				got = fmt.Sprintf("%s %q", u.Class, u.ID)
			}
			iss.warn(file, pos.at("examples"), fmt.Sprintf("examples[%d]", i), "%q leads to %s, not here: reword it, or add keywords that tell the two apart", ex, got)
		}
	}
	for _, f := range c.flows {
		check(f.File, f.pos, f.ID, f.Examples)
	}
	for _, q := range c.faqs {
		check(q.File, q.pos, q.ID, q.Examples)
	}
	for _, it := range c.intents {
		check(it.File, it.pos, it.ID, it.Examples)
	}
	return iss
}
