package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/model/kb"
)

const (
	tss04Reason = "421 4.7.0 [TSS04] Messages from 203.0.113.8 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"
	kumoHost    = "mta1:8000"
	pmtaHost    = "mta2:8080"
)

// polledSnap is a session polling two relays, a KumoMTA (per provider,
// with a suspended egress source) and a PowerMTA (per domain, with
// yahoo.com/vmta-2 in backoff on TSS04), each polled twice 10s apart.
// With pmtaDown the PowerMTA endpoint stopped answering after that.
func polledSnap(pmtaDown bool) *model.Snapshot {
	t0 := fixtureStart
	at := t0.Add(10 * time.Second)
	a := model.NewAggregator(model.Config{Verdicts: kb.Default().Verdicts()})
	kumo := func(start, at time.Time, deltas ...model.PolledDelta) *model.Polled {
		return &model.Polled{Host: kumoHost, MTA: "kumo", Start: start, At: at, Queued: 1020, Connections: 14, Ready: 30, Suspended: 1,
			Deltas: deltas,
			Gauges: []model.PolledGauge{
				{By: model.GaugeByProvider, Provider: model.Google, Label: "google", Queued: 120, Connections: 10},
				{By: model.GaugeByProvider, Provider: model.Microsoft, Label: "outlook", Queued: 900, Connections: -1},
			},
			Backoffs: []model.Backoff{{Queue: "ip-3", Identity: "ip-3", Reason: "ProxyUnhealthy", Since: t0}}}
	}
	pmta := func(start, at time.Time, deltas ...model.PolledDelta) *model.Polled {
		return &model.Polled{Host: pmtaHost, MTA: "pmta", Start: start, At: at, Queued: 400, Connections: 3, Ready: -1, Suspended: -1,
			Deltas: deltas,
			Gauges: []model.PolledGauge{{By: model.GaugeByDomain, Provider: model.Yahoo, Label: "yahoo.com", Queued: 400, Connections: 3}},
			Backoffs: []model.Backoff{{Queue: "yahoo.com/vmta-2", Domain: "yahoo.com", Provider: model.Yahoo, Identity: "vmta-2",
				Reason: tss04Reason, Since: t0}}}
	}
	a.AddPolled(kumo(time.Time{}, t0))
	a.AddPolled(pmta(time.Time{}, t0))
	a.AddPolled(kumo(t0, at,
		model.PolledDelta{Provider: model.Google, Label: "google", Identity: "ip-1", Counts: model.Counts{Sent: 500, Deferred: 5}},
		model.PolledDelta{Provider: model.Microsoft, Label: "outlook", Identity: "ip-2", Counts: model.Counts{Sent: 300, Deferred: 60, Bounced: 4}}))
	a.AddPolled(pmta(t0, at,
		model.PolledDelta{Provider: model.Yahoo, Domain: "yahoo.com", Label: "yahoo.com", Identity: "vmta-2", Counts: model.Counts{Sent: 200, Deferred: 30}}))
	s := a.Snapshot(at)
	s.Sources = []model.SourceState{
		{Name: "http://" + kumoHost + "/metrics", Polled: true, Host: kumoHost, State: "ok", Format: "kumo", LastOK: at, Since: at},
		{Name: "http://" + pmtaHost + "/status", Polled: true, Host: pmtaHost, State: "ok", Format: "pmta", LastOK: at, Since: at},
	}
	if pmtaDown {
		s.Sources[1].State, s.Sources[1].Since = "error", at.Add(2*time.Second)
		s.Sources[1].Err = "GET http://" + pmtaHost + "/status?format=xml: dial tcp 10.0.0.2:8080: connect: connection refused"
	}
	return s
}

