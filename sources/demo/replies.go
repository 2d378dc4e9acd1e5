package demo

import "strconv"

// Reply texts, paraphrased from real provider replies (see
// ../shared/reference/provider-replies.tsv), quoting the sending address
// (192.0.2.25 for Postfix). Multi-line replies are put on one line the way
// each MTA logs them (see replyStyle).

// msHosts are Exchange Online server name patterns (prefix, region).
var msHosts = [...][2]string{
	{"AM0PR01MB", "eurprd01"}, {"AM6PR02MB", "eurprd02"}, {"DB9PR03MB", "eurprd03"},
	{"VI1PR04MB", "eurprd04"}, {"PAXPR06MB", "eurprd06"}, {"BN8PR12MB", "namprd12"},
	{"CH3PR11MB", "namprd11"}, {"SN7PR04MB", "namprd04"}, {"DM6PR08MB", "namprd08"},
	{"SEZPR06MB", "apcprd06"},
}

func (s *Sim) appendMSHost(b []byte) []byte {
	h := msHosts[s.rng.IntN(len(msHosts))]
	b = s.appendDigits(append(b, h[0]...), 4)
	return append(append(append(b, '.'), h[1]...), ".prod.exchangelabs.com"...)
}

// appendMSStamp appends "[HOST 2026-11-27T16:40:01.123Z".
func (s *Sim) appendMSStamp(b []byte) []byte {
	s.st.at((s.origin + s.now) / 1000)
	b = s.appendMSHost(append(b, '['))
	b = append(append(b, ' '), s.st.iso[:]...)
	ms := (s.origin + s.now) % 1000
	return append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

func (s *Sim) appendSaid(b []byte, d *domain, r *recipient) []byte {
	return append(s.appendRelay(append(b, "host "...), d, r), " said: "...)
}

// appendGsmtp appends a Gmail transaction id and " - gsmtp".
func (s *Sim) appendGsmtp(b []byte) []byte {
	b = s.appendAlnum(b, 13, false)
	b = s.appendAlnum(append(b, '-'), 11, false)
	b = s.appendDigits(append(b, "si"...), 7)
	b = s.appendAlnum(b, 3, false)
	b = s.appendDigits(append(b, '.'), 3)
	return append(b, " - gsmtp"...)
}

// replyStyle is how an MTA writes a multi-line reply on one line.
type replyStyle uint8

const (
	// folded keeps each line's codes and joins the lines with spaces
	// (Postfix, PowerMTA's dsnDiag).
	folded replyStyle = iota
	// escaped keeps each line's codes and joins the lines with a literal
	// "\n" (Exim).
	escaped
	// bare leaves the codes out, as KumoMTA logs them apart, and joins the
	// lines with spaces.
	bare
)

var styles = [numMTAs]replyStyle{Postfix: folded, Exim: escaped, PowerMTA: folded, KumoMTA: bare}

// code appends the codes that open a reply ("451 4.7.0 ", "550-5.1.1 "),
// unless the style leaves them out, and remembers them in s.rhead.
func (s *Sim) code(b []byte, c string) []byte {
	s.rhead = c
	if s.rst == bare {
		return b
	}
	return append(b, c...)
}

// cont appends the break before a continuation line and its codes.
func (s *Sim) cont(b []byte, c string) []byte {
	switch s.rst {
	case escaped:
		return append(append(b, `\n`...), c...)
	case bare:
		return append(b, ' ')
	}
	return append(append(b, ' '), c...)
}

// command is the SMTP command a reply answered.
type command uint8

const (
	cmdRcpt command = iota // RCPT TO
	cmdMail                // MAIL FROM
	cmdData                // end of DATA
)

// postfixCmd names a command the way Postfix's "(in reply to X command)" does.
var postfixCmd = [...]string{cmdRcpt: "RCPT TO", cmdMail: "MAIL FROM", cmdData: "end of DATA"}

// appendSent appends the 250 reply of a delivered message.
func (s *Sim) appendSent(b []byte, m *message, r *recipient, d *domain) []byte {
	switch d.kind {
	case kindM365, kindOutlook:
		b = appendHex(append(s.code(b, "250 2.6.0 "), "<nl2611."...), m.mid, 16, hexLower)
		b = s.appendDigits(append(b, "@mailer.example.com> [InternalId="...), 13)
		b = s.appendMSHost(append(b, ", Hostname="...))
		size := int64(m.size) + 1200
		b = strconv.AppendInt(append(b, "] "...), size, 10)
		secs := float64(r.d) / 1000
		b = strconv.AppendFloat(append(b, " bytes in "...), secs, 'f', 3, 64)
		b = strconv.AppendFloat(append(b, ", "...), float64(size)/1024/secs, 'f', 3, 64)
		b = append(b, " KB/sec Queued mail for delivery"...)
		if d.kind == kindOutlook {
			b = append(b, " -> 250 2.1.5"...)
		}
		return b
	case kindGmail, kindWorkspace:
		b = strconv.AppendInt(append(s.code(b, "250 2.0.0 "), "OK  "...), (s.origin+s.now)/1000, 10)
		return s.appendGsmtp(append(b, ' '))
	case kindYahoo, kindAOL:
		return append(s.code(b, "250 "), "ok dirdel"...)
	case kindApple:
		return s.appendAlnum(append(s.code(b, "250 2.0.0 "), "Ok: queued as "...), 12, true)
	}
	switch d.flavor {
	case 0:
		return s.appendAlnum(append(s.code(b, "250 2.0.0 "), "Ok: queued as 4"...), 13, false)
	case 1:
		b = s.appendAlnum(append(s.code(b, "250 "), "OK id=1"...), 5, false)
		b = s.appendAlnum(append(b, "-000"...), 3, true)
		return s.appendAlnum(append(b, '-'), 2, false)
	case 2:
		return appendHex(append(s.code(b, "250 2.0.0 "), "Ok: queued as "...), s.rng.Uint64(), 10, hexUpper)
	case 3:
		b = appendHex(append(s.code(b, "250 2.6.0 "), "<nl2611."...), m.mid, 16, hexLower)
		b = append(b, "@mailer.example.com> [InternalId="...)
		b = s.appendDigits(b, 11)
		b = append(append(b, ", Hostname=EXCH01."...), d.name...)
		return append(b, "] Queued mail for delivery"...)
	}
	return append(s.code(b, "250 "), "Message accepted for delivery"...)
}

// appendBounce appends Postfix's "host X[ip] said: REPLY (in reply to X
// command)" for a bounce rp.
func (s *Sim) appendBounce(b []byte, rp reply, d *domain, r *recipient) []byte {
	b, cmd := s.failText(s.appendSaid(b, d, r), rp, d, r)
	return append(append(append(b, " (in reply to "...), postfixCmd[cmd]...), " command)"...)
}

// failText appends the reply of a bounce rp and returns the command it
// answered.
func (s *Sim) failText(b []byte, rp reply, d *domain, r *recipient) ([]byte, command) {
	switch rp {
	case rpQuotaBounce:
		return s.quotaText(b), cmdRcpt
	case rpRule:
		// The default text of a mail flow rule's reject action.
		b = s.appendMSStamp(append(s.code(b, "550 5.7.1 "), "Delivery not authorized, message refused "...))
		b = appendHex(append(b, " 08DD"...), s.rng.Uint64(), 12, hexUpper)
		return append(b, ']'), cmdData
	case rpDMARC:
		b = append(s.code(b, "550-5.7.26 "), "Unauthenticated email from "+senderDomain+" is not accepted due to"...)
		b = append(s.cont(b, "550-5.7.26 "), "domain's DMARC policy. Please contact the administrator of"...)
		b = append(s.cont(b, "550-5.7.26 "), senderDomain+" domain if this was a legitimate mail. To learn about"...)
		b = append(s.cont(b, "550-5.7.26 "), "the DMARC initiative, go to"...)
		b = append(s.cont(b, "550 5.7.26 "), " https://support.google.com/mail/?p=DmarcRejection "...)
		return s.appendGsmtp(b), cmdData
	}
	return s.bounceText(b, d, r)
}

// quotaText appends Gmail's reply for an account out of storage.
func (s *Sim) quotaText(b []byte) []byte {
	b = append(s.code(b, "452-4.2.2 "), "The recipient's inbox is out of storage space. Please direct the"...)
	b = append(s.cont(b, "452-4.2.2 "), "recipient to"...)
	b = append(s.cont(b, "452 4.2.2 "), " https://support.google.com/mail/?p=OverQuotaTemp "...)
	return s.appendGsmtp(b)
}

// bounceText appends the 5xx reply for a mailbox that does not exist and
// returns the command it answered.
func (s *Sim) bounceText(b []byte, d *domain, r *recipient) ([]byte, command) {
	switch d.kind {
	case kindM365:
		b = s.appendRcpt(append(s.code(b, "550 5.1.10 "), "RESOLVER.ADR.RecipientNotFound; Recipient "...), r)
		b = s.appendMSStamp(append(b, " not found by SMTP address lookup "...))
		return append(b, ']'), cmdRcpt
	case kindOutlook:
		b = s.appendMSStamp(append(s.code(b, "550 5.5.0 "), "Requested action not taken: mailbox unavailable (S2017062302). "...))
		return append(b, ']'), cmdRcpt
	case kindGmail, kindWorkspace:
		b = append(s.code(b, "550-5.1.1 "), "The email account that you tried to reach does not exist. Please try"...)
		b = append(s.cont(b, "550-5.1.1 "), "double-checking the recipient's email address for typos or"...)
		b = append(s.cont(b, "550-5.1.1 "), "unnecessary spaces. For more information, go to"...)
		b = append(s.cont(b, "550 5.1.1 "), " https://support.google.com/mail/?p=NoSuchUser "...)
		return s.appendGsmtp(b), cmdRcpt
	case kindYahoo:
		b = append(append(s.code(b, "554 "), "delivery error: dd This user doesn't have a "...), d.name...)
		b = s.appendRcpt(append(b, " account ("...), r)
		b = s.appendDigits(append(b, ") [0] - mta"...), 4)
		return append(b, ".mail.bf1.yahoo.com"...), cmdData
	case kindAOL:
		return append(s.code(b, "552 "), "1 Requested mail action aborted, mailbox not found"...), cmdData
	case kindApple:
		b = s.appendRcpt(append(s.code(b, "550 5.1.1 "), '<'), r)
		return append(b, ">: user does not exist"...), cmdRcpt
	}
	switch d.flavor {
	case 1:
		b = s.appendRcpt(append(s.code(b, "550 "), "No such user ("...), r)
		return append(b, ')'), cmdRcpt
	case 3:
		b = s.appendRcpt(append(s.code(b, "550 5.1.10 "), "RESOLVER.ADR.RecipientNotFound; Recipient "...), r)
		return append(b, " not found by SMTP address lookup"...), cmdRcpt
	}
	b = s.appendRcpt(append(s.code(b, "550 5.1.1 "), '<'), r)
	return append(b, ">: Recipient address rejected: User unknown in virtual mailbox table"...), cmdRcpt
}

// appendDeferral appends Postfix's "host X[ip] said: REPLY (in reply to X
// command)" for a temporary failure.
func (s *Sim) appendDeferral(b []byte, rp reply, d *domain, r *recipient) []byte {
	b, cmd := s.deferText(s.appendSaid(b, d, r), rp, d, r, ourIP)
	return append(append(append(b, " (in reply to "...), postfixCmd[cmd]...), " command)"...)
}

// deferText appends the 4xx reply of a temporary failure and returns the
// command it answered; src is the sending address replies quote.
func (s *Sim) deferText(b []byte, rp reply, d *domain, r *recipient, src string) ([]byte, command) {
	switch rp {
	case rpMS470:
		b = append(s.code(b, "451 4.7.0 "), "Temporary server error. Please try again later. PRX"...)
		b = append(b, byte('1'+s.rng.IntN(6)))
		if s.chance(0.1) { // some front ends omit the diagnostic tail
			return b, cmdRcpt
		}
		b = s.appendMSStamp(append(b, ' '))
		b = appendHex(append(b, " 08DD"...), s.rng.Uint64(), 12, hexUpper)
		return append(b, ']'), cmdRcpt
	case rpMS650:
		b = append(append(s.code(b, "451 4.7.650 "), "The mail server ["...), src...)
		return append(b, "] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://aka.ms/postmaster (S775)"...), cmdRcpt
	case rpGmail421:
		b = append(append(s.code(b, "421-4.7.0 "), '['), src...)
		b = append(b, "      15] Our system has detected an unusual rate of"...)
		b = append(s.cont(b, "421-4.7.0 "), "unsolicited mail originating from your IP address. To protect our"...)
		b = append(s.cont(b, "421-4.7.0 "), "users from spam, mail sent from your IP address has been temporarily"...)
		b = append(s.cont(b, "421-4.7.0 "), "rate limited. For more information, go to"...)
		b = append(s.cont(b, "421-4.7.0 "), " https://support.google.com/mail/?p=UnsolicitedRateLimitError to"...)
		b = append(s.cont(b, "421 4.7.0 "), "review our Bulk Email Senders Guidelines. "...)
		return s.appendGsmtp(b), cmdData
	case rpGmail4211:
		b = append(s.code(b, "450-4.2.1 "), "The user you are trying to contact is receiving mail too quickly."...)
		b = append(s.cont(b, "450-4.2.1 "), "Please resend your message at a later time. If the user is able to"...)
		b = append(s.cont(b, "450-4.2.1 "), "receive mail at that time, your message will be delivered. For more"...)
		b = append(s.cont(b, "450-4.2.1 "), "information, go to"...)
		b = append(s.cont(b, "450 4.2.1 "), " https://support.google.com/mail/?p=ReceivingRate "...)
		return s.appendGsmtp(b), cmdRcpt
	case rpTSS04:
		b = append(append(s.code(b, "421 4.7.0 "), "[TSS04] Messages from "...), src...)
		return append(b, " temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"...), cmdMail
	case rpAppleDefer:
		b = s.appendRcpt(append(s.code(b, "421 4.7.1 "), "Messages to "...), r)
		return append(b, " deferred due to excessive volume. Try again later - https://support.apple.com/en-us/HT204137"...), cmdRcpt
	case rpQuota:
		return s.quotaText(b), cmdRcpt
	case rpDiskFull:
		return append(s.code(b, "452 4.3.1 "), "Insufficient system storage"...), cmdMail
	}
	b = s.appendRcpt(append(s.code(b, "450 4.2.0 "), '<'), r)
	b = append(append(b, ">: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/"...), d.name...)
	return append(b, ".html"...), cmdRcpt
}

// appendVerified appends the 250 answer to an address-verification probe.
func (s *Sim) appendVerified(b []byte, d *domain, r *recipient) []byte {
	switch d.kind {
	case kindGmail, kindWorkspace:
		return s.appendGsmtp(append(b, "250 2.1.5 OK "...))
	case kindM365, kindOutlook:
		return append(b, "250 2.1.5 Recipient OK"...)
	case kindYahoo, kindAOL:
		b = s.appendRcpt(append(b, "250 recipient <"...), r)
		return append(b, "> ok"...)
	}
	return append(b, "250 2.1.5 Ok"...)
}
