// Package postfix turns Postfix syslog lines into delivery events.
//
// Counting follows relaytop's rules: each per-recipient result line
// ("QID: to=<...>, relay=..., dsn=..., status=sent|deferred|bounced (...)")
// is one attempt; a qmgr "status=expired" line expires every recipient of
// that queue id still pending after a deferral (at least one);
// address-verification results (deliverable, undeliverable) are probes and
// hops to a loopback relay are internal, both counted apart. Lines from
// other programs and Postfix lines without a result are noise; lines that
// are not syslog at all, or that look like a result but cannot be read,
// are unparsed.
package postfix

import (
	"bytes"
	"slices"
	"unsafe"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/line"
	"github.com/relaytop/relaytop/sources/syslog"
)

// LineKind is line.Kind, kept for readability in this package.
type LineKind = line.Kind

// The kinds of line, as line names them.
const (
	Blank    = line.Blank
	Unparsed = line.Unparsed
	Other    = line.Other
	Noise    = line.Noise
	Result   = line.Result
)

// Parser reads Postfix lines. It keeps, per queue id, the recipients whose
// last result was a deferral, so that a later expiry can be applied to
// them; that memory is bounded (see pending). A Parser is not safe for
// concurrent use: give each log stream its own.
type Parser struct {
	Syslog syslog.Parser
	// MTA is the name put in events (default "postfix").
	MTA     string
	pending pending

	// staged leaves the ordered work to EndChunk's function (see Stage);
	// ops is that work for the lines parsed since the last EndChunk.
	staged bool
	ops    []op
	// borrow lets events point into the lines given to Parse (see Borrow).
	borrow bool
}

// op is the part of a line's work that needs the lines before it: what the
// expiry memory learns from a result, an expiry, a removed queue id.
type op struct {
	kind opKind
	at   int    // index of the event in the caller's slice
	qid  string // opForget's queue id
}

type opKind uint8

const (
	opTrack  opKind = iota // remember or forget the recipient of events[at]
	opExpire               // events[at] is an expiry: give it the pending recipients
	opForget               // forget qid
)

// Stage splits the parser's work in two: from now on Parse does only what
// each line holds by itself, which is most of the cost, and EndChunk
// returns the rest (the expiry memory), to be run in line order. A report
// runs the two on different goroutines, one chunk apart.
func (p *Parser) Stage() { p.staged = true }

// Borrow lets the strings of the events Parse returns point into the line
// it was given instead of a copy of it, so that a result costs no
// allocation. The caller must then keep each line's bytes unchanged until
// it is done with the line's events, EndChunk's work included; the
// aggregator copies what it keeps. A report borrows: a copy of every
// result line was most of what it allocated.
func (p *Parser) Borrow() { p.borrow = true }

