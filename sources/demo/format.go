package demo

import (
	"strconv"
	"time"
)

// stamper caches the text forms of the current simulated second, so that
// formatting a timestamp costs a copy, not a time.Format.
type stamper struct {
	loc     *time.Location
	sec     int64
	syslog  [16]byte // "Nov 27 16:40:01 " in loc, day space-padded
	iso     [19]byte // "2026-11-27T16:40:01" in UTC
	compact [14]byte // "20261127164001" in loc
	ymd     [20]byte // "2026-11-27 16:40:01 " in loc (Exim, PowerMTA)
	zone    [5]byte  // "+0000", loc's offset at that time
}

const monthNames = "JanFebMarAprMayJunJulAugSepOctNovDec"

func (st *stamper) init(loc *time.Location) {
	st.loc = loc
	st.sec = -1 << 62
}

// at makes the cache hold Unix second sec.
func (st *stamper) at(sec int64) {
	if sec == st.sec {
		return
	}
	st.sec = sec
	t := time.Unix(sec, 0).In(st.loc)
	y, mo, d := t.Date()
	h, mi, se := t.Clock()
	b := st.syslog[:0]
	b = append(b, monthNames[3*(mo-1):3*mo]...)
	b = append(b, ' ')
	if d < 10 {
		b = append(b, ' ', byte('0'+d))
	} else {
		b = append2(b, d)
	}
	b = append(b, ' ')
	b = appendClock(b, h, mi, se, ':')
	b = append(b, ' ')
	_ = b
	c := st.compact[:0]
	c = append2(append2(strconv.AppendInt(c, int64(y), 10), int(mo)), d)
	c = appendClock(c, h, mi, se, 0)
	_ = c
	l := st.ymd[:0]
	l = append2(append(append2(append(strconv.AppendInt(l, int64(y), 10), '-'), int(mo)), '-'), d)
	l = append(appendClock(append(l, ' '), h, mi, se, ':'), ' ')
	_ = l
	_, off := t.Zone()
	st.zone[0] = '+'
	if off < 0 {
		st.zone[0], off = '-', -off
	}
	z := append2(append2(st.zone[:1], off/3600), off/60%60)
	_ = z
	u := t.UTC()
	y, mo, d = u.Date()
	h, mi, se = u.Clock()
	i := st.iso[:0]
	i = strconv.AppendInt(i, int64(y), 10)
	i = append2(append(append2(append(i, '-'), int(mo)), '-'), d)
	i = appendClock(append(i, 'T'), h, mi, se, ':')
	_ = i
}

// append2 appends v (0-99) as two digits.
func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

// appendClock appends hh:mm:ss, or hhmmss when sep is 0.
func appendClock(b []byte, h, m, s int, sep byte) []byte {
	b = append2(b, h)
	if sep != 0 {
		b = append(b, sep)
	}
	b = append2(b, m)
	if sep != 0 {
		b = append(b, sep)
	}
	return append2(b, s)
}

// prefix appends "Nov 27 16:40:01 mx1 postfix/proc[pid]: " for now.
func (s *Sim) prefix(b []byte, proc string, pid int32) []byte {
	s.st.at((s.origin + s.now) / 1000)
	b = append(b, s.st.syslog[:]...)
	b = append(b, s.host...)
	b = append(b, " postfix/"...)
	b = append(b, proc...)
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(pid), 10)
	return append(b, "]: "...)
}

// prefixQ appends the prefix and "QID: " of message i.
func (s *Sim) prefixQ(b []byte, proc string, pid int32, i int32) []byte {
	b = s.prefix(b, proc, pid)
	b = s.appendQID(b, s.msgs[i].seq)
	return append(b, ": "...)
}

const hexUpper = "0123456789ABCDEF"
const hexLower = "0123456789abcdef"

// appendQID appends the 10-hex-digit Postfix queue id of message number
// seq: a keyed bijection of the 40-bit counter, so ids never repeat.
func (s *Sim) appendQID(b []byte, seq uint64) []byte {
	const mask = 1<<40 - 1
	x := (seq + s.qsalt) & mask
	x = (x * 0x9E3779B97F) & mask
	x ^= x >> 19
	x = (x * 0xC2B2AE3D27D4EB4F) & mask
	x ^= x >> 17
	for sh := 36; sh >= 0; sh -= 4 {
		b = append(b, hexUpper[(x>>uint(sh))&15])
	}
	return b
}

// mix is a 64-bit finaliser (SplitMix64) for derived ids.
func mix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// appendHex appends the low n hex digits of x.
func appendHex(b []byte, x uint64, n int, digits string) []byte {
	for sh := 4 * (n - 1); sh >= 0; sh -= 4 {
		b = append(b, digits[(x>>uint(sh))&15])
	}
	return b
}

// appendIP appends a dotted IPv4 address.
func appendIP(b []byte, a, c, d, e byte) []byte {
	b = strconv.AppendUint(b, uint64(a), 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, uint64(c), 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, uint64(d), 10)
	b = append(b, '.')
	return strconv.AppendUint(b, uint64(e), 10)
}

// appendIP4 appends a dotted IPv4 address.
func appendIP4(b []byte, ip [4]byte) []byte { return appendIP(b, ip[0], ip[1], ip[2], ip[3]) }

// appendDelay appends a duration in ms the way Postfix logs delays: whole
// seconds from 10 s up, else two significant digits, trailing zeros cut,
// and 0 below the 10 ms resolution ("0", "0.01", "0.5", "1.2", "16").
func appendDelay(b []byte, ms int64) []byte {
	switch {
	case ms >= 10000:
		return strconv.AppendInt(b, ms/1000, 10)
	case ms >= 1000:
		b = strconv.AppendInt(b, ms/1000, 10)
		if t := ms % 1000 / 100; t != 0 {
			b = append(b, '.', byte('0'+t))
		}
		return b
	case ms < 10:
		return append(b, '0')
	}
	cs := ms / 10 // hundredths
	b = append(b, '0', '.', byte('0'+cs/10))
	if cs%10 != 0 {
		b = append(b, byte('0'+cs%10))
	}
	return b
}

// appendRcpt appends the address of recipient r.
func (s *Sim) appendRcpt(b []byte, r *recipient) []byte {
	f, l := firstNames[r.first], lastNames[r.last]
	switch r.style {
	case 0:
		b = append(append(append(b, f...), '.'), l...)
	case 1:
		b = append(append(b, f[0]), l...)
	case 2:
		b = strconv.AppendUint(append(b, f...), uint64(r.num), 10)
	case 3:
		b = append(append(append(b, f...), '_'), l...)
	case 4:
		b = strconv.AppendUint(append(append(append(b, f...), '.'), l...), uint64(r.num%100), 10)
	default:
		b = append(b, f...)
	}
	b = append(b, '@')
	return append(b, s.doms[r.dom].name...)
}
