package bot

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// conversation is what the bot keeps about one chat between two messages:
// what the router needs — the turn, the last numbered list, the question
// waiting for an answer — and each room's own part, embedded so that the
// record keeps the short keys it always had ("s", "q", "nd"…): a record
// written before the rooms reads the same.
type conversation struct {
	// Turn counts the messages with buttons the bot sent; a button carries
	// the turn it was sent at and is stale once the turn moved on.
	Turn int `json:"n"`
	// Menu lists what the lines of the last numbered list shown stand
	// for, so that a typed "2" acts as the second line: entries the
	// router gives to a room by their prefix (router.chose).
	Menu []string `json:"m,omitempty"`
	// Pending is the question a room asked, awaiting an answer:
	// "<kind>" or "<kind>:<arg>" (turn.wait).
	Pending string `json:"p,omitempty"`

	procState   // procedures: the one under way, ticks kept
	askState    // volunteers: her question, or the one he holds
	visitState  // villages: her day, whether her village was asked
	noticeState // staff notices: the draft
}

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

// encode is the record of c; nil when there is nothing to keep.
func (c conversation) encode() ([]byte, error) {
	if c.Turn == 0 && c.Menu == nil && c.Pending == "" && c.procState.empty() && c.askState.empty() && c.visitState.empty() && c.noticeState.empty() {
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
