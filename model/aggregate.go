package model

import (
	"sort"
	"time"
)

// Batch carries what a source read since its last batch: the events and
// the line counts that say how much of the input they account for.
type Batch struct {
	Source int
	Events []Event
	// Lines counts every line read; Unparsed those that could not be read
	// (never dropped silently: they are shown); Skipped the readable lines
	// that hold no result (other programs, connection logs, blank lines).
	// Results counts the lines that gave events.
	Lines, Unparsed, Skipped, Results int64
	// Truncated counts lines cut at the reader's line-length limit.
	Truncated int64
	// UnparsedSamples holds a few unparsed lines, for the operator to see.
	UnparsedSamples []string
}

// Limits bound the aggregator's memory. Rows beyond a limit are folded
// into an overflow row whose totals and windows stay exact, so nothing
// counted is ever lost from the totals.
type Limits struct {
	Domains    int // default 2000
	Signatures int // default 1000
}

// Config configures an Aggregator.
type Config struct {
	Classifier *Classifier // default DefaultClassifier()
	Limits     Limits
	// Watch is the reply whose share is graphed against an alarm line;
	// default MicrosoftWatch.
	Watch *Watch
}

// Watch names a reply to graph as a share of a provider's attempts.
type Watch struct {
	Name      string  // "Microsoft 451 4.7.0"
	Provider  string  // provider id
	Class     int     // reply class digit (4)
	Enhanced  string  // enhanced code
	Threshold float64 // alarm share, 0.10
}

// MicrosoftWatch watches the Microsoft 365 / Outlook.com 451 4.7.0
// deferral: a sustained 10% or more of attempts to Microsoft means the
// sending reputation is drifting.
var MicrosoftWatch = Watch{Name: "Microsoft 451 4.7.0", Provider: Microsoft, Class: 4, Enhanced: "4.7.0", Threshold: 0.10}

// Matches reports whether ev is a hit for the watch.
func (w *Watch) Matches(ev *Event, provider string) bool {
	return provider == w.Provider && ev.Outcome == Deferred && ev.Reply.Enhanced == w.Enhanced &&
		ev.Reply.Class() == w.Class
}

// OverflowKey names the row that evicted domains and signatures fold into.
const OverflowKey = "(other)"

// UnknownDomain names the domain row of results without a recipient.
const UnknownDomain = "(unknown)"

// Aggregator turns events into counts: totals since start and event-time
// rolling windows (see series), per provider, Microsoft platform, domain
// and reply signature, plus the watch series. It is not safe for
// concurrent use: one goroutine owns it and publishes Snapshots, which are
// immutable.
type Aggregator struct {
	cls    *Classifier
	limits Limits
	watch  Watch

	clock    time.Time // the data's clock: the newest event time seen
	first    time.Time // the oldest event time seen
	input    InputStats
	samples  []string
	totals   row
	internal int64
	probes   int64

	providers map[string]*row
	platforms map[string]*row
	domains   map[string]*row
	sigs      map[SigKey]*sigRow
	domOver   *row
	sigOver   *sigRow
	watchS    series
}

// InputStats says how much input was read and what became of it.
type InputStats struct {
	Lines     int64 `json:"lines"`
	Unparsed  int64 `json:"unparsed"`
	Skipped   int64 `json:"skipped"`
	Results   int64 `json:"results"`
	Truncated int64 `json:"truncated"`
}

type row struct {
	key, provider, platform string
	total                   Counts
	s                       series
	last                    time.Time
}

func (r *row) add(ev *Event, hit bool) {
	r.total.Add(ev.Outcome, 1)
	r.s.add(ev.Time, ev.Outcome, hit)
	if ev.Time.After(r.last) {
		r.last = ev.Time
	}
}

// NewAggregator returns an empty aggregator.
func NewAggregator(cfg Config) *Aggregator {
	a := &Aggregator{cls: cfg.Classifier, limits: cfg.Limits, watch: MicrosoftWatch,
		providers: map[string]*row{}, platforms: map[string]*row{}, domains: map[string]*row{},
		sigs: map[SigKey]*sigRow{}}
	if a.cls == nil {
		a.cls = DefaultClassifier()
	}
	if cfg.Watch != nil {
		a.watch = *cfg.Watch
	}
	if a.limits.Domains <= 0 {
		a.limits.Domains = 2000
	}
	if a.limits.Signatures <= 0 {
		a.limits.Signatures = 1000
	}
	return a
}

