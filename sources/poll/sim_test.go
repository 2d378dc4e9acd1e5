package poll

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestSim polls the simulated endpoints twice (and the campaign a few
// minutes later) and finds positive deltas for every provider.
func TestSim(t *testing.T) {
	for _, tc := range []struct{ kind, path string }{
		{"kumo", ""}, {"kumo", "/metrics.json"}, {"pmta", "/status?format=xml"},
	} {
		t.Run(tc.kind+tc.path, func(t *testing.T) {
			c := newClock()
			srv := serve(t, SimHandler(tc.kind, c.Now, 7))
			p := mustPoller(t, srv.URL+tc.path, c, Options{})
			poll(t, p)
			c.Add(2 * time.Second)
			r := poll(t, p)
			got := perProvider(r.Deltas)
			for _, id := range []string{"microsoft", "google", "yahoo", "apple", "other"} {
				if got[id][0] <= 0 {
					t.Errorf("%s: %v", id, got[id])
				}
			}
			if r.Format != tc.kind || r.Totals.Node == nil || r.Totals.Node.Sent <= 0 || r.Totals.Queued <= 0 || r.Totals.Connections <= 0 {
				t.Errorf("result %s %+v", r.Format, r.Totals)
			}
			switch tc.kind {
			case "kumo":
				if len(r.Backoffs) != 1 || r.Backoffs[0].Queue != "ip-3" || r.Totals.Suspended != 1 {
					t.Errorf("suspended sources %+v", r.Backoffs)
				}
			case "pmta":
				if len(r.Backoffs) == 0 || !strings.Contains(r.Backoffs[len(r.Backoffs)-1].Reason, "421 4.7.0 [TSS04]") {
					t.Errorf("backoffs %+v", r.Backoffs)
				}
			}
			// Three minutes on, Microsoft is deferring far more than Google.
			c.Add(3 * time.Minute)
			poll(t, p)
			c.Add(10 * time.Second)
			got = perProvider(poll(t, p).Deltas)
			ms, g := got["microsoft"], got["google"]
			if float64(ms[1])/float64(ms[0]+ms[1]+ms[2]) < 0.15 || float64(g[1])/float64(g[0]+g[1]+g[2]) > 0.05 {
				t.Errorf("deferral: microsoft %v, google %v", ms, g)
			}
		})
	}
}

// TestSimDeterministic: the same seed and clock give the same counters.
func TestSimDeterministic(t *testing.T) {
	get := func(kind string) *httptest.ResponseRecorder {
		c := newClock()
		h := SimHandler(kind, c.Now, 3)
		c.Add(time.Minute)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		return rec
	}
	if a, b := get("kumo").Body.String(), get("kumo").Body.String(); a != b || !strings.Contains(a, "total_messages_delivered_by_provider") {
		t.Error("two runs differ")
	}
	if rec := get("postfix"); rec.Code != http.StatusNotFound {
		t.Errorf("unknown kind: %d", rec.Code)
	}
}
