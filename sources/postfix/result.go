package postfix

import (
	"bytes"
	"strings"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/syslog"
)

// fields are the parts of a result line relaytop uses.
type fields struct {
	to, relay, delay, dsn, status, text []byte
}

// splitResult reads "to=<rcpt>, [orig_to=<..>, ]relay=..., ..., dsn=...,
// status=WORD (text)". The text runs from the '(' after the status word to
// the last ')' of the line, so texts that contain parentheses survive; a
// line cut before its ')' keeps what it has.
func splitResult(rest []byte) (fields, bool) {
	var f fields
	// Recipient: between "to=<" and the ">" that ends the field.
	end := bytes.Index(rest, []byte(">, "))
	if end < 4 {
		return f, false
	}
	f.to = rest[4:end]
	rest = rest[end+3:]
	for len(rest) > 0 {
		eq := bytes.IndexByte(rest, '=')
		if eq <= 0 {
			return f, false
		}
		key := rest[:eq]
		val := rest[eq+1:]
		if string(key) == "status" {
			sp := bytes.IndexByte(val, ' ')
			if sp < 0 {
				f.status = val
				return f, len(val) > 0
			}
			f.status = val[:sp]
			t := val[sp+1:]
			if len(t) > 0 && t[0] == '(' {
				t = t[1:]
				if cl := bytes.LastIndexByte(t, ')'); cl >= 0 {
					t = t[:cl]
				}
			}
			f.text = t
			return f, true
		}
		var v []byte
		if len(val) > 0 && val[0] == '<' {
			// orig_to=<...> may hold anything up to ">, ".
			e := bytes.Index(val, []byte(">, "))
			if e < 0 {
				return f, false
			}
			v, rest = val[:e+1], val[e+3:]
		} else {
			e := bytes.Index(val, []byte(", "))
			if e < 0 {
				return f, false
			}
			v, rest = val[:e], val[e+2:]
		}
		switch string(key) {
		case "relay":
			f.relay = v
		case "delay":
			f.delay = v
		case "dsn":
			f.dsn = v
		}
	}
	return f, false
}

func (p *Parser) result(h syslog.Header, daemon string, qid, rest, line []byte, out []model.Event) []model.Event {
	f, ok := splitResult(rest)
	if !ok {
		return out
	}
	var ev model.Event
	switch string(f.status) {
	case "sent":
		ev.Outcome = model.Sent
	case "deferred", "SOFTBOUNCE":
		ev.Outcome = model.Deferred
	case "bounced":
		ev.Outcome = model.Bounced
	case "deliverable":
		ev.Outcome, ev.Kind = model.Sent, model.Probe
	case "undeliverable":
		ev.Outcome, ev.Kind = model.Bounced, model.Probe
	default:
		return out
	}
	// One copy of the line per event (none when borrowing); every field
	// is a piece of it.
	v := view{line: line, raw: p.str(line)}
	ev.Time, ev.MTA, ev.Raw = h.Time, p.mta(), v.raw
	ev.Host, ev.QueueID = v.of(h.Host), v.of(qid)
	ev.Recipient = v.of(f.to)
	ev.Age = seconds(f.delay)
	ev.Domain = domainOf(ev.Recipient)
	relayHost, relayIP := v.hostIP(f.relay)
	text, cmd := model.SplitCommand(v.of(f.text))
	reply, textHost, textIP := replyOf(text)
	reply.Command = cmd
	if reply.Enhanced == "" && model.EnhancedLen(string(f.dsn)) == len(f.dsn) {
		reply.Enhanced = v.of(f.dsn)
	}
	ev.Reply = reply
	switch {
	case relayHost == "none" || relayHost == "":
		// No connection was made; the text may name the host tried.
		relayHost, relayIP = textHost, textIP
	case relayIP == "" && daemon != "smtp" && daemon != "lmtp":
		// local, virtual, pipe ("dovecot"), error: no remote host.
		relayHost = ""
	}
	ev.Relay = strings.ToLower(strings.TrimSuffix(relayHost, "."))
	ev.RelayIP = relayIP
	if ev.Kind == model.Delivery && isLoopback(relayHost, relayIP) {
		ev.Kind = model.Internal
	}
	return append(out, ev)
}

// view turns pieces of a line into pieces of one string copy of it, so
// an event costs one allocation however many fields it has.
type view struct {
	line []byte
	raw  string
}

// of returns b as a piece of raw when b lies in line (as every field
// splitResult returns does), else as a copy.
func (v view) of(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	// A subslice of line shares its array: its offset is the capacity
	// it lost. Checked by address, so a foreign slice is copied instead.
	off := cap(v.line) - cap(b)
	if off >= 0 && off+len(b) <= len(v.line) && &v.line[off] == &b[0] {
		return v.raw[off : off+len(b)]
	}
	return string(b)
}

