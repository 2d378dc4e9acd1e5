// Package model holds relaytop's domain: delivery events, reply parsing and
// signatures, provider classification, rolling-window aggregation and the
// immutable snapshots the dashboard renders. It is plain deterministic Go:
// no terminal, no Charm imports, and every clock is injected.
package model

import "time"

// Outcome is what one delivery attempt did for one recipient.
type Outcome uint8

// The outcomes relaytop counts. Expired is not an attempt: it counts a
// recipient whose retry time ran out while it was still queued.
const (
	Sent Outcome = iota + 1
	Deferred
	Bounced
	Expired
)

// NumOutcomes bounds arrays indexed by Outcome (index 0 is unused).
const NumOutcomes = 5

// String returns the outcome's lowercase name as used in reports.
func (o Outcome) String() string {
	switch o {
	case Sent:
		return "sent"
	case Deferred:
		return "deferred"
	case Bounced:
		return "bounced"
	case Expired:
		return "expired"
	}
	return "unknown"
}

// Kind tells real deliveries from results that are counted apart.
type Kind uint8

const (
	// Delivery is a result for a real recipient, local or remote.
	Delivery Kind = iota
	// Internal is a hop to a content filter or another MTA on a loopback
	// address (amavis on 127.0.0.1:10024, say): not a delivery.
	Internal
	// Probe is an address-verification result (Postfix deliverable /
	// undeliverable): a question asked of the remote server, not mail sent.
	Probe
)

// Reply is one SMTP reply, or the reason a delivery failed without one.
type Reply struct {
	// Code is the basic three-digit reply code; 0 when the failure carried
	// none (connection refused, DNS failure, ...).
	Code int
	// Enhanced is the RFC 3463 enhanced status code ("4.7.0"); for replies
	// without one, the MTA's own DSN code when it logged one, else "".
	Enhanced string
	// Text is the reply text with the codes of every line removed and
	// folded lines joined by single spaces.
	Text string
	// Command is the SMTP command the reply answered ("RCPT TO"), or "".
	Command string
}

// Event is one per-recipient result read from a log (or an expiry). It is
// the only type that crosses from sources to the aggregator.
type Event struct {
	Time    time.Time
	Outcome Outcome
	Kind    Kind
	// MTA names the software that logged it ("postfix").
	MTA string
	// Host is the logging host (the syslog host name), if known.
	Host    string
	QueueID string
	// Recipient is the envelope recipient as logged; Domain its lowercased
	// domain part ("" when the recipient has none).
	Recipient string
	Domain    string
	// Relay is the lowercased next-hop host name ("" for none or local);
	// RelayIP its address when logged.
	Relay   string
	RelayIP string
	// Identity is the sending identity when the MTA logs one (source IP,
	// VMTA, pool); "" for Postfix.
	Identity string
	Reply    Reply
	// Age is how long the message had been queued at this attempt, when
	// the MTA logs it (Postfix delay=, PowerMTA timeQueued, KumoMTA
	// created); 0 when unknown. It tells recipients that keep deferring.
	Age time.Duration
	// Raw is the log line the event came from, kept for samples.
	Raw string
	// Signature is Reply.Text normalised (see Normalize) when the parser
	// has already done it, so that it is not done twice; "" otherwise.
	Signature string
}
