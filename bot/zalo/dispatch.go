package zalo

// queueLen is each worker's queue: a burst of updates waits there rather
// than holding the webhook's answer or the next poll.
const queueLen = 256

// chatOf is the chat an update belongs to, the key the dispatcher orders
// updates by.
func chatOf(u update) string {
	if u.Message == nil {
		return ""
	}
	return u.Message.Chat.ID
}
