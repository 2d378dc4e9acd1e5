package model

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func ev(at time.Duration, o Outcome, relay, rcpt string, code int, enh, text string) Event {
	return Event{Time: t0.Add(at), Outcome: o, Relay: relay, Recipient: rcpt, Domain: rcpt[indexAt(rcpt)+1:],
		Reply: Reply{Code: code, Enhanced: enh, Text: text}, Raw: fmt.Sprintf("raw %s %s", o, rcpt)}
}

func indexAt(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '@' {
			return i
		}
	}
	return -1
}

const msRelay = "contoso-com.mail.protection.outlook.com"

func TestAggregatorWindowsAndRows(t *testing.T) {
	a := NewAggregator(Config{})
	add := func(e Event) { a.Add(&e) }
	// Two hours ago: counted in totals, in no window.
	add(ev(-2*time.Hour, Sent, msRelay, "a@contoso.com", 250, "2.6.0", "ok"))
	// 30 minutes ago: in the 1h window only.
	add(ev(-30*time.Minute, Deferred, msRelay, "b@contoso.com", 451, "4.7.0", "Temporary server error. PRX4 [AM0PR01MB1.prod.exchangelabs.com]"))
	// Within the last minute.
	add(ev(-20*time.Second, Bounced, "gmail-smtp-in.l.google.com", "c@gmail.com", 550, "5.1.1", "no such user 1418589989"))
	add(ev(-10*time.Second, Deferred, msRelay, "d@contoso.com", 451, "4.7.0", "Temporary server error. PRX4 [BN8PR02MB2.prod.exchangelabs.com]"))
	add(Event{Time: t0, Outcome: Sent, Kind: Internal, Relay: "127.0.0.1"})
	add(Event{Time: t0, Outcome: Sent, Kind: Probe})

	s := a.Snapshot(t0)
	if got := s.Totals.Total; got != (Counts{Sent: 1, Deferred: 2, Bounced: 1}) {
		t.Fatalf("totals %+v", got)
	}
	if s.Internal != 1 || s.Probes != 1 {
		t.Fatalf("internal %d probes %d", s.Internal, s.Probes)
	}
	if got := s.Totals.Win[W1m]; got != (Counts{Deferred: 1, Bounced: 1}) {
		t.Errorf("1m %+v", got)
	}
	if got := s.Totals.Win[W1h]; got != (Counts{Deferred: 2, Bounced: 1}) {
		t.Errorf("1h %+v", got)
	}
	if len(s.Providers) != 2 || s.Providers[0].Key != Microsoft || s.Providers[0].Name != "Microsoft" {
		t.Fatalf("providers %+v", s.Providers)
	}
	if len(s.Platforms) != 1 || s.Platforms[0].Key != Microsoft365 {
		t.Errorf("platforms %+v", s.Platforms)
	}
	// The two 4.7.0 deferrals share one signature despite different ids.
	var sig *SigRow
	for i := range s.Signatures {
		if s.Signatures[i].Key.Enhanced == "4.7.0" {
			sig = &s.Signatures[i]
		}
	}
	if sig == nil || sig.Total.Deferred != 2 || sig.Key.Text != "Temporary server error. PRX4 [<host>]" {
		t.Fatalf("signature %+v", sig)
	}
	if len(sig.Domains) != 1 || sig.Domains[0] != (KeyCount{"contoso.com", 2}) || len(sig.Samples) != 2 {
		t.Errorf("evidence %+v %+v", sig.Domains, sig.Samples)
	}
	if !sig.First.Equal(t0.Add(-30*time.Minute)) || !sig.Last.Equal(t0.Add(-10*time.Second)) {
		t.Errorf("first/last %v %v", sig.First, sig.Last)
	}
	// Trend of the 1m window: six 10s points; t0 opens a bucket, so the
	// deferral 10s earlier is in the one before the newest.
	tr := s.Providers[0].Trend[W1m]
	if tr[4].Deferred != 1 || tr[4].Attempts != 1 || TrendLen(W1m) != 6 {
		t.Errorf("trend %+v", tr)
	}
	// Windows slide with the clock: an hour later only the latest event is gone from 1m.
	later := a.Snapshot(t0.Add(2 * time.Minute))
	if later.Totals.Win[W1m].Total() != 0 || later.Totals.Win[W5m].Total() != 2 {
		t.Errorf("slid windows %+v %+v", later.Totals.Win[W1m], later.Totals.Win[W5m])
	}
}