// TestPolledDashboard: with only stats endpoints, the dashboard shows each
// endpoint's state, queue and connection columns, the queues in backoff
// where signatures would be and says why there are no signatures.
func TestPolledDashboard(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := newTestModel(t, polledSnap(false), sz[0], sz[1])
			out := ansi.Strip(m.View().Content)
			checkScreen(t, out, sz[0], sz[1])
			for _, want := range []string{
				kumoHost + " ok, " + pmtaHost + " ok",
				"queued", "reply signatures need logs",
				"queues in backoff 2", "BACKOFF", "yahoo.com/vmta-2", "ip-3", "needs logs: stats endpoints give no reply codes",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("no %q on the screen:\n%s", want, out)
				}
			}
			// Microsoft's row: 900 queued; connections not reported.
			row := rowLine(out, "Microsoft")
			if !strings.Contains(row, " 900") {
				t.Errorf("Microsoft row without its queue: %q", row)
			}
			if sz[0] == 200 && !strings.Contains(row, "    900     - ") {
				t.Errorf("Microsoft row: want queued 900 and connections -: %q", row)
			}
		})
	}
}

// rowLine returns the first line of out that starts with name.
func rowLine(out, name string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, " "), name+" ") {
			return l
		}
	}
	return ""
}

// lineWith returns the first line of out that contains s.
func lineWith(out, s string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// TestPolledEndpointDown: an endpoint that stops answering is named with
// its error in the header, and what it last said of its queues is marked
// stale, while the other endpoint's stay as they are.
func TestPolledEndpointDown(t *testing.T) {
	m := newTestModel(t, polledSnap(true), 200, 50)
	out := ansi.Strip(m.View().Content)
	if !strings.Contains(out, pmtaHost+" error since 16:40:12: connection refused") || !strings.Contains(out, kumoHost+" ok") {
		t.Errorf("header:\n%s", strings.SplitN(out, "\n", 2)[0])
	}
	if row := lineWith(out, "yahoo.com/vmta-2"); !strings.Contains(row, "STALE") {
		t.Errorf("the silent endpoint's backoff is not marked stale: %q", row)
	}
	if row := lineWith(out, "ip-3"); !strings.Contains(row, "BACKOFF") {
		t.Errorf("the answering endpoint's backoff: %q", row)
	}
	// At 80 columns the header still names the failing endpoint.
	m = newTestModel(t, polledSnap(true), 80, 24)
	head := strings.SplitN(ansi.Strip(m.View().Content), "\n", 2)[0]
	if !strings.Contains(head, "1 error: "+pmtaHost) {
		t.Errorf("80 columns, header %q", head)
	}
}

// TestPolledGroupByHost: group by host gives each polled host's row with
// its counts and levels.
func TestPolledGroupByHost(t *testing.T) {
	m := press(t, newTestModel(t, polledSnap(false), 200, 50), "g", "g")
	out := ansi.Strip(m.View().Content)
	if !strings.Contains(out, "MTA hosts") {
		t.Fatalf("not grouped by host:\n%s", out)
	}
	for host, want := range map[string][]string{kumoHost: {"800", "65", "1,020", "14"}, pmtaHost: {"200", "30", "400", "3"}} {
		row := strings.Fields(rowLine(out, host))
		for _, w := range want {
			found := false
			for _, f := range row {
				found = found || f == w
			}
			if !found {
				t.Errorf("%s row %v has no %s", host, row, w)
			}
		}
	}
}

// TestBackoffExplained: Enter on a queue in backoff opens the entry its
// reason matches, with the queue as evidence.
func TestBackoffExplained(t *testing.T) {
	m := press(t, newTestModel(t, polledSnap(false), 120, 40), "tab")
	for i := 0; i < 3; i++ {
		if _, c := sel(m); m.sigItems()[c].backoff.Queue == "yahoo.com/vmta-2" {
			break
		}
		m = press(t, m, "down")
	}
	m = press(t, m, "enter")
	f := m.stack[len(m.stack)-1]
	if f.kind != frameExplain || f.backoff == "" {
		t.Fatalf("enter on a backoff: %+v", f)
	}
	if _, match := m.explained(); !match.Entry.Deep || !strings.Contains(match.Reason, "TSS04") {
		t.Errorf("matched %s (%s), want the TSS04 entry", match.Entry.ID, match.Reason)
	}
	out := ansi.Strip(m.View().Content)
	checkScreen(t, out, 120, 40)
	for _, want := range []string{"BACKOFF", "queue yahoo.com/vmta-2 on " + pmtaHost + " (pmta)", "yahoo.com now: 400 queued, 3 connections", "As reported"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the panel:\n%s", want, out)
		}
	}
	// Gone from the next snapshot: said so, no crash.
	s := *polledSnap(false)
	s.Backoffs = nil
	next, _ := m.Update(snapshotMsg{&s})
	if out := ansi.Strip(next.(Model).View().Content); !strings.Contains(out, "no longer in backoff") {
		t.Errorf("backoff gone:\n%s", out)
	}
}

