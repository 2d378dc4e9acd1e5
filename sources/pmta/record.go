package pmta

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/relaytop/relaytop/model"
)

// event reads a d, b, t or tq record of the last split line.
func (p *Parser) event(k recKind, ln []byte) (model.Event, bool) {
	tm, ok := p.recordTime(ln)
	if !ok {
		return model.Event{}, false
	}
	ev := model.Event{Time: tm, MTA: p.mta()}
	ev.Recipient = string(p.get(ln, colRcpt))
	switch {
	case ev.Recipient != "":
		ev.Domain = domainOf(ev.Recipient)
	case k == recTransientQueue:
		ev.Domain = queueDomain(p.get(ln, colQueue))
	default:
		return model.Event{}, false // a per-recipient record without one
	}
	status, statusText := splitStatus(p.get(ln, colDsnStatus))
	ev.Reply = replyOf(p.get(ln, colDsnDiag), status, statusText)
	ev.Relay, ev.RelayIP = splitMTA(p.get(ln, colDsnMta))
	if ev.RelayIP == "" {
		ev.RelayIP = string(p.get(ln, colDlvDestinationIP))
	}
	switch k {
	case recDelivered:
		ev.Outcome = model.Sent
	case recTransient, recTransientQueue:
		ev.Outcome = model.Deferred
	case recBounced:
		ev.Outcome = model.Bounced
		if string(p.get(ln, colBounceCat)) == "message-expired" || (status != "" && status[0] == '4') {
			ev.Outcome = model.Expired
		}
	}
	if isLoopback(ev.RelayIP) {
		ev.Kind = model.Internal
	}
	ev.Identity = p.identity(ln)
	if p.col[colTimeLogged] >= 0 {
		loc := p.Loc
		if loc == nil {
			loc = time.UTC
		}
		if q, ok := parseTime(p.get(ln, colTimeQueued), loc); ok && ev.Time.After(q) {
			ev.Age = ev.Time.Sub(q)
		}
	}
	return ev, true
}

// recordTime reads timeLogged, or timeQueued when the file has no
// timeLogged column.
func (p *Parser) recordTime(ln []byte) (time.Time, bool) {
	c := colTimeLogged
	if p.col[c] < 0 {
		c = colTimeQueued
	}
	loc := p.Loc
	if loc == nil {
		loc = time.UTC
	}
	return parseTime(p.get(ln, c), loc)
}

// identity returns the first non-empty column of the Identity order.
func (p *Parser) identity(ln []byte) string {
	order := [3]column{colDlvSourceIP, colVMTA, colVMTAPool}
	switch p.Identity {
	case VMTA:
		order = [3]column{colVMTA, colVMTAPool, colDlvSourceIP}
	case Pool:
		order = [3]column{colVMTAPool, colVMTA, colDlvSourceIP}
	}
	for _, c := range order {
		if v := p.get(ln, c); len(v) > 0 {
			return string(v)
		}
	}
	return ""
}

// Time stamp layouts: PowerMTA 4.x and later write "2026-11-27
// 16:40:01-0500"; the others are tolerated (RFC 3339 from converters,
// RFC 1123 dates from scripts).
var (
	isoLayouts = [...]string{
		"2006-01-02 15:04:05-0700",
		"2006-01-02 15:04:05 -0700",
		"2006-01-02 15:04:05.999999999-0700",
		time.RFC3339Nano,
		"2006-01-02 15:04:05Z07:00",
	}
	dateLayouts = [...]string{
		time.RFC1123Z,
		time.RFC1123,
		"Mon, _2 Jan 2006 15:04:05 -0700",
		"_2 Jan 2006 15:04:05 -0700",
	}
)

// parseTime reads a PowerMTA time stamp: UNIX seconds (PowerMTA 4.0's
// documented encoding, "1178807903", possibly with a fraction), the
// ISO-like form later versions write, or an RFC 1123 date. A time without
// an offset is read in loc.
func parseTime(b []byte, loc *time.Location) (time.Time, bool) {
	if len(b) == 0 {
		return time.Time{}, false
	}
	if allDigits(b) {
		return unixTime(b)
	}
	if t, ok := isoTime(b); ok {
		return t, true
	}
	s := string(b)
	var layouts []string
	switch {
	case len(b) > 4 && b[4] == '-':
		layouts = isoLayouts[:]
		if t, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc); err == nil {
			return t, true
		}
	default:
		layouts = dateLayouts[:]
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// allDigits reports whether b is digits with at most one '.' after the
// first.
func allDigits(b []byte) bool {
	dot := false
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0:
			dot = true
		default:
			return false
		}
	}
	return true
}

