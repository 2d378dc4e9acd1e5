package kumo

import (
	"bytes"
	"encoding/json"
	"net"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/relaytop/relaytop/model"
)

// record holds the fields of a KumoMTA JsonLogRecord that relaytop uses;
// the others (meta, headers, feedback_report, tls_*, ...) are skipped.
type record struct {
	Type          string          `json:"type"`
	ID            string          `json:"id"`
	Recipient     string          `json:"recipient"`
	Site          string          `json:"site"`
	Response      response        `json:"response"`
	PeerAddress   *peerAddress    `json:"peer_address"`
	Timestamp     json.RawMessage `json:"timestamp"`
	Created       json.RawMessage `json:"created"`
	EgressPool    string          `json:"egress_pool"`
	EgressSource  string          `json:"egress_source"`
	SourceAddress *sourceAddress  `json:"source_address"`
}

type response struct {
	Code         int           `json:"code"`
	EnhancedCode *enhancedCode `json:"enhanced_code"`
	Content      string        `json:"content"`
	Command      string        `json:"command"`
}

type enhancedCode struct {
	Class   int `json:"class"`
	Subject int `json:"subject"`
	Detail  int `json:"detail"`
}

type peerAddress struct {
	Name string `json:"name"`
	Addr string `json:"addr"`
}

type sourceAddress struct {
	Address string `json:"address"`
}

// event builds the event of a result record.
func (p *Parser) event(r *record, o model.Outcome) (model.Event, bool) {
	tm, ok := parseTimestamp(r.Timestamp)
	if !ok {
		return model.Event{}, false
	}
	ev := model.Event{Time: tm, Outcome: o, MTA: p.mta(), QueueID: r.ID,
		Recipient: r.Recipient, Domain: domainOf(r.Recipient), Reply: reply(&r.Response, &p.codes)}
	if c, ok := parseTimestamp(r.Created); ok && tm.After(c) {
		ev.Age = tm.Sub(c)
	}
	if r.PeerAddress != nil {
		ev.Relay = hostName(r.PeerAddress.Name)
		ev.RelayIP = r.PeerAddress.Addr
	}
	if ev.Relay == "" && o != model.Expired { // an expiry's site is "localhost" or ""
		ev.Relay = siteHost(r.Site)
	}
	ev.Identity = p.identity(r)
	switch {
	case o == model.Deferred:
		p.mem.put(p.memKey(r), p.mem.compact(lastTry{relay: ev.Relay, relayIP: ev.RelayIP, identity: ev.Identity, reply: ev.Reply}))
	case p.mem.len() == 0: // nothing to forget or take
	case o == model.Sent, o == model.Bounced:
		p.mem.forget(p.memKey(r))
	case o == model.Expired:
		if last, ok := p.mem.take(p.memKey(r)); ok {
			ev.Relay, ev.RelayIP, ev.Reply = last.relay, last.relayIP, last.reply
			if last.identity != "" {
				ev.Identity = last.identity
			}
		}
	}
	if isLoopback(ev.RelayIP) {
		ev.Kind = model.Internal
	}
	return ev, true
}

// memKey names a recipient of a message in the memory. The string is a
// view of the parser's buffer, valid until the next call: the memory
// copies a key it keeps (memory.put).
func (p *Parser) memKey(r *record) string {
	p.key = append(append(append(p.key[:0], r.ID...), 0), r.Recipient...)
	return unsafe.String(unsafe.SliceData(p.key), len(p.key))
}

// identity returns the first non-empty identity of the Identity order.
func (p *Parser) identity(r *record) string {
	var ip string
	if r.SourceAddress != nil {
		ip = hostOfAddr(r.SourceAddress.Address)
	}
	order := [3]string{r.EgressSource, r.EgressPool, ""}
	switch p.Identity {
	case Pool:
		order = [3]string{r.EgressPool, r.EgressSource, ""}
	case SourceIP:
		order = [3]string{ip, r.EgressSource, r.EgressPool}
	}
	for _, v := range order {
		if v != "" {
			return v
		}
	}
	return ""
}

// parseTimestamp reads the timestamp: UNIX seconds as KumoMTA writes it
// (chrono's ts_seconds), a fraction or an RFC 3339 string tolerated.
func parseTimestamp(raw json.RawMessage) (time.Time, bool) {
	b := bytes.TrimSpace(raw)
	if len(b) > 1 && b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) != nil {
			return time.Time{}, false
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, true
		}
		b = []byte(s)
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		if n <= 0 || n > 1e11 {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || !(f > 0 && f < 1e11) {
		return time.Time{}, false
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), true
}

