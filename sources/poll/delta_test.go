package poll

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
)

func TestTrackerRules(t *testing.T) {
	now := time.Unix(0, 0)
	tr := newTracker()
	steps := []struct {
		v      float64
		delta  int64
		ok     bool
		reason string
	}{
		{100, 0, false, "first sight: history before relaytop is not in the window"},
		{130, 30, true, "growth"},
		{130, 0, true, "no change"},
		{20, 20, true, "reset (restart): all of the new value is new"},
		{25, 5, true, "growth after the reset"},
		{0, 0, true, "reset to zero"},
	}
	for _, s := range steps {
		now = now.Add(2 * time.Second)
		d, ok := tr.observe("k", s.v, now)
		if d != s.delta || ok != s.ok {
			t.Errorf("%s: value %v gave %d,%v; want %d,%v", s.reason, s.v, d, ok, s.delta, s.ok)
		}
	}
	// Forgotten after an hour unseen: then it is a first sight again.
	tr.sweep(now.Add(forgetAfter + time.Second))
	if _, ok := tr.observe("k", 50, now.Add(forgetAfter+2*time.Second)); ok {
		t.Error("a series unseen for an hour was remembered")
	}
}

// kumoBody renders by-provider counters: provider=value pairs for
// total_messages_delivered_by_provider.
func kumoBody(pairs ...any) []byte {
	var b strings.Builder
	b.WriteString("# TYPE total_messages_delivered_by_provider counter\n")
	for i := 0; i < len(pairs); i += 2 {
		fmt.Fprintf(&b, "total_messages_delivered_by_provider{provider=%q} %v\n", pairs[i], pairs[i+1])
	}
	return []byte(b.String())
}

// TestResetsAndPrunedSeries plays a KumoMTA that restarts and prunes
// idle series: no negative count, no doubled count, ever.
func TestResetsAndPrunedSeries(t *testing.T) {
	rp := newReplay()
	srv := serve(t, rp)
	c := newClock()
	p := mustPoller(t, srv.URL+"/metrics", c, Options{})
	steps := []struct {
		body []byte
		want map[string]int64 // sent per label
		why  string
	}{
		{kumoBody("gmail", 500, "yahoo", 300, "outlook", 200), map[string]int64{}, "first poll: baseline"},
		{kumoBody("gmail", 520, "yahoo", 310, "outlook", 200), map[string]int64{"gmail": 20, "yahoo": 10}, "growth; outlook idle"},
		{kumoBody("gmail", 540, "outlook", 205), map[string]int64{"gmail": 20, "outlook": 5}, "yahoo pruned"},
		{kumoBody("gmail", 560, "outlook", 210), map[string]int64{"gmail": 20, "outlook": 5}, "yahoo still gone"},
		{kumoBody("gmail", 580, "yahoo", 4, "outlook", 215), map[string]int64{"gmail": 20, "yahoo": 4, "outlook": 5},
			"yahoo recreated at 0 and counted 4: its new value (below 310)"},
		{kumoBody("gmail", 600, "yahoo", 9, "outlook", 220), map[string]int64{"gmail": 20, "yahoo": 5, "outlook": 5}, "growth"},
		{kumoBody("gmail", 3, "yahoo", 1, "outlook", 0), map[string]int64{"gmail": 3, "yahoo": 1}, "restart: counters reset"},
		{kumoBody("gmail", 13, "yahoo", 1, "outlook", 2, "aol", 40), map[string]int64{"gmail": 10, "outlook": 2},
			"aol first seen: no delta"},
		{kumoBody("gmail", 23, "aol", 45), map[string]int64{"gmail": 10, "aol": 5}, "aol counts from its first sight"},
	}
	for i, s := range steps {
		rp.set("/metrics", "text/plain", s.body)
		r := poll(t, p)
		got := map[string]int64{}
		for _, d := range r.Deltas {
			if d.Sent < 0 || d.Deferred < 0 || d.Bounced < 0 || d.Expired < 0 {
				t.Fatalf("step %d: negative delta %+v", i, d)
			}
			got[d.Label] += d.Sent
		}
		if !reflect.DeepEqual(got, s.want) {
			t.Errorf("step %d (%s): got %v, want %v", i, s.why, got, s.want)
		}
		c.Add(2 * time.Second)
	}
}

