package demo

// reply is the kind of answer a delivery attempt got.
type reply uint8

const (
	rpSent        reply = iota
	rpBounce            // mailbox does not exist
	rpMS470             // Microsoft 451 4.7.0 ... PRXn
	rpMS650             // Outlook.com 451 4.7.650 (S775)
	rpGmail421          // Gmail 421-4.7.0 unsolicited-rate limit
	rpGmail4211         // Gmail 450-4.2.1 receiving too quickly
	rpTSS04             // Yahoo/AOL 421 4.7.0 [TSS04]
	rpAppleDefer        // iCloud 421 4.7.1 excessive volume
	rpGreylist          // small domain 450 4.2.0 greylisted
	rpQuota             // Gmail 452-4.2.2 over quota
	rpDiskFull          // small domain 452 4.3.1 Insufficient system storage
	rpQuotaBounce       // Gmail 452-4.2.2 over quota, bounced by the status filter
	rpRule              // Microsoft 365 tenant 550 5.7.1 Delivery not authorized
	rpDMARC             // Gmail 550-5.7.26 Unauthenticated email ... DMARC policy
)

// bounced reports whether the sending host bounces a recipient that got rp.
func (rp reply) bounced() bool {
	switch rp {
	case rpBounce, rpQuotaBounce, rpRule, rpDMARC:
		return true
	}
	return false
}

// decide draws the answer to an SMTP attempt at t (ms from Start).
func (s *Sim) decide(r *recipient, d *domain, t int64) reply {
	u := s.rng.Float64()
	switch d.kind {
	case kindM365, kindOutlook:
		p := share470(t)
		if u < p {
			return rpMS470
		}
		if d.kind == kindOutlook && u < p+outlook650 {
			return rpMS650
		}
	case kindGmail, kindWorkspace:
		p := shareGmail421(t)
		if u < p {
			return rpGmail421
		}
		if u < p+gmail4211 {
			return rpGmail4211
		}
		if u < p+gmail4211+gmailQuota && !r.invalid {
			if t >= QuotaBounceFrom.Milliseconds() {
				return rpQuotaBounce
			}
			return rpQuota
		}
	case kindYahoo, kindAOL:
		if u < shareTSS04(t) {
			return rpTSS04
		}
	case kindApple:
		if u < appleDefer {
			return rpAppleDefer
		}
	case kindTail:
		if d.mode == modeDiskFull {
			return rpDiskFull
		}
		if d.mode == modeGreylist && !r.tried {
			return rpGreylist
		}
	}
	if r.invalid {
		return rpBounce
	}
	// Refusals at the end of DATA, for recipients that exist.
	switch {
	case d.mode == modeRule && t >= TenantRuleFrom.Milliseconds():
		return rpRule
	case (d.kind == kindGmail || d.kind == kindWorkspace) && dkimBroken(t) && u >= 1-gmailDMARC:
		return rpDMARC
	}
	return rpSent
}

// onResult writes the result of one recipient's attempt and counts it.
func (s *Sim) onResult(b []byte, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	r := &m.rcpt[ri]
	d := &s.doms[r.dom]
	switch {
	case m.kind == mkNDR:
		if s.mta == Exim {
			b = s.eximNoticeDelivery(b, mi)
		} else {
			b = s.resultHead(b, "local", s.pidOf(s.pids.local), mi, r, d)
			b = append(b, "2.0.0, status=sent (delivered to command: "+bounceCmd+")\n"...)
		}
		s.tally(provOther, oSent, noIdent)
		r.state = stSent
	case m.kind == mkProbe:
		b = s.resultHead(b, "smtp", r.pid, mi, r, d)
		if r.invalid {
			b = append(b, bounceDSN(d)...)
			b = append(b, ", status=undeliverable ("...)
			b = s.appendBounce(b, rpBounce, d, r)
			r.state = stBounced
		} else {
			b = append(b, "2.1.5, status=deliverable ("...)
			b = s.appendVerified(b, d, r)
			r.state = stSent
		}
		b = append(b, ")\n"...)
		s.probes++
	case r.route != routeSMTP:
		b = s.appendTempFailure(b, mi, ri)
		r.state = stDeferred
	default:
		rp := s.decide(r, d, s.now-s.start)
		r.rp = rp
		switch s.mta {
		case Postfix:
			b = s.resultHead(b, "smtp", r.pid, mi, r, d)
			b = s.appendOutcome(b, rp, m, r, d)
		case Exim:
			b = s.eximResult(b, rp, mi, ri)
		case PowerMTA:
			b = s.pmtaResult(b, rp, mi, ri)
		default:
			b = s.kumoResult(b, rp, mi, ri)
		}
	}
	m.pending--
	if m.pending == 0 {
		s.endAttempt(mi)
	}
	return b
}

// appendTempFailure writes a deferral that got no SMTP reply (connection
// timed out, destination suspended, DNS failure) and counts it; PowerMTA
// logs nothing for a destination it has suspended.
func (s *Sim) appendTempFailure(b []byte, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	r := &m.rcpt[ri]
	d := &s.doms[r.dom]
	id := int(m.ident)
	switch s.mta {
	case Postfix:
		proc := "smtp"
		if r.route == routeError {
			proc = "error"
		}
		b = s.resultHead(b, proc, r.pid, mi, r, d)
		switch r.route {
		case routeDNS:
			b = append(b, "4.4.3, status=deferred (Host or domain name not found. Name service error for name="...)
			b = append(append(b, d.name...), " type=MX: Host not found, try again"...)
		case routeError:
			b = append(b, "4.4.1, status=deferred (delivery temporarily suspended: "...)
			b = s.appendConnectTimeout(b, d)
		default:
			b = append(b, "4.4.1, status=deferred ("...)
			b = s.appendConnectTimeout(b, d)
		}
		b = append(b, ")\n"...)
		id = noIdent
	case Exim:
		b = s.eximTempFailure(b, mi, ri)
		id = noIdent
	case PowerMTA:
		if r.route == routeError {
			return b
		}
		b = s.pmtaQueueFailure(b, mi, ri)
	default:
		b = s.kumoTempFailure(b, mi, ri)
	}
	s.tally(d.prov, oDeferred, id)
	return b
}

