// Package pmta turns PowerMTA accounting files (acct-*.csv) into delivery
// events.
//
// An accounting file is CSV (RFC 4180) with a header line naming the
// columns; which columns there are, and in which order, depends on the
// acct-file's record-fields configuration, and a file holding several
// record types has the union of their columns (a record leaves the others
// empty). The first column is always the record type. The Parser is
// therefore stateful: a header line ("type,timeLogged,...") sets the
// column order for the lines after it, and a later header (a new file
// concatenated, or a configuration change) replaces it. Until a header is
// seen (a file followed from its end) PowerMTA's default layout,
// DefaultHeader, is assumed; SetHeader gives the parser a file's real
// header out of band.
//
// Counting follows relaytop's rules. Each "d" (delivered) record is one
// sent attempt, each "t" (transient failure) one deferred attempt and each
// "b" (bounced) record one bounced recipient. A "b" record that ends
// delivery because the retry time ran out (bounce category
// "message-expired", or any 4.x.x DSN status: PowerMTA gives up on a
// recipient with a temporary status only at bounce-after) counts as
// expired, not bounced, the way Postfix's status=expired does. A "tq"
// (transient queue) record reports a failure of a whole queue (a domain
// and VirtualMTA: connection refused, a 421 greeting) rather than of a
// recipient, and PowerMTA does not log a "t" record for each queued
// recipient when it happens; relaytop counts each "tq" record as one
// deferred attempt without a recipient, its Domain taken from the queue
// name ("gmail.com/vmta1"), so that connection-level pushback (the
// Microsoft and Google 421 4.7.0 bursts) shows in the deferral rate. "r"
// (received), "f" (feedback loop), "rb" and "rs" (remote bounce and status)
// records are noise: read, counted apart, no events.
//
// Event.Identity holds the sending identity the Identity field selects:
// by default the source IP PowerMTA delivered from (dlvSourceIp), falling
// back to the VirtualMTA (vmta) and then the pool (vmtaPool) when the
// record has none (a bounce PowerMTA generated before connecting). Event.MTA
// is "pmta"; Host and QueueID are empty (the file names neither).
package pmta

import (
	"bytes"
	"strings"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/line"
)

// DefaultHeader is the column order of an acct-file configured without
// record-fields (PowerMTA 4.5 and later), assumed until a header is read.
const DefaultHeader = "type,timeLogged,timeQueued,orig,rcpt,orcpt,dsnAction,dsnStatus,dsnDiag,dsnMta," +
	"bounceCat,srcType,srcMta,dlvType,dlvSourceIp,dlvDestinationIp,dlvEsmtpAvailable,dlvSize,vmta," +
	"jobId,envId,queue,vmtaPool"

// IdentityKey chooses the column that fills Event.Identity.
type IdentityKey uint8

// The identities a PowerMTA record can give. Each falls back to the others,
// in the order listed, when its own column is empty or absent.
const (
	SourceIP IdentityKey = iota // dlvSourceIp, else vmta, else vmtaPool
	VMTA                        // vmta, else vmtaPool, else dlvSourceIp
	Pool                        // vmtaPool, else vmta, else dlvSourceIp
)

// column names the accounting fields the parser reads.
type column uint8

const (
	colTimeLogged column = iota
	colTimeQueued
	colRcpt
	colDsnStatus
	colDsnDiag
	colDsnMta
	colBounceCat
	colDlvSourceIP
	colDlvDestinationIP
	colVMTA
	colVMTAPool
	colQueue
	numCols
)

var columnNames = [numCols]string{
	colTimeLogged:       "timeLogged",
	colTimeQueued:       "timeQueued",
	colRcpt:             "rcpt",
	colDsnStatus:        "dsnStatus",
	colDsnDiag:          "dsnDiag",
	colDsnMta:           "dsnMta",
	colBounceCat:        "bounceCat",
	colDlvSourceIP:      "dlvSourceIp",
	colDlvDestinationIP: "dlvDestinationIp",
	colVMTA:             "vmta",
	colVMTAPool:         "vmtaPool",
	colQueue:            "queue",
}

