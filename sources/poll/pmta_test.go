package poll

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// pmtaReplay serves the PowerMTA fixtures, with domainsDoc as /domains.
func pmtaReplay(t *testing.T, ct, domainsDoc string) *replay {
	t.Helper()
	rp := newReplay()
	rp.set("/status", ct, fixture(t, "pmta-http", "status.xml"))
	rp.set("/domains", ct, fixture(t, "pmta-http", domainsDoc))
	rp.set("/vmtas", ct, fixture(t, "pmta-http", "vmtas.xml"))
	rp.set("/queues", ct, fixture(t, "pmta-http", "queues.xml"))
	return rp
}

func TestPMTAFixturesWithCounters(t *testing.T) {
	rp := pmtaReplay(t, "text/xml", "domains-counters.xml")
	srv := serve(t, rp)
	c := newClock()
	p := mustPoller(t, srv.URL+"/status?format=xml", c, Options{})
	first := poll(t, p)
	if first.Format != "pmta" || len(first.Deltas) != 0 || first.Totals.Node != nil {
		t.Fatalf("first poll: %+v", first)
	}
	c.Add(2 * time.Second)
	rp.set("/status", "text/xml", fixture(t, "pmta-http", "status-next.xml"))
	rp.set("/domains", "text/xml", fixture(t, "pmta-http", "domains-counters-next.xml"))
	r := poll(t, p)
	want := map[string]counts{
		"microsoft|outlook.com|": {60, 31, 1, 0}, "microsoft|hotmail.com|": {41, 12, 0, 1},
		"google|gmail.com|": {140, 2, 1, 0}, "yahoo|yahoo.com|": {25, 9, 1, 0}, "yahoo|aol.com|": {6, 3, 0, 0},
		"apple|icloud.com|": {3, 0, 0, 0}, "other|example.net|": {0, 1, 1, 0},
	}
	if got := byRow(r.Deltas); !reflect.DeepEqual(got, want) {
		t.Errorf("deltas:\n got %v\nwant %v", got, want)
	}
	if n := r.Totals.Node; n == nil || countsOf(*n) != (counts{275, 0, 0, 0}) {
		t.Errorf("node %+v, want 275 sent", n)
	}
	if r.Totals.Queued != 3590 || r.Totals.Connections != 55 || r.Totals.Ready != -1 || r.Totals.Suspended != -1 {
		t.Errorf("totals %+v", r.Totals)
	}
	if n := rp.hits["/vmtas"]; n != 2 {
		t.Errorf("/vmtas fetched %d times", n)
	}
}

// TestPMTADocumentedFields reads /domains with only the documented fields:
// gauges, backoffs and the node total; no per-domain deltas.
func TestPMTADocumentedFields(t *testing.T) {
	rp := pmtaReplay(t, "text/html", "domains.xml") // PowerMTA labels its XML text/html
	srv := serve(t, rp)
	c := newClock()
	p := mustPoller(t, srv.URL+"/queues?format=xml", c, Options{})
	first := poll(t, p)
	c.Add(2 * time.Second)
	rp.set("/status", "text/html", fixture(t, "pmta-http", "status-next.xml"))
	r := poll(t, p)
	if len(r.Deltas) != 0 {
		t.Errorf("deltas without counters: %+v", r.Deltas)
	}
	if n := r.Totals.Node; n == nil || n.Sent != 275 {
		t.Errorf("node %+v", n)
	}
	g := map[string]Gauge{}
	for _, x := range r.Gauges {
		g[x.By+"|"+x.Label+x.Identity] = x
	}
	if x := g["domain|outlook.com"]; x.Provider != "microsoft" || x.Queued != 1450 || x.Connections != 4 {
		t.Errorf("outlook.com gauge %+v", x)
	}
	if x := g["identity|vmta-2"]; x.Provider != "" || x.Queued != 1792 || x.Connections != 28 {
		t.Errorf("vmta-2 gauge %+v", x)
	}
	if len(r.Backoffs) != 2 {
		t.Fatalf("backoffs %+v", r.Backoffs)
	}
	b := r.Backoffs[1]
	if b.Queue != "yahoo.com/vmta-2" || b.Domain != "yahoo.com" || b.Provider != "yahoo" || b.Identity != "vmta-2" ||
		!strings.Contains(b.Reason, "421 4.7.0 [TSS04]") || !b.Since.Equal(first.At) {
		t.Errorf("yahoo backoff %+v", b)
	}
	if b := r.Backoffs[0]; b.Provider != "microsoft" || !strings.Contains(b.Reason, "4.7.650") {
		t.Errorf("outlook backoff %+v", b)
	}
	// A queue that leaves backoff and comes back is "since" its return.
	rp.set("/queues", "text/html", []byte(`<rsp><data><queue><name>yahoo.com/vmta-2</name><mode>normal</mode></queue></data></rsp>`))
	c.Add(2 * time.Second)
	if r := poll(t, p); len(r.Backoffs) != 0 {
		t.Errorf("backoffs after recovery: %+v", r.Backoffs)
	}
	rp.set("/queues", "text/html", fixture(t, "pmta-http", "queues.xml"))
	c.Add(2 * time.Second)
	if r := poll(t, p); !r.Backoffs[1].Since.Equal(c.Now()) {
		t.Errorf("since %v, want %v", r.Backoffs[1].Since, c.Now())
	}
}

func TestPMTABadDocuments(t *testing.T) {
	for name, body := range map[string]string{
		"not xml":       "hello",
		"html page":     "<!DOCTYPE html><html><body>PowerMTA</body></html>",
		"other root":    "<status><traffic/></status>",
		"unclosed":      "<rsp><data><status>",
		"error element": "<rsp><error>access denied</error></rsp>",
		"no data":       "<rsp></rsp>",
		"bad charset":   `<?xml version="1.0" encoding="EBCDIC"?><rsp><data/></rsp>`,
	} {
		t.Run(name, func(t *testing.T) {
			rp := pmtaReplay(t, "text/xml", "domains.xml")
			rp.set("/status", "text/xml", []byte(body))
			p := mustPoller(t, serve(t, rp).URL+"/status", newClock(), Options{Format: "pmta"})
			if err := pollErr(t, p); !errors.Is(err, ErrParse) {
				t.Errorf("got %v, want ErrParse", err)
			}
		})
	}
	t.Run("json content type", func(t *testing.T) {
		rp := pmtaReplay(t, "application/json", "domains.xml")
		p := mustPoller(t, serve(t, rp).URL+"/status", newClock(), Options{})
		if err := pollErr(t, p); !errors.Is(err, ErrContentType) {
			t.Errorf("got %v, want ErrContentType", err)
		}
	})
}

// TestPMTALatin1 reads a document PowerMTA declared ISO-8859-1.
func TestPMTALatin1(t *testing.T) {
	d, err := parsePMTADoc("queues", []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rsp><data><queue><name>caf\xe9.example/v</name></queue></data></rsp>"))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.child("queue").text("name"); got != "café.example/v" {
		t.Errorf("got %q", got)
	}
}
