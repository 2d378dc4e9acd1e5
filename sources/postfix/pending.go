package postfix

import (
	"strings"

	"github.com/relaytop/relaytop/model"
)

// maxPending bounds the queue ids remembered for expiry.
const maxPending = 100000

// pending remembers, per queue id, the recipients whose last result was a
// deferral. Memory is bounded by generations: when the current map holds
// maxPending/2 queue ids it becomes the old one and a new map starts; what
// is still in the old map when it is replaced again has not been touched
// for a whole generation and is forgotten (counted in dropped). Postfix's
// default maximal_queue_lifetime is five days, so on a busy relay the
// oldest deferred messages may be forgotten; their expiry then counts one
// recipient per message, the rule's minimum.
type pending struct {
	cur, old map[string][]model.Event
	dropped  int64
	strs     map[string]string // interned strings that repeat across recipients
}

// maxInterned bounds the interned strings; when full the table restarts.
const maxInterned = 8192

// compact returns what the memory keeps of a deferral: its own recipient
// and queue id, its reply text normalised (the expiry's signature is the
// normalised text anyway), and every string that repeats across
// recipients (domain, relay, host, texts) shared through an intern table.
// None of it shares memory with the log line. On a busy relay this is
// the difference between a few and a few hundred bytes per recipient.
func (p *pending) compact(ev model.Event) model.Event {
	ev.Raw = ""
	ev.Reply.Text = p.intern(model.Normalize(ev.Reply.Text))
	ev.MTA, ev.Host, ev.Domain = p.intern(ev.MTA), p.intern(ev.Host), p.intern(ev.Domain)
	ev.Relay, ev.RelayIP, ev.Identity = p.intern(ev.Relay), p.intern(ev.RelayIP), p.intern(ev.Identity)
	ev.Reply.Enhanced, ev.Reply.Command = p.intern(ev.Reply.Enhanced), p.intern(ev.Reply.Command)
	ev.Recipient, ev.QueueID = strings.Clone(ev.Recipient), strings.Clone(ev.QueueID)
	return ev
}

func (p *pending) intern(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := p.strs[s]; ok {
		return v
	}
	if p.strs == nil || len(p.strs) >= maxInterned {
		p.strs = map[string]string{}
	}
	s = strings.Clone(s)
	p.strs[s] = s
	return s
}

func (p *pending) get(qid string) ([]model.Event, bool) {
	if r, ok := p.cur[qid]; ok {
		return r, true
	}
	if r, ok := p.old[qid]; ok {
		delete(p.old, qid)
		return r, true
	}
	return nil, false
}

func (p *pending) put(qid string, r []model.Event) {
	if p.cur == nil {
		p.cur = map[string][]model.Event{}
	}
	if _, ok := p.cur[qid]; !ok && len(p.cur) >= maxPending/2 {
		for _, rs := range p.old {
			p.dropped += int64(len(rs))
		}
		p.old, p.cur = p.cur, map[string][]model.Event{}
	}
	p.cur[qid] = r
}

// defer_ records ev (a deferral) as its recipient's latest state.
func (p *pending) defer_(ev model.Event) {
	r, _ := p.get(ev.QueueID)
	for i := range r {
		if r[i].Recipient == ev.Recipient {
			r[i] = ev
			p.put(ev.QueueID, r)
			return
		}
	}
	p.put(ev.QueueID, append(r, ev))
}

// done forgets a recipient that was sent or bounced.
func (p *pending) done(qid, rcpt string) {
	r, ok := p.get(qid)
	if !ok {
		return
	}
	for i := range r {
		if r[i].Recipient == rcpt {
			r = append(r[:i], r[i+1:]...)
			break
		}
	}
	if len(r) == 0 {
		delete(p.cur, qid)
		return
	}
	p.put(qid, r)
}

// take returns and forgets the pending recipients of qid.
func (p *pending) take(qid string) []model.Event {
	r, _ := p.get(qid)
	delete(p.cur, qid)
	return r
}

// forget drops a queue id that qmgr removed.
func (p *pending) forget(qid string) {
	delete(p.cur, qid)
	delete(p.old, qid)
}
