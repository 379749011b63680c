package bot

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/motcua/motcua/flows"
)

// conversation is what the bot keeps about one chat between two messages.
type conversation struct {
	// Turn counts the messages with buttons the bot sent; a button carries
	// the turn it was sent at and is stale once the turn moved on.
	Turn int `json:"n"`
	// Flow is the procedure under way, if any.
	Flow *flows.State `json:"s,omitempty"`
	// Ended is the procedure that ended last, at its end: its details and
	// sources are still offered, and "sửa lại" reopens its last question.
	Ended *flows.State `json:"e,omitempty"`
	// Menu lists the entries last offered as numbered choices, so that a
	// typed "2" acts as the second button: a procedure id, or "" for the
	// list of all procedures.
	Menu []string `json:"m,omitempty"`
	// Pending is a question of the bot's own awaiting an answer.
	Pending string `json:"p,omitempty"`
	// Kept is what outlives a procedure — the ticks of a tasks list — by
	// "flow/name", so the next time starts where she left off.
	Kept map[string]string `json:"k,omitempty"`
	// Ticket is her question to the volunteers under way: her free text
	// goes to it.
	Ticket string `json:"q,omitempty"`
	// Serving is the ticket a volunteer holds: her free text answers it.
	Serving string `json:"sv,omitempty"`
	// Question is what she typed to ask, awaiting her confirmation.
	Question string `json:"qt,omitempty"`
	// Day is the day (yyyy-mm-dd) she was last recorded as seen.
	Day string `json:"d,omitempty"`
	// VillageAsked is set once the bot asked her village.
	VillageAsked bool `json:"va,omitempty"`
	// Draft is a notice staff are writing.
	Draft *draft `json:"nd,omitempty"`
}

// Pending questions.
const pendingErase = "erase"

func decodeConversation(data []byte) (conversation, error) {
	var c conversation
	if len(data) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return conversation{}, fmt.Errorf("decode conversation: %w", err)
	}
	return c, nil
}

func (c conversation) encode() ([]byte, error) {
	if c.Flow == nil && c.Ended == nil && c.Menu == nil && c.Pending == "" && c.Turn == 0 && c.Kept == nil && c.Ticket == "" && c.Serving == "" && c.Question == "" && c.Day == "" && !c.VillageAsked && c.Draft == nil {
		return nil, nil
	}
	return json.Marshal(c)
}

// Button actions, the second field of button data.
const (
	actChoice = "c" // a choice of the procedure's question: c:<choice id>
	actBack   = "b"
	actCancel = "x"
	actMenu   = "m" // an entry of the menu: m:<position>
	actAsk    = "h" // ask a volunteer
	actErase  = "e" // confirm /xoadulieu
	actKeep   = "k" // do not erase
)

// action is a pressed button, decoded.
type action struct {
	turn int
	kind string
	arg  string
}

func buttonData(turn int, kind, arg string) string {
	d := strconv.Itoa(turn) + ":" + kind
	if arg != "" {
		d += ":" + arg
	}
	return d
}

func parseAction(data string) (action, bool) {
	parts := strings.SplitN(data, ":", 3)
	if len(parts) < 2 {
		return action{}, false
	}
	turn, err := strconv.Atoi(parts[0])
	if err != nil {
		return action{}, false
	}
	a := action{turn: turn, kind: parts[1]}
	if len(parts) == 3 {
		a.arg = parts[2]
	}
	return a, true
}
