// Package sendmail turns Sendmail syslog lines into delivery events.
//
// Sendmail logs one line per delivery attempt:
//
//	QID: to=<a@b>[,<c@d>...], [ctladdr=..., ]delay=..., xdelay=..., mailer=esmtp,
//	     pri=..., relay=mx.b. [192.0.2.1], dsn=2.0.0, stat=Sent (ok)
//
// Each recipient of the to= list is one attempt. "stat=Sent" is sent,
// "stat=Deferred: ..." deferred; any other status (User unknown, Service
// unavailable, Host unknown, ...) is classed by its dsn= code, a failure
// when there is none. "stat=queued" (queue-only delivery mode) is no
// attempt and counts as noise. A relay on a loopback address
// ("[127.0.0.1] [127.0.0.1]", "localhost [127.0.0.1]") is internal:
// Sendmail handing mail to a local content filter or to a Postfix on the
// same host, or the submission client handing it to the daemon. Local
// mailers (local, prog, *file*, *include*) are real deliveries.
//
// Lines of other programs are other; Sendmail lines without a result
// (from=, ruleset rejects, "did not issue MAIL/EXPN/VRFY/ETRN", DSN
// notices) are noise; lines that are not syslog at all, or a to= line whose
// status cannot be read, are unparsed.
package sendmail

import (
	"bytes"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/line"
	"github.com/relaytop/relaytop/sources/syslog"
)

// Parser reads Sendmail lines. It keeps no state across lines besides the
// syslog header's timestamp cache, but like every parser it is not safe
// for concurrent use: give each log stream its own.
type Parser struct {
	// Syslog reads the syslog header; its Years dates classic timestamps
	// and its Loc is their zone.
	Syslog syslog.Parser
	// MTA is the name put in events (default "sendmail").
	MTA string
}

// New returns a parser whose classic timestamps get their year from years.
func New(years syslog.Years) *Parser {
	p := &Parser{MTA: "sendmail"}
	p.Syslog.Years = years
	return p
}

// Parse reads one line (without its newline), appends the events it holds
// to out and says what kind of line it was.
func (p *Parser) Parse(raw []byte, out []model.Event) ([]model.Event, line.Kind) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return out, line.Blank
	}
	h, ok := p.header(raw)
	if !ok {
		return out, line.Unparsed
	}
	if !IsSendmail(h.Program) {
		return out, line.Other
	}
	qid, rest, ok := queueID(h.Msg)
	if !ok || !bytes.HasPrefix(rest, []byte("to=")) {
		return out, line.Noise
	}
	i := bytes.Index(rest, []byte(", stat="))
	if i < 0 {
		return out, line.Noise
	}
	n := len(out)
	out, ok = p.result(h, qid, rest[:i], rest[i+len(", stat="):], raw, out)
	switch {
	case !ok:
		return out, line.Unparsed
	case len(out) == n:
		return out, line.Noise
	}
	return out, line.Result
}

// header parses the syslog header, also when the timestamp is followed
// by a "<facility.priority>" token ("Jun 17 14:37:39 <mail.notice> robin
// sm-mta[2794]: ..."), as some syslog-ng templates write.
func (p *Parser) header(raw []byte) (syslog.Header, bool) {
	if h, ok := p.Syslog.Parse(raw); ok {
		return h, true
	}
	_, rest, ok := p.Syslog.Time(raw)
	if !ok || len(rest) < 3 || rest[0] != '<' {
		return syslog.Header{}, false
	}
	e := bytes.Index(rest, []byte("> "))
	if e < 0 || bytes.IndexByte(rest[:e], ' ') >= 0 {
		return syslog.Header{}, false
	}
	stamp := raw[:len(raw)-len(rest)]
	fixed := make([]byte, 0, len(raw))
	fixed = append(append(fixed, stamp...), rest[e+2:]...)
	h, ok := p.Syslog.Parse(fixed)
	return h, ok
}

// IsSendmail reports whether a syslog program tag is Sendmail's:
// "sendmail", "sendmail/...", "sm-mta", "sm-msp-queue", or the daemon's
// process title as some syslogs record it ("sm-acceptingconnections").
func IsSendmail(prog []byte) bool {
	return bytes.Equal(prog, []byte("sendmail")) || bytes.HasPrefix(prog, []byte("sendmail/")) ||
		bytes.HasPrefix(prog, []byte("sendmail-")) || bytes.HasPrefix(prog, []byte("sm-"))
}

// queueID reads "QID: " at the start of msg: a Sendmail queue id is eight
// or more letters and digits ("u3P05kaI000640"; longer with long pids).
func queueID(msg []byte) ([]byte, []byte, bool) {
	i := bytes.IndexByte(msg, ':')
	if i < 8 || i > 32 || i+1 >= len(msg) || msg[i+1] != ' ' {
		return nil, nil, false
	}
	for _, c := range msg[:i] {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return nil, nil, false
		}
	}
	return msg[:i], msg[i+2:], true
}

func (p *Parser) mta() string {
	if p.MTA == "" {
		return "sendmail"
	}
	return p.MTA
}
