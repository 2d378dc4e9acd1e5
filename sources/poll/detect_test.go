package poll

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	t.Run("bare URL, PowerMTA", func(t *testing.T) {
		c := newClock()
		srv := serve(t, SimHandler("pmta", c.Now, 1))
		p := mustPoller(t, srv.URL, c, Options{})
		if r := poll(t, p); r.Format != "pmta" || p.State().Format != "pmta" {
			t.Errorf("format %q", r.Format)
		}
	})
	t.Run("bare URL with a path prefix, KumoMTA JSON", func(t *testing.T) {
		rp := newReplay()
		rp.set("/kumo/stats", "application/json", fixture(t, "kumo-http", "metrics.json"))
		p := mustPoller(t, serve(t, rp).URL+"/kumo/stats", newClock(), Options{})
		if r := poll(t, p); r.Format != "kumo" || len(r.Gauges) == 0 {
			t.Errorf("result %+v", r)
		}
	})
	t.Run("forced PowerMTA under a prefix", func(t *testing.T) {
		rp := newReplay()
		for _, d := range []string{"status", "vmtas", "queues"} {
			rp.set("/pmta/"+d, "text/xml", fixture(t, "pmta-http", d+".xml"))
		}
		rp.set("/pmta/domains", "text/xml", fixture(t, "pmta-http", "domains.xml"))
		p := mustPoller(t, serve(t, rp).URL+"/pmta/", newClock(), Options{Format: "pmta"})
		poll(t, p)
	})
	t.Run("an HTML page", func(t *testing.T) {
		srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<!DOCTYPE html><html><title>router login</title></html>"))
		}))
		p := mustPoller(t, srv.URL, newClock(), Options{})
		err := pollErr(t, p)
		if !errors.Is(err, ErrDetect) || !strings.Contains(err.Error(), "--format") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("another program's metrics", func(t *testing.T) {
		rp := newReplay()
		rp.set("/metrics", "text/plain", []byte("# TYPE node_load1 gauge\nnode_load1 0.5\n"))
		p := mustPoller(t, serve(t, rp).URL+"/metrics", newClock(), Options{})
		if err := pollErr(t, p); !errors.Is(err, ErrDetect) {
			t.Errorf("got %v", err)
		}
		p = mustPoller(t, serve(t, rp).URL+"/metrics", newClock(), Options{Format: "kumo"})
		poll(t, p) // forced: read as it is
	})
}

func TestNewRefuses(t *testing.T) {
	for _, tc := range []struct {
		url    string
		format string
		kind   error
	}{
		{"ftp://host/metrics", "", ErrURL},
		{"host:8000/metrics", "", ErrURL},
		{"http:///metrics", "", ErrURL},
		{"http://host:8000/metrics", "postfix", ErrDetect},
		{"http://a:b@host:8000/metrics", "", ErrCredentials},
	} {
		if _, err := New(tc.url, Options{Format: tc.format}); !errors.Is(err, tc.kind) {
			t.Errorf("%s: got %v, want %v", tc.url, err, tc.kind)
		}
	}
}
