package demo

import "strconv"

// Exim main log lines, as Exim 4.9x writes them with log_selector
// +incoming_interface (which, with the default outgoing_interface, puts
// I=[sending address] after each H=). Deliveries go through the router
// dnslookup and the transport remote_smtp; a web message first passes
// amavis on 127.0.0.1, which re-injects it on port 10025; notices go to the
// bounce handler through a pipe transport.

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// appendBase62 appends the low n base-62 digits of x.
func appendBase62(b []byte, x uint64, n int) []byte {
	var d [11]byte
	for i := n - 1; i >= 0; i-- {
		d[i] = base62[x%62]
		x /= 62
	}
	return append(b, d[:n]...)
}

// appendEximID appends a message's Exim id in the classic 6-6-2 form: its
// arrival second in base 62, the receiving process id and the fraction of
// the second. The process id is a keyed bijection of the message number
// modulo Linux's largest pid_max (1<<22), so two messages that arrive in the
// same second never share an id (ids repeat only at over four million
// messages a second).
func (s *Sim) appendEximID(b []byte, m *message) []byte {
	const pidMax = 1 << 22
	at := s.origin + m.arrival
	b = append(appendBase62(b, uint64(at/1000), 6), '-')
	b = append(appendBase62(b, (m.seq*0x9E3779B1+s.qsalt)%pidMax, 6), '-')
	return appendBase62(b, uint64(at%1000)*62*62/1000, 2)
}

// eximHead appends "2026-11-27 16:40:01 1vXyZa-000123-Ab " for message mi.
func (s *Sim) eximHead(b []byte, mi int32) []byte {
	s.st.at((s.origin + s.now) / 1000)
	b = append(b, s.st.ymd[:]...)
	return append(s.appendEximID(b, &s.msgs[mi]), ' ')
}

// eximHost appends "H=host [ip]".
func (s *Sim) eximHost(b []byte, host string, ip [4]byte) []byte {
	b = append(append(append(b, "H="...), host...), " ["...)
	return append(appendIP4(b, ip), ']')
}

// eximErrno is the errno Exim logs for a 4xx answer to each command.
var eximErrno = [...]string{cmdRcpt: "-44", cmdMail: "-45", cmdData: "-46"}

// eximVia appends the router, transport, host and interface of an SMTP
// attempt: " R=dnslookup T=remote_smtp [defer (N) ]H=host [ip] I=[src]";
// errno is "" but for a deferral.
func (s *Sim) eximVia(b []byte, m *message, r *recipient, d *domain, errno string) []byte {
	b = append(b, " R=dnslookup T=remote_smtp "...)
	if errno != "" {
		b = append(append(append(b, "defer ("...), errno...), ") "...)
	}
	b = s.eximHost(b, relayHost(d, r), relayIP(d, r))
	return append(append(append(b, " I=["...), identities[m.ident].ip...), ']')
}

// eximTLS appends the cipher and certificate verification of a delivery.
func eximTLS(b []byte, d *domain) []byte {
	b = append(b, " X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV="...)
	if d.kind == kindTail {
		return append(b, "no"...)
	}
	return append(b, "yes"...)
}

// eximAfter appends "SMTP error from remote mail server after CMD: ".
func (s *Sim) eximAfter(b []byte, cmd command, m *message, r *recipient) []byte {
	b = append(b, "SMTP error from remote mail server after "...)
	switch cmd {
	case cmdRcpt:
		b = append(s.appendRcpt(append(b, "RCPT TO:<"...), r), '>')
	case cmdMail:
		b = append(b, "MAIL FROM:<"+sender+"> SIZE="...)
		b = strconv.AppendInt(b, int64(m.size), 10)
	default:
		b = append(b, "end of data"...)
	}
	return append(b, ": "...)
}

