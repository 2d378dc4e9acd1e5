package model

import (
	"cmp"
	"math"
	"net"
	"strings"
	"time"
)

// Polled is one poll of a mail relay's stats endpoint (KumoMTA's metrics,
// PowerMTA's management interface) as the model takes it: what was counted
// since the previous poll, per row, and the levels and queues in backoff
// at the poll. Package sources/poll reads endpoints; the pipeline turns
// its Results into Polled values, so that the model depends on no source.
type Polled struct {
	// Host is the endpoint's host:port: its row when grouping by host.
	Host string
	// Aliases are other names under which the host's own logs may be
	// read (the pipeline gives an endpoint on this machine the machine's
	// name and LocalHost), for finding results counted twice.
	Aliases []string
	// MTA is the software polled: "kumo" or "pmta".
	MTA string
	// Start and At are the times of the previous poll and of this one:
	// the deltas happened between them. Start is zero on an endpoint's
	// first poll, which has levels and no deltas.
	Start, At time.Time
	Deltas    []PolledDelta
	Gauges    []PolledGauge
	Backoffs  []Backoff
	// Node is the node-wide counter delta when the MTA reports one
	// (KumoMTA by service, PowerMTA's deliveries); nil otherwise. It is
	// shown per host (PolledHost.Node) and not added to the rows, which
	// the per-row deltas fill.
	Node *Counts
	// Queued, Connections, Ready and Suspended are node levels; -1 when
	// not reported.
	Queued, Connections, Ready, Suspended float64
}

// PolledDelta is what one row of an endpoint counted between two polls.
type PolledDelta struct {
	// Provider is the relaytop provider id; "" when the MTA reports the
	// row without a destination (a PowerMTA VirtualMTA), counted as Other.
	Provider string
	// Domain is the recipient domain when the row is one (PowerMTA);
	// "" otherwise.
	Domain string
	// Label is the MTA's own name for the row, as reported. A row without
	// a domain is counted in the domain table under its label (KumoMTA's
	// provider or site name: its own grouping of destinations, which
	// keeps the drill-down from a provider to its rows), or under
	// UnknownDomain without one.
	Label string
	// Identity is the egress source, VirtualMTA or pool, if any.
	Identity string
	Counts
}

// How a PolledGauge row is keyed (the same words as sources/poll uses).
const (
	GaugeByProvider = "provider"
	GaugeByDomain   = "domain"
	GaugeByIdentity = "identity"
)

// PolledGauge is a current level an endpoint reports for one row.
type PolledGauge struct {
	// By is GaugeByProvider, GaugeByDomain or GaugeByIdentity: rows of
	// different kinds overlap, and only rows of one kind are summed.
	By string
	// Provider is the provider id ("" for identity rows); Label the MTA's
	// name for the row (the domain, for domain rows).
	Provider, Label, Identity string
	// Queued and Connections are -1 when not reported.
	Queued, Connections float64
}

// Backoff is a queue in backoff mode (PowerMTA) or a suspended egress
// source (KumoMTA), with the reason the MTA gives.
type Backoff struct {
	Host     string `json:"host"`
	Queue    string `json:"queue"`              // "yahoo.com/vmta-2", or the egress source
	Domain   string `json:"domain,omitempty"`   // "" for a KumoMTA source
	Provider string `json:"provider,omitempty"` // provider id of Domain; "" without one
	Identity string `json:"identity,omitempty"`
	Reason   string `json:"reason"` // as reported, control characters removed
	// Since is when relaytop first saw the queue in backoff.
	Since time.Time `json:"since"`
	// Key is the reply Reason carries, as a signature key (for the
	// knowledge base and to find the same reply in the logs); set by
	// AddPolled.
	Key SigKey `json:"-"`
}

