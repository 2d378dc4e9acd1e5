package demo

import (
	"fmt"
	"strings"
)

// MTA names the mail server whose log a simulation writes. The campaign is
// the same whatever the MTA (providers, domains, the timeline, the replies);
// only the way it is logged differs, as each MTA really logs it:
//
//   - Postfix: syslog lines of one host (smtpd, cleanup, qmgr, smtp, ...),
//     with content-filter hops on 127.0.0.1 and address-verification probes.
//   - Exim: the main log ("<=" receptions, "=>" deliveries, "==" deferrals,
//     "**" failures and "retry timeout exceeded" expiries, "Completed"),
//     with log_selector +incoming_interface, so that deliveries name the
//     sending address (I=[ip]), and an amavis hop on 127.0.0.1.
//   - PowerMTA: an accounting file (acct-*.csv) in the default layout,
//     header first, CRLF line ends: "r" receptions, "d", "t" and "b"
//     records per recipient, "tq" records for connection and DNS failures,
//     expiries as "b" records with bounce category message-expired.
//   - KumoMTA: JSON log records, one per line (Reception, Delivery,
//     TransientFailure, Bounce, Expiration).
//
// PowerMTA, KumoMTA and Exim send from five identities (source addresses
// named warm-1, warm-2 in pool-warm and bulk-1 to bulk-3 in pool-bulk);
// Postfix from one address. Only Postfix writes probes; PowerMTA and
// KumoMTA write neither content-filter hops nor non-delivery notices.
type MTA uint8

// The MTAs a simulation can write as. The zero value is Postfix.
const (
	Postfix MTA = iota
	Exim
	PowerMTA
	KumoMTA
	numMTAs
)

var mtaNames = [numMTAs]string{"postfix", "exim", "pmta", "kumo"}

// String returns the MTA's name as ParseMTA reads it.
func (m MTA) String() string {
	if m < numMTAs {
		return mtaNames[m]
	}
	return fmt.Sprintf("MTA(%d)", uint8(m))
}

// ParseMTA reads an MTA name: "postfix" (or ""), "exim", "pmta" (or
// "powermta") or "kumo" (or "kumomta"), in any case.
func ParseMTA(s string) (MTA, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "postfix":
		return Postfix, nil
	case "exim", "exim4":
		return Exim, nil
	case "pmta", "powermta":
		return PowerMTA, nil
	case "kumo", "kumomta":
		return KumoMTA, nil
	}
	return Postfix, fmt.Errorf("demo: unknown MTA %q (want postfix, exim, pmta or kumo)", s)
}

// Set parses s into m, so that an MTA can be a flag.Value.
func (m *MTA) Set(s string) error {
	v, err := ParseMTA(s)
	if err == nil {
		*m = v
	}
	return err
}

// notices reports whether the MTA sends non-delivery notices (which the
// log shows being delivered locally).
func (m MTA) notices() bool { return m == Postfix || m == Exim }

// hops reports whether content-filtered mail makes a loopback hop.
func (m MTA) hops() bool { return m == Postfix || m == Exim }

// linesPerResult is how many lines the log holds per delivery result,
// measured; Write uses it to spread n lines over the story.
func (m MTA) linesPerResult() float64 {
	switch m {
	case Exim:
		return 2.53
	case PowerMTA, KumoMTA:
		return 1.92
	}
	return 4.48
}

// identity is one sending identity: a source address, the name PowerMTA
// (VirtualMTA) and KumoMTA (egress source) give it, and its pool.
type identity struct{ name, pool, ip string }

var identities = [...]identity{
	{"warm-1", "pool-warm", "192.0.2.25"},
	{"warm-2", "pool-warm", "192.0.2.26"},
	{"bulk-1", "pool-bulk", "192.0.2.27"},
	{"bulk-2", "pool-bulk", "192.0.2.28"},
	{"bulk-3", "pool-bulk", "192.0.2.29"},
}

const numIdents = len(identities)

// noIdent marks a result whose line names no sending identity.
const noIdent = -1

// identKey is the name Summary.Identities uses for identity i: what the
// MTA's parser reports by default (the source address for Exim's I= and
// PowerMTA's dlvSourceIp, the egress source for KumoMTA).
func (m MTA) identKey(i int) string {
	if m == KumoMTA {
		return identities[i].name
	}
	return identities[i].ip
}
