package outbox

// ChatLimiters is the number of chat limiters kept.
func (o *Outbox) ChatLimiters() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.chats)
}

// MinSweep is the number of chat limiters below which none is dropped.
const MinSweep = minSweep
