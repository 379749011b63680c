package bot

import "github.com/motcua/motcua/flows"

// sourcesPrefix marks, in a menu, the sources of a question ("§" and its
// id): an answer shows them one tap away, not under every answer.
const sourcesPrefix = "§"

// faqSourcesButton is the entry of the menu that shows q's sources.
func (t *turn) faqSourcesButton(q *flows.FAQ) Button {
	return t.choice(t.s.eng.Messages().SourcesButton, sourcesPrefix+q.ID)
}

// faqSources shows the sources of a question, the menu it came with kept,
// so that its other entries still answer to their numbers.
func (t *turn) faqSources(id string) {
	q, ok := t.s.eng.Catalog().FAQ(id)
	if !ok {
		t.say(t.s.msg.StaleButton)
		return
	}
	pages := t.s.eng.Messages().SourcePages(q.Question, q.Sources)
	for i, page := range pages {
		m := Message{Text: page}
		if i == len(pages)-1 {
			menu := t.conv.Menu
			t.conv.Menu = nil
			for _, entry := range menu {
				if entry == sourcesPrefix+id {
					continue
				}
				label := t.s.msg.OtherProcedures
				if f, ok := t.s.eng.Catalog().Flow(entry); ok {
					label = f.Title
				}
				m.Buttons = append(m.Buttons, t.choice(label, entry))
			}
		}
		t.out = append(t.out, m)
	}
}
