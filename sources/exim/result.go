package exim

import (
	"bytes"
	"strings"

	"github.com/relaytop/relaytop/model"
)

// result turns the text after a delivery flag into one event.
func (p *Parser) result(env envelope, id []byte, o model.Outcome, rest, raw []byte, out []model.Event) []model.Event {
	h, ok := splitHead(rest)
	if !ok {
		return out
	}
	ev := model.Event{Time: env.time, Outcome: o, MTA: p.mta(), Host: string(env.host), QueueID: string(id)}
	ev.Recipient = string(h.rcpt)
	ev.Domain = domainOf(ev.Recipient)
	if ev.Domain == "" && h.parent != nil {
		ev.Domain = domainOf(string(h.parent))
	}
	host, ip := h.host, h.ip
	msg := h.msg
	expired := false
	if o == model.Bounced {
		msg, expired = expiry(msg)
	}
	switch {
	case o == model.Sent:
		if h.confirm != nil {
			ev.Reply = model.ParseReply(unescape(h.confirm))
		}
	case msg != nil || h.errText != nil:
		var mHost, mIP []byte
		ev.Reply, mHost, mIP = reasonReply(msg)
		if host == nil && ip == nil {
			host, ip = mHost, mIP
		}
		if len(h.errText) > 0 {
			switch {
			case msg == nil:
				ev.Reply.Text = string(h.errText)
			case ev.Reply.Code == 0:
				ev.Reply.Text = string(h.errText) + ": " + ev.Reply.Text
			}
		}
	}
	ev.Relay = strings.ToLower(strings.TrimSuffix(string(host), "."))
	ev.RelayIP = string(ip)
	ev.Identity = ifaceIP(h.iface)
	if isLoopback(ev.Relay, ev.RelayIP) {
		ev.Kind = model.Internal
	}
	ev.Raw = string(raw)
	if expired {
		ev.Outcome = model.Expired
		last, known := p.pending.take(ev.QueueID, ev.Recipient)
		if ev.Reply == (model.Reply{}) {
			// The expiry names no reply: carry the last deferral's.
			ev.Reply.Text = "retry timeout exceeded"
			if known {
				ev.Reply = last.Reply
				if ev.Relay == "" && ev.RelayIP == "" {
					ev.Relay, ev.RelayIP, ev.Identity = last.Relay, last.RelayIP, last.Identity
				}
			}
		}
		return append(out, ev)
	}
	switch {
	case o == model.Deferred && ev.Kind == model.Delivery:
		p.pending.put(ev)
	case o != model.Deferred:
		p.pending.done(ev.QueueID, ev.Recipient)
	}
	return append(out, ev)
}

// expiry reports whether a failure reason says the retry time ran out,
// and returns the reason without that phrase ("" when nothing else is
// left). Exim writes "retry timeout exceeded", alone or after the last
// error, and "all hosts for 'x' have been failing for a long time (and
// retry time not reached)".
func expiry(msg []byte) ([]byte, bool) {
	const rte = "retry timeout exceeded"
	switch {
	case bytes.Equal(msg, []byte(rte)):
		return nil, true
	case bytes.HasSuffix(msg, []byte(": "+rte)):
		return msg[:len(msg)-len(rte)-2], true
	case bytes.Contains(msg, []byte("have been failing for a long time")):
		return msg, true
	}
	return msg, false
}

// The reason forms that name the SMTP command they answered.
var (
	errorPrefixes = [...]string{"SMTP error from remote mail server after ", "LMTP error after "}
	cmdPrefixes   = [...]string{"SMTP timeout after ", "LMTP timeout after ",
		"Remote host closed connection in response to ", "Remote host closed connection after ",
		"Remote host closed connection"}
)

