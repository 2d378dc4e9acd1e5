package model

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Snapshot is an immutable view of the aggregator at one moment: what the
// dashboard draws and what reports print. Nothing in it is shared with the
// aggregator, so it may be read from any goroutine.
type Snapshot struct {
	// Now is the time windows end at; DataClock the newest event time.
	Now, DataClock time.Time
	Input          InputStats
	// UnparsedSamples are the last few lines that could not be read.
	UnparsedSamples []string
	Totals          Row
	Internal        int64
	Probes          int64
	// MTAs are the results per MTA software (postfix, sendmail, exim,
	// pmta, kumo), sorted by name.
	MTAs []MTACounts
	// Providers, Platforms (Microsoft 365 / Outlook.com) and Domains are
	// sorted by attempts in the last hour, then total, then key.
	Providers []Row
	Platforms []Row
	Domains   []Row
	// Hosts are the MTA hosts that logged results; Identities the sending
	// identities (source IP, VMTA, pool, egress source) when logs name them.
	Hosts      []Row
	Identities []Row
	Signatures []SigRow
	Watch      WatchView
	// Episodes are the verdict episodes so far (see Aggregator.Episodes).
	Episodes []Episode

	// Filled by the pipeline, not the aggregator:
	Sources []SourceState
	// Rate is events per second read over the last few seconds.
	Rate float64

	// Polled stats endpoints (see Aggregator.AddPolled; all zero without):
	// Polled is what their deltas counted, part of Totals and the rows
	// but without reply texts, so without signatures; PolledOnly reports
	// that no log line was read, so that every count came from them and
	// there are no signatures at all ("signatures need logs").
	Polled     Counts
	PolledOnly bool
	// Levels are the queued and connection gauges per row key of each
	// grouping; PolledHosts each host's node figures and whether its logs
	// are read too; Backoffs the queues in backoff, oldest first.
	Levels      Levels
	PolledHosts []PolledHost
	Backoffs    []Backoff
}

// Row is one line of the destinations table: a provider, platform or
// domain with its totals and windows.
type Row struct {
	Key      string // provider id, platform name or domain
	Name     string // display name
	Provider string // provider id
	Platform string
	Total    Counts
	Win      [NumWindows]Counts
	Trend    [NumWindows][TrendPoints]TrendPoint
	LastSeen time.Time
	// Verdicts are the provider's verdicts, worst first (providers only).
	Verdicts []Verdict
}

// SigRow is one reply signature: a provider's reply, normalised, with its
// counts and the evidence behind it.
type SigRow struct {
	Key          SigKey
	ProviderName string
	Platform     string
	Total        Counts
	Win          [NumWindows]Counts
	Trend        [NumWindows][TrendPoints]TrendPoint
	First, Last  time.Time
	Domains      []KeyCount // most affected first
	Relays       []KeyCount // remote hosts that answered
	Hosts        []KeyCount // MTA hosts that logged it
	Identities   []KeyCount // sending identities it was answered to
	Samples      []string   // the last raw lines
	Example      string     // one reply text as received
	// Threshold is the alarm share of the provider's attempts verdicts
	// judge this reply by; Aged counts deferrals of recipients queued
	// longer than the aging threshold, per window and in all.
	Threshold float64
	Aged      [NumWindows]int64
	AgedTotal int64
	// Verdicts are what relaytop makes of this reply now, worst first.
	Verdicts []Verdict
}

// SourceState is the state of one input as the header shows it.
type SourceState struct {
	Name  string
	State string // following, caught up, rotating, waiting, error, done
	// Format is the log format read (detected or forced), once known.
	Format string
	Err    string
	Lines  int64
	// For a polled stats endpoint (Polled), State is "connecting", "ok",
	// "stale since 15:04:05" (no success for three intervals) or "error"
	// (Err says why); Host is its host:port, the key of its host row;
	// LastOK is when a poll last succeeded; Since is when the current
	// state began (the last success when stale, the first failure of an
	// error).
	Polled        bool
	Host          string
	LastOK, Since time.Time
}