// polledData is what the aggregator keeps of polled endpoints: totals and
// rows take their deltas like events; the rest lives here.
type polledData struct {
	hosts  map[string]*polledHost
	counts Counts            // every count polled deltas added
	byMTA  map[string]Counts // the same, per MTA software
	// levels and backoffs are the views of the last gauges, rebuilt
	// after a poll: snapshots share them and never write to them.
	levels   *Levels
	backoffs []Backoff
}

// polledHost is one polled host's latest poll.
type polledHost struct {
	view     PolledHost
	names    []string // names its logs may carry
	gauges   []PolledGauge
	backoffs []Backoff
}

// AddPolled adds one poll of one endpoint. Its deltas are counted like
// events, with no reply: into totals, providers (and the Microsoft
// platform when the row names a domain), domains, the endpoint's host row
// and identities, spread over the interval between the two polls (see
// spread) so that windows and trends show when things happened. They add
// no reply signatures and do not feed the watch graph, which need reply
// codes: Snapshot.Polled and PolledOnly tell how much of the table is
// without them. Gauges and backoffs replace the host's previous ones.
func (a *Aggregator) AddPolled(p *Polled) {
	pd := &a.polled
	if pd.hosts == nil {
		pd.hosts, pd.byMTA = map[string]*polledHost{}, map[string]Counts{}
	}
	h := pd.hosts[p.Host]
	if h == nil {
		h = &polledHost{view: PolledHost{Host: strings.Clone(p.Host)}}
		pd.hosts[p.Host] = h
	}
	h.names = hostNames(p.Host, p.Aliases)
	v := &h.view
	v.MTA = p.MTA
	if p.At.After(v.At) {
		v.At = p.At
	}
	v.Level = Level{Queued: level(p.Queued), Connections: level(p.Connections)}
	v.Ready, v.Suspended = level(p.Ready), level(p.Suspended)
	if p.Node != nil {
		v.Node, v.NodeKnown = v.Node.Plus(nonNegative(*p.Node)), true
	}
	h.gauges = append(h.gauges[:0], p.Gauges...)
	h.backoffs = append(h.backoffs[:0], p.Backoffs...)
	for i := range h.backoffs {
		b := &h.backoffs[i]
		r := ParseReply(b.Reason)
		b.Host, b.Key = v.Host, SigKey{Provider: b.Provider, Code: r.Code, Enhanced: r.Enhanced, Text: Normalize(r.Text)}
	}
	pd.levels, pd.backoffs = nil, nil

	if p.At.After(a.clock) {
		a.clock = p.At
		a.judgeMinute(p.At)
	}
	sp := newSpread(p.Start, p.At)
	for i := range p.Deltas {
		d := &p.Deltas[i]
		c := nonNegative(d.Counts)
		if c.Total() == 0 {
			continue
		}
		if a.first.IsZero() || sp.from.Before(a.first) {
			a.first = sp.from
		}
		a.addDelta(d, c, &sp, v.Host, p.MTA)
		v.Counted = v.Counted.Plus(c)
		pd.counts = pd.counts.Plus(c)
		pd.byMTA[p.MTA] = pd.byMTA[p.MTA].Plus(c)
	}
}

// addDelta counts one row's delta into every table an event would reach.
func (a *Aggregator) addDelta(d *PolledDelta, c Counts, sp *spread, host, mta string) {
	prov := d.Provider
	if prov == "" {
		prov = Other
	}
	cl := Classification{Provider: prov}
	if d.Domain != "" {
		if dc := a.cls.Classify("", d.Domain); dc.Provider == prov {
			cl.Platform = dc.Platform
		}
	}
	a.totals.addCounts(sp, c)
	a.rowFor(a.providers, prov, cl).addCounts(sp, c)
	if cl.Platform != "" {
		a.rowFor(a.platforms, cl.Platform, cl).addCounts(sp, c)
	}
	dom := cmp.Or(d.Domain, d.Label, UnknownDomain)
	a.domains.get(dom, cl).addCounts(sp, c)
	a.hosts.get(host, Classification{}).addCounts(sp, c)
	if d.Identity != "" {
		a.idents.get(d.Identity, Classification{}).addCounts(sp, c)
	}
	m := a.mtas[mta]
	if m == nil {
		m = &MTACounts{MTA: mta}
		a.mtas[mta] = m
	}
	m.Counts = m.Counts.Plus(c)
}

