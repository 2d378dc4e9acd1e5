package sources

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/internal/corpus"
)

// missingRows are corpus files that hold delivery results EXPECTED.md has
// no row for. kumomta-docs-records.jsonl holds one Delivery record (to
// gmail-smtp-in.l.google.com, 250) besides four Receptions: under
// DESIGN.md's rules that is one sent attempt.
var missingRows = map[string]map[string]corpus.Counts{
	"kumomta/kumomta-docs-records.jsonl": {"kumo": {Sent: 1}},
}

// TestCorpus reads every corpus file the way 'relaytop report' does,
// with its format detected, and compares what each MTA's lines gave with
// that MTA's row in EXPECTED.md (files without rows must give nothing).
// Every line must be accounted for as unparsed, skipped or a result.
func TestCorpus(t *testing.T) {
	dir := corpus.Dir(t)
	want := corpus.Expected(t, dir)
	for f, rows := range missingRows {
		if _, ok := want[f]; ok {
			t.Errorf("EXPECTED.md now has rows for %s: drop it from missingRows", f)
		}
		want[f] = rows
	}
	files := corpus.Files(t, dir)
	if len(files) < 20 {
		t.Fatalf("only %d corpus files in %s", len(files), dir)
	}
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			agg, err := ReadAll(context.Background(), []Spec{{Path: filepath.Join(dir, rel)}}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := agg.Snapshot(agg.DataClock())
			got := map[string]corpus.Counts{}
			for _, m := range s.MTAs {
				got[m.MTA] = corpus.Counts{Sent: m.Sent, Deferred: m.Deferred, Bounced: m.Bounced, Expired: m.Expired,
					Internal: m.Internal, Probes: m.Probes}
			}
			for mta, w := range want[rel] {
				if got[mta] != w {
					t.Errorf("%s: got %+v\n   want %+v", mta, got[mta], w)
				}
			}
			for mta, g := range got {
				if _, ok := want[rel][mta]; !ok && g != (corpus.Counts{}) {
					t.Errorf("%s: got %+v, EXPECTED.md has no %s row", mta, g, mta)
				}
			}
			// The report's totals are the sum over MTAs.
			r := model.NewReport(s, agg.FirstEvent())
			var sum model.Counts
			for _, m := range r.MTAs {
				sum = sum.Plus(m.Counts)
			}
			if sum != r.Totals {
				t.Errorf("totals %+v, sum over MTAs %+v", r.Totals, sum)
			}
			if in := s.Input; in.Lines == 0 || in.Lines != in.Unparsed+in.Skipped+in.Results {
				t.Errorf("lines not accounted for: %+v", in)
			}
		})
	}
}

// TestDetectCorpus checks that every corpus file is detected as its
// format: syslog for the Postfix, Sendmail and mixed syslog files, Exim
// for mainlogs, KumoMTA for its JSON records.
func TestDetectCorpus(t *testing.T) {
	dir := corpus.Dir(t)
	for _, rel := range corpus.Files(t, dir) {
		want := Syslog
		switch {
		case strings.HasPrefix(rel, "exim/"):
			want = Exim
		case strings.HasPrefix(rel, "kumomta/"):
			want = Kumo
		}
		if got := DetectFile(filepath.Join(dir, rel)); got != want {
			t.Errorf("%s: detected %s, want %s", rel, got, want)
		}
	}
}

// TestDetectTestdata checks detection on the repository's own files
// written from the vendors' documented formats.
func TestDetectTestdata(t *testing.T) {
	root := corpus.ModuleRoot(t)
	cases := map[string]Format{
		"testdata/pmta/acct-2026-11-27-0000.csv": PMTA,
		"testdata/kumo/kumo-2026-11-27.jsonl":    Kumo,
		"testdata/kumo/20261127-215000":          Kumo,
		"sources/postfix/testdata/seed.log":      Syslog,
	}
	for rel, want := range cases {
		if got := DetectFile(filepath.Join(root, rel)); got != want {
			t.Errorf("%s: detected %s, want %s", rel, got, want)
		}
	}
	// Stdin and files that do not exist yet are detected from lines.
	if f := Detect([][]byte{[]byte(`{"type":"Delivery","id":"x","recipient":"a@b.c","timestamp":1}`)}); f != Kumo {
		t.Errorf("a JSON record: %s", f)
	}
	if f := Detect([][]byte{[]byte("2020-02-22 00:48:41 1j5IF1-0006A7-Ub => a@b.c R=x T=y H=mx.b.c [192.0.2.1]")}); f != Exim {
		t.Errorf("an Exim line: %s", f)
	}
}