// replyOf turns a KumoMTA response into a reply. KumoMTA has already
// split off the codes: enhanced_code holds the enhanced status, content
// the text, its lines joined by line breaks (or, since 2024, spaces).
func replyOf(r *response) model.Reply { return reply(r, nil) }

// reply is replyOf with the codes' strings built once in codes, when not
// nil.
func reply(r *response, codes *enhancedCodes) model.Reply {
	rep := model.Reply{Text: oneLine(r.Content), Command: command(r.Command)}
	if r.Code >= 100 && r.Code <= 599 {
		rep.Code = r.Code
	}
	if e := r.EnhancedCode; e != nil && (e.Class == 2 || e.Class == 4 || e.Class == 5) &&
		e.Subject >= 0 && e.Subject < 1000 && e.Detail >= 0 && e.Detail < 1000 {
		rep.Enhanced = codes.str(*e)
	} else if n := model.EnhancedLen(rep.Text); n > 0 {
		rep.Enhanced, rep.Text = rep.Text[:n], strings.TrimLeft(rep.Text[n:], " ")
	}
	return rep
}

// enhancedCodes holds the strings of the enhanced codes seen, so that a
// reply's costs no allocation.
type enhancedCodes map[enhancedCode]string

// maxCodes bounds the codes held; when full the table restarts.
const maxCodes = 1024

// str returns "class.subject.detail".
func (c *enhancedCodes) str(e enhancedCode) string {
	if c == nil {
		return strconv.Itoa(e.Class) + "." + strconv.Itoa(e.Subject) + "." + strconv.Itoa(e.Detail)
	}
	if s, ok := (*c)[e]; ok {
		return s
	}
	if *c == nil || len(*c) >= maxCodes {
		*c = enhancedCodes{}
	}
	s := strconv.Itoa(e.Class) + "." + strconv.Itoa(e.Subject) + "." + strconv.Itoa(e.Detail)
	(*c)[e] = s
	return s
}

// oneLine joins the lines of a multi-line reply with single spaces.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for l := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == '\r' || r == '\n' }) {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(l)
	}
	return b.String()
}

// command names the SMTP command a response answered the way Postfix
// does: "RCPT TO" for "RCPT TO:<a@b>\r\n", "end of DATA" for KumoMTA's
// ".", the verb for the others ("EHLO", "DATA").
func command(c string) string {
	c = strings.TrimSpace(c)
	if c == "." {
		return "end of DATA"
	}
	verb := c
	if i := strings.IndexByte(c, ':'); i > 0 {
		verb = c[:i]
	} else if i := strings.IndexByte(c, ' '); i > 0 {
		verb = c[:i]
	}
	if len(verb) > 16 {
		return ""
	}
	for i := 0; i < len(verb); i++ {
		if ch := verb[i]; !(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch == ' ') {
			return ""
		}
	}
	return strings.ToUpper(verb)
}

// siteHost derives the MX host from a KumoMTA site name:
// "source2->(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com." is the
// egress source, then the MX hosts factored into a pattern; the host all
// alternatives share (gmail-smtp-in.l.google.com) is returned, or the
// first alternative when the group is not optional ("(mx1|mx2).example.com"
// gives mx1.example.com). A site it cannot read gives "".
func siteHost(site string) string {
	if i := strings.Index(site, "->"); i >= 0 {
		site = site[i+2:]
	}
	if strings.HasPrefix(site, "(") {
		c := strings.IndexByte(site, ')')
		if c < 0 {
			return ""
		}
		alts, rest := site[1:c], site[c+1:]
		if r, ok := strings.CutPrefix(rest, "?"); ok {
			site = strings.TrimPrefix(r, ".")
		} else {
			first, _, _ := strings.Cut(alts, "|")
			site = first + rest
		}
	}
	if strings.ContainsAny(site, "()|?[]/ ") {
		return ""
	}
	if h, port, ok := strings.Cut(site, ":"); ok && isDigits(port) {
		site = h
	}
	return hostName(site)
}

// hostName lowercases a host name and drops its trailing dot; an address
// literal ("[192.0.2.1]") is no name.
func hostName(s string) string {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if strings.HasPrefix(s, "[") {
		return ""
	}
	return lower(s)
}

// hostOfAddr returns the address of "10.0.0.1:53210" or "[2001:db8::1]:25".
func hostOfAddr(a string) string {
	if h, _, err := net.SplitHostPort(a); err == nil {
		return h
	}
	return a
}

// domainOf returns the lowercased domain of an address, "" if it has none.
func domainOf(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || at == len(addr)-1 {
		return ""
	}
	return lower(strings.TrimSuffix(addr[at+1:], "."))
}

// lower lowercases ASCII s, without allocating when it already is.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isLoopback(ip string) bool {
	return strings.HasPrefix(ip, "127.") || ip == "::1"
}
