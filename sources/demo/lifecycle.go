package demo

import (
	"strconv"
	"time"
)

// Fixed names of the simulated site.
const (
	sender       = "news@" + senderDomain
	senderDomain = "mailer.example.com"
	senderHost   = ".example.com" // appended to Config.Host for myhostname
	bounceCmd    = "/usr/local/bin/bounce-handler"
	ourIP        = "192.0.2.25"
)

var clientNames = [...]string{
	clientApp:   "app1.example.com[192.0.2.10]",
	clientWeb:   "web1.example.com[192.0.2.11]",
	clientLocal: "localhost[127.0.0.1]",
}

// handle runs event e and appends its one line to b.
func (s *Sim) handle(b []byte, e event) []byte {
	switch e.kind {
	case evConnect:
		return s.onConnect(b, e.id)
	case evClient:
		return s.onClient(b, e.id)
	case evDisconnect:
		return s.onDisconnect(b, e.id)
	case evCleanup:
		return s.onCleanup(b, e.id)
	case evQmgr:
		return s.onQmgr(b, e.id)
	case evTLS:
		return s.onTLS(b, e.id, e.r)
	case evConnTimeout:
		return s.onConnTimeout(b, e.id, e.r)
	case evResult:
		return s.onResult(b, e.id, e.r)
	case evHop:
		return s.onHop(b, e.id, e.r)
	case evNDRCleanup:
		return s.onNDRCleanup(b, e.id)
	case evBounce:
		return s.onBounce(b, e.id)
	case evExpire:
		if s.mta != Postfix {
			return s.onExpireRcpt(b, e.id, e.r)
		}
		return s.onExpire(b, e.id)
	case evRemoved:
		switch s.mta {
		case Postfix:
			b = append(s.prefixQ(b, "qmgr", s.pids.qmgr, e.id), "removed\n"...)
		case Exim:
			b = append(s.eximHead(b, e.id), "Completed\n"...)
		}
		s.freeMsg(e.id)
		return b
	case evProbe:
		return s.onProbe(b)
	case evRecv:
		return s.appendReception(b, e.id, e.r)
	}
	panic("demo: unknown event kind " + strconv.Itoa(int(e.kind)))
}

func (s *Sim) onConnect(b []byte, si int32) []byte {
	ss := &s.sess[si]
	if s.mta == Postfix {
		b = s.prefix(b, "smtpd", ss.pid)
		b = append(append(append(b, "connect from "...), clientNames[ss.client]...), '\n')
	}
	if ss.client != clientLocal {
		// The campaign's arrival process: schedule the next connection.
		rate := s.msgPerSec * arrivalRate(s.now-s.start) * s.steer()
		c := clientApp
		if s.chance(webShare) {
			c = clientWeb
		}
		s.push(s.expMs(sessionMean/rate), evConnect, s.newSession(c, -1), 0)
	}
	s.push(s.now+s.between(3, 30), evClient, si, 0)
	return b
}

// steer is the factor by which Write's arrival rate must change for the
// lines left to fill the simulated time left: the sending is random, and a
// short log would otherwise end minutes early or late. It stays within
// [0.75, 1.33] so the traffic keeps its shape.
func (s *Sim) steer() float64 {
	left, remaining := s.planLines-s.lines, s.planEnd-s.now
	if s.planLines == 0 || left <= 0 || remaining < 60_000 {
		return 1
	}
	f := (float64(left) / float64(remaining)) / (float64(s.planLines) / float64(s.planEnd))
	return min(max(f, 0.75), 1.33)
}

func (s *Sim) onClient(b []byte, si int32) []byte {
	ss := &s.sess[si]
	var mi int32
	if ss.client == clientLocal {
		mi = s.cloneMsg(ss.parent)
	} else {
		mi = s.newCampaignMsg(ss.client == clientWeb)
	}
	if s.mta == Postfix {
		b = s.prefixQ(b, "smtpd", ss.pid, mi)
		b = append(append(append(b, "client="...), clientNames[ss.client]...), '\n')
	}
	ss.left--
	ss.msgs++
	ss.rcpts += int16(s.msgs[mi].nrcpt)
	s.push(s.now+s.between(3, 40), evCleanup, mi, 0)
	if ss.left > 0 {
		s.push(s.expMs(0.15)+45, evClient, si, 0)
	} else {
		s.push(s.now+s.between(80, 300), evDisconnect, si, 0)
	}
	return b
}

