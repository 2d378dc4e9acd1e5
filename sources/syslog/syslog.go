// Package syslog reads the header of a syslog line: its timestamp, host,
// program and pid, and the message after them. It understands the classic
// BSD form ("Oct 22 02:12:45 host prog[123]: msg", no year, local time) and
// the RFC 3339 form rsyslog writes with high-precision timestamps
// ("2023-03-14T00:00:31.185246+01:00 host prog[123]: msg").
package syslog

import (
	"bytes"
	"time"
)

// Header is the parsed prefix of one syslog line. Its byte slices point
// into the line and are valid only as long as the line is.
type Header struct {
	Time time.Time
	Host []byte
	// Program is the syslog tag without the pid: "postfix/smtp",
	// "postfix-out/smtp", "postfix/amavis/smtp", "sendmail".
	Program []byte
	// Msg is what follows "prog[pid]: ".
	Msg []byte
}

// Parser parses syslog headers. Classic timestamps carry no year; the
// parser infers it with Years. A Parser caches the last timestamp it
// decoded, so it is not safe for concurrent use.
type Parser struct {
	Years Years
	// Loc is the zone classic timestamps are read in (default time.Local).
	Loc *time.Location

	lastStamp [15]byte
	lastTime  time.Time
	lastOK    bool
	zoneOff   int
	zoneLoc   *time.Location
	zoneOK    bool
}

// Parse splits line into its header parts. It reports false when the line
// does not start with a syslog timestamp, host and program tag.
func (p *Parser) Parse(line []byte) (Header, bool) {
	var h Header
	t, rest, ok := p.Time(line)
	if !ok {
		return h, false
	}
	h.Time = t
	// Host (some relays log an empty one: "Aug 31 00:21:33  dovecot: ...").
	sp := bytes.IndexByte(rest, ' ')
	if sp < 0 {
		return h, false
	}
	h.Host = rest[:sp]
	rest = rest[sp+1:]
	// Program tag: up to '[' or ':'; the message follows ": ".
	end := -1
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if c == '[' || c == ':' {
			end = i
			break
		}
		if c == ' ' {
			return h, false
		}
	}
	if end <= 0 {
		return h, false
	}
	h.Program = rest[:end]
	rest = rest[end:]
	if rest[0] == '[' {
		cl := bytes.IndexByte(rest, ']')
		if cl < 0 {
			return h, false
		}
		rest = rest[cl+1:]
	}
	if len(rest) == 0 || rest[0] != ':' {
		return h, false
	}
	rest = rest[1:]
	if len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	h.Msg = rest
	return h, true
}

// Time decodes the timestamp at the start of line and returns the rest of
// the line after the space that ends it.
func (p *Parser) Time(line []byte) (time.Time, []byte, bool) {
	if len(line) < 16 {
		return time.Time{}, nil, false
	}
	if isDigit(line[0]) {
		return p.rfc3339(line)
	}
	return p.classic(line)
}

// classic reads "Jan _2 15:04:05" (day space- or zero-padded), optionally
// followed by fractional seconds.
func (p *Parser) classic(line []byte) (time.Time, []byte, bool) {
	if line[3] != ' ' || line[6] != ' ' || line[9] != ':' || line[12] != ':' {
		return time.Time{}, nil, false
	}
	n := 15
	frac := 0
	fracDigits := 0
	if len(line) > n && line[n] == '.' {
		n++
		for n < len(line) && isDigit(line[n]) {
			if fracDigits < 9 {
				frac = frac*10 + int(line[n]-'0')
				fracDigits++
			}
			n++
		}
	}
	if len(line) <= n || line[n] != ' ' {
		return time.Time{}, nil, false
	}
	rest := line[n+1:]
	if fracDigits == 0 && p.lastOK && bytes.Equal(p.lastStamp[:], line[:15]) {
		return p.lastTime, rest, true
	}
	mon, ok := month(line[0:3])
	if !ok {
		return time.Time{}, nil, false
	}
	var day int
	switch {
	case line[4] == ' ' && isDigit(line[5]):
		day = int(line[5] - '0')
	case isDigit(line[4]) && isDigit(line[5]):
		day = int(line[4]-'0')*10 + int(line[5]-'0')
	default:
		return time.Time{}, nil, false
	}
	hh, ok1 := two(line[7:9])
	mm, ok2 := two(line[10:12])
	ss, ok3 := two(line[13:15])
	if !ok1 || !ok2 || !ok3 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, nil, false
	}
	for fracDigits < 9 && fracDigits > 0 {
		frac *= 10
		fracDigits++
	}
	loc := p.Loc
	if loc == nil {
		loc = time.Local
	}
	t := p.Years.Resolve(mon, day, hh, mm, ss, frac, loc)
	if frac == 0 {
		copy(p.lastStamp[:], line[:15])
		p.lastTime, p.lastOK = t, true
	}
	return t, rest, true
}

