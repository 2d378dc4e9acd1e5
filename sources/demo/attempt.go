package demo

import (
	"strconv"
	"time"
)

// invalidShare is the share of recipients whose mailbox does not exist.
var invalidShare = [numProviders]float64{0.012, 0.012, 0.008, 0.010, 0.025}

// newCampaignMsg creates a campaign message with 1 to 3 recipients.
func (s *Sim) newCampaignMsg(web bool) int32 {
	mi := s.allocMsg(mkCampaign)
	m := &s.msgs[mi]
	m.mid = mix(m.seq ^ s.msalt)
	m.ident = uint8((m.mid >> 40) % uint64(numIdents))
	m.web = web
	m.filtered = web && s.mta.hops()
	switch u := s.rng.Float64(); {
	case u < 0.85:
		m.nrcpt = 1
	case u < 0.95:
		m.nrcpt = 2
	default:
		m.nrcpt = 3
	}
	m.size = int32(8000 + s.rng.IntN(70000))
	if web {
		m.size = int32(3000 + s.rng.IntN(17000))
	}
	for i := range m.nrcpt {
		for again := true; again; {
			s.pickRecipient(&m.rcpt[i], false)
			again = false
			for j := range i {
				again = again || s.sameAddress(&m.rcpt[i], &m.rcpt[j])
			}
		}
	}
	return mi
}

// queueBacklog puts yesterday's backlog in the deferred queue: one-recipient
// messages for the domain whose server is out of storage, queued BacklogAge
// to six hours more before the log begins, whose next retries fall due over
// the log's first backlogRetry and then every backlogRetry. Its size follows
// the rate, for about three retries a minute at DefaultRate.
func (s *Sim) queueBacklog() {
	n := int(backlogRate*s.msgPerSec*backlogRetry.Seconds() + 0.5)
	for range n {
		mi := s.allocMsg(mkCampaign)
		m := &s.msgs[mi]
		m.arrival = -BacklogAge.Milliseconds() - s.rng.Int64N((6 * time.Hour).Milliseconds())
		m.mid = mix(m.seq ^ s.msalt)
		m.ident = uint8((m.mid >> 40) % uint64(numIdents))
		m.backlog = true
		m.attempt = uint8(18 + s.rng.IntN(6)) // retried all day
		m.nrcpt = 1
		m.size = int32(8000 + s.rng.IntN(70000))
		m.rcpt[0] = recipient{
			dom:   table.diskFull,
			first: uint8(s.rng.IntN(len(firstNames))),
			last:  uint8(s.rng.IntN(len(lastNames))),
			style: uint8(s.rng.IntN(6)),
			num:   uint16(s.rng.IntN(2000)),
			state: stDeferred,
			tried: true,
		}
		s.push(s.between(0, backlogRetry.Milliseconds()), evQmgr, mi, 0)
	}
}

// sameAddress reports whether two recipients spell the same address.
func (s *Sim) sameAddress(a, b *recipient) bool {
	var x, y [96]byte
	return string(s.appendRcpt(x[:0], a)) == string(s.appendRcpt(y[:0], b))
}

// cloneMsg creates the copy of filtered message p that the content filter
// re-injects, and links p to it.
func (s *Sim) cloneMsg(p int32) int32 {
	mi := s.allocMsg(mkCampaign)
	m, pm := &s.msgs[mi], &s.msgs[p]
	m.mid = pm.mid
	m.ident = pm.ident
	m.nrcpt = pm.nrcpt
	m.size = pm.size + 700
	m.parent = p
	for i := range m.nrcpt {
		r := pm.rcpt[i]
		m.rcpt[i] = recipient{dom: r.dom, first: r.first, last: r.last, style: r.style, num: r.num, invalid: r.invalid}
	}
	pm.link = mi
	return mi
}

