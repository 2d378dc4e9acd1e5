package sendmail

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

// wantUnparsed is how many lines of each Sendmail corpus file are not
// syslog lines (the "# failJSON" comments of the fail2ban samples). Files
// not listed are not checked.
var wantUnparsed = map[string]int{
	"sendmail/hirstar-srv1-2016-04-inbound.slice.log":        0,
	"sendmail/fail2ban-sendmail-reject-noise.log":            48,
	"sendmail/fail2ban-sendmail-auth-noise.log":              14,
	"mixed/gomaillex-rhl058-2014-06-sendmail-to-postfix.log": 0,
}

// TestCorpus checks every corpus file against EXPECTED.md's "sendmail" row
// (zero for files without one), and that every line is accounted for.
func TestCorpus(t *testing.T) {
	dir := corpus.Dir(t)
	expected := corpus.Expected(t, dir)
	for _, f := range corpus.Files(t, dir) {
		t.Run(f, func(t *testing.T) {
			lines := readLines(t, filepath.Join(dir, filepath.FromSlash(f)))
			p := New(syslog.Fixed(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)))
			p.Syslog.Loc = time.UTC
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
			if want := expected[f]["sendmail"]; got != want {
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