// rfc3339 reads "2006-01-02T15:04:05[.frac](Z|±hh:mm|±hhmm)"; a space may
// stand for the T.
func (p *Parser) rfc3339(line []byte) (time.Time, []byte, bool) {
	if len(line) < 20 || line[4] != '-' || line[7] != '-' || (line[10] != 'T' && line[10] != ' ') ||
		line[13] != ':' || line[16] != ':' {
		return time.Time{}, nil, false
	}
	y1, ok1 := two(line[0:2])
	y2, ok2 := two(line[2:4])
	mo, ok3 := two(line[5:7])
	d, ok4 := two(line[8:10])
	hh, ok5 := two(line[11:13])
	mm, ok6 := two(line[14:16])
	ss, ok7 := two(line[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, nil, false
	}
	n := 19
	frac, digits := 0, 0
	if n < len(line) && (line[n] == '.' || line[n] == ',') {
		n++
		for n < len(line) && isDigit(line[n]) {
			if digits < 9 {
				frac = frac*10 + int(line[n]-'0')
				digits++
			}
			n++
		}
		for digits < 9 && digits > 0 {
			frac *= 10
			digits++
		}
	}
	loc := p.Loc
	if loc == nil {
		loc = time.Local
	}
	if n < len(line) {
		switch c := line[n]; {
		case c == 'Z':
			loc = time.UTC
			n++
		case c == '+' || c == '-':
			if n+5 > len(line) {
				return time.Time{}, nil, false
			}
			oh, okh := two(line[n+1 : n+3])
			j := n + 3
			if j < len(line) && line[j] == ':' {
				j++
			}
			if j+2 > len(line) {
				return time.Time{}, nil, false
			}
			om, okm := two(line[j : j+2])
			if !okh || !okm {
				return time.Time{}, nil, false
			}
			off := (oh*60 + om) * 60
			if c == '-' {
				off = -off
			}
			if !p.zoneOK || p.zoneOff != off {
				p.zoneLoc, p.zoneOff, p.zoneOK = fixedZone(off), off, true
			}
			loc = p.zoneLoc
			n = j + 2
		}
	}
	if n >= len(line) || line[n] != ' ' {
		return time.Time{}, nil, false
	}
	t := time.Date(y1*100+y2, time.Month(mo), d, hh, mm, ss, frac, loc)
	return t, line[n+1:], true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func two(b []byte) (int, bool) {
	if len(b) != 2 || !isDigit(b[0]) || !isDigit(b[1]) {
		return 0, false
	}
	return int(b[0]-'0')*10 + int(b[1]-'0'), true
}

func month(b []byte) (time.Month, bool) {
	switch string(b) {
	case "Jan":
		return time.January, true
	case "Feb":
		return time.February, true
	case "Mar":
		return time.March, true
	case "Apr":
		return time.April, true
	case "May":
		return time.May, true
	case "Jun":
		return time.June, true
	case "Jul":
		return time.July, true
	case "Aug":
		return time.August, true
	case "Sep":
		return time.September, true
	case "Oct":
		return time.October, true
	case "Nov":
		return time.November, true
	case "Dec":
		return time.December, true
	}
	return 0, false
}
