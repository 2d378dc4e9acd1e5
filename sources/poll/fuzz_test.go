package poll

import (
	"bytes"
	"testing"
	"time"
)

var epoch = time.Unix(1_800_000_000, 0)

// checkSnapshot checks what every parser promises: counters that are
// valid counts after validCount, labels without control characters.
func checkSnapshot(t *testing.T, s *snapshot) {
	t.Helper()
	for _, c := range s.counters {
		if c.outcome < oSent || c.outcome > oExpired {
			t.Fatalf("bad outcome %+v", c)
		}
		for _, str := range []string{c.label, c.identity, c.extra} {
			if clean(str, 1<<20) != str {
				t.Fatalf("unclean text %q", str)
			}
		}
	}
	for _, b := range s.backoffs {
		if clean(b.reason, 1<<20) != b.reason || len(b.reason) > 1024 {
			t.Fatalf("unclean reason %q", b.reason)
		}
	}
	// Whatever was read can be compared without panicking.
	p := &Poller{host: "h", tracker: newTracker(), since: map[string]time.Time{}, providers: providerCache{}}
	p.build(s, epoch)
	p.build(s, epoch.Add(1))
}

func FuzzParseKumoText(f *testing.F) {
	for _, name := range []string{"metrics.txt", "metrics-next.txt"} {
		f.Add(fixture(f, "kumo-http", name))
	}
	for _, family := range bytes.SplitAfter(fixture(f, "kumo-http", "metrics.txt"), []byte("\n# HELP")) {
		f.Add(family) // small seeds mutate better
	}
	f.Add([]byte("total_messages_delivered_by_provider{provider=\"\\x1b[2J\"} 1e308\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		s, _, err := parseKumoText(body)
		if err == nil {
			checkSnapshot(t, s)
		}
	})
}

func FuzzParseKumoJSON(f *testing.F) {
	for _, name := range []string{"metrics.json", "metrics-next.json"} {
		f.Add(fixture(f, "kumo-http", name))
	}
	f.Add([]byte(`{"total_messages_fail_by_provider_and_source":{"value":[{"@":-1,"provider":"\u001b"}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s, _, err := parseKumoJSON(body)
		if err == nil {
			checkSnapshot(t, s)
		}
	})
}

// FuzzParsePMTA fuzzes one of the four documents (which selects which)
// with the others taken from the fixtures.
func FuzzParsePMTA(f *testing.F) {
	docs := [][]byte{fixture(f, "pmta-http", "status.xml"), fixture(f, "pmta-http", "domains-counters.xml"),
		fixture(f, "pmta-http", "vmtas.xml"), fixture(f, "pmta-http", "queues.xml")}
	for i, d := range docs {
		f.Add(uint8(i), d)
	}
	f.Add(uint8(1), fixture(f, "pmta-http", "domains.xml"))
	f.Add(uint8(3), []byte("<rsp><data><queue><name>a/b</name><mode>backoff</mode><reason>\x1b]0;x\x07</reason></queue></data></rsp>"))
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		bodies := make([][]byte, len(docs))
		copy(bodies, docs)
		bodies[int(which)%len(docs)] = bytes.TrimLeft(body, " \t\r\n")
		s, err := parsePMTA(bodies)
		if err == nil {
			checkSnapshot(t, s)
		}
	})
}
