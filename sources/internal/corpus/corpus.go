// Package corpus finds the shared corpus of real MTA logs for tests and
// reads its EXPECTED.md table. The corpus is not in the repository (the
// logs' licences vary): tests read it from $RELAYTOP_CORPUS, which CI sets
// to ../shared/corpus relative to the repository root.
package corpus

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Counts are one EXPECTED.md row's figures.
type Counts struct {
	Sent, Deferred, Bounced, Expired, Internal, Probes int64
}

// Dir returns the corpus directory: $RELAYTOP_CORPUS (relative to the
// module root when not absolute), or ../shared/corpus beside the
// repository. Without either the test is skipped with a message; with
// $RELAYTOP_CORPUS set but wrong it fails.
func Dir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("RELAYTOP_CORPUS"); d != "" {
		if !filepath.IsAbs(d) {
			d = filepath.Join(ModuleRoot(t), d)
		}
		if _, err := os.Stat(filepath.Join(d, "EXPECTED.md")); err != nil {
			t.Fatalf("RELAYTOP_CORPUS=%s: %v", d, err)
		}
		return d
	}
	d := filepath.Join(ModuleRoot(t), "..", "shared", "corpus")
	if _, err := os.Stat(filepath.Join(d, "EXPECTED.md")); err != nil {
		t.Skip("no corpus: set RELAYTOP_CORPUS (CI sets it to ../shared/corpus)")
	}
	return d
}

// ModuleRoot returns the directory holding go.mod.
func ModuleRoot(t testing.TB) string {
	t.Helper()
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

// Expected parses EXPECTED.md: file (relative, slash-separated) -> MTA ->
// counts. A file with no row holds no delivery results.
func Expected(t testing.TB, dir string) map[string]map[string]Counts {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "EXPECTED.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string]Counts{}
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
			out[file] = map[string]Counts{}
		}
		out[file][mta] = Counts{n[0], n[1], n[2], n[3], n[4], n[5]}
	}
	if len(out) == 0 {
		t.Fatal("EXPECTED.md: no rows read")
	}
	return out
}

// Files returns every log file of the corpus (not the .md files),
// relative to dir with forward slashes, sorted.
func Files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}
