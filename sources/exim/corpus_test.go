package exim

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/internal/corpus"
	"github.com/relaytop/relaytop/sources/line"
	"github.com/relaytop/relaytop/sources/syslog"
)

// wantUnparsed is how many lines of each Exim corpus file are not Exim's:
// the test harness's banner, the LMTP server script of test 5100, and the
// "# failJSON" comments of the fail2ban sample. Files not listed are
// another MTA's and are not checked.
var wantUnparsed = map[string]int{
	"exim/ddgrey-rosnix-2020-02-mainlog.log": 0,
	"exim/exim-testsuite-0216-mainlog.log":   1, // "******** SERVER ********"
	"exim/exim-testsuite-0217-mainlog.log":   0,
	"exim/exim-testsuite-0511-mainlog.log":   0,
	"exim/exim-testsuite-0906-mainlog.log":   0,
	"exim/exim-testsuite-5100-mainlog.log":   229, // the LMTP server's script
	"exim/fail2ban-exim-rejects-noise.log":   62,  // "# failJSON" comments
}

// TestCorpus checks every corpus file against EXPECTED.md's "exim" row
// (zero for files without one), and that every line is accounted for.
func TestCorpus(t *testing.T) {
	dir := corpus.Dir(t)
	expected := corpus.Expected(t, dir)
	for _, f := range corpus.Files(t, dir) {
		t.Run(f, func(t *testing.T) {
			lines := readLines(t, filepath.Join(dir, filepath.FromSlash(f)))
			p := New(syslog.Fixed(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)))
			p.Loc = time.UTC
			var got corpus.Counts
			var kinds [line.Result + 1]int
			for i, l := range lines {
				evs, k := p.Parse(l, nil)
				kinds[k]++
				if (k == line.Result) != (len(evs) > 0) {
					t.Errorf("line %d: kind %v with %d events: %s", i+1, k, len(evs), l)
				}
				for _, ev := range evs {
					tally(&got, ev)
				}
			}
			sum := 0
			for _, n := range kinds {
				sum += n
			}
			if sum != len(lines) {
				t.Errorf("%d lines, %d accounted for", len(lines), sum)
			}
			if want := expected[f]["exim"]; got != want {
				t.Errorf("counts %+v\n      want %+v", got, want)
			}
			if want, ok := wantUnparsed[f]; ok && kinds[line.Unparsed] != want {
				t.Errorf("%d unparsed lines, want %d", kinds[line.Unparsed], want)
			}
			t.Logf("lines %d: blank %d unparsed %d other %d noise %d result %d; %+v", len(lines),
				kinds[line.Blank], kinds[line.Unparsed], kinds[line.Other], kinds[line.Noise], kinds[line.Result], got)
		})
	}
}

// tally counts an event the way the aggregator does: internal and probe
// results apart, others by outcome.
func tally(c *corpus.Counts, ev model.Event) {
	switch ev.Kind {
	case model.Internal:
		c.Internal++
		return
	case model.Probe:
		c.Probes++
		return
	}
	switch ev.Outcome {
	case model.Sent:
		c.Sent++
	case model.Deferred:
		c.Deferred++
	case model.Bounced:
		c.Bounced++
	case model.Expired:
		c.Expired++
	}
}

// readLines splits a file into lines without their newlines; a final
// newline does not start another line.
func readLines(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(data, []byte("\n"))
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1]
	}
	return lines
}
