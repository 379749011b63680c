package bot_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/motcua/motcua/store"
)

// recordBeforeRooms is a conversation as the bot wrote it before its
// features became rooms (commit 102a8ab): mid-procedure ("s", printed by
// that code after "/start thu" and "1"), with a list shown ("m"), ticks
// kept ("k"), a question to the volunteers under way ("q"), her day ("d")
// and her village asked ("va").
const recordBeforeRooms = `{"n":2,"s":{"f":"thu","h":"4d377fef","s":"ngay_sinh","v":{"ai":"cha_me"},"t":["ai"],"t0":1795399200,"t1":1795399200},` +
	`"m":["thu"],"k":{"thu/x":"1"},"q":"7KQ2M4XA","d":"2026-11-23","va":true}`

// TestRecordBeforeRoomsReads: a record written before the rooms is read
// by them — the procedure goes on at its step — and written back with
// every part it had, under the same keys.
func TestRecordBeforeRoomsReads(t *testing.T) {
	ctx := context.Background()
	st := store.NewMemory(store.Options{Now: now})
	if err := st.Commit(ctx, "tg:1", "", 0, store.Change{Data: []byte(recordBeforeRooms)}); err != nil {
		t.Fatal(err)
	}
	c := newChat(t, newService(t, st))
	contains(t, c.say("10/11/2026"), "Hạn là 09/01/2027 (còn 47 ngày).", "Nhà có mấy người?")
	snap, err := st.Load(ctx, "tg:1", "")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(snap.Data, &got); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"k": `{"thu/x":"1"}`, "q": `"7KQ2M4XA"`, "d": `"2026-11-23"`, "va": "true"} {
		if string(got[key]) != want {
			t.Errorf("after an update the record's %q is %s, want %s (kept as it was)", key, got[key], want)
		}
	}
	if _, ok := got["s"]; !ok {
		t.Errorf("the procedure under way was lost: %s", snap.Data)
	}
}
