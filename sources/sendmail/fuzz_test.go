package sendmail

import (
	"bytes"
	"os"
	"testing"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/line"
)

// FuzzParse feeds arbitrary lines, seeded with corpus-like ones from
// testdata/seeds.log, and checks that Parse never panics, that it says
// Result exactly when it produced events, and that every event is sound.
func FuzzParse(f *testing.F) {
	seeds, err := os.ReadFile("testdata/seeds.log")
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range bytes.Split(seeds, []byte("\n")) {
		f.Add(l)
	}
	p := newTestParser()
	f.Fuzz(func(t *testing.T, l []byte) {
		evs, k := p.Parse(l, nil)
		if k > line.Result {
			t.Fatalf("kind %d", k)
		}
		if (k == line.Result) != (len(evs) > 0) {
			t.Fatalf("kind %v with %d events", k, len(evs))
		}
		for _, ev := range evs {
			checkEvent(t, ev, l)
		}
	})
}

// checkEvent asserts what every event must hold.
func checkEvent(t *testing.T, ev model.Event, l []byte) {
	t.Helper()
	if ev.Outcome < model.Sent || ev.Outcome > model.Expired {
		t.Fatalf("outcome %d: %q", ev.Outcome, l)
	}
	if ev.Kind != model.Delivery && ev.Kind != model.Internal {
		t.Fatalf("kind %d: %q", ev.Kind, l)
	}
	if ev.MTA != "sendmail" || ev.Raw != string(l) || ev.QueueID == "" {
		t.Fatalf("event %+v from %q", ev, l)
	}
}
