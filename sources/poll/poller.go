package poll

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Poller polls one MTA stats endpoint. Poll and Run must not be called
// concurrently with each other (Run is the one goroutine that polls);
// State may be called from any goroutine.
type Poller struct {
	opt      Options
	endpoint *url.URL
	shown    string // endpoint, redacted
	host     string
	f        *fetcher
	after    func(time.Duration) <-chan time.Time // tests step Run with it

	pollMu    sync.Mutex
	plan      plan
	verified  bool // the plan has read a response
	tracker   *tracker
	prevAt    time.Time
	families  map[string]bool // counter families in the previous poll
	since     map[string]time.Time
	providers providerCache

	mu    sync.Mutex
	state State
}

// New returns a Poller for endpoint, an http:// or https:// URL: a
// KumoMTA /metrics or /metrics.json URL, a PowerMTA management URL
// (/status?format=xml or any of /domains, /vmtas, /queues, whose siblings
// are fetched too), or a bare http://host:port, whose format is found by
// trying KumoMTA's /metrics and then PowerMTA's /status. A URL with
// credentials in it is refused: they come from Options.Auth (see
// AuthFromEnv), never from the command line.
func New(endpoint string, opt Options) (*Poller, error) {
	opt = opt.withDefaults()
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		shown := "(invalid URL)"
		if err == nil {
			shown = redactURL(u)
		}
		return nil, &Error{Msg: fmt.Sprintf("poll: %s is not an http:// or https:// URL", shown), Kind: ErrURL}
	}
	if u.User != nil {
		return nil, &Error{Msg: fmt.Sprintf("poll: %s: credentials in the URL are not accepted (the command line is visible to "+
			"other users); set %s, or %s and %s, or %s", redactURL(u), EnvToken, EnvUser, EnvPassword, EnvAuthFile), Kind: ErrCredentials}
	}
	switch opt.Format {
	case "auto", "kumo", "pmta":
	default:
		return nil, &Error{Msg: fmt.Sprintf("poll: unknown format %q (want auto, kumo or pmta)", clean(opt.Format, 40)), Kind: ErrDetect}
	}
	p := &Poller{
		opt:       opt,
		endpoint:  u,
		shown:     redactURL(u),
		host:      u.Host,
		f:         newFetcher(u, opt),
		after:     time.After,
		tracker:   newTracker(),
		since:     map[string]time.Time{},
		providers: providerCache{},
	}
	p.plan = planFor(u, opt.Format)
	p.state = State{Endpoint: p.shown}
	return p, nil
}

// Endpoint returns the URL polled, without credentials.
func (p *Poller) Endpoint() string { return p.shown }

// Host returns the endpoint's host:port.
func (p *Poller) Host() string { return p.host }

// Poll fetches the endpoint once, parses it, compares it with the previous
// poll and returns what changed. The first successful poll gives gauges and
// no deltas. A failed poll changes nothing but the State; the next
// successful one gives the deltas since the last success.
func (p *Poller) Poll(ctx context.Context) (Result, error) {
	p.pollMu.Lock()
	defer p.pollMu.Unlock()
	s, err := p.fetch(ctx)
	now := p.opt.Now()
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, ctx.Err()
		}
		err = p.safe(err)
		p.setErr(err, now)
		return Result{}, err
	}
	res := p.build(s, now)
	p.mu.Lock()
	p.state.OK, p.state.Err, p.state.ErrSince, p.state.LastOK, p.state.Format = true, "", time.Time{}, now, s.format
	p.mu.Unlock()
	return res, nil
}

// State returns the endpoint's current condition.
func (p *Poller) State() State {
	p.mu.Lock()
	st := p.state
	p.mu.Unlock()
	st.Stale = !st.LastOK.IsZero() && p.opt.Now().Sub(st.LastOK) > 3*p.opt.Interval
	return st
}

// safe returns err with any credential scrubbed from its message: parse
// errors quote the response, and a server may echo the request.
func (p *Poller) safe(err error) error {
	var kind error
	if e, ok := err.(*Error); ok {
		kind = e.Kind
	}
	return &Error{Msg: p.f.scrub.clean(err.Error()), Kind: kind}
}

