package exim

import (
	"bytes"
	"time"

	"github.com/relaytop/relaytop/sources/line"
)

// envelope is what surrounds Exim's own message text: the time, the
// logging host when a syslog wrapper names one, and the body after the
// timestamp and optional "[pid] ".
type envelope struct {
	time time.Time
	host []byte
	body []byte
}

// maxStamp bounds the cached timestamp prefix
// ("2006-01-02 15:04:05.000000000 +0000").
const maxStamp = 40

// stampCache remembers the last timestamp decoded: a mainlog holds runs
// of lines with the same second, and time.Date is not free.
type stampCache struct {
	raw [maxStamp]byte
	n   int
	loc *time.Location
	t   time.Time
	// zone is the last fixed zone built for an explicit offset.
	zone    *time.Location
	zoneOff int
}

// envelope splits raw into time, host and body. Forms, in the order tried:
//
//	2020-02-22 00:48:41[.712][ +0100][ [pid]] BODY          (mainlog)
//	2019-10-22 03:39:17 HOST exim[pid]: [[pid] ]BODY        (syslog-ng, ISO time)
//	Oct 22 02:12:45 HOST exim[pid]: [STAMP ][[pid] ]BODY     (syslog)
//	HOST exim[pid]: STAMP BODY                              (journal export)
//
// When it reports false, the kind says why: line.Other for a syslog line
// of another program, line.Unparsed for anything else it cannot read.
func (p *Parser) envelope(raw []byte) (envelope, line.Kind, bool) {
	var e envelope
	if t, rest, ok := p.stamp(raw); ok {
		e.time = t
		if host, msg, ok := wrapper(rest); ok {
			e.host = host
			rest = msg
			if t2, r2, ok := p.stamp(rest); ok {
				e.time, rest = t2, r2
			}
		}
		e.body = skipPid(rest)
		return e, 0, true
	}
	if len(raw) > 0 && (raw[0] >= 'A' && raw[0] <= 'Z' || isDigit(raw[0])) {
		saved := p.Syslog.Loc
		if saved == nil {
			p.Syslog.Loc = p.Loc
		}
		h, ok := p.Syslog.Parse(raw)
		p.Syslog.Loc = saved
		if ok {
			if !isExim(h.Program) {
				return e, line.Other, false
			}
			e.time, e.host = h.Time, h.Host
			rest := h.Msg
			if t, r, ok := p.stamp(rest); ok {
				e.time, rest = t, r
			}
			e.body = skipPid(rest)
			return e, 0, true
		}
	}
	if host, msg, ok := wrapper(raw); ok {
		if t, rest, ok := p.stamp(msg); ok {
			e.time, e.host, e.body = t, host, skipPid(rest)
			return e, 0, true
		}
	}
	return e, line.Unparsed, false
}

// wrapper reads "HOST PROG[pid]: " or "HOST PROG: " where PROG names
// Exim ("exim", "exim4"), and returns the host and what follows.
func wrapper(b []byte) ([]byte, []byte, bool) {
	sp := bytes.IndexByte(b, ' ')
	if sp <= 0 {
		return nil, nil, false
	}
	host, rest := b[:sp], b[sp+1:]
	if !bytes.HasPrefix(rest, []byte("exim")) {
		return nil, nil, false
	}
	i := 4
	for i < len(rest) && (isAlnum(rest[i]) || rest[i] == '-' || rest[i] == '_') {
		i++
	}
	if i < len(rest) && rest[i] == '[' {
		cl := bytes.IndexByte(rest[i:], ']')
		if cl < 0 {
			return nil, nil, false
		}
		i += cl + 1
	}
	if i+1 >= len(rest) || rest[i] != ':' || rest[i+1] != ' ' {
		return nil, nil, false
	}
	return host, rest[i+2:], true
}

// isExim reports whether a syslog program tag names Exim.
func isExim(prog []byte) bool {
	return bytes.HasPrefix(prog, []byte("exim"))
}

// skipPid removes a leading "[1234] " (log_selector +pid).
func skipPid(b []byte) []byte {
	if len(b) < 3 || b[0] != '[' {
		return b
	}
	i := 1
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	if i == 1 || i >= len(b) || b[i] != ']' {
		return b
	}
	i++
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return b[i:]
}

// stamp decodes "2006-01-02 15:04:05", optionally followed by ".frac"
// (log_selector +millisec) and " +hhmm" (log_timezone), at the start of
// b, and returns the rest after the space that ends it. Without a zone
// the time is read in p.Loc.
func (p *Parser) stamp(b []byte) (time.Time, []byte, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[10] != ' ' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, nil, false
	}
	n := 19
	if n < len(b) && b[n] == '.' {
		n++
		for n < len(b) && isDigit(b[n]) {
			n++
		}
	}
	zoned := false
	if n+6 <= len(b) && b[n] == ' ' && (b[n+1] == '+' || b[n+1] == '-') &&
		isDigit(b[n+2]) && isDigit(b[n+3]) && isDigit(b[n+4]) && isDigit(b[n+5]) &&
		(n+6 == len(b) || b[n+6] == ' ') {
		n += 6
		zoned = true
	}
	if n < len(b) && b[n] != ' ' {
		return time.Time{}, nil, false
	}
	rest := b[n:]
	if len(rest) > 0 {
		rest = rest[1:]
	}
	loc := p.loc()
	c := &p.cache
	if n <= maxStamp && c.n == n && c.loc == loc && bytes.Equal(c.raw[:n], b[:n]) {
		return c.t, rest, true
	}
	t, ok := p.decode(b[:n], zoned, loc)
	if !ok {
		return time.Time{}, nil, false
	}
	if n <= maxStamp {
		copy(c.raw[:], b[:n])
		c.n, c.loc, c.t = n, loc, t
	}
	return t, rest, true
}

// decode converts a timestamp stamp has delimited.
func (p *Parser) decode(b []byte, zoned bool, loc *time.Location) (time.Time, bool) {
	var v [6]int
	for i, off := range [...]int{0, 5, 8, 11, 14, 17} {
		w := 2
		if i == 0 {
			w = 4
		}
		for _, c := range b[off : off+w] {
			if !isDigit(c) {
				return time.Time{}, false
			}
			v[i] = v[i]*10 + int(c-'0')
		}
	}
	if v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60 {
		return time.Time{}, false
	}
	nsec, i := 0, 19
	if i < len(b) && b[i] == '.' {
		i++
		digits := 0
		for i < len(b) && isDigit(b[i]) {
			if digits < 9 {
				nsec = nsec*10 + int(b[i]-'0')
				digits++
			}
			i++
		}
		for ; digits < 9; digits++ {
			nsec *= 10
		}
	}
	if zoned {
		z := b[len(b)-5:]
		off := ((int(z[1]-'0')*10+int(z[2]-'0'))*60 + int(z[3]-'0')*10 + int(z[4]-'0')) * 60
		if z[0] == '-' {
			off = -off
		}
		if p.cache.zone == nil || p.cache.zoneOff != off {
			p.cache.zone, p.cache.zoneOff = time.FixedZone(string(z), off), off
		}
		loc = p.cache.zone
	}
	return time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], nsec, loc), true
}

func (p *Parser) loc() *time.Location {
	if p.Loc == nil {
		return time.Local
	}
	return p.Loc
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
