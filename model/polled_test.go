package model

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// kumoPoll is a poll of a KumoMTA-like endpoint at t0+at, the previous
// one 2s before (none when first).
func kumoPoll(host string, at time.Duration, first bool, deltas ...PolledDelta) *Polled {
	p := &Polled{Host: host, MTA: "kumo", At: t0.Add(at), Queued: 15, Connections: 2, Ready: 3, Suspended: 1, Deltas: deltas}
	if !first {
		p.Start = p.At.Add(-2 * time.Second)
	}
	return p
}

func TestAddPolledCountsLikeEvents(t *testing.T) {
	a := NewAggregator(Config{})
	a.AddPolled(kumoPoll("mta1:8000", 0, true))
	s := a.Snapshot(t0)
	if s.Totals.Total != (Counts{}) || !s.PolledOnly || len(s.PolledHosts) != 1 || !s.DataClock.Equal(t0) {
		t.Fatalf("first poll: totals %+v, polled only %v, hosts %+v, clock %v", s.Totals.Total, s.PolledOnly, s.PolledHosts, s.DataClock)
	}
	a.AddPolled(kumoPoll("mta1:8000", 4*time.Second, false,
		PolledDelta{Provider: Microsoft, Label: "outlook", Identity: "ip-1", Counts: Counts{Sent: 70, Deferred: 30}},
		PolledDelta{Provider: Google, Label: "google", Identity: "ip-2", Counts: Counts{Sent: 50, Bounced: 1}},
		PolledDelta{Provider: "", Counts: Counts{Sent: 5}}, // a row with no destination
	))
	// A PowerMTA-like host counts per domain, whose platform is known.
	a.AddPolled(&Polled{Host: "pmta1:8080", MTA: "pmta", Start: t0.Add(2 * time.Second), At: t0.Add(4 * time.Second),
		Queued: -1, Connections: -1, Ready: -1, Suspended: -1,
		Deltas: []PolledDelta{{Provider: Microsoft, Domain: "hotmail.com", Label: "hotmail.com", Counts: Counts{Sent: 9, Expired: 1}}}})
	s = a.Snapshot(t0.Add(4 * time.Second))

	want := Counts{Sent: 134, Deferred: 30, Bounced: 1, Expired: 1}
	if s.Totals.Total != want || s.Polled != want || s.Totals.Win[W1m] != want {
		t.Fatalf("totals %+v, polled %+v, 1m %+v; want %+v", s.Totals.Total, s.Polled, s.Totals.Win[W1m], want)
	}
	rows := func(rs []Row) map[string]Counts {
		m := map[string]Counts{}
		for _, r := range rs {
			m[r.Key] = r.Total
		}
		return m
	}
	for _, c := range []struct {
		name string
		got  map[string]Counts
		want map[string]Counts
	}{
		{"providers", rows(s.Providers), map[string]Counts{Microsoft: {Sent: 79, Deferred: 30, Expired: 1}, Google: {Sent: 50, Bounced: 1}, Other: {Sent: 5}}},
		{"platforms", rows(s.Platforms), map[string]Counts{OutlookCom: {Sent: 9, Expired: 1}}},
		{"domains", rows(s.Domains), map[string]Counts{"outlook": {Sent: 70, Deferred: 30}, "google": {Sent: 50, Bounced: 1},
			UnknownDomain: {Sent: 5}, "hotmail.com": {Sent: 9, Expired: 1}}},
		{"hosts", rows(s.Hosts), map[string]Counts{"mta1:8000": {Sent: 125, Deferred: 30, Bounced: 1}, "pmta1:8080": {Sent: 9, Expired: 1}}},
		{"identities", rows(s.Identities), map[string]Counts{"ip-1": {Sent: 70, Deferred: 30}, "ip-2": {Sent: 50, Bounced: 1}}},
	} {
		if len(c.got) != len(c.want) {
			t.Errorf("%s: %+v, want %+v", c.name, c.got, c.want)
		}
		for k, w := range c.want {
			if c.got[k] != w {
				t.Errorf("%s %s: %+v, want %+v", c.name, k, c.got[k], w)
			}
		}
	}
	for _, d := range s.Domains {
		if d.Key == "outlook" && d.Provider != Microsoft {
			t.Errorf("the label row keeps its provider: %+v", d)
		}
	}
	if len(s.Signatures) != 0 || s.Watch.Win[W1h].Attempts != 0 {
		t.Errorf("polled counts carry no replies: %d signatures, watch %+v", len(s.Signatures), s.Watch.Win[W1h])
	}
	if len(s.MTAs) != 2 || s.MTAs[0].MTA != "kumo" || s.MTAs[0].Total() != 156 || s.MTAs[1].Total() != 10 {
		t.Errorf("MTAs %+v", s.MTAs)
	}
	if !a.FirstEvent().Equal(t0.Add(2*time.Second)) || !s.DataClock.Equal(t0.Add(4*time.Second)) {
		t.Errorf("first %v, clock %v", a.FirstEvent(), s.DataClock)
	}
	h := s.PolledHosts[0]
	if h.Host != "mta1:8000" || h.Counted.Total() != 156 || h.Level != (Level{15, 2}) || h.Ready != 3 || h.Suspended != 1 {
		t.Errorf("host %+v", h)
	}
	if p := s.PolledHosts[1]; p.Ready != -1 || p.Counted != (Counts{Sent: 9, Expired: 1}) {
		t.Errorf("host %+v", p)
	}
}