// reasonReply reads a failure reason:
//
//	SMTP error from remote mail server after CMD: REPLY
//	SMTP error from remote mail server after CMD: host NAME [IP]: REPLY   (Exim before 4.9x)
//	LMTP error after CMD: REPLY
//	SMTP timeout after CMD / Remote host closed connection in response to CMD
//	anything else ("Unrouteable address", "Connection refused", ...)
//
// A multi-line reply logged with literal "\n" separators is folded the
// way model.ParseReply reads it. It returns the reply and, when the text
// names it, the remote host.
func reasonReply(msg []byte) (model.Reply, []byte, []byte) {
	s := unescape(msg)
	for _, pre := range errorPrefixes {
		rest, ok := strings.CutPrefix(s, pre)
		if !ok {
			continue
		}
		cmd, tail, found := strings.Cut(rest, ": ")
		if !found {
			return model.Reply{Text: s, Command: command(rest)}, nil, nil
		}
		var host, ip []byte
		if t, ok := strings.CutPrefix(tail, "host "); ok {
			if hp, r, ok := strings.Cut(t, ": "); ok {
				host, ip = splitHostIP(hp)
				tail = r
			}
		}
		r := model.ParseReply(tail)
		r.Command = command(cmd)
		return r, host, ip
	}
	for _, pre := range cmdPrefixes {
		if rest, ok := strings.CutPrefix(s, pre); ok {
			return model.Reply{Text: s, Command: command(rest)}, nil, nil
		}
	}
	return model.ParseReply(s), nil, nil
}

// command names the SMTP command of "after CMD": "RCPT TO:<b@test.ex>" is
// "RCPT TO", "pipelined MAIL FROM:<a> SIZE=1" is "MAIL FROM", "EHLO host"
// is "EHLO", "end of data" is "end of DATA" (as Postfix says it),
// "end of data (123 bytes written)" too; "initial connection" stays.
func command(c string) string {
	c = strings.TrimPrefix(strings.TrimSpace(c), "pipelined ")
	if i := strings.IndexByte(c, ':'); i >= 0 {
		c = c[:i]
	}
	if i := strings.Index(c, " ("); i >= 0 {
		c = c[:i]
	}
	c = strings.TrimSpace(c)
	if c == "end of data" {
		return "end of DATA"
	}
	words := strings.Fields(c)
	if len(words) > 1 && isUpper(words[0]) {
		if isUpper(words[1]) {
			return words[0] + " " + words[1]
		}
		return words[0]
	}
	return c
}

func isUpper(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'A' || w[i] > 'Z' {
			return false
		}
	}
	return w != ""
}

// unescape turns the literal "\n" (and "\r\n") Exim writes between the
// lines of a multi-line reply into spaces, giving the folded form
// model.ParseReply reads.
func unescape(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	s := strings.ReplaceAll(string(b), `\r\n`, " ")
	return strings.ReplaceAll(s, `\n`, " ")
}

// splitHostIP reads "host [ip]" or "[ip]".
func splitHostIP(s string) ([]byte, []byte) {
	o := strings.IndexByte(s, '[')
	if o < 0 {
		return []byte(strings.TrimSpace(s)), nil
	}
	c := strings.IndexByte(s[o:], ']')
	if c < 0 {
		return []byte(strings.TrimSpace(s[:o])), nil
	}
	return []byte(strings.TrimSpace(s[:o])), []byte(s[o+1 : o+c])
}

// ifaceIP returns the address of "I=[ip]:port".
func ifaceIP(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if b[0] == '[' {
		if c := bytes.IndexByte(b, ']'); c > 0 {
			return string(b[1:c])
		}
	}
	return string(b)
}

// domainOf returns the lowercased domain of an address, "" if it has none.
func domainOf(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || at == len(addr)-1 {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(addr[at+1:], "."))
}

// isLoopback reports whether a relay is this host: a 127/8 or ::1
// address, or "localhost" when no address was logged.
func isLoopback(host, ip string) bool {
	if ip != "" {
		ip = strings.TrimPrefix(strings.ToLower(ip), "ipv6:")
		return strings.HasPrefix(ip, "127.") || ip == "::1" || ip == "::ffff:127.0.0.1"
	}
	return host == "localhost"
}