// unixTime reads seconds since the epoch, with an optional fraction.
func unixTime(b []byte) (time.Time, bool) {
	secs, frac, _ := bytes.Cut(b, []byte("."))
	if len(secs) > 12 { // past year 33000: not a time stamp
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(string(secs), 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	var ns int64
	for i, mult := 0, int64(1e8); i < len(frac) && mult > 0; i, mult = i+1, mult/10 {
		ns += int64(frac[i]-'0') * mult
	}
	return time.Unix(n, ns).UTC(), true
}

// splitStatus reads a dsnStatus: "5.1.1 (bad destination mailbox
// address)" gives the enhanced code and the description in parentheses;
// a status that does not start with an enhanced code gives "" and the
// whole text.
func splitStatus(b []byte) (string, string) {
	s := string(b)
	n := model.EnhancedLen(s)
	if n == 0 {
		return "", strings.TrimSpace(s)
	}
	rest := strings.TrimSpace(s[n:])
	rest = strings.TrimSuffix(strings.TrimPrefix(rest, "("), ")")
	return s[:n], strings.TrimSpace(rest)
}

// replyOf reads a dsnDiag ("smtp;550 5.1.1 <x>... User unknown") into a
// reply: the diagnostic type before ';' is dropped and the rest read as
// an SMTP reply. The status's enhanced code fills in when the reply has
// none, and its description is the text when there is no diagnostic (a
// bounce PowerMTA generated before connecting).
func replyOf(diag []byte, status, statusText string) model.Reply {
	d := strings.TrimSpace(string(stripDiagType(diag)))
	var r model.Reply
	if d != "" {
		text, cmd := model.SplitCommand(d)
		r = model.ParseReply(text)
		r.Command = cmd
	} else {
		r.Text = statusText
	}
	if r.Enhanced == "" {
		r.Enhanced = status
	}
	return r
}

// stripDiagType drops an RFC 3464 diagnostic type ("smtp;", "X-Postfix;")
// from the front of a diagnostic.
func stripDiagType(b []byte) []byte {
	semi := bytes.IndexByte(b, ';')
	if semi <= 0 || semi > 32 {
		return b
	}
	for _, c := range b[:semi] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return b
		}
	}
	return b[semi+1:]
}

// splitMTA reads a dsnMta: "mx.example.com (192.0.2.1)", optionally with
// an RFC 3464 name type ("dns;mx.example.com (192.0.2.1)"), or a bracketed
// address ("[192.0.2.1]"). It returns the lowercased host (without a
// trailing dot, "" for an address literal) and the address.
func splitMTA(b []byte) (string, string) {
	if semi := bytes.IndexByte(b, ';'); semi > 0 && semi < 8 && bytes.IndexByte(b[:semi], ' ') < 0 {
		b = bytes.TrimSpace(b[semi+1:])
	}
	host, rest, _ := bytes.Cut(b, []byte(" "))
	var ip string
	if o := bytes.IndexByte(rest, '('); o >= 0 {
		if c := bytes.IndexByte(rest[o:], ')'); c > 0 {
			ip = string(bytes.TrimSpace(rest[o+1 : o+c]))
		}
	}
	if len(host) > 0 && host[0] == '[' {
		if ip == "" {
			ip = string(bytes.Trim(host, "[]"))
		}
		return "", ip
	}
	return lower(bytes.TrimSuffix(host, []byte("."))), ip
}

// queueDomain returns the domain of a queue name ("gmail.com/vmta1").
func queueDomain(q []byte) string {
	d, _, _ := bytes.Cut(q, []byte("/"))
	return lower(bytes.TrimSuffix(d, []byte(".")))
}

// domainOf returns the lowercased domain of an address, "" if it has none.
func domainOf(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || at == len(addr)-1 {
		return ""
	}
	return lower([]byte(strings.TrimSuffix(addr[at+1:], ".")))
}

// lower returns b as a lowercase string.
func lower(b []byte) string {
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			return strings.ToLower(string(b))
		}
	}
	return string(b)
}

func isLoopback(ip string) bool {
	return strings.HasPrefix(ip, "127.") || ip == "::1"
}

// isoTime reads the documented "2006-01-02 15:04:05-0700" form without
// allocating (a record has two of them).
func isoTime(b []byte) (time.Time, bool) {
	if len(b) != 24 || b[4] != '-' || b[7] != '-' || b[10] != ' ' || b[13] != ':' || b[16] != ':' || (b[19] != '+' && b[19] != '-') {
		return time.Time{}, false
	}
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 2)
	d, ok3 := num(8, 2)
	h, ok4 := num(11, 2)
	mi, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	oh, ok7 := num(20, 2)
	om, ok8 := num(22, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && ok8) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 {
		return time.Time{}, false
	}
	off := (oh*60 + om) * 60
	if b[19] == '-' {
		off = -off
	}
	// The instant, then as UTC: no *time.Location is made per record.
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC).Add(-time.Duration(off) * time.Second)
	return t, true
}
