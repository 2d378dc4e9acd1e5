package sources

import (
	"context"
	"errors"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/poll"
)

// simServer serves a simulated endpoint for the length of the test.
func simServer(t *testing.T, kind string, seed int64) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(poll.SimHandler(kind, nil, seed))
	t.Cleanup(srv.Close)
	return srv
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// runPipeline starts p and stops it at the end of the test, failing the
// test if it does not stop.
func runPipeline(t *testing.T, p *Pipeline) context.CancelFunc {
	t.Helper()
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go p.Run(ctx)
	t.Cleanup(func() {
		cancel()
		select {
		case <-p.Done():
		case <-time.After(5 * time.Second):
			t.Error("pipeline did not stop")
		}
	})
	return cancel
}

func hostRow(rows []model.Row, key string) model.Counts {
	for _, r := range rows {
		if r.Key == key {
			return r.Total
		}
	}
	return model.Counts{}
}

// TestPipelineMixesLogsAndPolls follows a Postfix log and polls a
// simulated KumoMTA together: one table, merged per provider, each
// source's counts in its own host row, signatures from the log only.
func TestPipelineMixesLogsAndPolls(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mail.log")
	var log strings.Builder
	for i := range 100 {
		log.WriteString(resultLine(i, "sent")) // to gmail.com, host "mx"
	}
	log.WriteString(strings.Replace(resultLine(100, "deferred"), "(250 2.0.0 OK)", "(host said: 421 4.7.0 Try again later)", 1))
	if err := os.WriteFile(path, []byte(log.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := simServer(t, "kumo", 1)
	specs, err := Resolve([]string{path, srv.URL + "/metrics"})
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 2 || specs[1].Kind != PollInput {
		t.Fatalf("specs %+v", specs)
	}
	p := New(specs, Options{Since: time.Hour, Interval: 20 * time.Millisecond, Poll: PollOptions{Interval: 50 * time.Millisecond}})
	runPipeline(t, p)
	s := waitSnap(t, p, func(s *model.Snapshot) bool {
		return s.Input.Results == 101 && s.Polled.Deferred > 0 && s.Polled.Sent > 0
	})
	logged := model.Counts{Sent: 100, Deferred: 1}
	if s.Totals.Total != logged.Plus(s.Polled) {
		t.Errorf("totals %+v, logs %+v + polled %+v", s.Totals.Total, logged, s.Polled)
	}
	var google model.Counts
	for _, r := range s.Providers {
		if r.Key == model.Google {
			google = r.Total
		}
	}
	// KumoMTA's "google" provider is its own row of the domain table.
	if polledGoogle := hostRow(s.Domains, "google"); polledGoogle.Sent == 0 || google != logged.Plus(polledGoogle) {
		t.Errorf("google %+v, logs %+v + polled %+v", google, logged, polledGoogle)
	}
	host := hostOf(t, srv.URL)
	if got := hostRow(s.Hosts, "mx"); got != logged {
		t.Errorf("host mx %+v", got)
	}
	if got := hostRow(s.Hosts, host); got != s.Polled {
		t.Errorf("host %s %+v, polled %+v", host, got, s.Polled)
	}
	var sigs int64
	for _, g := range s.Signatures {
		sigs += g.Total.Total()
	}
	if sigs != 1 || s.PolledOnly {
		t.Errorf("signatures count %d, polled only %v", sigs, s.PolledOnly)
	}
	if len(s.Sources) != 2 || s.Sources[0].State != "following" || s.Sources[0].Polled {
		t.Fatalf("sources %+v", s.Sources)
	}
	if ep := s.Sources[1]; !ep.Polled || ep.State != "ok" || ep.Format != "kumo" || ep.Host != host || ep.Err != "" || ep.LastOK.IsZero() {
		t.Errorf("endpoint %+v", ep)
	}
	if l, ok := s.Levels.Providers[model.Google]; !ok || l.Queued <= 0 || l.Connections <= 0 {
		t.Errorf("google level %+v", s.Levels.Providers)
	}
	if len(s.Backoffs) != 1 || s.Backoffs[0].Queue != "ip-3" || s.Backoffs[0].Host != host {
		t.Errorf("backoffs %+v", s.Backoffs)
	}
}

// TestPipelineFleetOneStops polls two endpoints; one stops. Its state
// turns to an error within two poll intervals, its counts stay, and the
// other keeps counting.
func TestPipelineFleetOneStops(t *testing.T) {
	const interval = 200 * time.Millisecond
	a, b := simServer(t, "kumo", 1), simServer(t, "pmta", 2)
	specs, err := Resolve([]string{a.URL + "/metrics", b.URL + "/status"})
	if err != nil {
		t.Fatal(err)
	}
	p := New(specs, Options{Interval: 10 * time.Millisecond, IdleInterval: 20 * time.Millisecond, Poll: PollOptions{Interval: interval}})
	runPipeline(t, p)
	hostA, hostB := hostOf(t, a.URL), hostOf(t, b.URL)
	counted := func(s *model.Snapshot, host string) model.Counts {
		for _, h := range s.PolledHosts {
			if h.Host == host {
				return h.Counted
			}
		}
		return model.Counts{}
	}
	s := waitSnap(t, p, func(s *model.Snapshot) bool {
		return counted(s, hostA).Sent > 0 && counted(s, hostB).Sent > 0
	})
	if got := hostRow(s.Hosts, hostA).Plus(hostRow(s.Hosts, hostB)); got != s.Totals.Total {
		t.Errorf("host rows %+v, totals %+v", got, s.Totals.Total)
	}
	a.Close()
	stopped := time.Now()
	s = waitSnap(t, p, func(s *model.Snapshot) bool { return s.Sources[0].State == "error" })
	if took := s.Now.Sub(stopped); took > 2*interval {
		t.Errorf("the error showed %v after the endpoint stopped", took)
	}
	if s.Sources[0].Err == "" || s.Sources[0].Since.IsZero() || s.Sources[1].State != "ok" {
		t.Errorf("sources %+v", s.Sources)
	}
	stoppedAt, otherAt := counted(s, hostA), counted(s, hostB)
	lastOK := s.Sources[1].LastOK
	s = waitSnap(t, p, func(s *model.Snapshot) bool {
		return counted(s, hostB).Total() > otherAt.Total() && s.Sources[1].LastOK.After(lastOK)
	})
	if s.Sources[0].State != "error" || s.Sources[1].State != "ok" || counted(s, hostA) != stoppedAt {
		t.Errorf("after: sources %+v, stopped host counted %+v then %+v", s.Sources, stoppedAt, counted(s, hostA))
	}
}

// TestPipelineNotesDoubleCounting reads a KumoMTA log of this machine
// and polls a KumoMTA on loopback: the endpoint's state says its results
// may be counted twice.
func TestPipelineNotesDoubleCounting(t *testing.T) {
	srv := simServer(t, "kumo", 3)
	specs, err := Resolve([]string{filepath.Join("..", "testdata", "kumo", "kumo-2026-11-27.jsonl"), srv.URL + "/metrics"})
	if err != nil {
		t.Fatal(err)
	}
	p := New(specs, Options{FromStart: true, Interval: 20 * time.Millisecond, Poll: PollOptions{Interval: 50 * time.Millisecond}})
	runPipeline(t, p)
	s := waitSnap(t, p, func(s *model.Snapshot) bool { return s.Polled.Sent > 0 && s.Input.Results > 0 })
	if !strings.Contains(s.Sources[1].Err, "counted twice") || s.Sources[1].State != "ok" || s.Sources[0].Err != "" {
		t.Errorf("sources %+v", s.Sources)
	}
}

func TestPollSetupErrors(t *testing.T) {
	for _, c := range []struct {
		url    string
		format Format
		kind   error
		shown  string
	}{
		{"http://user:secret@relay:8000/metrics", Auto, poll.ErrCredentials, "credentials"},
		{"http://relay:8000/metrics", Postfix, nil, "log format"},
	} {
		specs, err := Resolve([]string{c.url})
		if err != nil {
			t.Fatal(err)
		}
		p := New(specs, Options{Format: c.format})
		err = p.Err()
		if err == nil || (c.kind != nil && !errors.Is(err, c.kind)) || !strings.Contains(err.Error(), c.shown) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: %v", c.url, err)
		}
		st := p.States()[0]
		if st.State != "error" || !st.Polled || strings.Contains(st.Name+st.Err, "secret") {
			t.Errorf("%s: state %+v", c.url, st)
		}
		// Run ends with its context and polls nothing.
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		p.Run(ctx)
		cancel()
	}
	if _, err := ReadAll(context.Background(), []Spec{{Path: "http://relay:8000/metrics", Kind: PollInput}}, Options{}); !errors.Is(err, ErrPolledOnce) {
		t.Errorf("ReadAll of an endpoint: %v", err)
	}
}

func TestLocalAliases(t *testing.T) {
	me, _ := os.Hostname()
	for _, h := range []string{"127.0.0.1:8000", "localhost:8000", "[::1]:8000", strings.ToUpper(me) + ":8000"} {
		if got := localAliases(h); len(got) != 2 || got[1] != model.LocalHost {
			t.Errorf("%s: %v", h, got)
		}
	}
	if got := localAliases("192.0.2.7:8000"); got != nil {
		t.Errorf("a remote host: %v", got)
	}
}

// TestPollingLeavesNoGoroutines: once the pipeline is done and the
// endpoints closed, every goroutine polling started has ended.
func TestPollingLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	a := httptest.NewServer(poll.SimHandler("kumo", nil, 1))
	b := httptest.NewServer(poll.SimHandler("pmta", nil, 2))
	specs, err := Resolve([]string{a.URL + "/metrics", b.URL + "/status"})
	if err != nil {
		t.Fatal(err)
	}
	p := New(specs, Options{Interval: 10 * time.Millisecond, Poll: PollOptions{Interval: 30 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	go p.Run(ctx)
	waitSnap(t, p, func(s *model.Snapshot) bool { return s.Polled.Sent > 0 })
	cancel()
	<-p.Done()
	a.Close()
	b.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
