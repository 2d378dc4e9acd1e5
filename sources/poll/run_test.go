package poll

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// stepper replaces time.After in Run: the test sees each wait Run asks
// for and decides when it ends.
type stepper struct {
	waits chan time.Duration
	ticks chan time.Time
}

func newStepper() *stepper {
	return &stepper{waits: make(chan time.Duration), ticks: make(chan time.Time)}
}

func (s *stepper) after(d time.Duration) <-chan time.Time {
	s.waits <- d
	return s.ticks
}

// expect expects Run to ask for a wait of want: the poll before it, if
// any, is complete.
func (s *stepper) expect(t *testing.T, want time.Duration) {
	t.Helper()
	select {
	case got := <-s.waits:
		if got != want {
			t.Fatalf("Run waits %v, want %v", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("Run did not ask for a wait of %v", want)
	}
}

// step expects a wait of want and ends it, starting the next poll.
func (s *stepper) step(t *testing.T, want time.Duration) {
	t.Helper()
	s.expect(t, want)
	s.ticks <- time.Time{}
}

func startRun(t *testing.T, p *Poller, out chan Result) (*stepper, func()) {
	t.Helper()
	st := newStepper()
	p.after = st.after
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx, out) }()
	return st, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v", err)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	want := []time.Duration{2, 4, 8, 16, 30, 30}
	for i, w := range want {
		if got := retryDelay(2*time.Second, i+1); got != w*time.Second {
			t.Errorf("fails=%d: %v, want %v", i+1, got, w*time.Second)
		}
	}
	if got := retryDelay(time.Minute, 3); got != time.Minute {
		t.Errorf("long interval: %v", got)
	}
}

// TestRunRetriesAndRecovers: a failing endpoint is retried with growing
// delays while State says why; the first success gives the deltas of the
// whole outage and the interval returns to normal.
func TestRunRetriesAndRecovers(t *testing.T) {
	rp := newReplay()
	rp.set("/metrics", "text/plain", kumoBody("gmail", 100))
	c := newClock()
	p := mustPoller(t, serve(t, rp).URL+"/metrics", c, Options{})
	out := make(chan Result, 10)
	st, stop := startRun(t, p, out)
	defer stop()

	st.step(t, 0) // first poll at once
	if r := <-out; len(r.Deltas) != 0 {
		t.Fatalf("first result has deltas: %+v", r.Deltas)
	}
	rp.setStatus("/metrics", http.StatusBadGateway)
	for _, w := range []time.Duration{2, 2, 4, 8, 16, 30, 30} {
		c.Add(w * time.Second)
		st.step(t, w*time.Second)
	}
	st.expect(t, 30*time.Second) // the seventh attempt is done
	s := p.State()
	if s.OK || !s.Stale || !strings.Contains(s.Err, "HTTP 502") || s.ErrSince.IsZero() || s.LastOK.IsZero() {
		t.Errorf("state during the outage: %+v", s)
	}
	rp.set("/metrics", "text/plain", kumoBody("gmail", 175))
	c.Add(30 * time.Second)
	st.ticks <- time.Time{}
	r := <-out
	if len(r.Deltas) != 1 || r.Deltas[0].Sent != 75 {
		t.Errorf("after the outage: %+v", r.Deltas)
	}
	if s := p.State(); !s.OK || s.Err != "" || s.Stale {
		t.Errorf("state after recovery: %+v", s)
	}
	st.step(t, 2*time.Second) // back to the interval
}

// TestRunSlowConsumer: Run does not wait for a consumer that does not
// read; it merges results and delivers them when the consumer comes.
func TestRunSlowConsumer(t *testing.T) {
	rp := newReplay()
	c := newClock()
	p := mustPoller(t, serve(t, rp).URL+"/metrics", c, Options{})
	out := make(chan Result) // unbuffered, and nobody reads yet
	st, stop := startRun(t, p, out)
	defer stop()
	for i, n := range []int{100, 110, 125, 160} {
		if i == 0 {
			st.expect(t, 0)
		} else {
			st.expect(t, 2*time.Second) // the previous poll is done
			c.Add(2 * time.Second)
		}
		rp.set("/metrics", "text/plain", kumoBody("gmail", n))
		st.ticks <- time.Time{}
	}
	st.expect(t, 2*time.Second) // Run is not blocked on out
	r := <-out
	if len(r.Deltas) != 1 || r.Deltas[0].Sent != 60 {
		t.Fatalf("merged result %+v", r.Deltas)
	}
	if d := r.Deltas[0]; d.End.Sub(d.Start) != 6*time.Second {
		t.Errorf("merged interval %v..%v", d.Start, d.End)
	}
	st.ticks <- time.Time{}
}

func TestStateStale(t *testing.T) {
	rp := newReplay()
	rp.set("/metrics", "text/plain", kumoBody("gmail", 1))
	c := newClock()
	p := mustPoller(t, serve(t, rp).URL+"/metrics", c, Options{Interval: 2 * time.Second})
	if s := p.State(); s.OK || s.Stale || s.Err != "" || s.Endpoint != p.Endpoint() {
		t.Errorf("before any poll: %+v", s)
	}
	poll(t, p)
	c.Add(6 * time.Second)
	if s := p.State(); !s.OK || s.Stale || s.Format != "kumo" {
		t.Errorf("3 intervals after: %+v", s)
	}
	c.Add(time.Second)
	if s := p.State(); !s.Stale {
		t.Errorf("7s after, interval 2s: %+v", s)
	}
}
