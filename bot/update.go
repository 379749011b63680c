package bot

// Chat is where a message came from. ID is unique across channels: the
// channel's prefix and its own id, e.g. "tg:123456" or "zl:6ede…".
type Chat struct {
	ID string
	// Private is a one-to-one chat with the bot; otherwise a group, where
	// procedures are not run so that the group is not flooded.
	Private bool
}

// User is who sent the message.
type User struct {
	ID   string
	Name string
}

// Update is one thing a citizen did, as a channel adapter hands it over.
type Update struct {
	// ID is unique per channel ("tg:u:1234"), so a delivery seen twice is
	// handled once; empty for channels that never repeat (the terminal).
	ID   string
	Chat Chat
	From User
	// Text is what she typed; Data the data of the button she pressed.
	Text string
	Data string
	// ReplyTo is the text of the bot's message this one replies to, if any
	// (a volunteer answering a ticket's post in the group).
	ReplyTo string
}

// Reply is what the bot answers, in order.
type Reply struct {
	Messages []Message
}

// Message is one message of a reply. Channels with buttons show Buttons,
// then Nav, as buttons; channels without show Buttons as numbered lines
// (the citizen types the number) and Hint instead of Nav.
type Message struct {
	Text    string
	Buttons []Button
	Nav     []Button
	Hint    string
	// To, when set, sends the message to another chat than the update's
	// ("tg:-100123", the volunteers' group; a volunteer; the citizen).
	To string
}

// Button is one choice. Data is short (it fits Telegram's 64 bytes) and
// carries the conversation's turn, so a button of an old message cannot act
// twice. OpenChat marks instead a link that opens a private chat with the
// bot (used in groups), at the procedure OpenFlow when set; Data is empty.
type Button struct {
	Label    string
	Data     string
	OpenChat bool
	OpenFlow string
}
