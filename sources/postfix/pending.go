package postfix

import (
	"strings"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/internal/intern"
)

// maxPending bounds the queue ids remembered for expiry.
const maxPending = 100000

// pending remembers, per queue id, the recipients whose last result was a
// deferral. Memory is bounded by generations: each queue id carries the
// generation it was last touched in; when the current generation holds
// maxPending/2 queue ids, those not touched during it (they were last
// touched in the one before) are forgotten, counted in dropped, and a new
// generation starts. So at most maxPending queue ids are held, and one is
// forgotten only after a whole generation without news of it. Postfix's
// default maximal_queue_lifetime is five days, so on a busy relay the
// oldest deferred messages may be forgotten; their expiry then counts one
// recipient per message, the rule's minimum. One map, not one per
// generation: a sent recipient, the common case, costs one lookup.
type pending struct {
	m       map[string]*queued
	gen     uint32 // the current generation
	inGen   int    // queue ids whose generation is the current one
	dropped int64
	strs    intern.Table // interned strings that repeat across recipients
}

// held is what the memory keeps of a deferred recipient: its address, how
// long its message had been queued, and its last deferral: where it was
// logged, where it went and the reply, its text normalised (the expiry's
// signature is the normalised text anyway). Every string but the address
// is shared through an intern table. (Postfix logs no sending identity,
// and the MTA name is the parser's.)
type held struct {
	rcpt, host, domain, relay, relayIP string
	reply                              model.Reply
	age                                time.Duration
}

// compact returns what the memory keeps of a deferral. None of it shares
// memory with the log line: on a busy relay this is the difference
// between a few and a few hundred bytes per recipient.
func (p *pending) compact(ev *model.Event) held {
	r := ev.Reply
	r.Text, r.Enhanced, r.Command = p.strs.Of(model.Normalize(r.Text)), p.strs.Of(r.Enhanced), p.strs.Of(r.Command)
	return held{rcpt: strings.Clone(ev.Recipient), host: p.strs.Of(ev.Host), domain: p.strs.Of(ev.Domain),
		relay: p.strs.Of(ev.Relay), relayIP: p.strs.Of(ev.RelayIP), reply: r, age: ev.Age}
}

// event is the Expired event of a held recipient, logged by mta.
func (h *held) event(mta, qid string) model.Event {
	return model.Event{Outcome: model.Expired, MTA: mta, Host: h.host, QueueID: qid, Recipient: h.rcpt, Domain: h.domain,
		Relay: h.relay, RelayIP: h.relayIP, Reply: h.reply, Signature: h.reply.Text, Age: h.age}
}

// queued is what the memory holds of one queue id. The map values are
// pointers so that updating one never stores the caller's queue id: Go
// replaces a map's string key on every assignment, and the caller's may be
// a piece of a read buffer about to be reused (Parser.Borrow).
type queued struct {
	qid string // a copy: the key it is stored under
	rs  []held
	gen uint32
}

// touch moves q (new, or held) into the current generation, starting a
// new generation first when the current one is full.
func (p *pending) touch(q *queued, isNew bool) {
	if !isNew && q.gen == p.gen {
		return
	}
	if p.inGen >= maxPending/2 {
		for k, o := range p.m {
			if o.gen != p.gen && o != q {
				p.dropped += int64(len(o.rs))
				delete(p.m, k)
			}
		}
		p.gen++
		p.inGen = 0
	}
	q.gen = p.gen
	p.inGen++
}

// remove forgets q.
func (p *pending) remove(q *queued) {
	delete(p.m, q.qid)
	if q.gen == p.gen {
		p.inGen--
	}
}

// defer_ records h (a deferral) as its recipient's latest state.
func (p *pending) defer_(qid string, h held) {
	q := p.m[qid]
	if q == nil {
		if p.m == nil {
			p.m = map[string]*queued{}
		}
		q = &queued{qid: strings.Clone(qid)}
		p.touch(q, true)
		p.m[q.qid] = q
	} else {
		p.touch(q, false)
	}
	for i := range q.rs {
		if q.rs[i].rcpt == h.rcpt {
			q.rs[i] = h
			return
		}
	}
	q.rs = append(q.rs, h)
}

// done forgets a recipient that was sent or bounced.
func (p *pending) done(qid, rcpt string) {
	q := p.m[qid]
	if q == nil {
		return
	}
	for i := range q.rs {
		if q.rs[i].rcpt == rcpt {
			q.rs = append(q.rs[:i], q.rs[i+1:]...)
			break
		}
	}
	if len(q.rs) == 0 {
		p.remove(q)
		return
	}
	p.touch(q, false)
}

// take returns and forgets the pending recipients of qid.
func (p *pending) take(qid string) []held {
	q := p.m[qid]
	if q == nil {
		return nil
	}
	p.remove(q)
	return q.rs
}

// forget drops a queue id that qmgr removed.
func (p *pending) forget(qid string) {
	if q := p.m[qid]; q != nil {
		p.remove(q)
	}
}
