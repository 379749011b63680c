// Package bot is motcua's service, the same for every channel: it turns an
// Update (a citizen's text or button press, from a private chat or a
// village group) into a Reply, and keeps the conversation in a store.
//
// Handle loads the conversation, runs the turn — commands (/start,
// /thutuc, /huy, /quaylai, /trogiup, /xa, /nhacnho, /xoadulieu), typed
// words ("hủy", "quay lại"), a typed number or a button, a procedure's
// step (flows.Engine), a search of procedures and questions — and commits
// the conversation with the update's id in one atomic step
// (store.UpdateSnapshot), so a repeated delivery is answered once and two
// replicas never lose an update. The turn does no I/O and may run again
// when another writer got there first; what must happen once (set a
// reminder, erase data) is an effect carried out after the commit.
//
// Buttons carry the conversation's turn, so a button of an old message
// answers that the question has moved on; channels without buttons show
// them as numbered lines, and the numbers typed work the same. In groups
// the bot only answers briefly and invites a private chat.
//
// When a procedure ends, the conversation keeps it at its end: the closing
// line offers its details and its sources a page at a time ("📄 Xem chi
// tiết", "📚 Nguồn", numbered like every choice), and "sửa lại" or "quay
// lại" reopens the last question. A question's answer offers its sources
// the same way. Resume opens a chat on a kept conversation (the terminal
// at start): a greeting and the pending question again.
//
// The bot's words live in messages.yaml and commune.yaml, never in Go.
package bot
