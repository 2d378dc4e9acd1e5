// Package kumo turns KumoMTA log records into delivery events, and opens
// the zstd-compressed log segments KumoMTA writes.
//
// KumoMTA logs one JSON object per line (its JsonLogRecord: type, id,
// sender, recipient, queue, site, response{code, enhanced_code, content,
// command}, peer_address{name, addr}, timestamp in UNIX seconds,
// egress_pool, egress_source, ...). Local logs are written as segment
// files named after the time the segment started ("20261127-214000",
// with an optional per-record suffix: "20261127-214000_recv"), each one
// zstd stream; Open reads one transparently, plain JSON lines too.
//
// Counting follows relaytop's rules: a Delivery record is one sent
// attempt, a TransientFailure one deferred attempt, a Bounce one bounced
// attempt, and an Expiration one expired recipient. Every other record
// type (Reception, Rejection, Feedback, OOB, AdminBounce, AdminRebind,
// Delay, and types this package does not know) is noise: read, counted
// apart, no events. A line that is not a complete JSON object, such as a
// record cut off mid-line, or one without a type, is unparsed; unknown
// keys are ignored.
//
// Relay is the MX host the record names: peer_address.name when it has
// one, else the host pattern of the site ("source2->(alt1|alt2)?.gmail-
// smtp-in.l.google.com." gives "gmail-smtp-in.l.google.com"). An
// Expiration record names no peer; like Postfix's expiries it carries the
// relay, address, identity and reply of the recipient's last transient
// failure when the parser saw one (the memory is bounded, see
// maxRemembered). Event.Identity is the egress source by default
// (egress_source, else egress_pool); the Identity field selects the pool
// or the source IP instead. Event.MTA is "kumo", QueueID the spool id.
package kumo

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/line"
)

// IdentityKey chooses what fills Event.Identity.
type IdentityKey uint8

// The identities a KumoMTA record can give. Each falls back to the next
// in its list when the record has no value for it.
const (
	Source   IdentityKey = iota // egress_source, else egress_pool
	Pool                        // egress_pool, else egress_source
	SourceIP                    // source_address.address without the port, else egress_source, else egress_pool
)

// Parser reads KumoMTA JSON log lines. It remembers each recipient's last
// transient failure for its expiry, so it is not safe for concurrent use:
// give each log stream its own.
type Parser struct {
	// MTA is the name put in events (default "kumo").
	MTA string
	// Identity chooses what Event.Identity holds (default Source).
	Identity IdentityKey

	mem   memory
	key   []byte        // memKey's
	codes enhancedCodes // the enhanced codes' strings
	// The objects of the record the fast decoder fills in for event: a
	// record's pointers to locals would move them to the heap.
	ec enhancedCode
	pa peerAddress
	sa sourceAddress
}

// New returns a parser.
func New() *Parser { return &Parser{MTA: "kumo"} }

// Forgotten counts transient failures forgotten to bound memory; an expiry
// of such a recipient carries no relay.
func (p *Parser) Forgotten() int64 { return p.mem.dropped }

// Parse reads one line (without its newline), appends the event it holds
// to out and says what kind of line it was: Blank, Result for Delivery,
// TransientFailure, Bounce and Expiration records, Noise for the other
// record types, Unparsed for a line that is not a JSON object with a type,
// or a result without a readable timestamp.
//
// A line is read by a hand-written decoder (decodeFast) that gives what
// encoding/json gives, without its allocations; the few lines it cannot
// be sure of (a repeated or escaped key of a field, deep nesting) are
// decoded by encoding/json (parseJSON).
func (p *Parser) Parse(raw []byte, out []model.Event) ([]model.Event, line.Kind) {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 {
		return out, line.Blank
	}
	if b[0] != '{' {
		return out, line.Unparsed
	}
	var f fastRecord
	switch decodeFast(b, &f) {
	case fastSyntax:
		return out, line.Unparsed
	case fastFallback:
		return p.parseJSON(raw, b, out)
	}
	typ := b[f.typ.lo:f.typ.hi] // invalid UTF-8 would be replaced: no type either
	if f.typ.esc {
		typ = appendUnquoted(nil, typ)
	}
	outcome := kindOf(typ)
	switch outcome {
	case unparsed:
		return out, line.Unparsed
	case noise:
		return out, line.Noise
	}
	// A result: its strings are pieces of the event's copy of the line.
	s := string(raw)
	var bs string // s's piece that is b
	if off := cap(raw) - cap(b); off >= 0 && off+len(b) <= len(raw) && &raw[off] == &b[0] {
		bs = s[off : off+len(b)]
	} else {
		bs = string(b) // not reached: TrimSpace returns a piece of raw
	}
	var r record
	f.fill(&r, b, bs)
	if f.enhanced {
		p.ec = enhancedCode{Class: f.class, Subject: f.subject, Detail: f.detail}
		r.Response.EnhancedCode = &p.ec
	}
	if f.peer {
		p.pa = peerAddress{Name: f.peerName.text(b, bs), Addr: f.peerAddr.text(b, bs)}
		r.PeerAddress = &p.pa
	}
	if f.source {
		p.sa = sourceAddress{Address: f.sourceAddr.text(b, bs)}
		r.SourceAddress = &p.sa
	}
	ev, ok := p.event(&r, outcome)
	p.pa, p.sa = peerAddress{}, sourceAddress{} // keep no piece of the line
	if !ok {
		return out, line.Unparsed
	}
	ev.Raw = s
	return append(out, ev), line.Result
}

// Not outcomes: what kindOf says of a record type that is none.
const (
	unparsed model.Outcome = 100 + iota
	noise
)

// kindOf returns the outcome of a record type, unparsed for none (""),
// noise for the types that are no result.
func kindOf(t []byte) model.Outcome {
	switch string(t) {
	case "":
		return unparsed
	case "Delivery":
		return model.Sent
	case "TransientFailure":
		return model.Deferred
	case "Bounce":
		return model.Bounced
	case "Expiration":
		return model.Expired
	}
	return noise
}

// parseJSON is Parse by encoding/json, for the lines the fast decoder
// leaves to it (see decodeFast).
func (p *Parser) parseJSON(raw, b []byte, out []model.Event) ([]model.Event, line.Kind) {
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		// A value of an unexpected type (a future version's) leaves the
		// other fields read; a syntax error (a cut line) does not.
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return out, line.Unparsed
		}
	}
	var outcome model.Outcome
	switch r.Type {
	case "":
		return out, line.Unparsed
	case "Delivery":
		outcome = model.Sent
	case "TransientFailure":
		outcome = model.Deferred
	case "Bounce":
		outcome = model.Bounced
	case "Expiration":
		outcome = model.Expired
	default:
		return out, line.Noise
	}
	ev, ok := p.event(&r, outcome)
	if !ok {
		return out, line.Unparsed
	}
	ev.Raw = string(raw)
	return append(out, ev), line.Result
}

func (p *Parser) mta() string {
	if p.MTA == "" {
		return "kumo"
	}
	return p.MTA
}

var _ line.Parser = (*Parser)(nil)