// TestPolledInfo: 'i' lists each endpoint with its levels and counts, and
// warns when a host's results are also read from its logs.
func TestPolledInfo(t *testing.T) {
	s := polledSnap(true)
	s.PolledHosts[0].AlsoLogged = "mta1"
	out := ansi.Strip(press(t, newTestModel(t, s, 120, 40), "i").View().Content)
	for _, want := range []string{"Stats endpoints", "queued 1,020 · connections 14 · ready 30 · suspended sources 1",
		"counted sent 800, deferred 65, bounced 4", "counted twice: the logs of mta1 are read too", "failing since 16:40:12", "connection refused"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Lines read") {
		t.Errorf("no lines are read, yet:\n%s", out)
	}
}

// TestPolledScreensFit: the polled screens fit every width and height.
func TestPolledScreensFit(t *testing.T) {
	for _, down := range []bool{false, true} {
		for w := minWidth; w <= 200; w += 7 {
			for _, h := range []int{minHeight, 24, 50} {
				for _, keys := range [][]string{nil, {"g", "g"}, {"tab", "enter"}, {"i"}} {
					m := press(t, newTestModel(t, polledSnap(down), w, h), keys...)
					checkScreen(t, ansi.Strip(m.View().Content), w, h)
				}
			}
		}
	}
}

// TestHostilePolledText: what an endpoint reports (queue names, backoff
// reasons, errors) never drives the terminal, on any polled screen.
func TestHostilePolledText(t *testing.T) {
	s := *polledSnap(true)
	bad := strings.Join(hostile, "")
	s.Backoffs = append([]model.Backoff(nil), s.Backoffs...)
	for i := range s.Backoffs {
		s.Backoffs[i].Queue += bad
		s.Backoffs[i].Identity += bad
		s.Backoffs[i].Reason += bad
	}
	s.Sources = append([]model.SourceState(nil), s.Sources...)
	s.Sources[1].Err += bad
	s.Sources[1].Name += bad
	s.PolledHosts = append([]model.PolledHost(nil), s.PolledHosts...)
	s.PolledHosts[0].AlsoLogged = "mta1" + bad
	for _, keys := range [][]string{nil, {"tab", "enter"}, {"tab", "down", "enter"}, {"i"}, {"g", "g", "g"}} {
		for _, sz := range [][2]int{{80, 24}, {200, 50}} {
			m := themed(t, &s, sz[0], sz[1])
			checkNoControls(t, strings.Join(keys, " "), press(t, m, keys...).View().Content)
		}
	}
}

// TestBackoffInItsDomain: a domain's (host's) frame lists the queues in
// backoff for it, and only those.
func TestBackoffInItsDomain(t *testing.T) {
	for _, c := range []struct {
		groups int // presses of g: 1 domains, 2 hosts
		row    string
		want   string
		not    string
	}{{1, "yahoo.com", "yahoo.com/vmta-2", "ip-3"}, {2, kumoHost, "ip-3", "yahoo.com/vmta-2"}} {
		m := newTestModel(t, polledSnap(false), 200, 50)
		for i := 0; i < c.groups; i++ {
			m = press(t, m, "g")
		}
		for i, r := range m.tableRows() {
			if r.Key == c.row {
				m = press(t, m, strings.Split(strings.Repeat("down,", i)+"enter", ",")...)
			}
		}
		f := m.stack[len(m.stack)-1]
		if f.kind != frameDomain || f.domain != c.row {
			t.Fatalf("not in %s's frame: %+v", c.row, f)
		}
		out := ansi.Strip(m.View().Content)
		if !strings.Contains(out, c.want) || strings.Contains(out, c.not) {
			t.Errorf("%s's frame: want %s, not %s:\n%s", c.row, c.want, c.not, out)
		}
	}
}
