package bot

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/motcua/motcua/flows"
)

//go:embed commune.yaml
var communeYAML []byte

// Commune is the commune's own information, from its configuration: what
// citizens ask of the one-stop desk itself.
type Commune struct {
	Name       string   `yaml:"name"`
	Address    string   `yaml:"address"`
	Hours      string   `yaml:"hours"`
	Phone      string   `yaml:"phone"`
	Volunteers string   `yaml:"volunteers"`
	Notices    []string `yaml:"notices"`
	// Updated is when staff last checked these values (dd/mm/yyyy).
	Updated string `yaml:"updated"`
	// Villages are the names of the commune's villages (thôn, buôn,
	// bản…), in the order citizens see them when they choose theirs.
	Villages []string `yaml:"villages"`
}

type communeTexts struct {
	Source    string `yaml:"source"`
	CardTitle string `yaml:"card_title"`
	Entries   []struct {
		ID       string   `yaml:"id"`
		Needs    []string `yaml:"needs"`
		Question string   `yaml:"question"`
		Answer   string   `yaml:"answer"`
	} `yaml:"entries"`
}

func loadCommuneTexts() (communeTexts, error) {
	var ct communeTexts
	dec := yaml.NewDecoder(bytes.NewReader(communeYAML))
	dec.KnownFields(true)
	if err := dec.Decode(&ct); err != nil {
		return ct, fmt.Errorf("decode commune.yaml: %w", err)
	}
	return ct, nil
}

// values are the commune's fields by the names the texts use.
func (c Commune) values() map[string]string {
	notices := make([]string, len(c.Notices))
	for i, n := range c.Notices {
		notices[i] = "• " + n
	}
	return map[string]string{
		"name": c.Name, "address": c.Address, "hours": c.Hours, "phone": c.Phone,
		"volunteers": c.Volunteers, "notices": strings.Join(notices, "\n"),
	}
}

func (c Commune) fill(text string) string {
	var kv []string
	for k, v := range c.values() {
		kv = append(kv, k, v)
	}
	return flows.Fill(text, kv...)
}

// FAQ turns the commune's information into answers, one for each value
// that is set. They answer the intents of their ids (procedures/intents:
// "ủy ban làm việc mấy giờ" is xa-gio-lam-viec), and /xa shows them all;
// they are not searched themselves. Without a name there are none.
func (c Commune) FAQ() ([]*flows.FAQ, error) {
	if strings.TrimSpace(c.Name) == "" {
		return nil, nil
	}
	ct, err := loadCommuneTexts()
	if err != nil {
		return nil, err
	}
	vals := c.values()
	var out []*flows.FAQ
	for _, e := range ct.Entries {
		set := true
		for _, n := range e.Needs {
			if strings.TrimSpace(vals[n]) == "" {
				set = false
			}
		}
		if !set {
			continue
		}
		out = append(out, &flows.FAQ{
			ID:       e.ID,
			Question: e.Question,
			Answer:   c.fill(e.Answer),
			Sources:  []flows.Source{{Title: c.fill(ct.Source), Checked: c.Updated}},
			File:     "config.yaml (commune)",
		})
	}
	return out, nil
}

// communeRoom is the commune's desk as the bot shows it: /xa, the
// commune's own information from its configuration, and /trogiup, the
// help (staff read their commands after everyone's). It keeps nothing in
// the conversation.
type communeRoom struct{}

// communePrefix starts the ids of the questions made from the commune's
// configuration (bot/commune.yaml).
const communePrefix = "xa-"

func (communeRoom) register(r *router) {
	c := communeRoom{}
	r.command(func(t *turn, _ string) { c.card(t) }, "xa")
	r.command(c.help, "trogiup", "help")
	r.help = append(r.help, func(t *turn) string { return t.s.msg.HelpCommune })
	r.actor(effectStaffHelp, community, false)
	r.quiet[effectStaffHelp] = true
}

// card shows everything the commune's configuration tells (communeCard).
func (communeRoom) card(t *turn) {
	text := communeCard(t.s.eng.Catalog())
	if text == "" {
		// Nothing set: where to ask a person all the same.
		text = t.contacts()
	}
	t.say(text)
}

// communeCard is everything the commune's configuration tells: its
// questions (ids "xa-…") answered one after the other; "" when it set
// nothing.
func communeCard(cat *flows.Catalog) string {
	var parts []string
	for _, q := range cat.FAQs() {
		if strings.HasPrefix(q.ID, communePrefix) {
			parts = append(parts, q.Answer)
		}
	}
	return strings.Join(parts, "\n\n")
}

func (communeRoom) help(t *turn, _ string) {
	t.say(t.s.router.helpText(t))
	if t.s.com != nil {
		// Staff read their own commands after everyone's.
		t.act(effectStaffHelp, map[string]string{"user": t.user()})
	}
}
