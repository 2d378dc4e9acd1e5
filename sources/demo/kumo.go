package demo

import (
	"strconv"
	"strings"
)

// KumoMTA log records: one compact JSON object per line, keys in the order
// KumoMTA's serializer writes them, timestamps in UNIX seconds. KumoMTA
// spools one message per recipient, so each recipient has its own id and
// Reception record. The reply codes are logged apart from the text
// (response.code, response.enhanced_code), the text's lines joined by
// spaces; response.command is the command line sent.

// kumoSites are the MX host patterns of the big providers' site names.
var kumoSites = [...]string{
	kindGmail:     "(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com.",
	kindWorkspace: "(alt1|alt2)?.aspmx.l.google.com.",
	kindYahoo:     "(mta5|mta6|mta7).am0.yahoodns.net.",
	kindAOL:       aolMX + ".",
	kindApple:     "(mx01|mx02).mail.icloud.com.",
}

// kumoStart appends a record up to and including the opening quote of
// its site.
func (s *Sim) kumoStart(b []byte, typ string, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	r := &m.rcpt[ri]
	b = append(append(append(b, `{"type":"`...), typ...), `","id":"`...)
	x := mix((m.seq<<2 | uint64(ri)) ^ s.qsalt)
	b = appendHex(appendHex(b, x, 16, hexLower), mix(x), 16, hexLower)
	b = s.appendRcpt(append(b, `","sender":"`+sender+`","recipient":"`...), r)
	b = append(append(b, `","queue":"`...), s.doms[r.dom].name...)
	return append(b, `","site":"`...)
}

// kumoSiteOf appends the site name of an attempt from message m to d:
// the egress source, "->" and the pattern of the MX hosts.
func kumoSiteOf(b []byte, m *message, d *domain) []byte {
	b = append(append(b, identities[m.ident].name...), "->"...)
	if int(d.kind) < len(kumoSites) && kumoSites[d.kind] != "" {
		return append(b, kumoSites[d.kind]...)
	}
	return append(append(b, d.mx...), '.')
}

// kumoResponse appends `","size":N,"response":{` with the codes s.rhead
// holds ("451 4.7.0 ", "250 ") and text as its content, up to
// `"command":`.
func (s *Sim) kumoResponse(b []byte, m *message, text []byte) []byte {
	b = strconv.AppendInt(append(b, `","size":`...), int64(m.size), 10)
	code, enh, _ := strings.Cut(s.rhead, " ")
	if len(code) > 3 { // "550-5.1.1": the first line of several
		code, enh = code[:3], code[4:]
	}
	enh, _, _ = strings.Cut(enh, " ")
	b = append(append(b, `,"response":{"code":`...), code...)
	class, rest, _ := strings.Cut(enh, ".")
	subject, detail, ok := strings.Cut(rest, ".")
	if ok && class != "" && subject != "" && detail != "" {
		b = append(append(b, `,"enhanced_code":{"class":`...), class...)
		b = append(append(b, `,"subject":`...), subject...)
		b = append(append(append(b, `,"detail":`...), detail...), '}')
	} else {
		b = append(b, `,"enhanced_code":null`...)
	}
	b = appendJSON(append(b, `,"content":"`...), text)
	return append(b, `","command":`...)
}

// appendJSON appends text escaped for a JSON string.
func appendJSON(b []byte, text []byte) []byte {
	for _, c := range text {
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, `\u00`...)
			b = append(b, hexLower[c>>4], hexLower[c&15])
		default:
			b = append(b, c)
		}
	}
	return b
}

// kumoStage is which of the optional fields a record has.
type kumoStage uint8

const (
	kumoRecv    kumoStage = iota // no egress, no delivery protocol
	kumoExpired                  // an egress pool only
	kumoFailed                   // pool and source, no connection
	kumoSMTP                     // pool, source, source address and TLS
)

// kumoEnd appends the fields after the peer address: times, attempts,
// classification, egress, the fixed tail.
func (s *Sim) kumoEnd(b []byte, m *message, st kumoStage, attempts int, class string) []byte {
	b = strconv.AppendInt(append(b, `,"timestamp":`...), (s.origin+s.now)/1000, 10)
	b = strconv.AppendInt(append(b, `,"created":`...), (s.origin+m.arrival)/1000, 10)
	b = strconv.AppendInt(append(b, `,"num_attempts":`...), int64(attempts), 10)
	b = append(append(append(b, `,"bounce_classification":"`...), class...), `","egress_pool":`...)
	id := &identities[m.ident]
	if st == kumoRecv {
		b = append(b, "null"...)
	} else {
		b = append(append(append(b, '"'), id.pool...), '"')
	}
	if st >= kumoFailed {
		b = append(append(append(b, `,"egress_source":"`...), id.name...), '"')
	} else {
		b = append(b, `,"egress_source":null`...)
	}
	if st == kumoSMTP {
		b = append(append(b, `,"source_address":{"address":"`...), id.ip...)
		b = strconv.AppendInt(append(b, ':'), int64(32768+s.rng.IntN(28000)), 10)
		b = append(b, `"}`...)
	}
	b = append(b, `,"feedback_report":null,"meta":{"campaign":"nl2611"},"headers":{},"delivery_protocol":`...)
	if st >= kumoFailed {
		b = append(b, `"ESMTP"`...)
	} else {
		b = append(b, "null"...)
	}
	b = append(append(append(b, `,"reception_protocol":"ESMTP","nodeid":"`...), s.nodeID...), '"')
	if st == kumoSMTP {
		b = append(b, `,"tls_cipher":"TLS_AES_256_GCM_SHA384","tls_protocol_version":"TLSv1.3"`...)
	}
	return append(b, "}\n"...)
}

