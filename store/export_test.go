package store

// Len reports how many conversations and remembered update ids m holds,
// expired or not, so tests can see that the sweep frees memory.
func (m *Memory) Len() (convs, updates int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.convs), len(m.seen)
}
