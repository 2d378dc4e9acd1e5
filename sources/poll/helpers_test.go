package poll

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// fixture reads a file of testdata/kumo-http or testdata/pmta-http.
func fixture(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// doc is one canned response.
type doc struct {
	status int // 0 means 200
	ct     string
	body   []byte
}

// replay serves canned responses by path; tests swap them between polls.
type replay struct {
	mu    sync.Mutex
	docs  map[string]doc
	hits  map[string]int
	auths []string // Authorization headers received
}

func newReplay() *replay { return &replay{docs: map[string]doc{}, hits: map[string]int{}} }

func (r *replay) set(path, ct string, body []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.docs[path] = doc{ct: ct, body: body}
}

func (r *replay) setStatus(path string, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.docs[path] = doc{status: status, ct: "text/plain", body: []byte("nope\n")}
}

func (r *replay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	d, ok := r.docs[req.URL.Path]
	r.hits[req.URL.Path]++
	r.auths = append(r.auths, req.Header.Get("Authorization"))
	r.mu.Unlock()
	if !ok {
		http.NotFound(w, req)
		return
	}
	if d.ct != "" {
		w.Header().Set("Content-Type", d.ct)
	}
	if d.status != 0 {
		w.WriteHeader(d.status)
	}
	_, _ = w.Write(d.body)
}

// serve starts an httptest server for h, closed at the end of the test.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 27, 19, 50, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// mustPoller returns a Poller for url with the clock c.
func mustPoller(t testing.TB, url string, c *clock, opt Options) *Poller {
	t.Helper()
	if c != nil {
		opt.Now = c.Now
	}
	p, err := New(url, opt)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// poll polls once and fails the test on error.
func poll(t testing.TB, p *Poller) Result {
	t.Helper()
	r, err := p.Poll(context.Background())
	if err != nil {
		t.Fatalf("poll: %v", err)
	}
	return r
}

// pollErr polls once and returns the error, failing the test on success.
func pollErr(t testing.TB, p *Poller) error {
	t.Helper()
	_, err := p.Poll(context.Background())
	if err == nil {
		t.Fatal("poll succeeded, want an error")
	}
	return err
}

// counts is a row's sent, deferred, bounced, expired.
type counts [4]int64

func countsOf(d Delta) counts { return counts{d.Sent, d.Deferred, d.Bounced, d.Expired} }

// byRow indexes deltas by "provider|label|identity".
func byRow(ds []Delta) map[string]counts {
	m := map[string]counts{}
	for _, d := range ds {
		k := d.Provider + "|" + d.Label + "|" + d.Identity
		c := m[k]
		for i, v := range countsOf(d) {
			c[i] += v
		}
		m[k] = c
	}
	return m
}

// perProvider sums deltas per provider.
func perProvider(ds []Delta) map[string]counts {
	m := map[string]counts{}
	for _, d := range ds {
		c := m[d.Provider]
		for i, v := range countsOf(d) {
			c[i] += v
		}
		m[d.Provider] = c
	}
	return m
}
