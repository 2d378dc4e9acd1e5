package sources

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/poll"
)

// PollOptions configure how stats endpoints (PollInput sources) are
// polled; see package poll.
type PollOptions struct {
	// Interval is the time between polls (default 2s); Timeout bounds
	// one request, body included (default 5s).
	Interval, Timeout time.Duration
	// Insecure skips TLS certificate verification: only when the user
	// asks (--insecure).
	Insecure bool
	// Auth is sent to every endpoint. Read it with poll.AuthFromEnv:
	// credentials never come from flags or URLs.
	Auth poll.Auth
	// Client makes the requests (tests inject one); nil builds one.
	Client *http.Client
}

// Err returns the first error met preparing the inputs (a URL with
// credentials in it, a log --format given for an endpoint), nil if none.
// Such an input never reads anything: check Err before Run.
func (p *Pipeline) Err() error { return p.setupErr }

// preparePoll makes the poller of a PollInput. --format forces the
// adapter: kumo or pmta; a log format is an error.
func (p *Pipeline) preparePoll(in *input) {
	format := "auto"
	switch f := p.opt.Format; f {
	case "", Auto:
	case PMTA, Kumo:
		format = string(f)
	default:
		p.failPoll(in, fmt.Errorf("%s: --format %s is a log format; an endpoint is kumo or pmta (or auto)", poll.Redact(in.spec.Path), f))
		return
	}
	po := p.opt.Poll
	pl, err := poll.New(in.spec.Path, poll.Options{Interval: po.Interval, Timeout: po.Timeout, Format: format,
		Insecure: po.Insecure, Auth: po.Auth, Client: po.Client, Now: p.opt.Now})
	if err != nil {
		p.failPoll(in, err)
		return
	}
	in.poller = pl
	in.aliases = localAliases(pl.Host())
	in.state.Store("connecting")
}

func (p *Pipeline) failPoll(in *input, err error) {
	in.state.Store("error")
	in.errText.Store(err.Error())
	if p.setupErr == nil {
		p.setupErr = err
	}
}

// poll runs one endpoint's poller until ctx ends and hands each Result,
// as a model.Polled, to the goroutine that owns the aggregator. The
// poller merges results while that goroutine is busy (see poll.Run), so
// it never waits on the dashboard; what it delivered before ctx ended is
// all added (the loop takes it until every input is done).
func (p *Pipeline) poll(ctx context.Context, in *input) {
	if in.poller == nil {
		return // preparePoll failed; the state says why
	}
	results := make(chan poll.Result)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		defer p.recoverPanic("poller of " + in.poller.Endpoint())
		_ = in.poller.Run(ctx, results) // it returns nil when ctx ends
	}()
	for {
		select {
		case r := <-results:
			p.polled <- toPolled(&r, in.aliases)
		case <-stopped:
			return
		}
	}
}

// pollState is a polled endpoint's state for the header: ok, stale since
// its last success, or the error since when it failed.
func pollState(in *input) model.SourceState {
	st := model.SourceState{Name: poll.Redact(in.spec.Path), Polled: true}
	if in.poller == nil {
		st.State, _ = in.state.Load().(string)
		st.Err, _ = in.errText.Load().(string)
		return st
	}
	ps := in.poller.State()
	st.Name, st.Format, st.Host, st.LastOK = ps.Endpoint, ps.Format, in.poller.Host(), ps.LastOK
	switch {
	case !ps.OK && ps.Err != "":
		st.State, st.Err, st.Since = "error", ps.Err, ps.ErrSince
	case ps.Stale:
		st.State, st.Since = "stale since "+ps.LastOK.Format("15:04:05"), ps.LastOK
	case ps.OK:
		st.State, st.Since = "ok", ps.LastOK
	default:
		st.State = "connecting"
	}
	return st
}

// toPolled converts a poll Result for the model.
func toPolled(r *poll.Result, aliases []string) model.Polled {
	m := model.Polled{Host: r.Host, Aliases: aliases, MTA: r.Format, At: r.At, Queued: r.Totals.Queued,
		Connections: r.Totals.Connections, Ready: r.Totals.Ready, Suspended: r.Totals.Suspended}
	earliest := func(t time.Time) {
		if !t.IsZero() && (m.Start.IsZero() || t.Before(m.Start)) {
			m.Start = t
		}
	}
	m.Deltas = make([]model.PolledDelta, len(r.Deltas))
	for i, d := range r.Deltas {
		earliest(d.Start)
		m.Deltas[i] = model.PolledDelta{Provider: d.Provider, Label: d.Label, Identity: d.Identity,
			Counts: d.Counts}
		if r.Format == "pmta" {
			// PowerMTA rows are domains (or VirtualMTAs, with no label).
			m.Deltas[i].Domain = d.Label
		}
	}
	if n := r.Totals.Node; n != nil {
		earliest(n.Start)
		c := n.Counts
		m.Node = &c
	}
	m.Gauges = make([]model.PolledGauge, len(r.Gauges))
	for i, g := range r.Gauges {
		m.Gauges[i] = model.PolledGauge{By: g.By, Provider: g.Provider, Label: g.Label, Identity: g.Identity,
			Queued: g.Queued, Connections: g.Connections}
	}
	m.Backoffs = make([]model.Backoff, len(r.Backoffs))
	for i, b := range r.Backoffs {
		m.Backoffs[i] = model.Backoff{Host: b.Host, Queue: b.Queue, Domain: b.Domain, Provider: b.Provider,
			Identity: b.Identity, Reason: b.Reason, Since: b.Since}
	}
	return m
}

// localAliases gives an endpoint on this machine (a loopback address, or
// this machine's name) the names its logs carry here: the machine's name,
// and model.LocalHost for logs that name no host (PowerMTA accounting
// files, KumoMTA logs, Exim mainlogs). The model uses them to notice
// results counted twice.
func localAliases(hostport string) []string {
	h := model.HostName(hostport)
	me, _ := os.Hostname()
	me = strings.ToLower(me)
	short := func(s string) string { s, _, _ = strings.Cut(s, "."); return s }
	ip := net.ParseIP(h)
	local := h == "localhost" || (ip != nil && ip.IsLoopback()) ||
		(me != "" && ip == nil && (h == me || short(h) == short(me)))
	if !local {
		return nil
	}
	return []string{me, model.LocalHost}
}
