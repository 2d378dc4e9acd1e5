// Package exim turns Exim main log lines into delivery events.
//
// A mainlog line is "DATE TIME[.ms][ ZONE][ [pid]] MSGID FLAG ADDRESS ...".
// Message ids are old style ("1j5IF1-0006A7-Ub") or the Exim 4.97 style
// ("10HmaX-000000005vi-0000"). The per-recipient flags are counted as
// relaytop's rules say:
//
//	=>  delivered                               sent
//	->  further address in the same delivery    sent
//	>>  cutthrough delivery                     sent
//	==  deferred                                deferred
//	**  failed                                  bounced, or expired when the
//	                                            reason is "retry timeout exceeded"
//	*>  delivery suppressed by -N               noise (see below)
//
// "*>" is what Exim writes when run with -N ("don't actually deliver"),
// a testing switch: nothing left the host and nothing reached a mailbox.
// Counting it as sent would inflate deliveries, and counting it internal
// would misstate it (internal means a loopback hop that really carried
// the mail), so it is noise: accounted for, not counted.
//
// A result whose host (H=) is a loopback address is internal, as with
// Postfix (a content filter, or the Exim test suite's 127.0.0.1 server).
// Local deliveries (no H=, an appendfile, pipe or LMTP transport) are real
// deliveries; so is "=> :blackhole:", which Exim logs as delivered (as
// Postfix's discard is sent). Events carry no logging host, which a mainlog
// does not name, except for lines written through syslog. Lines written through syslog ("HOST exim[pid]: ...") are read
// too; lines of other programs are other; Exim lines without a result
// (arrivals "<=", "Completed", rejects) are noise; anything else is
// unparsed.
package exim

import (
	"bytes"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/line"
	"github.com/relaytop/relaytop/sources/syslog"
)

// Parser reads Exim main log lines. It remembers, per message, the last
// deferral of each recipient (bounded), so that an expiry can carry the
// reply that kept the recipient queued. A Parser is not safe for
// concurrent use: give each log stream its own.
type Parser struct {
	// Loc is the zone of timestamps logged without one (Exim writes local
	// time unless log_timezone is set); nil means time.Local.
	Loc *time.Location
	// Syslog reads the header of lines Exim wrote through syslog; its Loc
	// defaults to Loc, its Years dates classic timestamps.
	Syslog syslog.Parser
	// MTA is the name put in events (default "exim").
	MTA string

	cache   stampCache
	pending pending
}

// New returns a parser whose syslog-wrapped classic timestamps get their
// year from years (mainlog timestamps carry their own).
func New(years syslog.Years) *Parser {
	p := &Parser{MTA: "exim"}
	p.Syslog.Years = years
	return p
}

// PendingDropped counts remembered deferrals forgotten to bound memory.
func (p *Parser) PendingDropped() int64 { return p.pending.dropped }

// Parse reads one line (without its newline), appends the events it holds
// to out and says what kind of line it was.
func (p *Parser) Parse(raw []byte, out []model.Event) ([]model.Event, line.Kind) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return out, line.Blank
	}
	env, kind, ok := p.envelope(raw)
	if !ok {
		return out, kind
	}
	id, rest, ok := messageID(env.body)
	if !ok {
		return out, line.Noise
	}
	if len(rest) >= 2 && (len(rest) == 2 || rest[2] == ' ') {
		var o model.Outcome
		switch string(rest[:2]) {
		case "=>", "->", ">>":
			o = model.Sent
		case "==":
			o = model.Deferred
		case "**":
			o = model.Bounced
		}
		if o != 0 {
			n := len(out)
			out = p.result(env, id, o, rest[2:], raw, out)
			if len(out) == n {
				return out, line.Unparsed
			}
			return out, line.Result
		}
	}
	if bytes.Equal(rest, []byte("Completed")) || bytes.HasPrefix(rest, []byte("Completed ")) {
		p.pending.forget(string(id))
	}
	return out, line.Noise
}

// messageID reads an Exim message id and the space after it: three
// base-62 parts of 6-6-2 characters (before 4.97) or 6-11-4.
func messageID(b []byte) ([]byte, []byte, bool) {
	for _, n := range [...]int{16, 23} {
		if len(b) < n || (len(b) > n && b[n] != ' ') {
			continue
		}
		a, c := 6, 13
		if n == 23 {
			c = 18
		}
		ok := b[a] == '-' && b[c] == '-'
		for i := 0; ok && i < n; i++ {
			if i != a && i != c && !isAlnum(b[i]) {
				ok = false
			}
		}
		if ok {
			rest := b[n:]
			if len(rest) > 0 {
				rest = rest[1:]
			}
			return b[:n], rest, true
		}
	}
	return nil, nil, false
}

func (p *Parser) mta() string {
	if p.MTA == "" {
		return "exim"
	}
	return p.MTA
}
