package pmta

import (
	"os"
	"testing"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/line"
)

// FuzzParse feeds arbitrary lines, after a header or not, and checks the
// parser's contract: no panic, one event exactly for a result line and
// none otherwise, and events with a time and an outcome.
func FuzzParse(f *testing.F) {
	path := testdataPath(f, "acct-2026-11-27-0000.csv")
	if _, err := os.Stat(path); err == nil {
		for _, l := range readLines(f, path) {
			f.Add(string(l), false)
			f.Add(string(l), true)
		}
	}
	f.Add(`"`, true)
	f.Add(`type,"rcpt`, false)
	f.Fuzz(func(t *testing.T, l string, guide bool) {
		p := New()
		if guide {
			p.SetHeader([]byte(guideHeader))
		}
		prev := []model.Event{{Recipient: "keep"}}
		evs, k := p.Parse([]byte(l), prev)
		if evs[0].Recipient != "keep" {
			t.Fatal("an earlier event was overwritten")
		}
		n := len(evs) - 1
		switch {
		case k == line.Result && n != 1, k != line.Result && n != 0:
			t.Fatalf("kind %v with %d events", k, n)
		case k == line.Other:
			t.Fatal("an accounting file holds no other program's lines")
		}
		if n == 1 {
			ev := evs[1]
			if ev.Time.IsZero() || ev.Outcome < model.Sent || ev.Outcome > model.Expired || ev.Raw != l {
				t.Fatalf("bad event %+v", ev)
			}
		}
		// A second parse of the same line gives the same answer (a header
		// sets the same columns again).
		if _, k2 := p.Parse([]byte(l), nil); k2 != k {
			t.Fatalf("kind %v then %v", k, k2)
		}
	})
}
