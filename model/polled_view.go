package model

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Level is a current level: messages (KumoMTA) or recipients (PowerMTA)
// queued and open outbound connections, summed over the polled hosts that
// report it. Either is -1 when no host reports it.
type Level struct {
	Queued      int64 `json:"queued"`
	Connections int64 `json:"connections"`
}

// plus adds o to l, a -1 counting as nothing reported.
func (l Level) plus(o Level) Level {
	add := func(a, b int64) int64 {
		switch {
		case b < 0:
			return a
		case a < 0:
			return b
		}
		return a + b
	}
	return Level{add(l.Queued, o.Queued), add(l.Connections, o.Connections)}
}

// noLevel is a level nobody reported.
var noLevel = Level{-1, -1}

// Levels are the latest levels of every polled host, keyed like the rows
// of each grouping of the destinations table: look a row's Key up in the
// map of its grouping (a missing key: no host reports a level for it).
//
// Providers sum a host's provider rows (KumoMTA's queued_count_by_provider
// and connection_count_by_provider) or, for a host without them, its
// domain rows by provider (PowerMTA); Domains its domain rows (for KumoMTA
// the scheduled queue only); Identities its VirtualMTA rows (PowerMTA);
// Hosts each host's node queue and connections, keyed by host:port like
// the host rows; Total all hosts together.
type Levels struct {
	Providers  map[string]Level
	Domains    map[string]Level
	Hosts      map[string]Level
	Identities map[string]Level
	Total      Level
}

// PolledHost is one polled endpoint's host as of its latest poll.
type PolledHost struct {
	Host string // host:port, the key of its host row and Levels.Hosts
	MTA  string // kumo or pmta
	At   time.Time
	// Level is the node's queue and connections; Ready (KumoMTA's ready
	// queue) and Suspended (suspended egress sources) are -1 when not
	// reported.
	Level
	Ready, Suspended int64
	// Counted is what its per-row deltas added to the table.
	Counted Counts
	// Node sums the node-wide counter deltas since its first poll, when
	// NodeKnown (PowerMTA reports deliveries only; a PowerMTA without
	// per-domain counters gives nothing else).
	Node      Counts
	NodeKnown bool
	// AlsoLogged is the name of a host row of logs of the same MTA
	// software that this host matches: its results are in the table
	// twice, once from its logs and once from its endpoint.
	AlsoLogged string
}

// polledView fills the snapshot's polled fields.
func (a *Aggregator) polledView(s *Snapshot) {
	pd := &a.polled
	if pd.hosts == nil {
		return
	}
	s.Polled = pd.counts
	s.PolledOnly = a.input.Lines == 0
	if pd.levels == nil {
		pd.levels, pd.backoffs = pd.buildViews()
	}
	s.Levels = *pd.levels
	s.Backoffs = pd.backoffs
	s.PolledHosts = make([]PolledHost, 0, len(pd.hosts))
	for _, h := range pd.hosts {
		v := h.view
		v.AlsoLogged = a.alsoLogged(h)
		s.PolledHosts = append(s.PolledHosts, v)
	}
	slices.SortFunc(s.PolledHosts, func(x, y PolledHost) int { return strings.Compare(x.Host, y.Host) })
}

// buildViews sums the hosts' gauges into levels and lists their backoffs,
// oldest first. The maps are new: earlier snapshots keep theirs.
func (pd *polledData) buildViews() (*Levels, []Backoff) {
	l := &Levels{Providers: map[string]Level{}, Domains: map[string]Level{}, Hosts: map[string]Level{},
		Identities: map[string]Level{}, Total: noLevel}
	add := func(m map[string]Level, key string, v Level) {
		old, ok := m[key]
		if !ok {
			old = noLevel
		}
		m[key] = old.plus(v)
	}
	backoffs := []Backoff{}
	for _, h := range pd.hosts {
		byProvider := slices.ContainsFunc(h.gauges, func(g PolledGauge) bool { return g.By == GaugeByProvider })
		host := h.view.Level
		var fromRows Level = noLevel
		for _, g := range h.gauges {
			v := Level{level(g.Queued), level(g.Connections)}
			prov := g.Provider
			if prov == "" {
				prov = Other
			}
			switch g.By {
			case GaugeByProvider:
				add(l.Providers, prov, v)
				fromRows = fromRows.plus(v)
			case GaugeByDomain:
				add(l.Domains, g.Label, v)
				if !byProvider {
					add(l.Providers, prov, v)
					fromRows = fromRows.plus(v)
				}
			case GaugeByIdentity:
				add(l.Identities, g.Identity, v)
			}
		}
		// A node level not reported is the sum of the provider rows.
		if host.Queued < 0 {
			host.Queued = fromRows.Queued
		}
		if host.Connections < 0 {
			host.Connections = fromRows.Connections
		}
		add(l.Hosts, h.view.Host, host)
		l.Total = l.Total.plus(host)
		backoffs = append(backoffs, h.backoffs...)
	}
	slices.SortFunc(backoffs, func(x, y Backoff) int {
		return cmp.Or(x.Since.Compare(y.Since), strings.Compare(x.Host, y.Host), strings.Compare(x.Queue, y.Queue))
	})
	return l, backoffs
}

// alsoLogged finds results counted twice: a log host row that one of the
// polled host's names matches, holding more than the polled deltas put in
// it, while logs of the same MTA software were read. The choice is to
// count both and say so, not to guess which to drop: the names may match
// by chance (two machines called mx1), and the logs may cover a time the
// endpoint did not.
func (a *Aggregator) alsoLogged(h *polledHost) string {
	m := a.mtas[h.view.MTA]
	if m == nil || m.Total()+m.Internal+m.Probes <= a.polled.byMTA[h.view.MTA].Total() {
		return ""
	}
	for _, n := range h.names {
		r := a.hosts.rows[n]
		if r == nil {
			continue
		}
		var polled int64
		if ph := a.polled.hosts[n]; ph != nil {
			polled = ph.view.Counted.Total()
		}
		if r.total.Total() > polled {
			return n
		}
	}
	return ""
}

// NoteDoubleCounting adds a note to the Err of each polled source whose
// host's results are also read from its logs (PolledHost.AlsoLogged), so
// that the header says so. The pipeline calls it after filling Sources.
func (s *Snapshot) NoteDoubleCounting() {
	for i := range s.Sources {
		src := &s.Sources[i]
		if !src.Polled {
			continue
		}
		for _, h := range s.PolledHosts {
			if h.Host != src.Host || h.AlsoLogged == "" {
				continue
			}
			note := "counted twice: the logs of " + h.AlsoLogged + " are read too"
			if src.Err != "" {
				note = src.Err + "; " + note
			}
			src.Err = note
		}
	}
}