// TestPolledMergesWithLogs: a provider's row adds what logs and
// endpoints counted; signatures come from the logs alone.
func TestPolledMergesWithLogs(t *testing.T) {
	a := NewAggregator(Config{})
	e1 := ev(-5*time.Second, Deferred, msRelay, "a@contoso.com", 451, "4.7.0", "Temporary server error. PRX4")
	e1.Host, e1.MTA = "mx1", "postfix"
	e2 := ev(-4*time.Second, Sent, msRelay, "b@contoso.com", 250, "2.0.0", "ok")
	e2.Host, e2.MTA = "mx1", "postfix"
	a.AddBatch(&Batch{Events: []Event{e1, e2}, Lines: 2, Results: 2})
	a.AddPolled(kumoPoll("mta1:8000", -10*time.Second, true))
	a.AddPolled(kumoPoll("mta1:8000", -8*time.Second, false, PolledDelta{Provider: Microsoft, Label: "outlook", Counts: Counts{Sent: 40, Deferred: 10}}))
	s := a.Snapshot(t0)
	if s.PolledOnly || s.Polled != (Counts{Sent: 40, Deferred: 10}) {
		t.Errorf("polled only %v, polled %+v", s.PolledOnly, s.Polled)
	}
	if len(s.Providers) != 1 || s.Providers[0].Total != (Counts{Sent: 41, Deferred: 11}) || s.Providers[0].Win[W1m] != s.Providers[0].Total {
		t.Fatalf("providers %+v", s.Providers)
	}
	if len(s.Signatures) != 1 || s.Signatures[0].Total != (Counts{Deferred: 1}) {
		t.Errorf("signatures %+v", s.Signatures)
	}
	if len(s.Hosts) != 2 {
		t.Errorf("hosts %+v", s.Hosts)
	}
	if len(s.PolledHosts) != 1 || s.PolledHosts[0].AlsoLogged != "" {
		t.Errorf("postfix logs and a KumoMTA endpoint are not the same results: %+v", s.PolledHosts)
	}
}