func (p *Poller) setErr(err error, now time.Time) {
	msg := err.Error()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state.OK || p.state.ErrSince.IsZero() {
		p.state.ErrSince = now
	}
	p.state.OK, p.state.Err = false, msg
}

// fetch reads a snapshot with the plan, detecting it first if need be.
func (p *Poller) fetch(ctx context.Context) (*snapshot, error) {
	if p.plan != nil {
		s, known, err := p.plan.poll(ctx, p.f)
		if err == nil && !p.verified && p.opt.Format == "auto" && !known {
			return nil, &Error{Msg: fmt.Sprintf("%s: the response holds no %s data; pass --format if this is right",
				p.shown, p.plan.format()), Kind: ErrDetect}
		}
		if err == nil {
			p.verified = true
		}
		return s, err
	}
	var msgs []string
	for _, c := range detectCandidates(p.endpoint) {
		s, known, err := c.poll(ctx, p.f)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err == nil && known {
			p.plan, p.verified = c, true
			return s, nil
		}
		if err == nil {
			err = fmt.Errorf("no %s data", c.format())
		}
		msgs = append(msgs, err.Error())
	}
	return nil, &Error{Msg: fmt.Sprintf("%s: cannot tell the endpoint's format (%s); pass --format kumo or --format pmta, "+
		"or a URL ending in /metrics, /metrics.json or /status?format=xml", p.shown, strings.Join(msgs, "; ")), Kind: ErrDetect}
}

// build compares s with the previous poll.
func (p *Poller) build(s *snapshot, now time.Time) Result {
	res := Result{At: now, Host: p.host, Format: s.format}
	present := map[string]bool{}
	chosen := map[string]int{} // group -> tier shown
	for _, c := range s.counters {
		present[c.family] = true
		if t, ok := chosen[c.group]; c.role == roleRow && p.families[c.family] && (!ok || c.tier < t) {
			chosen[c.group] = c.tier
		}
	}
	p.families = present
	rows := map[rowKey]int{}
	var node *Delta
	for _, c := range s.counters {
		if !validCount(c.value) {
			continue
		}
		d, ok := p.tracker.observe(c.key(), c.value, now)
		if t, shown := chosen[c.group]; !ok || (c.role == roleRow && (!shown || t != c.tier)) {
			continue
		}
		if c.role == roleNode {
			if node == nil {
				node = &Delta{Start: p.prevAt, End: now, Host: p.host}
			}
			node.add(c.outcome, d)
			continue
		}
		if d == 0 {
			continue
		}
		k := rowKey{p.providers.get(c.kind, c.label), c.label, c.identity, ""}
		i, seen := rows[k]
		if !seen {
			i = len(res.Deltas)
			rows[k] = i
			res.Deltas = append(res.Deltas, Delta{Start: p.prevAt, End: now, Host: p.host, Provider: k.provider, Label: c.label, Identity: c.identity})
		}
		res.Deltas[i].add(c.outcome, d)
	}
	sortDeltas(res.Deltas)
	for _, g := range s.gauges {
		res.Gauges = append(res.Gauges, Gauge{Host: p.host, Provider: p.providers.get(g.kind, g.label), Label: g.label,
			Identity: g.identity, By: g.by, Queued: g.queued, Connections: g.conns})
	}
	sortGauges(res.Gauges)
	since := make(map[string]time.Time, len(s.backoffs))
	for _, b := range s.backoffs {
		t, ok := p.since[b.queue]
		if !ok {
			t = now
		}
		since[b.queue] = t
		prov := ""
		if b.domain != "" {
			prov = p.providers.get(labelDomain, b.domain)
		}
		res.Backoffs = append(res.Backoffs, Backoff{Host: p.host, Queue: b.queue, Domain: b.domain, Provider: prov,
			Identity: b.identity, Reason: b.reason, Since: t})
	}
	p.since = since
	res.Totals = Totals{Ready: s.ready, Suspended: s.suspended, Queued: s.queued, Connections: s.conns, Node: node}
	p.tracker.sweep(now)
	p.prevAt = now
	return res
}