// settle counts the answer rp to recipient r's attempt, whose line names
// sending identity id (or noIdent), and records the recipient's state.
func (s *Sim) settle(rp reply, m *message, r *recipient, d *domain, id int) {
	switch {
	case rp == rpSent:
		s.tally(d.prov, oSent, id)
		r.state = stSent
	case rp.bounced():
		s.tally(d.prov, oBounced, id)
		r.state = stBounced
		m.bounced++
	default:
		s.tally(d.prov, oDeferred, id)
		r.state = stDeferred
		if rp == rpMS470 {
			s.ms470++
		}
	}
}

// onExpireRcpt writes the expiry of one recipient (Exim, PowerMTA,
// KumoMTA log one line per recipient) and, after the message's last, sends
// the notice or removes the message.
func (s *Sim) onExpireRcpt(b []byte, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	r := &m.rcpt[ri]
	id := int(m.ident)
	switch s.mta {
	case Exim:
		b = append(s.eximHead(b, mi), "** "...)
		b = append(s.appendRcpt(b, r), ": retry timeout exceeded\n"...)
		if r.route != routeSMTP { // the last deferral named no host and no I=
			id = noIdent
		}
	case PowerMTA:
		b = s.pmtaExpiry(b, mi, ri)
	default:
		b = s.kumoExpiry(b, mi, ri)
	}
	s.tally(s.doms[r.dom].prov, oExpired, id)
	r.state = stBounced
	if m.countState(stDeferred) == 0 {
		if s.mta.notices() {
			s.push(s.now+s.between(1, 20), evNDRCleanup, mi, 0)
		} else {
			s.push(s.now+s.between(0, 3), evRemoved, mi, 0)
		}
	}
	return b
}

// resultHead appends a result line up to and including "dsn=".
func (s *Sim) resultHead(b []byte, proc string, pid int32, mi int32, r *recipient, d *domain) []byte {
	m := &s.msgs[mi]
	b = s.prefixQ(b, proc, pid, mi)
	b = append(b, "to=<"...)
	if m.kind == mkNDR {
		b = append(b, sender...)
	} else {
		b = s.appendRcpt(b, r)
	}
	b = append(b, ">, relay="...)
	switch r.route {
	case routeSMTP:
		b = append(s.appendRelay(b, d, r), ":25"...)
	case routeLocal:
		b = append(b, "local"...)
	default:
		b = append(b, "none"...)
	}
	b = appendDelay(append(b, ", delay="...), s.now-m.arrival)
	b = appendDelay(append(b, ", delays="...), r.qAt-m.arrival)
	b = appendDelay(append(b, '/'), int64(r.b))
	b = appendDelay(append(b, '/'), int64(r.c))
	b = appendDelay(append(b, '/'), int64(r.d))
	return append(b, ", dsn="...)
}

// appendOutcome appends "X.Y.Z, status=... (reply)" for an SMTP answer
// and counts it.
func (s *Sim) appendOutcome(b []byte, rp reply, m *message, r *recipient, d *domain) []byte {
	switch {
	case rp == rpSent:
		b = append(b, sentDSN(d)...)
		b = append(b, ", status=sent ("...)
		b = s.appendSent(b, m, r, d)
	case rp.bounced():
		b = append(b, failDSN(rp, d)...)
		b = append(b, ", status=bounced ("...)
		b = s.appendBounce(b, rp, d, r)
	default:
		b = append(b, deferDSN[rp]...)
		b = append(b, ", status=deferred ("...)
		b = s.appendDeferral(b, rp, d, r)
	}
	s.settle(rp, m, r, d, noIdent)
	return append(b, ")\n"...)
}

var deferDSN = [...]string{
	rpMS470: "4.7.0", rpMS650: "4.7.650", rpGmail421: "4.7.0", rpGmail4211: "4.2.1",
	rpTSS04: "4.7.0", rpAppleDefer: "4.7.1", rpGreylist: "4.2.0", rpQuota: "4.2.2",
	rpDiskFull: "4.3.1",
}

func sentDSN(d *domain) string {
	if d.kind == kindM365 || d.kind == kindOutlook || (d.kind == kindTail && d.flavor == 3) {
		return "2.6.0"
	}
	return "2.0.0"
}

// failDSN is the dsn= of a bounce: the reply's enhanced code, but for the
// over-quota deferrals the status filter turns into 5.2.2.
func failDSN(rp reply, d *domain) string {
	switch rp {
	case rpQuotaBounce:
		return "5.2.2"
	case rpRule:
		return "5.7.1"
	case rpDMARC:
		return "5.7.26"
	}
	return bounceDSN(d)
}

var tailBounceDSN = [...]string{"5.1.1", "5.0.0", "5.1.1", "5.1.10", "5.1.1"}

func bounceDSN(d *domain) string {
	switch d.kind {
	case kindM365:
		return "5.1.10"
	case kindOutlook:
		return "5.5.0"
	case kindYahoo, kindAOL:
		return "5.0.0"
	case kindTail:
		return tailBounceDSN[d.flavor]
	}
	return "5.1.1"
}