func TestSpread(t *testing.T) {
	base := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	parts := func(start, end time.Time, n int64) []int64 {
		sp := newSpread(start, end)
		var out []int64
		sp.split(n, func(b, k int64) { out = append(out, k) })
		return out
	}
	// 30 over 10:00:05 to 10:00:35: buckets covering 5s, 10s, 10s, 5s.
	if got := parts(base.Add(5*time.Second), base.Add(35*time.Second), 30); len(got) != 4 || got[0] != 5 || got[1] != 10 || got[2] != 10 || got[3] != 5 {
		t.Errorf("parts %v", got)
	}
	// A first poll, or an interval inside one bucket: all at the end.
	if got := parts(time.Time{}, base, 7); len(got) != 1 || got[0] != 7 {
		t.Errorf("first poll %v", got)
	}
	// The parts always add up, whatever the interval and count.
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		start := base.Add(time.Duration(r.Int64N(int64(time.Hour))))
		end := start.Add(time.Duration(r.Int64N(int64(3 * time.Hour))))
		n := r.Int64N(1 << uint(r.IntN(62)))
		var sum int64
		for _, k := range parts(start, end, n) {
			if k <= 0 {
				t.Fatalf("part %d of %d over %v..%v", k, n, start, end)
			}
			sum += k
		}
		if sum != n {
			t.Fatalf("%d over %v..%v: parts add to %d", n, start, end, sum)
		}
	}
}

// TestPolledOutageSpreads: the first poll after an outage spreads what
// happened over the outage; the totals stay exact and a bucket saturates
// rather than wrapping.
func TestPolledOutageSpreads(t *testing.T) {
	a := NewAggregator(Config{})
	a.AddPolled(&Polled{Host: "h:1", MTA: "kumo", Start: t0.Add(-10 * time.Minute), At: t0,
		Deltas: []PolledDelta{{Provider: Google, Label: "google", Counts: Counts{Sent: 600}}}})
	s := a.Snapshot(t0)
	// One a second; t0 starts a bucket, so the 5m window ending there
	// holds the 29 whole buckets before it.
	if s.Totals.Total.Sent != 600 || s.Totals.Win[W5m].Sent != 290 || s.Totals.Win[W15m].Sent != 600 {
		t.Errorf("total %d, 5m %d, 15m %d", s.Totals.Total.Sent, s.Totals.Win[W5m].Sent, s.Totals.Win[W15m].Sent)
	}
	huge := int64(math.MaxUint32) * 3
	a.AddPolled(&Polled{Host: "h:1", MTA: "kumo", Start: t0, At: t0.Add(time.Second),
		Deltas: []PolledDelta{{Provider: Google, Label: "google", Counts: Counts{Bounced: huge}}}})
	s = a.Snapshot(t0.Add(time.Second))
	if s.Totals.Total.Bounced != huge || s.Totals.Win[W1m].Bounced != math.MaxUint32 {
		t.Errorf("bounced %d, 1m %d", s.Totals.Total.Bounced, s.Totals.Win[W1m].Bounced)
	}
}

func TestPolledLevels(t *testing.T) {
	a := NewAggregator(Config{})
	kumo := kumoPoll("kumo1:8000", 0, true)
	kumo.Gauges = []PolledGauge{
		{By: GaugeByProvider, Provider: Google, Label: "google", Queued: 10, Connections: 2},
		{By: GaugeByProvider, Provider: Microsoft, Label: "outlook", Queued: 5, Connections: -1},
		{By: GaugeByDomain, Provider: Google, Label: "gmail.com", Queued: 8, Connections: -1},
	}
	pmta := &Polled{Host: "pmta1:8080", MTA: "pmta", At: t0, Queued: -1, Connections: -1, Ready: -1, Suspended: -1,
		Gauges: []PolledGauge{
			{By: GaugeByDomain, Provider: Google, Label: "gmail.com", Queued: 4, Connections: 1},
			{By: GaugeByDomain, Provider: Microsoft, Label: "hotmail.com", Queued: 3, Connections: 1},
			{By: GaugeByIdentity, Identity: "vmta-1", Queued: 7, Connections: 2},
		}}
	a.AddPolled(kumo)
	a.AddPolled(pmta)
	s := a.Snapshot(t0)
	l := s.Levels
	for _, c := range []struct {
		name      string
		got, want Level
	}{
		{"google", l.Providers[Google], Level{14, 3}},
		{"microsoft", l.Providers[Microsoft], Level{8, 1}},
		{"gmail.com", l.Domains["gmail.com"], Level{12, 1}},
		{"hotmail.com", l.Domains["hotmail.com"], Level{3, 1}},
		{"vmta-1", l.Identities["vmta-1"], Level{7, 2}},
		{"kumo host", l.Hosts["kumo1:8000"], Level{15, 2}},
		{"pmta host (from its domain rows)", l.Hosts["pmta1:8080"], Level{7, 2}},
		{"total", l.Total, Level{22, 4}},
	} {
		if c.got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, c.got, c.want)
		}
	}
	if _, ok := l.Providers[Yahoo]; ok || len(l.Providers) != 2 {
		t.Errorf("providers %+v", l.Providers)
	}
	// A later poll replaces the host's levels; the earlier snapshot keeps
	// its own.
	kumo2 := kumoPoll("kumo1:8000", 2*time.Second, false)
	kumo2.Gauges = []PolledGauge{{By: GaugeByProvider, Provider: Google, Label: "google", Queued: 1, Connections: 1}}
	a.AddPolled(kumo2)
	s2 := a.Snapshot(t0.Add(2 * time.Second))
	if got := s2.Levels.Providers[Google]; got != (Level{5, 2}) {
		t.Errorf("after a new poll: google %+v", got)
	}
	if _, ok := s2.Levels.Providers[Microsoft]; !ok { // from PowerMTA's hotmail.com
		t.Error("microsoft level lost")
	}
	if got := s.Levels.Providers[Google]; got != (Level{14, 3}) {
		t.Errorf("an earlier snapshot changed: %+v", got)
	}
}