// Parser reads PowerMTA accounting lines. It remembers the column order of
// the last header line; it is not safe for concurrent use: give each log
// stream its own.
type Parser struct {
	// MTA is the name put in events (default "pmta").
	MTA string
	// Identity chooses what Event.Identity holds (default SourceIP).
	Identity IdentityKey
	// Loc is the zone of time stamps written without an offset (default
	// UTC); PowerMTA's own formats carry one.
	Loc *time.Location

	ready bool
	col   [numCols]int // field index per column, -1 when absent
	sp    splitter
}

// New returns a parser that assumes DefaultHeader until it reads a header.
func New() *Parser {
	p := &Parser{MTA: "pmta"}
	p.init()
	return p
}

func (p *Parser) init() {
	if !p.ready {
		p.setColumns([]byte(DefaultHeader))
	}
}

// SetHeader sets the column order from a header line ("type,timeLogged,
// ..."), as a follower that starts at a file's end reads it from the
// file's first line. It reports whether line is a header.
func (p *Parser) SetHeader(line []byte) bool {
	line = trimLine(line)
	p.sp.split(line)
	if !isHeader(p.sp.field(line, 0)) {
		return false
	}
	p.setColumns(line)
	return true
}

// setColumns indexes the columns of a header line.
func (p *Parser) setColumns(header []byte) {
	p.sp.split(header)
	for c := range p.col {
		p.col[c] = -1
	}
	for i := 0; i < p.sp.n(); i++ {
		name := strings.TrimSpace(string(p.sp.field(header, i)))
		for c, want := range columnNames {
			if p.col[c] < 0 && strings.EqualFold(name, want) {
				p.col[c] = i
			}
		}
	}
	p.ready = true
}

// isHeader reports whether a line's first field names the type column.
func isHeader(first []byte) bool {
	return string(bytes.TrimSpace(first)) == "type"
}

// trimLine drops a line's CR (RFC 4180 lines end in CRLF) and a UTF-8
// byte order mark.
func trimLine(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\r"))
	return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
}

// recKind is what a record's type column says.
type recKind uint8

const (
	recUnknown recKind = iota
	recDelivered
	recBounced
	recTransient
	recTransientQueue
	recOther // received, feedback loop, remote bounce or status: noise
)

// kindOf reads the type column: the short codes PowerMTA writes, and the
// long names its records directive uses.
func kindOf(t []byte) recKind {
	switch string(bytes.TrimSpace(t)) {
	case "d", "delivery":
		return recDelivered
	case "b", "bounce":
		return recBounced
	case "t", "transient":
		return recTransient
	case "tq", "transient-queue":
		return recTransientQueue
	case "r", "receipt", "f", "feedback-loop", "rb", "remote-bounce", "rs", "remote-status":
		return recOther
	}
	return recUnknown
}

// Parse reads one line (without its newline), appends the event it holds
// to out and says what kind of line it was: Blank, Noise for a header or a
// record type that carries no result, Result for d/b/t/tq records, and
// Unparsed for anything else, including a result record whose time or
// recipient cannot be read.
func (p *Parser) Parse(raw []byte, out []model.Event) ([]model.Event, line.Kind) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return out, line.Blank
	}
	p.init()
	ln := trimLine(raw)
	p.sp.split(ln)
	first := p.sp.field(ln, 0)
	if isHeader(first) {
		p.setColumns(ln)
		return out, line.Noise
	}
	switch k := kindOf(first); k {
	case recUnknown:
		return out, line.Unparsed
	case recOther:
		return out, line.Noise
	default:
		ev, ok := p.event(k, ln)
		if !ok {
			return out, line.Unparsed
		}
		ev.Raw = string(raw)
		return append(out, ev), line.Result
	}
}

// get returns column c of the last split line, without surrounding space.
func (p *Parser) get(ln []byte, c column) []byte {
	return bytes.TrimSpace(p.sp.field(ln, p.col[c]))
}

func (p *Parser) mta() string {
	if p.MTA == "" {
		return "pmta"
	}
	return p.MTA
}

var _ line.Parser = (*Parser)(nil)
