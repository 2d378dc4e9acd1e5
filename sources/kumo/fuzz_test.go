package kumo

import (
	"os"
	"testing"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/line"
)

// FuzzParse feeds arbitrary lines, seeded with the test data's records,
// and checks the parser's contract: no panic, one event exactly for a
// result line and none otherwise, events with a time and an outcome, and
// no line taken for another program's.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"kumo-2026-11-27.jsonl", "20261127-215000"} {
		if _, err := os.Stat(testdata(f, name)); err == nil {
			for _, l := range readAll(f, testdata(f, name)) {
				f.Add(string(l))
			}
		}
	}
	f.Add(bounce)
	f.Add(`{"type":"Expiration","timestamp":1,"recipient":"@"}`)
	f.Fuzz(func(t *testing.T, l string) {
		p := New()
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
			t.Fatal("a KumoMTA log holds no other program's lines")
		}
		if n == 1 {
			ev := evs[1]
			if ev.Time.IsZero() || ev.Outcome < model.Sent || ev.Outcome > model.Expired || ev.Raw != l || ev.MTA != "kumo" {
				t.Fatalf("bad event %+v", ev)
			}
		}
	})
}