func TestPolledBackoffs(t *testing.T) {
	a := NewAggregator(Config{})
	p := kumoPoll("kumo1:8000", 0, true)
	p.Backoffs = []Backoff{{Queue: "ip-3", Identity: "ip-3", Reason: "ProxyUnhealthy", Since: t0}}
	a.AddPolled(p)
	q := &Polled{Host: "pmta1:8080", MTA: "pmta", At: t0, Backoffs: []Backoff{
		{Host: "pmta1:8080", Queue: "yahoo.com/vmta-2", Domain: "yahoo.com", Provider: Yahoo, Reason: "421 4.7.0 [TSS04]", Since: t0.Add(-time.Minute)}}}
	a.AddPolled(q)
	s := a.Snapshot(t0)
	if len(s.Backoffs) != 2 || s.Backoffs[0].Queue != "yahoo.com/vmta-2" || s.Backoffs[1].Host != "kumo1:8000" {
		t.Fatalf("backoffs %+v", s.Backoffs)
	}
	// The reason's reply, as a signature key, is read once, here.
	if k := s.Backoffs[0].Key; k != (SigKey{Provider: Yahoo, Code: 421, Enhanced: "4.7.0", Text: "[TSS04]"}) {
		t.Errorf("reason's key %+v", k)
	}
	q.Backoffs, q.At = nil, t0.Add(2*time.Second)
	a.AddPolled(q)
	if s := a.Snapshot(t0); len(s.Backoffs) != 1 || s.Backoffs[0].Queue != "ip-3" {
		t.Errorf("a queue out of backoff stays: %+v", s.Backoffs)
	}
}