// kumoNodeID formats a node id as a UUID.
func kumoNodeID(x uint64) string {
	y := mix(x)
	b := appendHex(nil, x>>32, 8, hexLower)
	b = appendHex(append(b, '-'), x>>16, 4, hexLower)
	b = appendHex(append(b, '-'), 0x4000|x&0x0fff, 4, hexLower)
	b = appendHex(append(b, '-'), 0x8000|y>>48&0x3fff, 4, hexLower)
	b = appendHex(append(b, '-'), y, 12, hexLower)
	return string(b)
}

// kumoFailClass is the bounce classification KumoMTA's classifier gives
// each kind of bounce.
var kumoFailClass = [...]string{
	rpBounce: "InvalidRecipient", rpQuotaBounce: "QuotaIssues", rpRule: "PolicyRelated", rpDMARC: "AuthenticationFailed",
}

// kumoResult writes the Delivery, Bounce or TransientFailure record of an
// SMTP answer and counts it.
func (s *Sim) kumoResult(b []byte, rp reply, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	r := &m.rcpt[ri]
	d := &s.doms[r.dom]
	typ, class, attempts := "TransientFailure", "TransientFailure", int(m.attempt)
	cmd := cmdData
	switch {
	case rp == rpSent:
		s.scratch = s.appendSent(s.scratch[:0], m, r, d)
		typ, class, attempts = "Delivery", "Uncategorized", attempts-1
	case rp.bounced():
		s.scratch, cmd = s.failText(s.scratch[:0], rp, d, r)
		typ, class, attempts = "Bounce", kumoFailClass[rp], attempts-1
	default:
		s.scratch, cmd = s.deferText(s.scratch[:0], rp, d, r, identities[m.ident].ip)
	}
	b = kumoSiteOf(s.kumoStart(b, typ, mi, ri), m, d)
	b = s.kumoResponse(b, m, s.scratch)
	switch cmd {
	case cmdRcpt:
		b = append(s.appendRcpt(append(b, `"RCPT TO:<`...), r), `>\r\n"}`...)
	case cmdMail:
		b = append(b, `"MAIL FROM:<`+sender+`> SIZE=`...)
		b = append(strconv.AppendInt(b, int64(m.size), 10), `\r\n"}`...)
	default:
		b = append(b, `"."}`...)
	}
	b = append(append(b, `,"peer_address":{"name":"`...), relayHost(d, r)...)
	b = append(appendIP4(append(b, `.","addr":"`...), relayIP(d, r)), `"}`...)
	b = s.kumoEnd(b, m, kumoSMTP, attempts, class)
	s.settle(rp, m, r, d, int(m.ident))
	return b
}

// kumoTempFailure writes the TransientFailure record of a deferral without
// an SMTP reply: KumoMTA's own "failed to connect", the ready queue held
// after repeated connection failures, an MX lookup that failed.
func (s *Sim) kumoTempFailure(b []byte, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	d := &s.doms[m.rcpt[ri].dom]
	t := s.scratch[:0]
	switch m.rcpt[ri].route {
	case routeDNS:
		s.rhead = "451 4.4.4 "
		t = append(append(append(t, "failed to resolve queue "...), d.name...), ": MX lookup for "...)
		t = append(append(t, d.name...), " failed: SERVFAIL"...)
	case routeError:
		s.rhead = "451 4.4.1 "
		t = append(t, "No answer from any hosts listed in MX"...)
	default:
		s.rhead = "400 "
		t = append(t, "KumoMTA internal: failed to connect to any candidate hosts: connect to "...)
		t = append(appendIP4(t, d.ip), ":25 and read initial banner: deadline has elapsed"...)
	}
	s.scratch = t
	b = kumoSiteOf(s.kumoStart(b, "TransientFailure", mi, ri), m, d)
	b = append(s.kumoResponse(b, m, t), `null},"peer_address":null`...)
	return s.kumoEnd(b, m, kumoFailed, int(m.attempt), "Uncategorized")
}

// kumoExpiry writes the Expiration record of a recipient whose next
// delivery time would pass the message's maximum age.
func (s *Sim) kumoExpiry(b []byte, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	s.rhead = "551 5.4.7 "
	next := (s.now - m.arrival + RetrySecond.Milliseconds()) / 1000
	t := strconv.AppendInt(append(s.scratch[:0], "Next delivery time "...), next/60, 10)
	t = strconv.AppendInt(append(t, "m "...), next%60, 10)
	t = strconv.AppendInt(append(t, "s > "...), m.lifetime()/60_000, 10)
	s.scratch = append(t, 'm')
	b = append(s.kumoStart(b, "Expiration", mi, ri), "localhost"...)
	b = append(s.kumoResponse(b, m, s.scratch), `null},"peer_address":null`...)
	return s.kumoEnd(b, m, kumoExpired, int(m.attempt), "Uncategorized")
}

// kumoReception writes the Reception record of recipient ri of message mi.
func (s *Sim) kumoReception(b []byte, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	s.rhead = "250 "
	b = append(s.kumoResponse(s.kumoStart(b, "Reception", mi, ri), m, nil), "null}"...)
	if m.web {
		b = append(b, `,"peer_address":{"name":"web1.example.com","addr":"192.0.2.11"}`...)
	} else {
		b = append(b, `,"peer_address":{"name":"app1.example.com","addr":"192.0.2.10"}`...)
	}
	return s.kumoEnd(b, m, kumoRecv, 0, "Uncategorized")
}

// appendReception writes the reception record (PowerMTA r, KumoMTA
// Reception) of recipient ri of message mi.
func (s *Sim) appendReception(b []byte, mi int32, ri uint8) []byte {
	if s.mta == PowerMTA {
		return s.pmtaReception(b, mi, ri)
	}
	return s.kumoReception(b, mi, ri)
}
