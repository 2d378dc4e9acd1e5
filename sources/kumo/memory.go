package kumo

import "github.com/relaytop/relaytop/model"

// maxRemembered bounds the recipients whose last transient failure is
// remembered for their expiry.
const maxRemembered = 200000

// lastTry is what an expiry takes from the recipient's last transient
// failure.
type lastTry struct {
	relay, relayIP, identity string
	reply                    model.Reply
}

// memory remembers, per message id and recipient, the last transient
// failure. It is bounded by generations: when the current map holds
// maxRemembered/2 entries it becomes the old one and a new map starts;
// entries still in the old map when it is replaced again have not been
// touched for a whole generation and are forgotten (counted in dropped).
// KumoMTA's default max_age is a week, so on a busy node the oldest
// deferred recipients may be forgotten; their expiry then carries no
// relay, only the recipient's domain.
type memory struct {
	cur, old map[string]lastTry
	dropped  int64
}

func (m *memory) put(key string, t lastTry) {
	if m.cur == nil {
		m.cur = map[string]lastTry{}
	}
	if _, ok := m.cur[key]; !ok {
		delete(m.old, key)
		if len(m.cur) >= maxRemembered/2 {
			m.dropped += int64(len(m.old))
			m.old, m.cur = m.cur, map[string]lastTry{}
		}
	}
	m.cur[key] = t
}

// take returns and forgets the entry of key.
func (m *memory) take(key string) (lastTry, bool) {
	if t, ok := m.cur[key]; ok {
		delete(m.cur, key)
		return t, true
	}
	if t, ok := m.old[key]; ok {
		delete(m.old, key)
		return t, true
	}
	return lastTry{}, false
}

// forget drops key: the recipient was delivered or bounced.
func (m *memory) forget(key string) {
	delete(m.cur, key)
	delete(m.old, key)
}

// len returns the number of remembered recipients.
func (m *memory) len() int { return len(m.cur) + len(m.old) }
