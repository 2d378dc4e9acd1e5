package sources

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/demo"
	"github.com/relaytop/relaytop/sources/line"
)

// plainParser hides a parser's staging, so that ReadAll parses whole and
// every event owns a copy of its line.
type plainParser struct{ line.Parser }

// A report's Postfix events borrow their lines, and read buffers are
// reused once the aggregator is done with a chunk: what the aggregator
// kept must be its own copies. The log spans hundreds of reused buffers;
// every row, signature, sample line and verdict must equal those of a
// read that copies every line.
func TestBorrowedLinesAreNotKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mail.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Write(f, demo.Config{}, 200000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	read := func(opt Options) []byte {
		t.Helper()
		agg, err := ReadAll(context.Background(), []Spec{{Path: path}}, opt)
		if err != nil {
			t.Fatal(err)
		}
		agg.JudgeNow(agg.DataClock())
		s := agg.Snapshot(agg.DataClock())
		out, err := json.Marshal(struct {
			S *model.Snapshot
			R model.Report
		}{s, model.NewReport(s, agg.FirstEvent())})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	borrowed := read(Options{})
	copied := read(Options{WrapParser: func(p line.Parser) line.Parser { return plainParser{p} }})
	if !strings.Contains(string(borrowed), "postfix/smtp[") || !strings.Contains(string(borrowed), "status=expired") {
		t.Fatal("no sample lines in the snapshot: the test would not see them")
	}
	if string(borrowed) != string(copied) {
		i := 0
		for i < len(borrowed) && i < len(copied) && borrowed[i] == copied[i] {
			i++
		}
		t.Fatalf("borrowing changed what the aggregator kept, at byte %d:\nborrowed ...%s\ncopied   ...%s",
			i, borrowed[max(0, i-200):min(len(borrowed), i+100)], copied[max(0, i-200):min(len(copied), i+100)])
	}
}
