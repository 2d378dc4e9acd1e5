package demo

import (
	"math/rand/v2"
	"time"
)

// Config sets up a simulated campaign. The zero value is usable.
type Config struct {
	// Seed selects the campaign: the same Seed (and the rest of Config)
	// always gives the same bytes.
	Seed int64
	// Start is the simulated time of the campaign start (t=0); the log
	// begins History before it. Timestamps are written in Start's location.
	// Zero means DefaultStart for New and Write, and time.Now for Live.
	Start time.Time
	// Host is the host name (Postfix's syslog host, Exim's
	// primary_hostname); "" means "mx1".
	Host string
	// Rate is the number of delivery results per simulated second the
	// campaign aims for; 0 means DefaultRate for New and Live, and for
	// Write a rate chosen so that the n lines span the whole story.
	Rate float64
	// MTA selects the log format (see MTA); the zero value is Postfix.
	MTA MTA
}

// Defaults applied to a zero Config.
const (
	// DefaultRate is the live demo's delivery results per simulated second.
	DefaultRate = 40
	// DefaultHost is the syslog host name of the simulated MTA.
	DefaultHost = "mx1"
)

// DefaultStart is the campaign start used when Config.Start is zero (Live
// uses the wall clock instead).
var DefaultStart = time.Date(2026, time.November, 27, 16, 40, 0, 0, time.UTC)

// Counts are the delivery results of one provider, or of all of them.
type Counts struct {
	Sent     int64 `json:"sent"`
	Deferred int64 `json:"deferred"`
	Bounced  int64 `json:"bounced"`
	Expired  int64 `json:"expired"`
}

// Summary is exactly what a simulation wrote, counted by relaytop's rules
// (DESIGN.md, "Counting, precisely"): tests compare it with what the parser
// and aggregator count from the same text.
type Summary struct {
	// Lines is the number of lines written, noise included.
	Lines int64 `json:"lines"`
	// Totals sums the delivery results over all providers.
	Totals Counts `json:"totals"`
	// Providers holds the results per provider id: "microsoft", "google",
	// "yahoo", "apple" and "other" (always all five).
	Providers map[string]Counts `json:"providers"`
	// Microsoft470 counts deferrals to Microsoft answered "451 4.7.0".
	Microsoft470 int64 `json:"microsoft_451_4_7_0"`
	// Internal counts loopback content-filter hops (Postfix status=sent to
	// relay=127.0.0.1[127.0.0.1]:10024, Exim "=>"/"->" to H=127.0.0.1);
	// they are not in Totals. PowerMTA and KumoMTA logs have none.
	Internal int64 `json:"internal"`
	// Probes counts address-verification results (status=deliverable or
	// undeliverable, Postfix only); they are not in Totals.
	Probes int64 `json:"probes"`
	// Identities holds the results per sending identity, keyed the way
	// the MTA's parser reports it by default (see MTA.identKey), for the
	// results whose line names one; nil for Postfix, which logs none.
	Identities map[string]Counts `json:"identities,omitempty"`
}

// Sim is a simulated campaign: an event-driven model of one mail host
// sending a bulk campaign, producing its log one line at a time. Every
// event writes at most one line (for Postfix, exactly one) and counts
// only what that line says, so a log can stop after any line and its
// Summary still matches the text. A Sim is not safe for concurrent use.
type Sim struct {
	rng    *rand.Rand
	mta    MTA
	rst    replyStyle // how reply texts are written for this MTA
	rhead  string     // codes of the last reply text written ("451 4.7.0 ")
	header bool       // the file header (PowerMTA) is still to be written
	nodeID string     // KumoMTA node id
	host   string
	origin int64 // Unix ms of the first simulated instant (Start - History)
	start  int64 // Start, in ms since origin
	loc    *time.Location
	now    int64 // ms since origin of the last event
	seq    uint64
	qsalt  uint64
	msalt  uint64

	// msgPerSec is the mean message arrival rate at full speed.
	msgPerSec float64
	// planLines and planEnd, when set (by Write), steer the arrival rate
	// so that line planLines falls near simulated time planEnd.
	planLines, planEnd int64

	events eventHeap
	msgs   []message
	free   []int32
	sess   []session
	sfree  []int32
	doms   []domain // private copy: suspension state is per Sim

	pids pidTable
	st   stamper
	qst  stamper // a message's arrival time, for PowerMTA's timeQueued

	scratch []byte // a reply text being built (PowerMTA, KumoMTA)

	counts   [numProviders]Counts
	icounts  [numIdents]Counts
	lines    int64
	ms470    int64
	internal int64
	probes   int64
}

