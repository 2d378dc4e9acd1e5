package sources

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/internal/corpus"
)

// TestCorpusPostfix reads every file of the corpus through the report path
// and compares the Postfix counts with EXPECTED.md: the "postfix" row, or
// nothing at all for files without one (noise, other MTAs).
func TestCorpusPostfix(t *testing.T) {
	dir := corpus.Dir(t)
	want := corpus.Expected(t, dir)
	files := corpus.Files(t, dir)
	if len(files) < 15 {
		t.Fatalf("only %d corpus files found in %s", len(files), dir)
	}
	postfixRows := 0
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			agg, err := ReadAll(context.Background(), []Spec{{Path: filepath.Join(dir, rel)}}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := agg.Snapshot(agg.DataClock())
			r := model.NewReport(s, agg.FirstEvent())
			got := corpus.Counts{Sent: r.Totals.Sent, Deferred: r.Totals.Deferred, Bounced: r.Totals.Bounced,
				Expired: r.Totals.Expired, Internal: r.Internal, Probes: r.Probes}
			w, ok := want[rel]["postfix"]
			if ok {
				postfixRows++
			}
			if got != w {
				t.Errorf("got %+v\nwant %+v", got, w)
			}
			// Every line is accounted for: unparsed, skipped, or a result.
			if in := s.Input; in.Lines == 0 || in.Lines != in.Unparsed+in.Skipped+in.Results {
				t.Errorf("lines not accounted for: %+v", in)
			}
		})
	}
	if postfixRows < 9 {
		t.Errorf("only %d files had a postfix row in EXPECTED.md", postfixRows)
	}
}
