// Package bot is motcua's service, the same for every channel: it turns an
// Update (a citizen's text or button press, from a private chat or a
// village group) into a Reply, and keeps the conversation in a store.
//
// # One update
//
// Service.Handle reads what the rooms need read before the update (their
// prereads: the reminders /nhacnho lists, whether /thongbao's author is
// staff), then runs the turn — the router sends the update to the room
// that answers it — and commits the conversation with the update's id and
// the reply in one atomic step (store.UpdateSnapshot). The turn does no
// I/O and may run again when another writer got there first; what must
// happen once (set a reminder, post a question, queue a notice) is an
// effect, carried out after the commit by the actor its room declared.
// The reply is kept until the channel says it was delivered
// (Service.Delivered), so that a redelivery sends what did not get
// through, not a new reply.
//
// # Rooms
//
// Each feature is a room: one file with its code, what it answers (its
// register method) and its part of the conversation.
//
//	room                 file          commands and what else it takes
//	procedures           procedures.go /start, /thutuc, /huy, /quaylai; a procedure's
//	                                   buttons and questions; the list of procedures;
//	                                   short answers (FAQ); what is typed outside a
//	                                   procedure (understand.go); the end's details
//	                                   and sources (ended.go, sources.go); groups' short
//	                                   answers
//	commune              commune.go    /xa, /trogiup
//	reminders            remind.go     /nhacnho, "nhắc nhở"; the reminders' buttons
//	                                   (r:…), a renewed card's date
//	volunteers           ask.go        /hoi, /moi, /thamgia, /phieu; 🙋; tickets'
//	                                   buttons (t:…); the volunteers' group (✋ Nhận,
//	                                   /nhan, replies to a post); relaying
//	villages             village.go    /thon, /tatthongbao, /batthongbao; the village
//	                                   question; a chat's events; her visit of the day
//	notices (staff)      notice.go     /thongbao, /dsthongbao, /huythongbao; the
//	                                   progress message's ⏹ (nt:…)
//	figures (staff)      figures.go    /thongke
//	erase                erase.go      /xoadulieu
//
// The stores' side of a room — what its effects do — is beside it:
// Reminders (reminders.go), Volunteers (volunteers.go), Community
// (community.go, with the notices' and figures' parts in notice.go and
// figures.go).
//
// # The router
//
// A room declares what it takes; the router (router.go) alone decides the
// order, in router.handle: an event, a group chat, a button (a thing's by
// its kind, else the turn's), a photo for the question that takes one, a
// command or words that act as one, a typed number, the question the bot
// asked last, something open that takes free text (a question to a
// person), "hủy"/"quay lại", then anything else — the procedure under
// way, or the message understood. Where several rooms could take the same
// thing, they are asked in the order of the rooms list (service.go).
//
// A typed number belongs to the last numbered list shown, whichever room
// showed it: every message that asks something decides what a number
// means — a list makes numbers its lines (conversation.Menu, whose entries
// the router gives to the room that owns their prefix), a question
// without one (a procedure's, or a room's turn.wait) makes them its
// answer. Messages sent unasked that offer choices (a reminder, a ticket's
// news) become that list too (offerChoices), which is how they are
// answered on Zalo, where there are no buttons.
//
// What was taken from bot frameworks, and left: grammY's composers and
// filter queries — handlers declared per feature, matched by what an
// update carries — became the rooms' declarations; its middleware order
// (the first that handles wins) is the router's, but in one written table
// rather than the order files happen to register in. telebot's handler
// groups by endpoint became the command, button-prefix and entry tables.
// Rasa's policies with priorities became the fixed precedence (a
// question waiting beats free text; the procedure under way beats
// understanding). Left out: middleware chains, dynamic registration, and
// any scoring between rooms — a small bot is easier to read with a table.
//
// # Reading order
//
// For a newcomer: update.go (what comes in and goes out), router.go (the
// order), turn.go (what a room can do in a turn), conversation.go (what is
// kept), service.go (Handle, Delivered, effects), then a room — remind.go
// is short and complete — then procedures.go and understand.go.
//
// Buttons carry the conversation's turn, so a button of an old message
// answers that the question has moved on; channels without buttons show
// them as numbered lines. In groups the bot only answers briefly and
// invites a private chat.
//
// The bot's words live in messages.yaml, commune.yaml and community.yaml,
// never in Go.
package bot
