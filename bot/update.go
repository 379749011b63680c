package bot

import "errors"

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
	// Photo is a picture she sent (Text is then its caption): staff add
	// one to a notice.
	Photo *Photo
	// Event, when set, is something that happened to the chat rather than
	// a message: the bot joined or left a group, or a group moved to a new
	// id (MovedTo).
	Event   string
	MovedTo string
}

// Events of a chat, Update.Event.
const (
	EventJoined = "joined" // the bot was added to a group
	EventLeft   = "left"   // the bot left or was removed from a group
	EventMoved  = "moved"  // the group has a new id (a Telegram supergroup)
)

// Photo is a picture: one a person sent, or one sent with a message, whose
// Text is then the caption. One of its fields is set.
type Photo struct {
	// ID is a channel's own id of a picture it holds, with the channel's
	// prefix ("tg:AgACAgIAAxk…"): it can be sent again on that channel
	// only.
	ID string `json:"id,omitempty"`
	// URL is a picture on the web: Zalo sends and receives pictures by URL
	// only.
	URL string `json:"u,omitempty"`
	// PNG is a picture the bot drew (the figures' chart).
	PNG []byte `json:"png,omitempty"`
}

// Reply is what the bot answers, in order.
type Reply struct {
	Messages []Message
	// kept is set when the reply is saved with its update until Delivered
	// says it got through.
	kept bool
}

// Message is one message of a reply. Channels with buttons show Buttons,
// then Nav, as buttons; channels without show Buttons as numbered lines
// (the citizen types the number) and Hint instead of Nav.
type Message struct {
	Text    string   `json:"t,omitempty"`
	Buttons []Button `json:"b,omitempty"`
	Nav     []Button `json:"n,omitempty"`
	Hint    string   `json:"h,omitempty"`
	// To, when set, sends the message to another chat than the update's
	// ("tg:-100123", the volunteers' group; a volunteer; the citizen).
	To string `json:"to,omitempty"`
	// Photo, when set, is sent with the message, Text as its caption. A
	// channel that cannot send this kind of picture sends the text alone.
	Photo *Photo `json:"p,omitempty"`
}

// ErrCannotEdit is returned by a channel that cannot change a message it
// sent (Zalo): the caller sends a new one, or nothing.
var ErrCannotEdit = errors.New("bot: this channel cannot edit a message")

// Button is one choice. Data is short (it fits Telegram's 64 bytes) and
// carries the conversation's turn, so a button of an old message cannot act
// twice. OpenChat marks instead a link that opens a private chat with the
// bot (used in groups), at the procedure OpenFlow when set; Data is empty.
type Button struct {
	Label    string `json:"l"`
	Data     string `json:"d,omitempty"`
	OpenChat bool   `json:"o,omitempty"`
	OpenFlow string `json:"f,omitempty"`
}