func TestAggregatorEvictionKeepsTotals(t *testing.T) {
	a := NewAggregator(Config{Limits: Limits{Domains: 10, Signatures: 5}})
	var want Counts
	for i := 0; i < 500; i++ {
		e := ev(time.Duration(i)*time.Second, Deferred, "", fmt.Sprintf("u@d%d.example", i), 450, "4.2.0", fmt.Sprintf("reply kind %c", 'a'+i%26))
		a.Add(&e)
		want.Add(Deferred, 1)
	}
	s := a.Snapshot(t0.Add(500 * time.Second))
	if len(s.Domains) > 10+10/2+1 {
		t.Fatalf("domains not bounded: %d", len(s.Domains))
	}
	var sum Counts
	var over *Row
	for i := range s.Domains {
		sum = sum.Plus(s.Domains[i].Total)
		if s.Domains[i].Key == OverflowKey {
			over = &s.Domains[i]
		}
	}
	if sum != want || over == nil || over.Total.Deferred == 0 {
		t.Fatalf("domain totals %+v want %+v (overflow %v)", sum, want, over)
	}
	var win Counts
	for i := range s.Domains {
		win = win.Plus(s.Domains[i].Win[W15m])
	}
	if win.Deferred != 500 {
		t.Errorf("15m window over all domain rows = %d, want 500", win.Deferred)
	}
	var sigSum int64
	for _, r := range s.Signatures {
		sigSum += r.Total.Deferred
	}
	if len(s.Signatures) > 5+5/2+1 || sigSum != 500 {
		t.Errorf("signatures %d rows, sum %d", len(s.Signatures), sigSum)
	}
	// The newest domain survived eviction.
	if s.Domains[0].Key == OverflowKey && len(s.Domains) == 1 {
		t.Fatal("everything evicted")
	}
}

// Which rows survive eviction does not depend on map order: rows last
// active at the same moment with the same counts are told apart by key.
func TestEvictionIsDeterministic(t *testing.T) {
	keys := func() string {
		a := NewAggregator(Config{Limits: Limits{Domains: 10, Signatures: 5}})
		for i := 0; i < 300; i++ {
			e := ev(time.Duration(i/50)*time.Second, Deferred, "", fmt.Sprintf("u@d%03d.example", i), 450, "4.2.0", fmt.Sprintf("busy %c%c", 'a'+i%26, 'a'+i/26))
			a.Add(&e)
		}
		s := a.Snapshot(t0.Add(10 * time.Second))
		var b strings.Builder
		for _, r := range s.Domains {
			b.WriteString(r.Key + " ")
		}
		for _, r := range s.Signatures {
			b.WriteString(r.Key.Text + "|")
		}
		return b.String()
	}
	first := keys()
	for range 20 {
		if got := keys(); got != first {
			t.Fatalf("rows kept differ between runs:\n%s\n%s", first, got)
		}
	}
}

func TestWatchVerdicts(t *testing.T) {
	// feed returns a snapshot after `mins` minutes of traffic to Microsoft
	// at 60 attempts per minute with share(m) of them 4.7.0 deferrals.
	feed := func(mins int, share func(m int) float64) *Snapshot {
		a := NewAggregator(Config{})
		for m := 0; m < mins; m++ {
			hits := int(share(m)*60 + 0.5)
			for i := 0; i < 60; i++ {
				at := time.Duration(m)*time.Minute + time.Duration(i)*time.Second
				var e Event
				if i < hits {
					e = ev(at, Deferred, msRelay, "x@contoso.com", 451, "4.7.0", "Temporary server error. PRX4")
				} else {
					e = ev(at, Sent, msRelay, "x@contoso.com", 250, "2.6.0", "Queued")
				}
				a.Add(&e)
			}
		}
		return a.Snapshot(t0.Add(time.Duration(mins)*time.Minute - time.Second))
	}
	cases := []struct {
		name  string
		mins  int
		share func(int) float64
		want  VerdictKind
	}{
		{"noise", 30, func(int) float64 { return 0.02 }, Quiet},
		{"burst", 30, func(m int) float64 {
			if m >= 28 {
				return 0.4
			}
			return 0.01
		}, Burst},
		{"sustained", 40, func(m int) float64 {
			if m >= 20 {
				return 0.25
			}
			return 0.01
		}, Sustained},
		{"recovering", 40, func(m int) float64 {
			if m >= 20 && m < 34 {
				return 0.3
			}
			return 0.01
		}, Recovering},
	}
	for _, c := range cases {
		s := feed(c.mins, c.share)
		if s.Watch.Verdict.Kind != c.want {
			t.Errorf("%s: verdict %v (%s), want %v", c.name, s.Watch.Verdict.Kind, s.Watch.Verdict.Evidence, c.want)
		}
	}
	s := feed(40, func(m int) float64 {
		if m >= 20 {
			return 0.25
		}
		return 0
	})
	if v := s.Watch.Verdict; v.Over < 19*time.Minute || v.Over > 21*time.Minute || v.Peak < 0.2 {
		t.Errorf("sustained figures: over %v peak %v", v.Over, v.Peak)
	}
	sh := s.Watch.Shares(6, time.Minute)
	if len(sh) != 6 || sh[5] < 0.2 || sh[5] > 0.3 {
		t.Errorf("shares %v", sh)
	}
}