// New returns a campaign positioned History before cfg.Start, ready to
// write its first line.
func New(cfg Config) *Sim {
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart
	}
	if cfg.Host == "" {
		cfg.Host = DefaultHost
	}
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultRate
	}
	seed := uint64(cfg.Seed)
	s := &Sim{
		rng:    rand.New(rand.NewPCG(seed, 0x5eed_de30_c0ffee)),
		host:   cfg.Host,
		origin: cfg.Start.Add(-History).UnixMilli(),
		start:  History.Milliseconds(),
		loc:    cfg.Start.Location(),
		doms:   append([]domain(nil), table.doms...),
		mta:    cfg.MTA,
		rst:    styles[cfg.MTA%numMTAs],
		header: cfg.MTA == PowerMTA,
	}
	s.qsalt = s.rng.Uint64()
	s.msalt = s.rng.Uint64()
	if s.mta == KumoMTA {
		s.nodeID = kumoNodeID(mix(s.qsalt ^ s.msalt))
	}
	s.msgPerSec = cfg.Rate / resultsPerMessage
	s.pids = newPIDTable(s.rng)
	s.st.init(s.loc)
	s.qst.init(s.loc)
	s.push(0, evConnect, s.newSession(clientApp, -1), 0)
	s.queueBacklog()
	if s.mta == Postfix {
		s.push(s.expMs(1/(s.msgPerSec*probeShare)), evProbe, -1, 0)
	}
	return s
}

// Next appends the next line of the log to buf (each step of the campaign
// writes one line) and returns buf and the simulated time of that line.
// The sequence is deterministic for a Config and never ends.
func (s *Sim) Next(buf []byte) ([]byte, time.Time) {
	buf = s.step(buf)
	return buf, time.UnixMilli(s.origin + s.now).In(s.loc)
}

// Summary returns the counts of everything written so far.
func (s *Sim) Summary() Summary {
	sum := Summary{
		Lines:        s.lines,
		Providers:    make(map[string]Counts, numProviders),
		Microsoft470: s.ms470,
		Internal:     s.internal,
		Probes:       s.probes,
	}
	for p, c := range s.counts {
		sum.Providers[providerIDs[p]] = c
		sum.Totals.Sent += c.Sent
		sum.Totals.Deferred += c.Deferred
		sum.Totals.Bounced += c.Bounced
		sum.Totals.Expired += c.Expired
	}
	if s.mta != Postfix {
		sum.Identities = make(map[string]Counts, numIdents)
		for i, c := range s.icounts {
			if c != (Counts{}) {
				sum.Identities[s.mta.identKey(i)] = c
			}
		}
	}
	return sum
}

// outcome names a field of Counts.
type outcome uint8

const (
	oSent outcome = iota
	oDeferred
	oBounced
	oExpired
)

func (c *Counts) add(o outcome) {
	switch o {
	case oSent:
		c.Sent++
	case oDeferred:
		c.Deferred++
	case oBounced:
		c.Bounced++
	default:
		c.Expired++
	}
}

// tally counts one result for provider p, and for sending identity id
// unless it is noIdent (the line names none).
func (s *Sim) tally(p provider, o outcome, id int) {
	s.counts[p].add(o)
	if id >= 0 {
		s.icounts[id].add(o)
	}
}

// due reports whether anything is due at or before simulated time t (ms
// since origin): the header, or the next event.
func (s *Sim) due(t int64) bool { return s.header || s.events.peek().at <= t }

// advance runs the next event (or writes the header) and appends the line
// it writes, if any; an event that writes none leaves buf as it was.
func (s *Sim) advance(buf []byte) []byte {
	s.lines++
	if s.header {
		s.header = false
		return append(buf, pmtaHeader+"\r\n"...)
	}
	e := s.events.pop()
	s.now = e.at
	n := len(buf)
	if buf = s.handle(buf, e); len(buf) == n {
		s.lines--
	}
	return buf
}

// step runs events until one writes a line, and appends that line.
func (s *Sim) step(buf []byte) []byte {
	for n := len(buf); len(buf) == n; {
		buf = s.advance(buf)
	}
	return buf
}

// push schedules an event at simulated time at (ms since origin).
func (s *Sim) push(at int64, k evKind, id int32, r uint8) {
	s.seq++
	s.events.push(event{at: at, seq: s.seq, kind: k, id: id, r: r})
}

// expMs draws an exponential delay with the given mean in seconds, in ms.
func (s *Sim) expMs(meanSec float64) int64 {
	return s.now + int64(s.rng.ExpFloat64()*meanSec*1000)
}

// between draws a uniform duration in [lo, hi) ms.
func (s *Sim) between(lo, hi int64) int64 { return lo + s.rng.Int64N(hi-lo) }

// chance reports true with probability p.
func (s *Sim) chance(p float64) bool { return s.rng.Float64() < p }

// pidTable holds the process ids of the simulated Postfix daemons; smtpd
// holds the idle ones.
type pidTable struct {
	smtpd, smtp, cleanup, errorPID, bounce, local []int32
	qmgr                                          int32
}

func newPIDTable(r *rand.Rand) pidTable {
	pick := func(n int) []int32 {
		p := make([]int32, n)
		for i := range p {
			p[i] = 2000 + r.Int32N(60000)
		}
		return p
	}
	return pidTable{
		smtpd: pick(4), smtp: pick(40), cleanup: pick(4), errorPID: pick(3),
		bounce: pick(2), local: pick(3), qmgr: 1000 + r.Int32N(1000),
	}
}

func (s *Sim) pidOf(p []int32) int32 { return p[s.rng.IntN(len(p))] }
