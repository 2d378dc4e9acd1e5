package kumo

import (
	"strings"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/internal/intern"
)

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
	cur, old map[string]*lastTry // pointers: updating one stores no key
	dropped  int64
	strs     intern.Table // interned strings of the entries (compact)
}

// compact returns t with strings that share no memory with a log line:
// an event's strings may be pieces of a copy of its whole line, and the
// memory keeps one entry per deferred recipient. They are interned: the
// relays, identities and replies of deferrals repeat.
func (m *memory) compact(t lastTry) lastTry {
	t.relay, t.relayIP, t.identity = m.strs.Of(t.relay), m.strs.Of(t.relayIP), m.strs.Of(t.identity)
	t.reply.Enhanced, t.reply.Text, t.reply.Command = m.strs.Of(t.reply.Enhanced), m.strs.Of(t.reply.Text), m.strs.Of(t.reply.Command)
	return t
}

// put stores t under key, a copy of key if it is new (the caller's key
// may be a view of a buffer about to change).
func (m *memory) put(key string, t lastTry) {
	if e := m.cur[key]; e != nil {
		*e = t
		return
	}
	if m.cur == nil {
		m.cur = map[string]*lastTry{}
	}
	delete(m.old, key)
	if len(m.cur) >= maxRemembered/2 {
		m.dropped += int64(len(m.old))
		m.old, m.cur = m.cur, map[string]*lastTry{}
	}
	m.cur[strings.Clone(key)] = &t
}

// take returns and forgets the entry of key.
func (m *memory) take(key string) (lastTry, bool) {
	if t := m.cur[key]; t != nil {
		delete(m.cur, key)
		return *t, true
	}
	if t := m.old[key]; t != nil {
		delete(m.old, key)
		return *t, true
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