// hostIP is splitHostIP for a piece of the line.
func (v view) hostIP(b []byte) (string, string) {
	o := bytes.IndexByte(b, '[')
	if o < 0 {
		return v.of(b), ""
	}
	c := bytes.IndexByte(b[o:], ']')
	if c < 0 {
		return v.of(b[:o]), ""
	}
	return v.of(b[:o]), v.of(b[o+1 : o+c])
}

func (p *Parser) mta() string {
	if p.MTA == "" {
		return "postfix"
	}
	return p.MTA
}

// track remembers deferred recipients per queue id and forgets them once a
// later attempt sent or bounced them (the opTrack of a result line). What
// it keeps is copied from the line (pending.compact), so the memory holds
// a few short strings per recipient, not whole lines.
func (p *Parser) track(ev *model.Event) {
	if ev.Kind != model.Delivery {
		return
	}
	switch ev.Outcome {
	case model.Deferred:
		h := p.pending.compact(ev)
		ev.Signature = h.reply.Text
		p.pending.defer_(ev.QueueID, h)
	case model.Sent, model.Bounced:
		p.pending.done(ev.QueueID, ev.Recipient)
	}
}

// domainOf returns the lowercased domain of an address, "" if it has none.
func domainOf(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || at == len(addr)-1 {
		return ""
	}
	d := strings.TrimSuffix(addr[at+1:], ".")
	for i := 0; i < len(d); i++ {
		if c := d[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(d)
		}
	}
	return d
}

// splitHostIP reads "host[ip]:port", "host[ip]", "[ip]" or "host".
func splitHostIP(s string) (string, string) {
	o := strings.IndexByte(s, '[')
	if o < 0 {
		return s, ""
	}
	c := strings.IndexByte(s[o:], ']')
	if c < 0 {
		return s[:o], ""
	}
	return s[:o], s[o+1 : o+c]
}

func isLoopback(host, ip string) bool {
	if ip != "" {
		return strings.HasPrefix(ip, "127.") || ip == "::1" || strings.EqualFold(ip, "ipv6:::1")
	}
	return host == "localhost" || strings.HasPrefix(host, "127.")
}

// replyOf reads the reason text of a result. Forms:
//
//	host H[ip] said: REPLY
//	host H[ip] refused to talk to me: REPLY
//	delivery temporarily suspended: CAUSE   (the cause is what matters)
//	connect to H[ip]:port: Connection timed out
//	lost connection with H[ip] while ...
//	conversation with H[ip] timed out while ...
//	250 2.0.0 Ok ... / delivered to mailbox / Host or domain name not found ...
//
// It returns the reply and, when the text names it, the remote host.
func replyOf(text string) (model.Reply, string, string) {
	for {
		t, ok := strings.CutPrefix(text, "delivery temporarily suspended: ")
		if !ok {
			break
		}
		text = t
	}
	if t, ok := strings.CutPrefix(text, "host "); ok {
		for _, sep := range [...]string{" said: ", " refused to talk to me: "} {
			if i := strings.Index(t, sep); i > 0 {
				h, ip := splitHostIP(t[:i])
				return model.ParseReply(t[i+len(sep):]), h, ip
			}
		}
	}
	for _, pre := range [...]string{"connect to ", "lost connection with ", "conversation with "} {
		if t, ok := strings.CutPrefix(text, pre); ok {
			end := strings.IndexAny(t, " ")
			hostPart := t
			if end > 0 {
				hostPart = t[:end]
			}
			hostPart = strings.TrimSuffix(hostPart, ":")
			if c := strings.LastIndexByte(hostPart, ']'); c >= 0 {
				hostPart = hostPart[:c+1]
			}
			h, ip := splitHostIP(hostPart)
			return model.Reply{Text: text}, h, ip
		}
	}
	return model.ParseReply(text), "", ""
}

// seconds reads Postfix's delay= ("0.51", "955", "336721"): the time since
// the message arrived, in seconds.
func seconds(b []byte) time.Duration {
	var whole, frac, scale int64 = 0, 0, 1
	dot := false
	for _, c := range b {
		switch {
		case c == '.' && !dot:
			dot = true
		case c >= '0' && c <= '9':
			if dot {
				if scale < 1000 {
					frac, scale = frac*10+int64(c-'0'), scale*10
				}
			} else if whole < 1<<40 {
				whole = whole*10 + int64(c-'0')
			}
		default:
			return 0
		}
	}
	return time.Duration(whole)*time.Second + time.Duration(frac)*time.Second/time.Duration(scale)
}