func TestHostsAndIdentities(t *testing.T) {
	const limit = 4
	a := NewAggregator(Config{Limits: Limits{Hosts: limit, Identities: limit}})
	for i := 0; i < 40; i++ {
		e := ev(time.Duration(i)*time.Second, Deferred, msRelay, "a@contoso.com", 451, "4.7.0", "PRX4")
		e.Host = fmt.Sprintf("mta%d", i%8)
		e.Identity = fmt.Sprintf("192.0.2.%d", i%10)
		a.Add(&e)
	}
	noHost := ev(0, Sent, "", "b@x.org", 250, "", "ok")
	a.Add(&noHost)
	s := a.Snapshot(t0.Add(time.Minute))
	var hosts, ids int64
	seenLocal := false
	for _, r := range s.Hosts {
		hosts += r.Total.Total()
		seenLocal = seenLocal || r.Key == LocalHost
	}
	for _, r := range s.Identities {
		ids += r.Total.Total()
	}
	if hosts != 41 || ids != 40 || !seenLocal {
		t.Fatalf("hosts %d ids %d local %v", hosts, ids, seenLocal)
	}
	if max := limit + limit/2 + 1; len(s.Hosts) > max || len(s.Identities) > max {
		t.Errorf("not bounded: %d hosts, %d identities", len(s.Hosts), len(s.Identities))
	}
	sig := s.Signatures[0]
	if len(sig.Hosts) == 0 || len(sig.Identities) == 0 {
		t.Errorf("signature evidence lacks hosts or identities: %+v", sig)
	}
}

func TestWatchTooFewToJudge(t *testing.T) {
	a := NewAggregator(Config{})
	for i := 0; i < 6; i++ {
		o, code, enh := Sent, 250, "2.0.0"
		if i%2 == 0 {
			o, code, enh = Deferred, 451, "4.7.0"
		}
		e := ev(time.Duration(i)*time.Minute, o, msRelay, "a@contoso.com", code, enh, "PRX4")
		a.Add(&e)
	}
	v := a.Snapshot(t0.Add(6 * time.Minute)).Watch.Verdict
	if v.Kind != Sparse || !strings.Contains(v.Evidence, "fewer than") {
		t.Fatalf("verdict %v (%s)", v.Kind, v.Evidence)
	}
}

// TestSnapshotCacheSeesChanges checks that cached row views are never
// stale: new events, a moved window and evictions all show.
func TestSnapshotCacheSeesChanges(t *testing.T) {
	a := NewAggregator(Config{Limits: Limits{Domains: 4}})
	add := func(at time.Duration, dom string) {
		e := ev(at, Deferred, msRelay, "u@"+dom, 451, "4.7.0", "PRX4")
		a.Add(&e)
	}
	add(0, "a.example")
	s1 := a.Snapshot(t0)
	add(time.Second, "a.example")
	s2 := a.Snapshot(t0) // same bucket: only the changed row recomputed
	if s1.Domains[0].Win[W1m].Deferred != 1 || s2.Domains[0].Win[W1m].Deferred != 2 || s2.Signatures[0].Total.Deferred != 2 {
		t.Fatalf("cached view stale: %v then %v", s1.Domains[0].Win[W1m], s2.Domains[0].Win[W1m])
	}
	s3 := a.Snapshot(t0.Add(2 * time.Minute)) // the window moved on
	if s3.Domains[0].Win[W1m].Deferred != 0 || s3.Domains[0].Win[W5m].Deferred != 2 {
		t.Fatalf("window did not move: %+v", s3.Domains[0].Win)
	}
	for i := 0; i < 10; i++ {
		add(2*time.Minute, fmt.Sprintf("d%d.example", i))
	}
	s4 := a.Snapshot(t0.Add(2 * time.Minute))
	var sum int64
	for _, d := range s4.Domains {
		sum += d.Total.Deferred
	}
	if sum != 12 {
		t.Fatalf("after evictions the domain rows hold %d deferrals, want 12", sum)
	}
}
