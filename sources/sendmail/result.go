package sendmail

import (
	"bytes"
	"strings"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/syslog"
)

// fields are the parts of a to= line before its status that relaytop uses.
type fields struct {
	to, mailer, relay, dsn []byte
}

// result reads a to= line: head is "to=..., key=value, ..." up to
// ", stat=", stat what follows. It appends one event per recipient and
// reports false when the line cannot be read; a status that is no attempt
// (queued) appends nothing and reports true.
func (p *Parser) result(h syslog.Header, qid, head, stat, raw []byte, out []model.Event) ([]model.Event, bool) {
	f := splitFields(head)
	o, reply, ok := status(stat, f.dsn)
	if !ok || o == 0 {
		return out, ok
	}
	rcpts := recipients(f.to)
	if len(rcpts) == 0 {
		return out, false
	}
	ev := model.Event{Time: h.Time, Outcome: o, MTA: p.mta(), Host: string(h.Host), QueueID: string(qid),
		Reply: reply, Raw: string(raw)}
	if !localMailer(f.mailer) {
		ev.Relay, ev.RelayIP = splitRelay(f.relay)
		if isLoopback(ev.Relay, ev.RelayIP) {
			ev.Kind = model.Internal
		}
	}
	for _, r := range rcpts {
		ev.Recipient = r
		ev.Domain = domainOf(r)
		out = append(out, ev)
	}
	return out, true
}

// splitFields reads "to=VALUE, key=value, ...". A field ends at a ", "
// followed by the next "key=", so values may hold ", " (quoted names in
// the to= list, "ctladdr=root (0/0)").
func splitFields(b []byte) fields {
	var f fields
	key := []byte("to")
	b = b[len("to="):]
	for {
		end := nextField(b)
		val := b
		if end >= 0 {
			val = b[:end]
		}
		switch string(key) {
		case "to":
			f.to = val
		case "mailer":
			f.mailer = val
		case "relay":
			f.relay = val
		case "dsn":
			f.dsn = val
		}
		if end < 0 {
			return f
		}
		b = b[end+2:]
		eq := bytes.IndexByte(b, '=')
		key, b = b[:eq], b[eq+1:]
	}
}

// nextField returns the index of the ", " that precedes the next
// "key=" in b, or -1.
func nextField(b []byte) int {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(", "))
		if j < 0 {
			return -1
		}
		k := i + j + 2
		m := k
		for m < len(b) && (b[m] >= 'a' && b[m] <= 'z' || b[m] == '_') {
			m++
		}
		if m > k && m < len(b) && b[m] == '=' {
			return i + j
		}
		i = k
	}
}

// status reads the text after "stat=" and returns the outcome and reply.
// Outcome 0 with ok means no attempt was made ("queued").
//
//	Sent (Ok: queued as 4F2A1)          sent; the parenthesised text is the reply
//	Deferred: 421 4.7.0 Try again later deferred
//	Deferred: Connection refused by mx. deferred, no code
//	User unknown / Service unavailable  by dsn= class (5: bounced), bounced without one
func status(stat, dsn []byte) (model.Outcome, model.Reply, bool) {
	s := strings.TrimSpace(string(stat))
	if s == "" {
		return 0, model.Reply{}, false
	}
	var o model.Outcome
	text := s
	switch word := s[:wordEnd(s)]; {
	case word == "Sent":
		o = model.Sent
		text = strings.TrimSpace(s[len(word):])
		if strings.HasPrefix(text, "(") {
			text = text[1:]
			if c := strings.LastIndexByte(text, ')'); c >= 0 {
				text = text[:c]
			}
		}
	case word == "Deferred":
		o = model.Deferred
		text = strings.TrimLeft(s[len(word):], ": ")
	case strings.EqualFold(word, "queued") || strings.EqualFold(word, "quarantined"):
		return 0, model.Reply{}, true
	default:
		o = model.Bounced
		if len(dsn) > 0 {
			switch dsn[0] {
			case '2':
				o = model.Sent
			case '4':
				o = model.Deferred
			}
		}
	}
	r := model.ParseReply(text)
	if r.Enhanced == "" && len(dsn) > 0 && model.EnhancedLen(string(dsn)) == len(dsn) {
		r.Enhanced = string(dsn)
	}
	return o, r, true
}

// wordEnd returns the length of the first word of s (up to a space,
// colon or parenthesis).
func wordEnd(s string) int {
	if i := strings.IndexAny(s, " :("); i >= 0 {
		return i
	}
	return len(s)
}

// recipients splits a to= list ("<a@x>,<b@y>", "root", "<a@x>, [more]")
// at commas outside quotes and angle brackets, removing the brackets and
// the "[more]" marker of a list Sendmail split across lines.
func recipients(b []byte) []string {
	var out []string
	add := func(a []byte) {
		a = bytes.TrimSpace(a)
		if len(a) == 0 || bytes.Equal(a, []byte("[more]")) {
			return
		}
		if o := bytes.LastIndexByte(a, '<'); o >= 0 {
			if c := bytes.IndexByte(a[o:], '>'); c > 0 {
				a = a[o+1 : o+c]
			}
		}
		if len(a) > 0 {
			out = append(out, string(a))
		}
	}
	quoted, angle, start := false, 0, 0
	for i, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<':
			angle++
		case c == '>' && angle > 0:
			angle--
		case c == ',' && angle == 0:
			add(b[start:i])
			start = i + 1
		}
	}
	add(b[start:])
	return out
}

// localMailer reports whether a mailer delivers on this host without a
// network hop.
func localMailer(m []byte) bool {
	switch string(m) {
	case "local", "prog", "*file*", "*include*":
		return true
	}
	return false
}

// splitRelay reads "name. [ip]", "[ip] [ip]", "localhost [127.0.0.1]",
// "name." or "[IPv6:::1]". An address literal gives no name.
func splitRelay(v []byte) (string, string) {
	v = bytes.TrimSpace(v)
	name, rest := v, []byte(nil)
	if sp := bytes.IndexByte(v, ' '); sp >= 0 {
		name, rest = v[:sp], v[sp+1:]
	}
	var ip []byte
	if len(rest) > 0 && rest[0] == '[' {
		if c := bytes.IndexByte(rest, ']'); c > 0 {
			ip = rest[1:c]
		}
	}
	if len(name) > 0 && name[0] == '[' {
		if ip == nil {
			ip = bytes.Trim(name, "[]")
		}
		name = nil
	}
	host := strings.ToLower(strings.TrimSuffix(string(name), "."))
	addr := strings.ToLower(string(ip))
	return host, strings.TrimPrefix(addr, "ipv6:")
}

// isLoopback reports whether a relay is this host.
func isLoopback(host, ip string) bool {
	if ip != "" {
		return strings.HasPrefix(ip, "127.") || ip == "::1" || ip == "::ffff:127.0.0.1"
	}
	return host == "localhost"
}

// domainOf returns the lowercased domain of an address, "" if it has none.
func domainOf(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || at == len(addr)-1 {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(addr[at+1:], "."))
}