// Snapshot builds a snapshot whose windows end at now.
func (a *Aggregator) Snapshot(now time.Time) *Snapshot {
	nb := bucketOf(now)
	s := &Snapshot{Now: now, DataClock: a.clock, Input: a.input, Internal: a.internal, Probes: a.probes}
	s.UnparsedSamples = append([]string(nil), a.samples...)
	for _, m := range a.mtas {
		s.MTAs = append(s.MTAs, *m)
	}
	sort.Slice(s.MTAs, func(i, j int) bool { return s.MTAs[i].MTA < s.MTAs[j].MTA })
	s.Totals = a.rowView(&a.totals, nb)
	s.Totals.Key, s.Totals.Name = "total", "Total"
	s.Providers = a.rows(a.providers, nb)
	s.Platforms = a.rows(a.platforms, nb)
	s.Domains = a.tableRows(&a.domains, nb, "(other domains)")
	s.Hosts = a.tableRows(&a.hosts, nb, "(other hosts)")
	s.Identities = a.tableRows(&a.idents, nb, "(other identities)")
	s.Signatures = make([]SigRow, 0, len(a.sigs)+1)
	for _, r := range a.sigs {
		s.Signatures = append(s.Signatures, a.sigView(r, nb))
	}
	if a.sigOver != nil {
		s.Signatures = append(s.Signatures, a.sigView(a.sigOver, nb))
	}
	sort.Slice(s.Signatures, func(i, j int) bool {
		x, y := &s.Signatures[i], &s.Signatures[j]
		if a, b := x.Win[W1h].Total(), y.Win[W1h].Total(); a != b {
			return a > b
		}
		if a, b := x.Total.Total(), y.Total.Total(); a != b {
			return a > b
		}
		return x.Key.String() < y.Key.String()
	})
	s.Watch = a.watchView(nb)
	a.polledView(s)
	a.snapshotVerdicts(s.Providers, s.Signatures, nb)
	s.Episodes = a.episodes.list(now)
	return s
}

// judge sets the verdicts of signatures and providers, with windows
// ending at bucket nb. Signatures of one family are judged together and
// share their verdicts. Only the minute judgements (commit) move the
// families' remembered state; a snapshot between them judges from it.
func (a *Aggregator) judge(providers []Row, sigs []SigRow, nb int64, commit bool) []*family {
	now := BucketTime(nb + 1)
	prov := make(map[string]*Row, len(providers))
	for i := range providers {
		prov[providers[i].Key] = &providers[i]
	}
	fams := a.families(sigs)
	next := map[string]shareState{}
	for _, f := range fams {
		p := prov[f.g.Key.Provider]
		v, st := judgeShare(f.g, p, now, a.first, f.g.Threshold, a.shareStates[f.key], !commit)
		if st != (shareState{}) {
			next[f.key] = st
		}
		v = append(v, a.judgeOther(f, p, now, sigs)...)
		sort.SliceStable(v, func(i, j int) bool { return v[i].Kind.Worse(v[j].Kind) })
		if n := len(f.members); n > 1 {
			for i := range v {
				v[i].Figures["signatures"] = n
				v[i].Evidence = fmt.Sprintf("%s (%d forms of this reply together)", v[i].Evidence, n)
			}
		}
		f.g.Verdicts = v
		for _, i := range f.members {
			sigs[i].Verdicts = v
		}
	}
	if commit {
		a.shareStates = next
	}
	for i := range providers {
		providers[i].Verdicts = judgeProvider(&providers[i], sigs)
	}
	return fams
}