// Classifier returns the classifier the aggregator uses.
func (a *Aggregator) Classifier() *Classifier { return a.cls }

// DataClock returns the newest event time seen (zero before any event).
func (a *Aggregator) DataClock() time.Time { return a.clock }

// FirstEvent returns the oldest event time seen (zero before any event).
func (a *Aggregator) FirstEvent() time.Time { return a.first }

// AddBatch adds a batch's events and line counts.
func (a *Aggregator) AddBatch(b *Batch) {
	a.input.Lines += b.Lines
	a.input.Unparsed += b.Unparsed
	a.input.Skipped += b.Skipped
	a.input.Results += b.Results
	a.input.Truncated += b.Truncated
	for _, s := range b.UnparsedSamples {
		if len(a.samples) == maxUnparsedSamples {
			copy(a.samples, a.samples[1:])
			a.samples = a.samples[:maxUnparsedSamples-1]
		}
		a.samples = append(a.samples, s)
	}
	for i := range b.Events {
		a.Add(&b.Events[i])
	}
}

const maxUnparsedSamples = 5

// Add counts one event.
func (a *Aggregator) Add(ev *Event) {
	switch ev.Kind {
	case Internal:
		a.internal++
		return
	case Probe:
		a.probes++
		return
	}
	if ev.Outcome == 0 || ev.Outcome >= NumOutcomes {
		return
	}
	if ev.Time.After(a.clock) {
		a.clock = ev.Time
	}
	if a.first.IsZero() || ev.Time.Before(a.first) {
		a.first = ev.Time
	}
	cl := a.cls.Classify(ev.Relay, ev.Domain)
	hit := a.watch.Matches(ev, cl.Provider)
	a.totals.add(ev, hit)
	if hit {
		a.watchS.add(ev.Time, ev.Outcome, true)
	} else if cl.Provider == a.watch.Provider {
		a.watchS.add(ev.Time, ev.Outcome, false)
	}
	a.rowFor(a.providers, cl.Provider, cl).add(ev, hit)
	if cl.Platform != "" {
		a.rowFor(a.platforms, cl.Platform, cl).add(ev, hit)
	}
	dom := ev.Domain
	if dom == "" {
		dom = UnknownDomain
	}
	a.domainRow(dom, cl).add(ev, hit)
	if ev.Outcome != Sent {
		a.signature(ev, cl).add(ev, dom)
	}
}

func (a *Aggregator) rowFor(m map[string]*row, key string, cl Classification) *row {
	r := m[key]
	if r == nil {
		r = &row{key: key, provider: cl.Provider, platform: cl.Platform}
		m[key] = r
	}
	return r
}

func (a *Aggregator) domainRow(dom string, cl Classification) *row {
	if r := a.domains[dom]; r != nil {
		return r
	}
	// Evicting a quarter at a time keeps the sort's cost amortised.
	if len(a.domains) >= a.limits.Domains+a.limits.Domains/4 {
		a.evictDomains()
	}
	r := &row{key: dom, provider: cl.Provider, platform: cl.Platform}
	a.domains[dom] = r
	return r
}

// evictDomains folds the least recently active domains into the overflow
// row until the limit holds.
func (a *Aggregator) evictDomains() {
	if a.domOver == nil {
		a.domOver = &row{key: OverflowKey, provider: Other}
	}
	rows := make([]*row, 0, len(a.domains))
	for _, r := range a.domains {
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		if !rows[i].last.Equal(rows[j].last) {
			return rows[i].last.Before(rows[j].last)
		}
		return rows[i].total.Total() < rows[j].total.Total()
	})
	for _, r := range rows[:len(rows)-a.limits.Domains] {
		a.domOver.total = a.domOver.total.Plus(r.total)
		a.domOver.s.merge(&r.s)
		if r.last.After(a.domOver.last) {
			a.domOver.last = r.last
		}
		delete(a.domains, r.key)
	}
}

// Totals returns the counts since start.
func (a *Aggregator) Totals() Counts { return a.totals.total }
