package sources

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/relaytop/relaytop/model"
)

// corpusDir finds the shared corpus: $RELAYTOP_CORPUS (which CI sets), or
// ../shared/corpus beside the repository.
func corpusDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("RELAYTOP_CORPUS"); d != "" {
		if !filepath.IsAbs(d) {
			// Relative to the repository root, as .ci/run gives it.
			d = filepath.Join(moduleRoot(t), d)
		}
		if _, err := os.Stat(filepath.Join(d, "EXPECTED.md")); err != nil {
			t.Fatalf("RELAYTOP_CORPUS=%s: %v", d, err)
		}
		return d
	}
	d, _ := filepath.Abs(filepath.Join("..", "..", "shared", "corpus"))
	if _, err := os.Stat(filepath.Join(d, "EXPECTED.md")); err != nil {
		t.Skipf("no corpus: set RELAYTOP_CORPUS (CI sets it to ../shared/corpus)")
	}
	return d
}

func moduleRoot(t *testing.T) string {
	d, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			t.Fatal("go.mod not found")
		}
		d = up
	}
}

type expected struct {
	sent, deferred, bounced, expired, internal, probes int64
}

// readExpected parses EXPECTED.md's table: file -> MTA -> counts.
func readExpected(t *testing.T, dir string) map[string]map[string]expected {
	f, err := os.Open(filepath.Join(dir, "EXPECTED.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string]expected{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cells := strings.Split(sc.Text(), "|")
		if len(cells) != 10 || !strings.Contains(cells[1], "/") {
			continue
		}
		var n [6]int64
		for i := range n {
			v, err := strconv.ParseInt(strings.TrimSpace(cells[3+i]), 10, 64)
			if err != nil {
				t.Fatalf("EXPECTED.md row %q: %v", sc.Text(), err)
			}
			n[i] = v
		}
		file, mta := strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])
		if out[file] == nil {
			out[file] = map[string]expected{}
		}
		out[file][mta] = expected{n[0], n[1], n[2], n[3], n[4], n[5]}
	}
	if len(out) == 0 {
		t.Fatal("EXPECTED.md: no rows read")
	}
	return out
}

// TestCorpusPostfix reads every file of the corpus through the report path
// and compares the Postfix counts with EXPECTED.md: the "postfix" row, or
// nothing at all for files without one (noise, other MTAs).
func TestCorpusPostfix(t *testing.T) {
	dir := corpusDir(t)
	want := readExpected(t, dir)
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 15 {
		t.Fatalf("only %d corpus files found in %s", len(files), dir)
	}
	postfixRows := 0
	for _, p := range files {
		rel, _ := filepath.Rel(dir, p)
		t.Run(rel, func(t *testing.T) {
			agg, err := ReadAll(context.Background(), []Spec{{Path: p}}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := agg.Snapshot(agg.DataClock())
			r := model.NewReport(s, agg.FirstEvent())
			got := expected{r.Totals.Sent, r.Totals.Deferred, r.Totals.Bounced, r.Totals.Expired, r.Internal, r.Probes}
			w := want[filepath.ToSlash(rel)]["postfix"]
			if _, ok := want[filepath.ToSlash(rel)]["postfix"]; ok {
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