func (s *Sim) onDisconnect(b []byte, si int32) []byte {
	ss := s.sess[si]
	s.sfree = append(s.sfree, si)
	s.pids.smtpd = append(s.pids.smtpd, ss.pid)
	if s.mta != Postfix {
		return b
	}
	b = s.prefix(b, "smtpd", ss.pid)
	b = append(append(b, "disconnect from "...), clientNames[ss.client]...)
	b = strconv.AppendInt(append(b, " ehlo=1 mail="...), int64(ss.msgs), 10)
	b = strconv.AppendInt(append(b, " rcpt="...), int64(ss.rcpts), 10)
	b = strconv.AppendInt(append(b, " data="...), int64(ss.msgs), 10)
	b = strconv.AppendInt(append(b, " quit=1 commands="...), int64(2+2*ss.msgs+ss.rcpts), 10)
	return append(b, '\n')
}

func (s *Sim) onCleanup(b []byte, mi int32) []byte {
	m := &s.msgs[mi]
	switch s.mta {
	case Postfix:
		b = s.prefixQ(b, "cleanup", s.pidOf(s.pids.cleanup), mi)
		b = append(b, "message-id=<nl2611."...)
		b = appendHex(b, m.mid, 16, hexLower)
		b = append(b, "@mailer.example.com>\n"...)
	case Exim:
		b = s.eximArrival(b, mi)
	default:
		b = s.appendReception(b, mi, 0)
		for r := uint8(1); r < m.nrcpt; r++ {
			s.push(s.now, evRecv, mi, r)
		}
	}
	next := s.now + s.between(1, 15)
	if p := m.parent; p >= 0 {
		// The content filter answers its client once the copy is queued.
		m.parent = -1
		hop := s.now + s.between(2, 10)
		for r := range s.msgs[p].nrcpt {
			s.push(hop, evHop, p, r)
		}
		next = hop + s.between(1, 10)
	}
	s.push(next, evQmgr, mi, 0)
	return b
}

func (s *Sim) onQmgr(b []byte, mi int32) []byte {
	m := &s.msgs[mi]
	if s.mta == Postfix {
		b = s.qmgrLine(b, mi)
	}
	if m.filtered && m.attempt == 0 {
		m.attempt = 1
		m.pending = m.nrcpt
		s.push(s.now+s.between(100, 600), evConnect, s.newSession(clientLocal, mi), 0)
		return b
	}
	s.startAttempt(mi)
	return b
}

// qmgrLine appends qmgr's "from=<...>, size=N, nrcpt=N (queue active)".
func (s *Sim) qmgrLine(b []byte, mi int32) []byte {
	m := &s.msgs[mi]
	b = s.prefixQ(b, "qmgr", s.pids.qmgr, mi)
	switch m.kind {
	case mkNDR:
		b = append(b, "from=<>"...)
	case mkProbe:
		b = append(append(append(b, "from=<double-bounce@"...), s.host...), senderHost+">"...)
	default:
		b = append(b, "from=<"+sender+">"...)
	}
	b = strconv.AppendInt(append(b, ", size="...), int64(m.size), 10)
	b = strconv.AppendInt(append(b, ", nrcpt="...), int64(m.nrcpt), 10)
	return append(b, " (queue active)\n"...)
}

// onHop writes the content filter's acceptance of a filtered message.
func (s *Sim) onHop(b []byte, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	r := &m.rcpt[ri]
	if s.mta == Exim {
		b = s.eximHop(b, mi, ri)
		return s.afterHop(b, mi)
	}
	// One smtp process delivers all recipients of the hop.
	b = s.prefixQ(b, "smtp", s.pids.smtp[m.seq%uint64(len(s.pids.smtp))], mi)
	b = s.appendRcpt(append(b, "to=<"...), r)
	b = append(b, ">, relay=127.0.0.1[127.0.0.1]:10024, delay="...)
	total := s.now - m.arrival
	b = appendDelay(b, total)
	b = append(b, ", delays=0.01/0/0/"...)
	b = appendDelay(b, total-10)
	b = append(b, ", dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as "...)
	b = s.appendQID(b, s.msgs[m.link].seq)
	b = append(b, ")\n"...)
	return s.afterHop(b, mi)
}

// afterHop counts a hop and removes the message after its last one.
func (s *Sim) afterHop(b []byte, mi int32) []byte {
	m := &s.msgs[mi]
	s.internal++
	m.pending--
	if m.pending == 0 {
		s.push(s.now+s.between(0, 3), evRemoved, mi, 0)
	}
	return b
}