// pickRecipient draws a recipient from the campaign's list: about 35%
// Microsoft, 30% Google, 15% Yahoo/AOL, 3% Apple and 17% small domains.
// A probe avoids the domains that never answer.
func (s *Sim) pickRecipient(r *recipient, probe bool) {
	t := table
	pick := func(ix []uint16) uint16 { return ix[s.rng.IntN(len(ix))] }
	u := s.rng.Float64()
	var dom uint16
	switch {
	case u < 0.35:
		if v := s.rng.Float64(); v < 0.6 {
			dom = pick(t.m365)
		} else {
			// hotmail.com 45%, outlook.com 35%, live.com 15%, msn.com 5%.
			switch w := s.rng.Float64(); {
			case w < 0.45:
				dom = t.outlook[0]
			case w < 0.80:
				dom = t.outlook[1]
			case w < 0.95:
				dom = t.outlook[2]
			default:
				dom = t.outlook[3]
			}
		}
	case u < 0.65:
		switch v := s.rng.Float64(); {
		case v < 0.77:
			dom = t.gmail[0]
		case v < 0.80:
			dom = t.gmail[1]
		default:
			dom = pick(t.workspace)
		}
	case u < 0.80:
		switch v := s.rng.Float64(); {
		case v < 0.6:
			dom = t.yahoo[0]
		case v < 0.9:
			dom = t.aol[0]
		default:
			dom = t.yahoo[1]
		}
	case u < 0.83:
		dom = t.apple[0]
		if s.chance(0.15) {
			dom = t.apple[1]
		}
	default:
		x := uint32(s.rng.IntN(int(t.tailCum[len(t.tailCum)-1])))
		lo, hi := 0, len(t.tailCum)-1 // first i with tailCum[i] > x
		for lo < hi {
			if mid := (lo + hi) / 2; t.tailCum[mid] > x {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		dom = t.tail[lo]
		if probe && s.doms[dom].mode != modeNormal {
			dom = t.gmail[0]
		}
	}
	*r = recipient{
		dom:   dom,
		first: uint8(s.rng.IntN(len(firstNames))),
		last:  uint8(s.rng.IntN(len(lastNames))),
		style: uint8(s.rng.IntN(6)),
		num:   uint16(s.rng.IntN(2000)),
	}
	r.invalid = s.chance(invalidShare[s.doms[dom].prov])
}

// onProbe starts an address-verification probe and schedules the next.
func (s *Sim) onProbe(b []byte) []byte {
	mi := s.allocMsg(mkProbe)
	m := &s.msgs[mi]
	m.nrcpt = 1
	m.size = int32(240 + s.rng.IntN(80))
	s.pickRecipient(&m.rcpt[0], true)
	m.rcpt[0].invalid = s.chance(0.2)
	b = s.prefixQ(b, "cleanup", s.pidOf(s.pids.cleanup), mi)
	b = s.appendPostfixMsgID(b, mi)
	s.push(s.now+s.between(1, 5), evQmgr, mi, 0)
	rate := s.msgPerSec * probeShare * arrivalRate(s.now-s.start)
	s.push(s.expMs(1/rate), evProbe, -1, 0)
	return b
}

// startAttempt sends every recipient of message mi that is not done yet.
func (s *Sim) startAttempt(mi int32) {
	m := &s.msgs[mi]
	m.attempt++
	m.pending, m.bounced = 0, 0
	for i := range m.nrcpt {
		r := &m.rcpt[i]
		if r.state == stSent || r.state == stBounced {
			continue
		}
		m.pending++
		r.qAt = s.now
		r.b = int32(s.rng.IntN(200))
		r.c, r.d = 0, 0
		r.hasTLSLine = false
		if m.kind == mkNDR {
			r.d = int32(s.between(5, 40))
			s.push(s.now+int64(r.b+r.d), evResult, mi, i)
			continue
		}
		d := &s.doms[r.dom]
		r.pid = s.pidOf(s.pids.smtp)
		switch {
		case d.suspended > s.now:
			r.route = routeError
			r.pid = s.pidOf(s.pids.errorPID)
		case d.mode == modeDead:
			r.route = routeTimeout
			r.c = 30000
			s.push(s.now+int64(r.b+r.c), evConnTimeout, mi, i)
			continue
		case d.mode == modeDNS:
			r.route = routeDNS
			r.c = int32(s.between(50, 5000))
		default:
			r.route = routeSMTP
			s.chooseRelay(d, r)
			r.c = int32(s.between(60, 900))
			r.d = int32(s.between(80, 1500))
			if s.chance(tlsShare) && s.mta == Postfix {
				r.hasTLSLine = true
				s.push(s.now+int64(r.b+r.c), evTLS, mi, i)
			}
		}
		s.push(s.now+int64(r.b+r.c+r.d), evResult, mi, i)
	}
}

// chooseRelay picks the MX host and address an attempt reaches.
func (s *Sim) chooseRelay(d *domain, r *recipient) {
	r.relay = 0
	switch d.kind {
	case kindM365, kindOutlook:
		r.ipThird = d.ip[2] + byte(s.rng.IntN(4))
		r.ipLast = byte(1 + s.rng.IntN(254))
	case kindGmail, kindWorkspace:
		if s.chance(0.15) {
			n := len(gmailMX)
			if d.kind == kindWorkspace {
				n = len(workspaceMX)
			}
			r.relay = uint8(1 + s.rng.IntN(n-1))
		}
		r.ipThird = byte(s.rng.IntN(len(googleIPs)))
		r.ipLast = byte(26 + s.rng.IntN(2))
	case kindYahoo, kindAOL:
		r.relay = uint8(s.rng.IntN(len(yahooMX)))
		r.ipThird = byte(s.rng.IntN(len(yahooIPs)))
		r.ipLast = byte(72 + s.rng.IntN(40))
	case kindApple:
		r.relay = uint8(s.rng.IntN(len(appleMX)))
		r.ipThird = r.relay
		r.ipLast = byte(6 + s.rng.IntN(32))
	}
}

// relayHost returns the MX host an attempt reached.
func relayHost(d *domain, r *recipient) string {
	switch d.kind {
	case kindGmail:
		return gmailMX[r.relay]
	case kindWorkspace:
		return workspaceMX[r.relay]
	case kindYahoo:
		return yahooMX[r.relay]
	case kindAOL:
		return aolMX
	case kindApple:
		return appleMX[r.relay]
	}
	return d.mx
}

// relayIP returns the address an attempt reached.
func relayIP(d *domain, r *recipient) [4]byte {
	var p [3]byte
	switch d.kind {
	case kindM365, kindOutlook:
		return [4]byte{d.ip[0], d.ip[1], r.ipThird, r.ipLast}
	case kindGmail, kindWorkspace:
		p = googleIPs[r.ipThird]
	case kindYahoo, kindAOL:
		p = yahooIPs[r.ipThird]
	case kindApple:
		p = appleIPs[r.ipThird]
	default:
		return d.ip
	}
	return [4]byte{p[0], p[1], p[2], r.ipLast}
}

// appendRelay appends "host[address]" of the attempt's relay.
func (s *Sim) appendRelay(b []byte, d *domain, r *recipient) []byte {
	b = append(append(b, relayHost(d, r)...), '[')
	return append(appendIP4(b, relayIP(d, r)), ']')
}

func (s *Sim) onTLS(b []byte, mi int32, ri uint8) []byte {
	r := &s.msgs[mi].rcpt[ri]
	d := &s.doms[r.dom]
	b = s.prefix(b, "smtp", r.pid)
	if d.kind == kindTail {
		b = append(b, "Untrusted"...)
	} else {
		b = append(b, "Trusted"...)
	}
	b = append(b, " TLS connection established to "...)
	b = s.appendRelay(b, d, r)
	return append(b, ":25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256\n"...)
}

func (s *Sim) onConnTimeout(b []byte, mi int32, ri uint8) []byte {
	r := &s.msgs[mi].rcpt[ri]
	d := &s.doms[r.dom]
	switch s.mta {
	case Postfix:
		b = s.prefix(b, "smtp", r.pid)
		b = append(s.appendConnectTimeout(b, d), '\n')
	case Exim:
		b = s.eximHost(s.eximHead(b, mi), d.mx, d.ip)
		b = append(b, " Connection timed out\n"...)
	}
	d.suspended = s.now + RetryFirst.Milliseconds()
	s.push(s.now, evResult, mi, ri)
	return b
}

// appendConnectTimeout appends "connect to mx[ip]:25: Connection timed out".
func (s *Sim) appendConnectTimeout(b []byte, d *domain) []byte {
	b = append(append(b, "connect to "...), d.mx...)
	b = appendIP(append(b, '['), d.ip[0], d.ip[1], d.ip[2], d.ip[3])
	return append(b, "]:25: Connection timed out"...)
}

// appendAlnum appends n random characters from [0-9a-z] (upper: [0-9A-Z]).
func (s *Sim) appendAlnum(b []byte, n int, upper bool) []byte {
	const lower36 = "0123456789abcdefghijklmnopqrstuvwxyz"
	const upper36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digits := lower36
	if upper {
		digits = upper36
	}
	x := s.rng.Uint64()
	for i := range n {
		if i%12 == 11 {
			x = s.rng.Uint64()
		}
		b = append(b, digits[x%36])
		x /= 36
	}
	return b
}

// appendDigits appends n random decimal digits (the first non-zero).
func (s *Sim) appendDigits(b []byte, n int) []byte {
	lo := int64(1)
	for range n - 1 {
		lo *= 10
	}
	return strconv.AppendInt(b, lo+s.rng.Int64N(9*lo), 10)
}
