// Package flows reads procedures written in YAML, checks them, and walks a
// citizen through one, a step at a time.
//
// A procedure (a Flow) is a list of steps: messages (say), questions with
// choices (ask), typed answers checked by a validator (input), lists of
// papers (checklist), values worked out from earlier answers (compute),
// branches on earlier answers (branch), and an end. procedures/README.md
// describes the format for the officers who write it.
//
// The package is pure: Engine.Step takes a State and an Input (with the
// time) and returns the next State and the messages to send. It does no I/O,
// so every procedure can be tested by transcript, without Redis or a
// network, and the same engine serves every channel.
//
// Loading is strict and complete: Parse reports every unknown field, wrong
// type, missing target, unreachable step, loop that never waits for the
// citizen, and condition on an answer no earlier step sets, each with its
// file, line and field, so an officer fixes a file in one pass.
//
// A State records the content hash of its flow. When a procedure file
// changes under a conversation, the conversation continues at the same
// question if it still exists, and otherwise starts the procedure again,
// saying why. Going back replays the answers kept so far, so computed
// values and skipped steps come out as if the citizen had never answered
// the question she goes back to.
//
// A procedure ends with a message that fits a phone's screen; its end may
// list details (Step.Details) that Step shows, with the sources, a page of
// at most MaxPage characters at a time when asked (Ending, ShowDetails,
// ShowSources). The state stays at the end, so going back there reopens
// the last question. Again asks a state's pending question once more.
//
// An answer that is allowed but unlikely (InputSpec.LikelyMin, LikelyMax:
// a birth a century ago) is not taken silently: the engine asks to confirm
// it first.
//
// What citizens type is matched without regard to diacritics, case or
// spacing (Normalize): "dang ky khai sinh" finds "Đăng ký khai sinh";
// full-width digits ("１") read as digits.
//
// Catalog.Understand reads a typed message whole and tells its Class: a
// procedure or a question (FAQ) to offer, or an Intent (procedures/intents:
// the commune's own questions, asking for a person, greetings and thanks,
// what the bot does not guide), or text that asks nothing (a date, a
// number, markup, another language — told by their shape, before any
// scoring). Scoring is hand-written and explainable (Explain): the words
// of the message, normalised, abbreviations expanded ("ko", "sđt"),
// variants made one ("khai sanh", "bảo hiểm y tế" = "bhyt"), synonyms
// folded onto the keywords' words (procedures/words: "từ trần" = "mất"),
// typos
// corrected against the words the catalogue holds (telex keys left in, one
// letter off through an index of deletions, two words glued), each earn for
// each entry the best of the ways the entry holds them — in a title,
// keyword or example found whole and in order (or with one word of the
// message inside it: "ai đi làm giấy khai sinh" holds "ai đi khai sinh"),
// next to a word they neighbour there, alone in a field — times their idf
// among the entries, so
// that distinctive words outweigh frequent ones; an entry's negative
// keywords cut its score. The clause that asks counts whole and the context
// before it less (focus.go); "bao nhiêu", "bao lâu" count half and a number
// alone nothing, being no topic. A greeting or thanks wins only a message
// that says nothing else, or one that then only says what she will do
// (social.go); a best entry that holds little of the message and scores
// little is not offered. Catalog.Evaluate runs an evaluation set through
// Understand, which is what `motcua eval` reports and CI gates on.
package flows
