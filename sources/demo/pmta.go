package demo

import (
	"bytes"
	"strconv"
	"strings"
)

// PowerMTA accounting records, in the default layout (pmtaHeader), as
// PowerMTA writes them: CSV with CRLF line ends, a field quoted only when
// it holds a comma or a quote, times as "2026-11-27 16:40:01+0000". Each
// identity is a VirtualMTA of the same name; the job id is the campaign's.

// pmtaHeader is the header line of an accounting file holding d, b, t, tq
// and r records in PowerMTA's default layout (sources/pmta.DefaultHeader).
const pmtaHeader = "type,timeLogged,timeQueued,orig,rcpt,orcpt,dsnAction,dsnStatus,dsnDiag,dsnMta," +
	"bounceCat,srcType,srcMta,dlvType,dlvSourceIp,dlvDestinationIp,dlvEsmtpAvailable,dlvSize,vmta," +
	"jobId,envId,queue,vmtaPool"

// pmtaRec is what varies between the records of one recipient.
type pmtaRec struct {
	typ, action string
	dsn         string // enhanced status; its description is added
	diag        []byte // dsnDiag after "smtp;", nil for none
	mta         bool   // dsnMta, dlvDestinationIp and dlvEsmtpAvailable name the relay
	host        string // the relay when mta
	ip          [4]byte
	cat         string // bounceCat
}

// appendPMTATime appends "2026-11-27 16:40:01+0000" for Unix ms t.
func appendPMTATime(b []byte, st *stamper, t int64) []byte {
	st.at(t / 1000)
	return append(append(b, st.ymd[:19]...), st.zone[:]...)
}

// appendDiag appends the dsnDiag field "smtp;TEXT", quoted when it holds
// a comma or a quote.
func appendDiag(b []byte, f []byte) []byte {
	if bytes.IndexByte(f, ',') < 0 && bytes.IndexByte(f, '"') < 0 {
		return append(append(b, "smtp;"...), f...)
	}
	b = append(b, `"smtp;`...)
	for {
		i := bytes.IndexByte(f, '"')
		if i < 0 {
			break
		}
		b = append(b, f[:i+1]...)
		b = append(b, '"')
		f = f[i+1:]
	}
	return append(append(b, f...), '"')
}

// pmtaDesc is the description PowerMTA gives an enhanced status.
func pmtaDesc(dsn string) string {
	switch dsn[2:] {
	case "0.0":
		return "other undefined status"
	case "1.1", "1.10":
		return "bad destination mailbox address"
	case "2.0":
		return "other or undefined mailbox status"
	case "2.1":
		return "mailbox disabled, not accepting messages"
	case "2.2":
		return "mailbox full"
	case "3.1":
		return "mail system full"
	case "4.1":
		return "no answer from host"
	case "4.3":
		return "directory server failure"
	case "4.7":
		return "delivery time expired"
	case "5.0":
		return "other or undefined protocol status"
	case "6.0":
		return "other or undefined media error"
	case "7.1":
		return "delivery not authorized, message refused"
	case "7.26":
		return "multiple authentication checks failed"
	}
	return "other or undefined security status"
}

// esmtpOf lists the extensions a provider's MX offers, quoted for CSV.
func esmtpOf(d *domain) string {
	switch d.kind {
	case kindM365, kindOutlook:
		return `"PIPELINING,8BITMIME,SIZE,STARTTLS,ENHANCEDSTATUSCODES,BINARYMIME,CHUNKING,SMTPUTF8"`
	case kindGmail, kindWorkspace:
		return `"PIPELINING,8BITMIME,SIZE,STARTTLS,ENHANCEDSTATUSCODES,CHUNKING,SMTPUTF8"`
	case kindYahoo, kindAOL:
		return `"PIPELINING,8BITMIME,SIZE,STARTTLS"`
	}
	return `"PIPELINING,8BITMIME,SIZE,STARTTLS,ENHANCEDSTATUSCODES"`
}

// srcMTA is the submitting client as srcMta names it.
func srcMTA(m *message) string {
	if m.web {
		return "web1.example.com (192.0.2.11)"
	}
	return "app1.example.com (192.0.2.10)"
}

// pmtaLine appends a d, t or b record of recipient ri of message mi.
func (s *Sim) pmtaLine(b []byte, p *pmtaRec, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	r := &m.rcpt[ri]
	d := &s.doms[r.dom]
	id := &identities[m.ident]
	b = append(append(b, p.typ...), ',')
	b = append(appendPMTATime(b, &s.st, s.origin+s.now), ',')
	b = append(appendPMTATime(b, &s.qst, s.origin+m.arrival), ","+sender+","...)
	b = append(s.appendRcpt(b, r), ",,"...)
	b = append(append(b, p.action...), ',')
	b = s.appendStatus(b, p.dsn)
	if p.diag != nil {
		b = appendDiag(b, p.diag)
	}
	b = append(b, ',')
	if p.mta {
		b = append(append(b, p.host...), " ("...)
		b = append(appendIP4(b, p.ip), ')')
	}
	b = append(append(append(b, ','), p.cat...), ",smtp,"...)
	b = append(append(b, srcMTA(m)...), ",smtp,"...)
	b = append(append(b, id.ip...), ',')
	if p.mta {
		b = append(append(appendIP4(b, p.ip), ','), esmtpOf(d)...)
	} else {
		b = append(b, ',')
	}
	b = strconv.AppendInt(append(b, ','), int64(m.size), 10)
	b = append(append(append(b, ','), id.name...), ",nl2611,,"...)
	b = append(append(append(b, d.name...), '/'), id.name...)
	return append(append(append(b, ','), id.pool...), "\r\n"...)
}