// eximResult writes the "=>", "**" or "==" line of an SMTP answer and
// counts it.
func (s *Sim) eximResult(b []byte, rp reply, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	r := &m.rcpt[ri]
	d := &s.doms[r.dom]
	b = s.eximHead(b, mi)
	switch {
	case rp == rpSent:
		b = s.appendRcpt(append(b, "=> "...), r)
		b = eximTLS(s.eximVia(b, m, r, d, ""), d)
		b = append(s.appendSent(append(b, ` C="`...), m, r, d), '"')
	case rp.bounced():
		var cmd command
		s.scratch, cmd = s.failText(s.scratch[:0], rp, d, r)
		b = s.appendRcpt(append(b, "** "...), r)
		b = append(eximTLS(s.eximVia(b, m, r, d, ""), d), ": "...)
		b = append(s.eximAfter(b, cmd, m, r), s.scratch...)
	default:
		var cmd command
		s.scratch, cmd = s.deferText(s.scratch[:0], rp, d, r, identities[m.ident].ip)
		b = s.appendRcpt(append(b, "== "...), r)
		b = s.eximVia(b, m, r, d, eximErrno[cmd])
		b = append(s.eximAfter(append(b, ": "...), cmd, m, r), s.scratch...)
	}
	s.settle(rp, m, r, d, int(m.ident))
	return append(b, '\n')
}

// eximTempFailure writes the "==" line of a deferral without an SMTP
// reply: a connection that timed out, a host still in its retry wait, a
// DNS lookup that did not complete.
func (s *Sim) eximTempFailure(b []byte, mi int32, ri uint8) []byte {
	r := &s.msgs[mi].rcpt[ri]
	d := &s.doms[r.dom]
	b = s.appendRcpt(append(s.eximHead(b, mi), "== "...), r)
	switch r.route {
	case routeDNS:
		return append(b, " R=dnslookup defer (-1): host lookup did not complete\n"...)
	case routeError:
		b = append(b, " R=dnslookup T=remote_smtp defer (-53): retry time not reached for any host for '"...)
		return append(append(b, d.name...), "'\n"...)
	}
	return append(b, " R=dnslookup T=remote_smtp defer (110): Connection timed out\n"...)
}

// eximArrival writes the "<=" line of a submitted or re-injected message.
func (s *Sim) eximArrival(b []byte, mi int32) []byte {
	m := &s.msgs[mi]
	b = append(s.eximHead(b, mi), "<= "+sender+" H="...)
	switch {
	case m.parent >= 0:
		b = append(append(b, "localhost ("...), s.host...)
		b = append(b, senderHost+") [127.0.0.1] I=[127.0.0.1]:10025 P=esmtp"...)
	case m.web:
		b = append(b, "web1.example.com [192.0.2.11] I=["+ourIP+"]:25 P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no"...)
	default:
		b = append(b, "app1.example.com [192.0.2.10] I=["+ourIP+"]:25 P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no"...)
	}
	b = strconv.AppendInt(append(b, " S="...), int64(m.size), 10)
	b = appendHex(append(b, " id=nl2611."...), m.mid, 16, hexLower)
	return append(b, "@mailer.example.com\n"...)
}

// eximHop writes amavis's acceptance of recipient ri of a filtered
// message: "=>" for the first, "->" for the others of the same delivery.
func (s *Sim) eximHop(b []byte, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	b = s.eximHead(b, mi)
	if ri == 0 {
		b = append(b, "=> "...)
	} else {
		b = append(b, "-> "...)
	}
	b = s.appendRcpt(b, &m.rcpt[ri])
	b = append(b, ` R=amavis T=amavis H=127.0.0.1 [127.0.0.1] I=[127.0.0.1] C="250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 OK id=`...)
	return append(s.appendEximID(b, &s.msgs[m.link]), "\"\n"...)
}

// eximNotice writes the "<=" line of the non-delivery notice n that Exim
// made for message mi.
func (s *Sim) eximNotice(b []byte, mi, n int32) []byte {
	b = append(s.eximHead(b, n), "<= <> R="...)
	b = s.appendEximID(b, &s.msgs[mi])
	b = strconv.AppendInt(append(b, " U=Debian-exim P=local S="...), int64(s.msgs[n].size), 10)
	return append(b, '\n')
}

// eximNoticeDelivery writes the local delivery of a notice to the bounce
// handler.
func (s *Sim) eximNoticeDelivery(b []byte, mi int32) []byte {
	return append(s.eximHead(b, mi), "=> "+sender+" R=bounce_handler T=bounce_pipe\n"...)
}