// families groups signatures by family key, summing their windows. A
// family of one points at its signature; a larger one has its own sum.
func (a *Aggregator) families(sigs []SigRow) []*family {
	byKey := make(map[string]*family, len(sigs))
	out := make([]*family, 0, len(sigs))
	for i := range sigs {
		g := &sigs[i]
		var key string
		if r := a.sigs[g.Key]; r != nil {
			key = r.family
		} else {
			key = familyKey(g.Key, nil)
		}
		f := byKey[key]
		if f == nil {
			f = &family{key: key, g: g, members: []int{i}}
			byKey[key] = f
			out = append(out, f)
			continue
		}
		if len(f.members) == 1 {
			sum := *f.g
			f.g = &sum
		}
		f.members = append(f.members, i)
		if g.Win[W1h].Total() > f.g.Win[W1h].Total() {
			f.g.Key, f.g.Threshold = g.Key, g.Threshold
		}
		f.g.Total = f.g.Total.Plus(g.Total)
		f.g.AgedTotal += g.AgedTotal
		for w := W1m; w < NumWindows; w++ {
			f.g.Win[w] = f.g.Win[w].Plus(g.Win[w])
			f.g.Aged[w] += g.Aged[w]
			for j := range f.g.Trend[w] {
				t, u := &f.g.Trend[w][j], g.Trend[w][j]
				t.Attempts += u.Attempts
				t.Deferred += u.Deferred
				t.Bounced += u.Bounced
			}
		}
	}
	return out
}

// tableRows views a row table, its overflow row last.
func (a *Aggregator) tableRows(t *rowTable, nb int64, overName string) []Row {
	out := a.rows(t.rows, nb)
	if t.over != nil {
		r := a.rowView(t.over, nb)
		r.Name = overName
		out = append(out, r)
	}
	return out
}

func (a *Aggregator) rows(m map[string]*row, nb int64) []Row {
	out := make([]Row, 0, len(m))
	for _, r := range m {
		out = append(out, a.rowView(r, nb))
	}
	SortRows(out, W1h)
	return out
}

// SortRows orders rows by results in window w, then total, then key.
// A w outside the windows (AllTime) orders by total alone.
func SortRows(rows []Row, w Window) {
	if len(rows) < 2 {
		return
	}
	// Rows are large (their trends): sort small keys, then move each row
	// once, instead of swapping rows as the sort goes.
	type sortKey struct {
		win, total int64
		i          int
	}
	keys := make([]sortKey, len(rows))
	for i := range rows {
		k := sortKey{total: rows[i].Total.Total(), i: i}
		if w >= 0 && w < NumWindows {
			k.win = rows[i].Win[w].Total()
		}
		keys[i] = k
	}
	slices.SortFunc(keys, func(x, y sortKey) int {
		return cmp.Or(cmp.Compare(y.win, x.win), cmp.Compare(y.total, x.total), strings.Compare(rows[x.i].Key, rows[y.i].Key))
	})
	// Row p takes the row at keys[p].i: follow each cycle of the
	// permutation, keeping the row it starts at aside.
	for start := range keys {
		if keys[start].i < 0 {
			continue
		}
		tmp := rows[start]
		p := start
		for {
			q := keys[p].i
			keys[p].i = -1
			if q == start {
				rows[p] = tmp
				break
			}
			rows[p] = rows[q]
			p = q
		}
	}
}

func (a *Aggregator) rowView(r *row, nb int64) Row {
	if v, ok := r.cache.get(nb); ok {
		return v
	}
	v := Row{Key: r.key, Provider: r.provider, Platform: r.platform, Total: r.total, LastSeen: r.last}
	switch {
	case r.key == r.provider:
		v.Name = a.cls.Name(r.key)
	default:
		v.Name = r.key
	}
	r.s.windows(nb, &v.Win, &v.Trend, nil)
	r.cache.put(v, nb)
	return v
}

// sigView views a signature. Its slices may be shared with earlier
// snapshots: snapshots are read-only.
func (a *Aggregator) sigView(r *sigRow, nb int64) SigRow {
	if v, ok := r.cache.get(nb); ok {
		return v
	}
	v := SigRow{Key: r.key, ProviderName: a.cls.Name(r.key.Provider), Platform: r.platform, Total: r.total,
		First: r.first, Last: r.last, Example: r.example, Threshold: r.threshold, AgedTotal: r.aged}
	r.s.windows(nb, &v.Win, &v.Trend, &v.Aged)
	v.Domains = r.domains.top()
	v.Relays = r.relays.top()
	v.Hosts = r.hosts.top()
	v.Identities = r.idents.top()
	v.Samples = append([]string(nil), r.samples...)
	r.cache.put(v, nb)
	return v
}
