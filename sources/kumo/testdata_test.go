package kumo

import (
	"bufio"
	"io"
	"path/filepath"
	"testing"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/internal/corpus"
	"github.com/relaytop/relaytop/sources/line"
)

// tally counts what a parser made of a file.
type tally struct {
	kinds      map[line.Kind]int
	total      counts
	byProvider map[string]counts
	byIdentity map[string]counts
	events     []model.Event
}

// counts is sent, deferred, bounced, expired.
type counts [4]int

func (c *counts) add(o model.Outcome) { c[o-model.Sent]++ }

// readAll reads the log at path through Open, one line at a time.
func readAll(t testing.TB, path string) [][]byte {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return scanLines(t, r)
}

func scanLines(t testing.TB, r io.Reader) [][]byte {
	t.Helper()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var lines [][]byte
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func run(p *Parser, lines [][]byte) tally {
	tl := tally{kinds: map[line.Kind]int{}, byProvider: map[string]counts{}, byIdentity: map[string]counts{}}
	cl := model.DefaultClassifier()
	for _, l := range lines {
		var k line.Kind
		n := len(tl.events)
		tl.events, k = p.Parse(l, tl.events)
		tl.kinds[k]++
		for _, ev := range tl.events[n:] {
			tl.total.add(ev.Outcome)
			prov := cl.Classify(ev.Relay, ev.Domain).Provider
			c := tl.byProvider[prov]
			c.add(ev.Outcome)
			tl.byProvider[prov] = c
			c = tl.byIdentity[ev.Identity]
			c.add(ev.Outcome)
			tl.byIdentity[ev.Identity] = c
		}
	}
	return tl
}

func testdata(t testing.TB, name string) string {
	return filepath.Join(corpus.ModuleRoot(t), "testdata", "kumo", name)
}

func checkKinds(t *testing.T, got, want map[line.Kind]int) {
	t.Helper()
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%v lines: %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%d unexpected %v lines", n, k)
		}
	}
}

func checkGroups(t *testing.T, what string, got, want map[string]counts) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s %q: %v, want %v", what, k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s %q unexpected: %v", what, k, g)
		}
	}
}

func TestTestdataJSONL(t *testing.T) {
	lines := readAll(t, testdata(t, "kumo-2026-11-27.jsonl"))
	tl := run(New(), lines)
	checkKinds(t, tl.kinds, map[line.Kind]int{line.Result: 13, line.Noise: 7, line.Unparsed: 1})
	if want := (counts{3, 6, 2, 2}); tl.total != want {
		t.Errorf("sent/deferred/bounced/expired %v, want %v", tl.total, want)
	}
	checkGroups(t, "provider", tl.byProvider, map[string]counts{
		model.Google:    {1, 1, 1, 0},
		model.Microsoft: {1, 2, 1, 0},
		model.Yahoo:     {1, 2, 0, 1},
		model.Other:     {0, 1, 0, 1},
	})
	checkGroups(t, "identity", tl.byIdentity, map[string]counts{
		"warm-1":    {1, 1, 1, 0},
		"warm-2":    {1, 2, 1, 0},
		"bulk-1":    {1, 3, 0, 1}, // the expiry takes its last try's source
		"pool-bulk": {0, 0, 0, 1}, // an expiry with no try seen: the pool
	})
	byIP := New()
	byIP.Identity = SourceIP
	checkGroups(t, "source IP", run(byIP, lines).byIdentity, map[string]counts{
		"198.51.100.11": {1, 1, 1, 0},
		"198.51.100.12": {1, 2, 1, 0},
		"203.0.113.21":  {1, 2, 0, 1},
		"bulk-1":        {0, 1, 0, 0}, // the connection failed: no source address
		"pool-bulk":     {0, 0, 0, 1},
	})
	byPool := New()
	byPool.Identity = Pool
	checkGroups(t, "pool", run(byPool, lines).byIdentity, map[string]counts{
		"pool-warm": {2, 3, 2, 0},
		"pool-bulk": {1, 3, 0, 2},
	})
	for _, ev := range tl.events {
		if ev.MTA != "kumo" || ev.Time.IsZero() || ev.Raw == "" || ev.QueueID == "" || ev.Kind != model.Delivery ||
			ev.Reply.Code == 0 || (ev.Reply.Enhanced != "" && ev.Reply.Class() != int(ev.Reply.Enhanced[0]-'0')) {
			t.Errorf("event fields: %+v", ev)
		}
		if ev.Time.Unix() < 1795815600 || ev.Time.Unix() > 1795815700 {
			t.Errorf("time %v out of the file's range", ev.Time)
		}
	}
}

func TestTestdataSegment(t *testing.T) {
	tl := run(New(), readAll(t, testdata(t, "20261127-215000")))
	checkKinds(t, tl.kinds, map[line.Kind]int{line.Result: 9, line.Noise: 1})
	if want := (counts{4, 3, 1, 1}); tl.total != want {
		t.Errorf("sent/deferred/bounced/expired %v, want %v", tl.total, want)
	}
	checkGroups(t, "provider", tl.byProvider, map[string]counts{
		model.Google:    {1, 1, 0, 0},
		model.Microsoft: {1, 1, 1, 0},
		model.Yahoo:     {1, 1, 0, 1},
		model.Other:     {1, 0, 0, 0},
	})
	checkGroups(t, "identity", tl.byIdentity, map[string]counts{
		"warm-1": {1, 1, 1, 0},
		"warm-2": {1, 1, 0, 0},
		"bulk-1": {2, 1, 0, 1},
	})
}

// TestCorpusDocsRecords reads the shared corpus's KumoMTA file: the
// documentation's records, 4 Reception and 1 Delivery. EXPECTED.md has no
// kumomta row, so the counts are asserted here.
func TestCorpusDocsRecords(t *testing.T) {
	dir := corpus.Dir(t)
	tl := run(New(), readAll(t, filepath.Join(dir, "kumomta", "kumomta-docs-records.jsonl")))
	checkKinds(t, tl.kinds, map[line.Kind]int{line.Noise: 4, line.Result: 1})
	if want := (counts{1, 0, 0, 0}); tl.total != want {
		t.Fatalf("counts %v, want %v", tl.total, want)
	}
	ev := tl.events[0]
	want := model.Event{Outcome: model.Sent, MTA: "kumo", QueueID: "1d98076abbbc11ed940250ebf67f93bd",
		Recipient: "user@recipient.example.com", Domain: "recipient.example.com",
		Relay: "gmail-smtp-in.l.google.com", RelayIP: "142.251.2.27", Identity: "source2",
		Reply: model.Reply{Code: 250, Enhanced: "2.0.0", Text: "OK ids=8a5475ccbbc611eda12250ebf67f93bd", Command: "end of DATA"}}
	if ev.Time.Unix() != 1678069691 {
		t.Errorf("time %v", ev.Time)
	}
	ev.Time, ev.Raw = want.Time, ""
	if ev != want {
		t.Errorf("got  %+v\nwant %+v", ev, want)
	}
	if p := model.DefaultClassifier().Classify(ev.Relay, ev.Domain).Provider; p != model.Google {
		t.Errorf("provider %q", p)
	}
}
