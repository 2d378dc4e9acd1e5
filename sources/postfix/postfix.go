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
			return out, Result
		case !bytes.Contains(rest, []byte("status=")):
			// A recipient line without a result (such as a milter's).
			return out, Noise
		}
		return out, Unparsed
	case daemon == "qmgr" && bytes.Contains(rest, []byte("status=expired")):
		return p.expire(h, qid, raw, out), Result
	case daemon == "qmgr" && bytes.Equal(rest, []byte("removed")):
		p.pending.forget(string(qid))
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
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return nil, nil, false
		}
	}
	if string(msg[:i]) == "NOQUEUE" {
		return nil, nil, false
	}
	return msg[:i], msg[i+2:], true
}

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
