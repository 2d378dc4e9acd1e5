package exim

import "github.com/relaytop/relaytop/model"

// maxPending bounds the messages remembered for expiry.
const maxPending = 200000

// pending remembers, per message id, the last deferral of each recipient
// not yet delivered or failed. Exim logs an expiry per recipient
// ("** a@b: retry timeout exceeded"), so counting needs no memory; this
// only lets the expiry carry the reply and host that kept the recipient
// queued. Memory is bounded by generations, as in the Postfix parser: when
// the current map holds maxPending/2 ids it becomes the old one, and
// whatever the old one still held is forgotten (counted in dropped).
type pending struct {
	cur, old map[string][]model.Event
	dropped  int64
}

func (p *pending) get(id string) []model.Event {
	if r, ok := p.cur[id]; ok {
		return r
	}
	if r, ok := p.old[id]; ok {
		delete(p.old, id)
		return r
	}
	return nil
}

func (p *pending) set(id string, r []model.Event) {
	if len(r) == 0 {
		delete(p.cur, id)
		return
	}
	if p.cur == nil {
		p.cur = map[string][]model.Event{}
	}
	if _, ok := p.cur[id]; !ok && len(p.cur) >= maxPending/2 {
		for _, rs := range p.old {
			p.dropped += int64(len(rs))
		}
		p.old, p.cur = p.cur, map[string][]model.Event{}
	}
	p.cur[id] = r
}

// put records ev (a deferral) as its recipient's latest state. The raw
// line is not kept.
func (p *pending) put(ev model.Event) {
	ev.Raw = ""
	r := p.get(ev.QueueID)
	for i := range r {
		if r[i].Recipient == ev.Recipient {
			r[i] = ev
			p.set(ev.QueueID, r)
			return
		}
	}
	p.set(ev.QueueID, append(r, ev))
}

// take returns and forgets the last deferral of a recipient.
func (p *pending) take(id, rcpt string) (model.Event, bool) {
	r := p.get(id)
	for i := range r {
		if r[i].Recipient == rcpt {
			ev := r[i]
			p.set(id, append(r[:i:i], r[i+1:]...))
			return ev, true
		}
	}
	if r != nil {
		p.set(id, r)
	}
	return model.Event{}, false
}

// done forgets a recipient that was delivered or failed.
func (p *pending) done(id, rcpt string) {
	if p.cur[id] == nil && p.old[id] == nil {
		return
	}
	p.take(id, rcpt)
}

// forget drops a message Exim logged as Completed.
func (p *pending) forget(id string) {
	delete(p.cur, id)
	delete(p.old, id)
}
