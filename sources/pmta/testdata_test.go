package pmta

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/internal/corpus"
	"github.com/relaytop/relaytop/sources/line"
)

// tally counts what a parser made of a file.
type tally struct {
	kinds      map[line.Kind]int
	outcomes   map[model.Outcome]int
	byProvider map[string][model.NumOutcomes]int // provider -> outcome counts
	byIdentity map[string][model.NumOutcomes]int
	events     []model.Event
}

func readLines(t testing.TB, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(b, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func run(p line.Parser, lines [][]byte) tally {
	tl := tally{kinds: map[line.Kind]int{}, outcomes: map[model.Outcome]int{},
		byProvider: map[string][model.NumOutcomes]int{}, byIdentity: map[string][model.NumOutcomes]int{}}
	cl := model.DefaultClassifier()
	for _, l := range lines {
		var k line.Kind
		n := len(tl.events)
		tl.events, k = p.Parse(l, tl.events)
		tl.kinds[k]++
		for _, ev := range tl.events[n:] {
			tl.outcomes[ev.Outcome]++
			prov := cl.Classify(ev.Relay, ev.Domain).Provider
			c := tl.byProvider[prov]
			c[ev.Outcome]++
			tl.byProvider[prov] = c
			c = tl.byIdentity[ev.Identity]
			c[ev.Outcome]++
			tl.byIdentity[ev.Identity] = c
		}
	}
	return tl
}

// counts is sent, deferred, bounced, expired.
type counts [4]int

func of(c [model.NumOutcomes]int) counts {
	return counts{c[model.Sent], c[model.Deferred], c[model.Bounced], c[model.Expired]}
}

func testdataPath(t testing.TB, name string) string {
	return filepath.Join(corpus.ModuleRoot(t), "testdata", "pmta", name)
}

func TestTestdataAcctFile(t *testing.T) {
	lines := readLines(t, testdataPath(t, "acct-2026-11-27-0000.csv"))
	tl := run(New(), lines)

	wantKinds := map[line.Kind]int{line.Result: 23, line.Noise: 5, line.Unparsed: 1, line.Blank: 1}
	for k, n := range wantKinds {
		if tl.kinds[k] != n {
			t.Errorf("%v lines: %d, want %d (all: %v)", k, tl.kinds[k], n, tl.kinds)
		}
	}
	if got, want := of([model.NumOutcomes]int{0, tl.outcomes[model.Sent], tl.outcomes[model.Deferred],
		tl.outcomes[model.Bounced], tl.outcomes[model.Expired]}), (counts{6, 11, 4, 2}); got != want {
		t.Errorf("sent/deferred/bounced/expired %v, want %v", got, want)
	}
	wantProv := map[string]counts{
		model.Google:    {2, 3, 2, 0},
		model.Microsoft: {2, 4, 1, 0},
		model.Yahoo:     {1, 3, 0, 1},
		model.Other:     {1, 1, 1, 1},
	}
	checkGroups(t, "provider", tl.byProvider, wantProv)
	wantIdent := map[string]counts{
		"198.51.100.11": {2, 3, 1, 0},
		"198.51.100.12": {2, 4, 1, 0},
		"203.0.113.21":  {2, 4, 1, 2},
		"vmta-b1":       {0, 0, 1, 0}, // bounced before connecting: no source IP
	}
	checkGroups(t, "identity", tl.byIdentity, wantIdent)

	byPool := New()
	byPool.Identity = Pool
	checkGroups(t, "pool", run(byPool, lines).byIdentity, map[string]counts{
		"pool-warm": {4, 7, 2, 0},
		"pool-bulk": {2, 4, 2, 2},
	})
	byVMTA := New()
	byVMTA.Identity = VMTA
	checkGroups(t, "vmta", run(byVMTA, lines).byIdentity, map[string]counts{
		"vmta-a1": {2, 3, 1, 0},
		"vmta-a2": {2, 4, 1, 0},
		"vmta-b1": {2, 4, 2, 2},
	})

	for _, ev := range tl.events {
		if ev.MTA != "pmta" || ev.Time.IsZero() || ev.Raw == "" || ev.Kind != model.Delivery {
			t.Errorf("event fields not set: %+v", ev)
		}
		if ev.Time.Before(mustTime(t, "2026-11-27T21:40:00Z")) || ev.Time.After(mustTime(t, "2026-11-27T21:51:00Z")) {
			t.Errorf("time %v out of the file's range: %s", ev.Time, ev.Raw)
		}
		if ev.Reply.Enhanced == "" || ev.Reply.Class() == 0 {
			t.Errorf("no reply code: %+v", ev.Reply)
		}
	}
}

func checkGroups(t *testing.T, what string, got map[string][model.NumOutcomes]int, want map[string]counts) {
	t.Helper()
	for k, w := range want {
		if g := of(got[k]); g != w {
			t.Errorf("%s %q: %v, want %v", what, k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s %q unexpected: %v", what, k, of(g))
		}
	}
}

// TestHeaderOrderIndependence rewrites the test file with its columns in
// another order (each header section shuffled its own way) and checks that
// the parser makes the same events of it.
func TestHeaderOrderIndependence(t *testing.T) {
	lines := readLines(t, testdataPath(t, "acct-2026-11-27-0000.csv"))
	var shuffled [][]byte
	var perm []int
	for _, l := range lines {
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(l) == 0 {
			shuffled = append(shuffled, l)
			continue
		}
		r := csv.NewReader(bytes.NewReader(l))
		r.FieldsPerRecord = -1
		rec, err := r.Read()
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		if rec[0] == "type" {
			perm = permutation(len(rec))
		}
		out := make([]string, len(rec))
		for i, j := range perm {
			if j < len(rec) {
				out[i] = rec[j]
			}
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if err := w.Write(out); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		shuffled = append(shuffled, bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	}
	want := run(New(), lines).events
	got := run(New(), shuffled).events
	if len(got) != len(want) {
		t.Fatalf("%d events from the shuffled file, %d from the original", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		w.Raw, g.Raw = "", ""
		if w != g {
			t.Errorf("event %d differs:\n got  %+v\n want %+v", i, g, w)
		}
	}
}

// permutation returns a fixed reordering of n columns that keeps the type
// column first (PowerMTA always writes it first) and moves every other
// column: a rotation of the rest by five.
func permutation(n int) []int {
	p := make([]int, n)
	for i := 1; i < n; i++ {
		p[i] = 1 + (i-1+5)%(n-1)
	}
	return p
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestPermutationMovesColumns(t *testing.T) {
	for _, n := range []int{12, 23} {
		p := permutation(n)
		for i, j := range p {
			if (i == 0) != (i == j) {
				t.Fatalf("n=%d: column %d goes to %d", n, j, i)
			}
		}
	}
}