// str returns b as a string: b itself when borrowing, else a copy.
func (p *Parser) str(b []byte) string {
	if p.borrow && len(b) > 0 {
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	return string(b)
}

// EndChunk returns the ordered work of the lines parsed since the last
// call, as a function that completes their events: pass it the slice
// Parse appended them to (the same indices), and use what it returns.
// The functions must run in the order EndChunk returned them, on one
// goroutine at a time; Parse may run meanwhile.
func (p *Parser) EndChunk() func([]model.Event) []model.Event {
	ops := p.ops
	p.ops = make([]op, 0, cap(ops)) // ops now belongs to the function
	return func(evs []model.Event) []model.Event { return p.apply(evs, ops) }
}

// apply runs ops in order on evs. An expiry with more than one pending
// recipient becomes one event each, inserted where its line was.
func (p *Parser) apply(evs []model.Event, ops []op) []model.Event {
	shift := 0
	for _, o := range ops {
		i := o.at + shift
		switch o.kind {
		case opTrack:
			p.track(&evs[i])
		case opForget:
			p.pending.forget(o.qid)
		case opExpire:
			ev := &evs[i]
			rcpts := p.pending.take(ev.QueueID)
			if len(rcpts) == 0 {
				continue // the deferrals happened before the log began
			}
			more := make([]model.Event, len(rcpts)-1)
			for j := range rcpts {
				e := rcpts[j].event(ev.MTA, ev.QueueID)
				e.Time, e.Raw = ev.Time, ev.Raw
				if j == 0 {
					*ev = e
				} else {
					more[j-1] = e
				}
			}
			if len(more) > 0 {
				evs = slices.Insert(evs, i+1, more...)
				shift += len(more)
			}
		}
	}
	return evs
}

// New returns a parser whose classic timestamps get their year from years.
func New(years syslog.Years) *Parser {
	p := &Parser{MTA: "postfix"}
	p.Syslog.Years = years
	return p
}

// PendingDropped counts pending recipients forgotten to bound memory; an
// expiry for them counts one recipient per message instead.
func (p *Parser) PendingDropped() int64 { return p.pending.dropped }

// Parse reads one line (without its newline), appends the events it holds
// to out and says what kind of line it was.
func (p *Parser) Parse(raw []byte, out []model.Event) ([]model.Event, LineKind) {
	if p.staged {
		return p.scan(raw, out)
	}
	out, k := p.scan(raw, out)
	if len(p.ops) > 0 {
		out = p.apply(out, p.ops)
		p.ops = p.ops[:0]
	}
	return out, k
}

// scan is Parse without the ordered work, which it leaves in p.ops.
func (p *Parser) scan(raw []byte, out []model.Event) ([]model.Event, LineKind) {
	if blank(raw) {
		return out, Blank
	}
	h, ok := p.Syslog.Parse(raw)
	if !ok {
		return out, Unparsed
	}
	daemon, ok := postfixDaemon(h.Program)
	if !ok {
		return out, Other
	}
	msg := h.Msg
	qid, rest, ok := queueID(msg)
	if !ok {
		return out, Noise
	}
	switch {
	case bytes.HasPrefix(rest, []byte("to=<")):
		n := len(out)
		out = p.result(h, daemon, qid, rest, raw, out)
		switch {
		case len(out) > n:
			if out[n].Kind == model.Delivery {
				p.ops = append(p.ops, op{kind: opTrack, at: n})
			}
			return out, Result
		case !bytes.Contains(rest, []byte("status=")):
			// A recipient line without a result (such as a milter's).
			return out, Noise
		}
		return out, Unparsed
	case daemon == "qmgr" && bytes.Contains(rest, []byte("status=expired")):
		p.ops = append(p.ops, op{kind: opExpire, at: len(out)})
		return append(out, model.Event{Time: h.Time, Outcome: model.Expired, MTA: p.mta(), Host: p.str(h.Host),
			QueueID: p.str(qid), Raw: p.str(raw)}), Result
	case daemon == "qmgr" && bytes.Equal(rest, []byte("removed")):
		p.ops = append(p.ops, op{kind: opForget, qid: p.str(qid)})
	}
	return out, Noise
}

// postfixDaemon returns the last component of a Postfix syslog name:
// "smtp" for "postfix/smtp", "postfix-out/smtp" and "postfix/amavis/smtp".
func postfixDaemon(prog []byte) (string, bool) {
	if !bytes.HasPrefix(prog, []byte("postfix")) {
		return "", false
	}
	i := bytes.LastIndexByte(prog, '/')
	if i < 0 {
		return "", false
	}
	return daemonName(prog[i+1:]), true
}

// daemonName returns a constant string for the daemons that matter, so
// the hot path does not allocate.
func daemonName(b []byte) string {
	switch string(b) {
	case "smtp":
		return "smtp"
	case "lmtp":
		return "lmtp"
	case "local":
		return "local"
	case "virtual":
		return "virtual"
	case "pipe":
		return "pipe"
	case "error":
		return "error"
	case "retry":
		return "retry"
	case "qmgr":
		return "qmgr"
	case "discard":
		return "discard"
	}
	return "other"
}

// queueID reads "QID: " at the start of msg. Queue ids are short hex
// ("59F49243F8") or long base-52 ("4PbC4x469Jz3tBr"); "NOQUEUE" is not one.
func queueID(msg []byte) ([]byte, []byte, bool) {
	// Only the first 33 bytes can hold one: do not scan a long message.
	i := bytes.IndexByte(msg[:min(len(msg), 33)], ':')
	if i < 5 || i > 32 || i+1 >= len(msg) || msg[i+1] != ' ' {
		return nil, nil, false
	}
	for _, c := range msg[:i] {
		if !alnum[c] {
			return nil, nil, false
		}
	}
	if string(msg[:i]) == "NOQUEUE" {
		return nil, nil, false
	}
	return msg[:i], msg[i+2:], true
}

// alnum marks the bytes of a queue id: ASCII letters and digits (a table:
// the three range checks per byte were a tenth of reading a line).
var alnum = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
	}
	return t
}()

// blank reports an empty or white-space-only line; a line that starts with
// anything else is not (the common case costs one comparison).
func blank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\v' && c != '\f' {
			return false
		}
	}
	return true
}