// addCounts adds a polled delta to the row: totals exact, the windows
// spread over the interval.
func (r *row) addCounts(sp *spread, c Counts) {
	r.cache.valid = false
	r.total = r.total.Plus(c)
	for o := Sent; o <= Expired; o++ {
		if n := c.Of(o); n > 0 {
			sp.split(n, func(b, k int64) {
				if tl := r.s.at(b); tl != nil {
					tl.c[o] = addSat(tl.c[o], k)
				}
			})
		}
	}
	if sp.to.After(r.last) {
		r.last = sp.to
	}
}

// addSat adds k to a bucket count, saturating rather than wrapping: a
// hostile endpoint may report any number.
func addSat(v uint32, k int64) uint32 {
	if k >= int64(math.MaxUint32-v) {
		return math.MaxUint32
	}
	return v + uint32(k)
}

func nonNegative(c Counts) Counts {
	return Counts{max(c.Sent, 0), max(c.Deferred, 0), max(c.Bounced, 0), max(c.Expired, 0)}
}

// spread places a count that happened between two polls into the
// 10-second buckets of the interval, in proportion to the time each
// bucket covers of it. A poll every 2s puts a delta in one bucket or
// two; the first poll after an outage spreads what happened meanwhile
// over the outage (at most the hour the windows keep), instead of a
// spike at its end. The parts always add up to the count.
type spread struct {
	from, to time.Time
	buckets  []int64
	cum      []float64 // share of the interval up to the end of each bucket
}

func newSpread(start, end time.Time) spread {
	sp := spread{from: end, to: end}
	if start.IsZero() || !start.Before(end) {
		sp.buckets = []int64{bucketOf(end)}
		sp.cum = []float64{1}
		return sp
	}
	sp.from = start
	if end.Sub(start) > time.Hour {
		start = end.Add(-time.Hour)
	}
	total := end.Sub(start).Seconds()
	for b := bucketOf(start); b <= bucketOf(end); b++ {
		hi := BucketTime(b + 1)
		if hi.After(end) {
			hi = end
		}
		sp.buckets = append(sp.buckets, b)
		sp.cum = append(sp.cum, hi.Sub(start).Seconds()/total)
	}
	return sp
}

// split calls f with each bucket's part of n.
func (sp *spread) split(n int64, f func(b, k int64)) {
	var given int64
	for i, b := range sp.buckets {
		k := n - given
		if i < len(sp.buckets)-1 {
			k = min(int64(math.Round(float64(n)*sp.cum[i])), n) - given
		}
		if k > 0 {
			f(b, k)
			given += k
		}
	}
}

// level turns a reported level into an int64, -1 when not reported.
func level(v float64) int64 {
	if v < 0 || math.IsNaN(v) {
		return -1
	}
	if v > math.MaxInt64/4 {
		return math.MaxInt64 / 4
	}
	return int64(v)
}

// hostNames lists the names a polled host's logs may carry: its name
// without the port, its first label (syslog often logs the short name),
// and the aliases the pipeline gave.
func hostNames(hostport string, aliases []string) []string {
	h := HostName(hostport)
	names := []string{h}
	if net.ParseIP(h) == nil {
		if short, _, ok := strings.Cut(h, "."); ok && short != "" {
			names = append(names, short)
		}
	}
	for _, a := range aliases {
		if a != "" {
			names = append(names, a, strings.ToLower(a))
		}
	}
	return names
}

// HostName returns the host of an endpoint's host:port (or bare host),
// lowercase, an IPv6 address without its brackets.
func HostName(hostport string) string {
	h := hostport
	if name, _, err := net.SplitHostPort(hostport); err == nil {
		h = name
	}
	return strings.ToLower(strings.Trim(h, "[]"))
}