// TestPrunedSeriesReturningHigher: a series that was absent from one
// response and returns higher (it was only missing, not recreated) gives
// the difference, not its whole value.
func TestPrunedSeriesReturningHigher(t *testing.T) {
	rp := newReplay()
	srv := serve(t, rp)
	p := mustPoller(t, srv.URL+"/metrics", newClock(), Options{})
	for i, s := range []struct {
		body []byte
		want int64
	}{
		{kumoBody("gmail", 100), 0},
		{kumoBody("yahoo", 1), 0},
		{kumoBody("gmail", 160), 60},
	} {
		rp.set("/metrics", "text/plain", s.body)
		r := poll(t, p)
		var got int64
		for _, d := range r.Deltas {
			if d.Label == "gmail" {
				got += d.Sent
			}
		}
		if got != s.want {
			t.Errorf("step %d: gmail %d, want %d", i, got, s.want)
		}
	}
}

// TestFamilySwitch: when the _by_provider_and_source series disappear
// and only _by_provider remains, the counts go on without doubling.
func TestFamilySwitch(t *testing.T) {
	both := func(n int) []byte {
		return []byte(fmt.Sprintf("total_messages_delivered_by_provider{provider=\"gmail\"} %d\n"+
			"total_messages_delivered_by_provider_and_source{provider=\"gmail\", source=\"s1\", pool=\"p\"} %d\n", n, n))
	}
	rp := newReplay()
	p := mustPoller(t, serve(t, rp).URL+"/metrics", newClock(), Options{})
	var total int64
	for _, body := range [][]byte{both(100), both(110), []byte("total_messages_delivered_by_provider{provider=\"gmail\"} 125\n"), both(130)} {
		rp.set("/metrics", "text/plain", body)
		for _, d := range poll(t, p).Deltas {
			total += d.Sent
		}
	}
	if total != 30 {
		t.Errorf("sent %d over the polls, want 30", total)
	}
}

func TestMerge(t *testing.T) {
	t0 := time.Unix(1000, 0)
	t1, t2 := t0.Add(2*time.Second), t0.Add(4*time.Second)
	a := Result{At: t1, Deltas: []Delta{{Start: t0, End: t1, Provider: "google", Label: "g", Counts: model.Counts{Sent: 5}}},
		Totals: Totals{Queued: 10, Node: &Delta{Start: t0, End: t1, Counts: model.Counts{Sent: 5}}}}
	b := Result{At: t2, Deltas: []Delta{{Start: t1, End: t2, Provider: "google", Label: "g", Counts: model.Counts{Sent: 3, Deferred: 1}},
		{Start: t1, End: t2, Provider: "yahoo", Label: "y", Counts: model.Counts{Bounced: 2}}},
		Totals: Totals{Queued: 12, Node: &Delta{Start: t1, End: t2, Counts: model.Counts{Sent: 3, Deferred: 1}}},
		Gauges: []Gauge{{Label: "g", Queued: 12}}}
	merge(&a, b)
	want := []Delta{{Start: t0, End: t2, Provider: "google", Label: "g", Counts: model.Counts{Sent: 8, Deferred: 1}},
		{Start: t0, End: t2, Provider: "yahoo", Label: "y", Counts: model.Counts{Bounced: 2}}}
	if !reflect.DeepEqual(a.Deltas, want) {
		t.Errorf("deltas %+v", a.Deltas)
	}
	if a.At != t2 || a.Totals.Queued != 12 || len(a.Gauges) != 1 {
		t.Errorf("levels not the latest: %+v", a)
	}
	if n := a.Totals.Node; n.Sent != 8 || n.Deferred != 1 || !n.Start.Equal(t0) || !n.End.Equal(t2) {
		t.Errorf("node %+v", n)
	}
}

func TestCleanText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"421 4.7.0 \x1b[31mred\x1b[0m", 100, "421 4.7.0 [31mred[0m"},
		{"a\nb\r\nc\x00d\u009be", 100, "a b  cde"},
		{"bad \xff utf8", 100, "bad ? utf8"},
		{"ééé", 5, "éé"},
		{"  padded  ", 100, "padded"},
	} {
		if got := clean(tc.in, tc.max); got != tc.want {
			t.Errorf("clean(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