// appendStatus appends the dsnStatus field ("4.7.0 (description)") and
// the comma after it.
func (s *Sim) appendStatus(b []byte, dsn string) []byte {
	desc := pmtaDesc(dsn)
	q := strings.IndexByte(desc, ',') >= 0
	if q {
		b = append(b, '"')
	}
	b = append(append(append(b, dsn...), " ("...), desc...)
	if q {
		return append(b, `)",`...)
	}
	return append(b, "),"...)
}

// deferCat is the bounce category PowerMTA gives each kind of deferral.
var deferCat = [...]string{
	rpMS470: "other", rpMS650: "policy-related", rpGmail421: "policy-related",
	rpGmail4211: "quota-issues", rpTSS04: "policy-related", rpAppleDefer: "policy-related",
	rpGreylist: "other", rpQuota: "quota-issues", rpDiskFull: "other",
}

// failCat is the bounce category PowerMTA gives each kind of bounce.
var failCat = [...]string{
	rpBounce: "bad-mailbox", rpQuotaBounce: "quota-issues", rpRule: "policy-related", rpDMARC: "policy-related",
}

// pmtaResult writes the d, b or t record of an SMTP answer and counts it.
func (s *Sim) pmtaResult(b []byte, rp reply, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	r := &m.rcpt[ri]
	d := &s.doms[r.dom]
	p := pmtaRec{mta: true, host: relayHost(d, r), ip: relayIP(d, r)}
	var text []byte
	switch {
	case rp == rpSent:
		text = s.appendSent(s.scratch[:0], m, r, d)
		p.typ, p.action, p.dsn, p.cat = "d", "relayed", sentDSN(d), "success"
	case rp.bounced():
		text, _ = s.failText(s.scratch[:0], rp, d, r)
		p.typ, p.action, p.dsn, p.cat = "b", "failed", failDSN(rp, d), failCat[rp]
	default:
		text, _ = s.deferText(s.scratch[:0], rp, d, r, identities[m.ident].ip)
		p.typ, p.action, p.dsn, p.cat = "t", "delayed", deferDSN[rp], deferCat[rp]
	}
	s.scratch, p.diag = text, text
	b = s.pmtaLine(b, &p, mi, ri)
	s.settle(rp, m, r, d, int(m.ident))
	return b
}

// pmtaQueueFailure writes the tq record of a connection that timed out or
// a domain whose MX lookup failed: a failure of the queue (domain and
// VirtualMTA), with no recipient.
func (s *Sim) pmtaQueueFailure(b []byte, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	d := &s.doms[m.rcpt[ri].dom]
	id := &identities[m.ident]
	b = append(appendPMTATime(append(b, "tq,"...), &s.st, s.origin+s.now), ",,,,,delayed,"...)
	if m.rcpt[ri].route == routeDNS {
		b = append(s.appendStatus(b, "4.4.3"), ",,,,,smtp,"...)
		b = append(b, id.ip...)
		b = append(b, ",,,,"...)
	} else {
		b = append(s.appendStatus(b, "4.4.1"), ',')
		b = append(append(b, d.mx...), " ("...)
		b = append(appendIP4(b, d.ip), "),,,,smtp,"...)
		b = append(append(b, id.ip...), ',')
		b = append(appendIP4(b, d.ip), ",,,"...)
	}
	b = append(append(b, id.name...), ",,,"...)
	b = append(append(append(b, d.name...), '/'), id.name...)
	return append(append(append(b, ','), id.pool...), "\r\n"...)
}

// pmtaExpiry writes the b record of a recipient whose retry time ran out
// (bounce category message-expired), carrying its last attempt's host and
// diagnostic as PowerMTA does.
func (s *Sim) pmtaExpiry(b []byte, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	r := &m.rcpt[ri]
	d := &s.doms[r.dom]
	p := pmtaRec{typ: "b", action: "failed", dsn: "4.4.7", cat: "message-expired"}
	switch r.route {
	case routeSMTP:
		p.mta, p.host, p.ip = true, relayHost(d, r), relayIP(d, r)
		s.scratch, _ = s.deferText(s.scratch[:0], r.rp, d, r, identities[m.ident].ip)
		p.diag = s.scratch
	case routeTimeout, routeError:
		p.mta, p.host, p.ip = true, d.mx, d.ip
	}
	return s.pmtaLine(b, &p, mi, ri)
}

// pmtaReception writes the r record of recipient ri of message mi.
func (s *Sim) pmtaReception(b []byte, mi int32, ri uint8) []byte {
	m := &s.msgs[mi]
	b = append(appendPMTATime(append(b, "r,"...), &s.st, s.origin+s.now), ',')
	b = append(appendPMTATime(b, &s.st, s.origin+s.now), ","+sender+","...)
	b = append(s.appendRcpt(b, &m.rcpt[ri]), ",,,,,,,smtp,"...)
	b = append(append(b, srcMTA(m)...), ",,,,,"...)
	b = strconv.AppendInt(b, int64(m.size), 10)
	return append(b, ",,nl2611,,,\r\n"...)
}