// TestDoubleCounting: an endpoint whose host's logs of the same MTA are
// read too is noticed and named in its source's state.
func TestDoubleCounting(t *testing.T) {
	logged := func(mta, host string) *Aggregator {
		a := NewAggregator(Config{})
		e := ev(-time.Second, Sent, "gmail-smtp-in.l.google.com", "a@gmail.com", 250, "2.0.0", "ok")
		e.MTA, e.Host = mta, host
		a.AddBatch(&Batch{Events: []Event{e}, Lines: 1, Results: 1})
		return a
	}
	delta := PolledDelta{Provider: Google, Label: "google", Counts: Counts{Sent: 3}}
	for _, c := range []struct {
		name, mta, logHost, pollHost string
		aliases                      []string
		want                         string
	}{
		{"KumoMTA logs here, KumoMTA endpoint on loopback", "kumo", "", "127.0.0.1:8000", []string{"box", LocalHost}, LocalHost},
		{"short syslog name", "kumo", "mx1", "mx1.example.com:8000", nil, "mx1"},
		{"the same row (no port)", "kumo", "mx1", "mx1", nil, "mx1"},
		{"another host", "kumo", "mx2", "mx1:8000", nil, ""},
		{"another MTA", "postfix", "mx1", "mx1:8000", nil, ""},
		{"loopback without the alias", "kumo", "", "127.0.0.1:8000", nil, ""},
	} {
		a := logged(c.mta, c.logHost)
		a.AddPolled(&Polled{Host: c.pollHost, Aliases: c.aliases, MTA: "kumo", At: t0})
		a.AddPolled(&Polled{Host: c.pollHost, Aliases: c.aliases, MTA: "kumo", Start: t0, At: t0.Add(time.Second), Deltas: []PolledDelta{delta}})
		s := a.Snapshot(t0)
		if got := s.PolledHosts[0].AlsoLogged; got != c.want {
			t.Errorf("%s: also logged %q, want %q", c.name, got, c.want)
		}
		s.Sources = []SourceState{{Name: "mail.log"}, {Name: "http://" + c.pollHost + "/metrics", Polled: true, Host: c.pollHost, State: "ok"}}
		s.NoteDoubleCounting()
		if noted := strings.Contains(s.Sources[1].Err, "counted twice"); noted != (c.want != "") || s.Sources[0].Err != "" {
			t.Errorf("%s: sources %+v", c.name, s.Sources)
		}
	}
}

func TestReportPolled(t *testing.T) {
	a := NewAggregator(Config{})
	a.AddPolled(kumoPoll("mta1:8000", 0, true))
	p := kumoPoll("mta1:8000", 2*time.Second, false, PolledDelta{Provider: Google, Label: "google", Counts: Counts{Sent: 7}})
	p.Node = &Counts{Sent: 8}
	p.Backoffs = []Backoff{{Queue: "ip-3", Reason: "ProxyUnhealthy", Since: t0}}
	a.AddPolled(p)
	s := a.Snapshot(a.DataClock())
	s.Sources = []SourceState{{Name: "http://mta1:8000/metrics", Polled: true, Host: "mta1:8000", Format: "kumo", State: "ok", LastOK: t0}}
	r := NewReport(s, a.FirstEvent())
	if len(r.Endpoints) != 1 || r.Endpoints[0].Counted.Sent != 7 || r.Endpoints[0].Node.Sent != 8 || r.Endpoints[0].Queued != 15 ||
		r.Endpoints[0].LastOK == "" || r.Polled.Sent != 7 || len(r.Backoffs) != 1 || r.Backoffs[0].Host != "mta1:8000" {
		t.Fatalf("report %+v", r)
	}
	if r.Totals.Sent != 7 || r.From != t0.Format(time.RFC3339) {
		t.Errorf("totals %+v from %s", r.Totals, r.From)
	}
	// A report of logs alone has none of the polled fields.
	b, err := json.Marshal(NewReport(NewAggregator(Config{}).Snapshot(t0), time.Time{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"endpoints", "backoffs", "polled"} {
		if strings.Contains(string(b), `"`+k+`"`) {
			t.Errorf("%s in a report of logs: %s", k, b)
		}
	}
}

// BenchmarkAddPolled adds a poll of a KumoMTA with five providers on four
// egress sources, every 2s.
func BenchmarkAddPolled(b *testing.B) {
	provs := []string{Microsoft, Google, Yahoo, Apple, Other}
	var deltas []PolledDelta
	var gauges []PolledGauge
	for _, p := range provs {
		for s := range 4 {
			deltas = append(deltas, PolledDelta{Provider: p, Label: p + "-label", Identity: "ip-" + string(rune('1'+s)), Counts: Counts{Sent: 40, Deferred: 5, Bounced: 1}})
		}
		gauges = append(gauges, PolledGauge{By: GaugeByProvider, Provider: p, Label: p + "-label", Queued: 100, Connections: 5})
	}
	a := NewAggregator(Config{})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		at := t0.Add(time.Duration(i) * 2 * time.Second)
		a.AddPolled(&Polled{Host: "mta1:8000", MTA: "kumo", Start: at.Add(-2 * time.Second), At: at, Deltas: deltas, Gauges: gauges,
			Queued: 500, Connections: 25, Ready: 10, Suspended: 0})
	}
}
