package bot

import (
	"encoding/json"
	"fmt"

	"github.com/motcua/motcua/flows"
)

// kept is a reply saved with the update it answers, until it is
// delivered (see Service.Handle and store.Change.Reply): the messages
// still to send and, until they are carried out, the turn's actions, whose
// messages join the reply when they are.
type kept struct {
	Messages []Message      `json:"m,omitempty"`
	Effects  []flows.Effect `json:"e,omitempty"`
}

func encodeKept(k kept) ([]byte, error) {
	b, err := json.Marshal(k)
	if err != nil {
		return nil, fmt.Errorf("encode a reply to keep: %w", err)
	}
	return b, nil
}

func decodeKept(b []byte) (kept, error) {
	var k kept
	if err := json.Unmarshal(b, &k); err != nil {
		return kept{}, fmt.Errorf("decode a kept reply: %w", err)
	}
	return k, nil
}