func (s *Sim) onNDRCleanup(b []byte, mi int32) []byte {
	n := s.allocMsg(mkNDR)
	nm := &s.msgs[n]
	nm.nrcpt = 1
	nm.size = int32(3000 + s.rng.IntN(4000))
	nm.rcpt[0].route = routeLocal
	s.msgs[mi].link = n
	if s.mta == Exim {
		b = s.eximNotice(b, mi, n)
	} else {
		b = s.prefixQ(b, "cleanup", s.pidOf(s.pids.cleanup), n)
		b = s.appendPostfixMsgID(b, n)
	}
	s.push(s.now+s.between(0, 3), evBounce, mi, 0)
	return b
}

// appendPostfixMsgID appends the message-id= Postfix gives the mail it
// makes itself (notices, probes).
func (s *Sim) appendPostfixMsgID(b []byte, mi int32) []byte {
	b = append(b, "message-id=<"...)
	b = append(b, s.st.compact[:]...)
	b = append(b, '.')
	b = s.appendQID(b, s.msgs[mi].seq)
	b = append(append(append(b, '@'), s.host...), senderHost+">\n"...)
	return b
}

func (s *Sim) onBounce(b []byte, mi int32) []byte {
	m := &s.msgs[mi]
	if s.mta == Postfix {
		b = s.prefixQ(b, "bounce", s.pidOf(s.pids.bounce), mi)
		b = append(b, "sender non-delivery notification: "...)
		b = s.appendQID(b, s.msgs[m.link].seq)
		b = append(b, '\n')
	}
	s.push(s.now+s.between(1, 5), evQmgr, m.link, 0)
	s.afterNotice(mi)
	return b
}

func (s *Sim) onExpire(b []byte, mi int32) []byte {
	m := &s.msgs[mi]
	b = s.prefixQ(b, "qmgr", s.pids.qmgr, mi)
	b = append(b, "from=<"+sender+">, status=expired, returned to sender\n"...)
	for i := range m.nrcpt {
		if r := &m.rcpt[i]; r.state == stDeferred {
			s.tally(s.doms[r.dom].prov, oExpired, noIdent)
			r.state = stBounced
		}
	}
	s.push(s.now+s.between(1, 20), evNDRCleanup, mi, 0)
	return b
}

// afterNotice continues a message once its notice went out.
func (s *Sim) afterNotice(mi int32) {
	m := &s.msgs[mi]
	if !m.expiring && m.countState(stDeferred) > 0 {
		s.retry(mi)
		return
	}
	s.push(s.now+s.between(0, 3), evRemoved, mi, 0)
}

// endAttempt decides what happens to a message whose attempt finished.
func (s *Sim) endAttempt(mi int32) {
	m := &s.msgs[mi]
	deferred := m.countState(stDeferred)
	for i := range m.nrcpt {
		m.rcpt[i].tried = true
	}
	switch {
	case m.kind != mkCampaign:
		s.push(s.now+s.between(0, 3), evRemoved, mi, 0)
	case deferred > 0 && s.now-m.arrival >= m.lifetime():
		m.expiring = true
		at := s.now + s.between(0, 5)
		if s.mta == Postfix {
			s.push(at, evExpire, mi, 0)
			break
		}
		for i := range m.nrcpt {
			if m.rcpt[i].state == stDeferred {
				s.push(at, evExpire, mi, i)
			}
		}
	case m.bounced > 0 && s.mta.notices():
		s.push(s.now+s.between(1, 20), evNDRCleanup, mi, 0)
	case deferred > 0:
		s.retry(mi)
	default:
		s.push(s.now+s.between(0, 5), evRemoved, mi, 0)
	}
}

// retry puts a message back in the deferred queue; the next queue run
// brings it back to qmgr.
func (s *Sim) retry(mi int32) {
	back := RetryFirst
	switch m := &s.msgs[mi]; {
	case m.backlog:
		back = backlogRetry
	case m.attempt > 1:
		back = RetrySecond
	}
	s.push(s.now+back.Milliseconds()+s.between(0, int64(time.Minute/time.Millisecond)), evQmgr, mi, 0)
}

func (m *message) countState(st uint8) int {
	n := 0
	for i := range m.nrcpt {
		if m.rcpt[i].state == st {
			n++
		}
	}
	return n
}
