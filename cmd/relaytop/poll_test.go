package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/poll"
)

// stepClock is the simulated endpoint's clock: each reading is step
// later than the one before, until the clock stops after freeze readings.
type stepClock struct {
	mu     sync.Mutex
	n      int
	freeze int
	base   time.Time
	step   time.Duration
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.base.Add(time.Duration(min(c.n, c.freeze)) * c.step)
	c.n++
	return t
}

// recorder passes requests to a handler and keeps the bodies it served
// for one path.
type recorder struct {
	h      http.Handler
	path   string
	mu     sync.Mutex
	bodies [][]byte
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	rec := httptest.NewRecorder()
	r.h.ServeHTTP(rec, req)
	if req.URL.Path == r.path {
		r.mu.Lock()
		r.bodies = append(r.bodies, rec.Body.Bytes())
		r.mu.Unlock()
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func (r *recorder) served() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.bodies...)
}

var kumoCounter = regexp.MustCompile(`(?m)^total_messages_(delivered|transfail|fail)_by_provider\{provider="([^"]*)"\} (\d+)$`)

// kumoCounts reads the per-provider counters of KumoMTA's metrics text,
// by provider label.
func kumoCounts(t *testing.T, body []byte) map[string]model.Counts {
	out := map[string]model.Counts{}
	for _, m := range kumoCounter.FindAllSubmatch(body, -1) {
		n, err := strconv.ParseInt(string(m[3]), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		c := out[string(m[2])]
		c.Add(map[string]model.Outcome{"delivered": model.Sent, "transfail": model.Deferred, "fail": model.Bounced}[string(m[1])], n)
		out[string(m[2])] = c
	}
	return out
}

// pmtaCounts reads the per-domain counters of PowerMTA's /domains.
func pmtaCounts(t *testing.T, body []byte) map[string]model.Counts {
	var rsp struct {
		Domains []struct {
			Name      string `xml:"name"`
			Delivered int64  `xml:"delivered"`
			Deferred  int64  `xml:"deferred"`
			Bounced   int64  `xml:"bounced"`
			Expired   int64  `xml:"expired"`
		} `xml:"data>domain"`
	}
	if err := xml.Unmarshal(body, &rsp); err != nil {
		t.Fatal(err)
	}
	out := map[string]model.Counts{}
	for _, d := range rsp.Domains {
		out[d.Name] = model.Counts{Sent: d.Delivered, Deferred: d.Deferred, Bounced: d.Bounced, Expired: d.Expired}
	}
	return out
}

// TestReportForCountsWhatTheEndpointReported runs `report --json --for`
// on a simulated endpoint whose clock stops after a few polls, and checks
// that the report holds exactly what the endpoint's counters grew by from
// the first poll to the last: per row, per provider and in total.
func TestReportForCountsWhatTheEndpointReported(t *testing.T) {
	for _, c := range []struct {
		kind, url, doc string
		// freeze is the clock readings before the clock stops (one when
		// the handler is made, then one a document); polls the polls
		// until the counters stop growing.
		freeze, polls int
		read          func(*testing.T, []byte) map[string]model.Counts
	}{
		{"kumo", "/metrics", "/metrics", 7, 7, kumoCounts},
		{"pmta", "/status", "/domains", 17, 5, pmtaCounts}, // four documents a poll
	} {
		t.Run(c.kind, func(t *testing.T) {
			clk := &stepClock{base: time.Now(), step: 10 * time.Second, freeze: c.freeze}
			rec := &recorder{h: poll.SimHandler(c.kind, clk.now, 5), path: c.doc}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			var rep model.Report
			out := runCmd(t, "report", "--json", "--for", "1500ms", "--poll-interval", "50ms", srv.URL+c.url)
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			// The last poll may end with --for, uncounted: the test needs
			// two polls after the counters stopped, so that the last one
			// counted saw their final values.
			bodies := rec.served()
			if len(bodies) < c.polls+2 {
				t.Fatalf("only %d polls in the time: too few to test", len(bodies))
			}
			first, last := c.read(t, bodies[0]), c.read(t, bodies[len(bodies)-1])
			want := map[string]model.Counts{}
			var total model.Counts
			for row, l := range last {
				f := first[row]
				d := model.Counts{Sent: l.Sent - f.Sent, Deferred: l.Deferred - f.Deferred, Bounced: l.Bounced - f.Bounced, Expired: l.Expired - f.Expired}
				want[row], total = d, total.Plus(d)
			}
			if total.Sent == 0 || total.Deferred == 0 || total.Bounced == 0 {
				t.Fatalf("the endpoint counted too little to test: %+v", total)
			}
			if rep.Totals != total || rep.Polled == nil || *rep.Polled != total {
				t.Errorf("totals %+v (polled %v), the endpoint counted %+v", rep.Totals, rep.Polled, total)
			}
			// Rows: KumoMTA's per provider label, PowerMTA's per domain.
			byProvider := map[string]model.Counts{}
			for _, d := range rep.Domains {
				if d.Counts != want[d.Name] {
					t.Errorf("row %s: %+v, the endpoint counted %+v", d.Name, d.Counts, want[d.Name])
				}
				byProvider[d.Provider] = byProvider[d.Provider].Plus(d.Counts)
				delete(want, d.Name)
			}
			for row, w := range want {
				if w != (model.Counts{}) {
					t.Errorf("row %s missing: the endpoint counted %+v", row, w)
				}
			}
			if len(rep.Providers) != 5 {
				t.Errorf("providers %+v", rep.Providers)
			}
			for _, p := range rep.Providers {
				if p.Counts != byProvider[p.ID] {
					t.Errorf("provider %s: %+v, its rows %+v", p.ID, p.Counts, byProvider[p.ID])
				}
			}
			if len(rep.Endpoints) != 1 || rep.Endpoints[0].State != "ok" || rep.Endpoints[0].Format != c.kind || rep.Endpoints[0].Counted != total {
				t.Errorf("endpoints %+v", rep.Endpoints)
			}
			if len(rep.Backoffs) == 0 || rep.Lines != 0 || len(rep.Signatures) != 0 {
				t.Errorf("backoffs %+v, lines %d, signatures %d", rep.Backoffs, rep.Lines, len(rep.Signatures))
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemoServe serves the simulated PowerMTA with `demo --serve`, reads
// the address from its one line, reports on it, and stops it.
func TestDemoServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--serve", "127.0.0.1:0", "--mta", "pmta"}, io.Discard, &stderr)
	}()
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+/status`)
	deadline := time.Now().Add(5 * time.Second)
	for url.FindString(stderr.String()) == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no address in %q", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	endpoint := url.FindString(stderr.String())
	out := runCmd(t, "report", "--for", "1200ms", "--poll-interval", "100ms", endpoint)
	for _, want := range []string{"endpoint ok pmta " + endpoint, "421 4.7.0 [TSS04]", "reply signatures need logs"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo --serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("demo --serve did not stop")
	}
	if lines := strings.Count(stderr.String(), "\n"); lines != 1 {
		t.Errorf("demo --serve wrote %d lines: %q", lines, stderr.String())
	}
}

func TestReportPollErrors(t *testing.T) {
	srv := httptest.NewServer(poll.SimHandler("kumo", nil, 1))
	gone := srv.URL + "/metrics"
	srv.Close()
	for _, c := range []struct {
		args    []string
		want    string
		printed string
	}{
		{[]string{"report", gone}, "--for", ""},
		{[]string{"report", "--for", "1s", "--poll-interval", "2s", gone}, "shorter than --poll-interval", ""},
		{[]string{"report", "--for", "300ms", "--poll-interval", "100ms", gone}, "never answered", "endpoint error " + gone + ": sent 0"},
		{[]string{"report", "--for", "3s", "http://user:pw1234@relay:8000/metrics"}, "credentials in the URL", ""},
		{[]string{"demo", "--serve", "127.0.0.1:0", "--mta", "exim"}, "--mta kumo or --mta pmta", ""},
	} {
		var out, errb bytes.Buffer
		err := run(context.Background(), c.args, &out, &errb)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "pw1234") {
			t.Errorf("%v: %v", c.args, err)
		}
		if c.printed != "" && !strings.Contains(out.String(), c.printed) {
			t.Errorf("%v printed:\n%s", c.args, out.String())
		}
	}
}

// TestDashboardPollsEndpoints runs the dashboard on a pty with two
// simulated endpoints: their providers and states reach the screen, and
// q leaves a clean terminal.
func TestDashboardPollsEndpoints(t *testing.T) {
	kumo := httptest.NewServer(poll.SimHandler("kumo", nil, 1))
	defer kumo.Close()
	pmta := httptest.NewServer(poll.SimHandler("pmta", nil, 2))
	defer pmta.Close()
	r := startPTY(t, nil, kumo.URL+"/metrics", pmta.URL+"/status", "--poll-interval", "200ms")
	r.waitFor(t, "Yahoo/AOL")
	// The header names an endpoint by host:port. The renderer sends only
	// changed cells, so "connecting" turning into "ok" may reach the
	// stream as "ok" alone: a resize makes it draw the whole screen again.
	want := strings.TrimPrefix(pmta.URL, "http://") + " ok"
	deadline := time.Now().Add(20 * time.Second)
	for cols := uint16(81); !strings.Contains(r.output(), want); cols = 161 - cols {
		if time.Now().After(deadline) {
			t.Fatalf("no %q on screen; got %q", want, tail(r.output()))
		}
		pty.Setsize(r.ptmx, &pty.Winsize{Rows: 24, Cols: cols})
		time.Sleep(300 * time.Millisecond)
	}
	r.ptmx.Write([]byte("q"))
	if st := r.wait(t); st != 0 {
		t.Errorf("exit status %d", st)
	}
	r.checkRestored(t)
}

// TestReportTLSAndCredentials: certificates are verified unless
// --insecure, and credentials come from the environment.
func TestReportTLSAndCredentials(t *testing.T) {
	sim := poll.SimHandler("kumo", nil, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok-5678" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		sim.ServeHTTP(w, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	defer srv.Close()
	report := func(extra ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(context.Background(), append([]string{"report", "--for", "400ms", "--poll-interval", "100ms", srv.URL + "/metrics"}, extra...), &out, &errb)
		return out.String(), err
	}
	if _, err := report(); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("an unknown certificate must fail: %v", err)
	}
	if _, err := report("--insecure"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("no credentials: %v", err)
	}
	t.Setenv(poll.EnvToken, "tok-5678")
	out, err := report("--insecure")
	if err != nil || !strings.Contains(out, "endpoint ok kumo") || strings.Contains(out, "tok-5678") {
		t.Errorf("with --insecure and a token: %v\n%s", err, out)
	}
}
