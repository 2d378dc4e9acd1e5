package model

import (
	"cmp"
	"slices"
	"strings"
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
	// Hosts and Identities bound the MTA-host and sending-identity rows
	// (default 500 each: fleets of hundreds of IPs fit).
	Hosts, Identities int
}

// Config configures an Aggregator.
type Config struct {
	Classifier *Classifier // default DefaultClassifier()
	Limits     Limits
	// Watch is the reply whose share is graphed against an alarm line;
	// default MicrosoftWatch.
	Watch *Watch
	// Verdicts sets the thresholds of verdicts.
	Verdicts VerdictConfig
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
	cls      *Classifier
	limits   Limits
	watch    Watch
	verdicts VerdictConfig
	episodes episodes
	// shareStates is what minute judgements remember per verdict family.
	shareStates map[string]shareState
	vcache      verdictCache
	judged      int64 // the minute (of event time) verdicts were last judged at

	clock    time.Time // the data's clock: the newest event time seen
	first    time.Time // the oldest event time seen
	input    InputStats
	samples  []string
	totals   row
	internal int64
	probes   int64
	mtas     map[string]*MTACounts

	providers map[string]*row
	platforms map[string]*row
	domains   rowTable
	hosts     rowTable
	idents    rowTable
	sigs      map[SigKey]*sigRow
	sigOver   *sigRow
	watchS    series
	polled    polledData // stats endpoints (polled.go)
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
	cache                   viewCache[Row]
}

// viewCache keeps the view a snapshot made of a row, so the next snapshot
// recomputes only rows that changed or whose windows moved: the cost of a
// snapshot follows what happened since the last one, not the number of rows.
type viewCache[T any] struct {
	view  T
	at    int64 // the bucket the view's windows end at
	valid bool
}

func (c *viewCache[T]) get(nb int64) (T, bool) {
	if c.valid && c.at == nb {
		return c.view, true
	}
	var zero T
	return zero, false
}

func (c *viewCache[T]) put(v T, nb int64) { c.view, c.at, c.valid = v, nb, true }

func (r *row) add(ev *Event, hit bool) {
	r.cache.valid = false
	r.total.Add(ev.Outcome, 1)
	r.s.add(ev.Time, ev.Outcome, hit)
	if ev.Time.After(r.last) {
		r.last = ev.Time
	}
}

// NewAggregator returns an empty aggregator.
func NewAggregator(cfg Config) *Aggregator {
	cfg.Verdicts.defaults()
	a := &Aggregator{cls: cfg.Classifier, limits: cfg.Limits, watch: MicrosoftWatch, verdicts: cfg.Verdicts,
		providers: map[string]*row{}, platforms: map[string]*row{}, sigs: map[SigKey]*sigRow{},
		mtas: map[string]*MTACounts{}}
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
	if a.limits.Hosts <= 0 {
		a.limits.Hosts = 500
	}
	if a.limits.Identities <= 0 {
		a.limits.Identities = 500
	}
	a.domains = newRowTable(a.limits.Domains)
	a.hosts = newRowTable(a.limits.Hosts)
	a.idents = newRowTable(a.limits.Identities)
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

// MTACounts are the results one MTA's logs gave, hops and probes included.
type MTACounts struct {
	MTA string `json:"mta"`
	Counts
	Internal int64 `json:"internal"`
	Probes   int64 `json:"probes"`
}

// Add counts one event. It copies every string it keeps: the event's may
// point into a read buffer that is reused once Add returns.
func (a *Aggregator) Add(ev *Event) {
	if ev.Outcome == 0 || ev.Outcome >= NumOutcomes {
		return
	}
	m := a.mtas[ev.MTA]
	if m == nil {
		m = &MTACounts{MTA: strings.Clone(ev.MTA)}
		a.mtas[m.MTA] = m
	}
	switch ev.Kind {
	case Internal:
		a.internal++
		m.Internal++
		return
	case Probe:
		a.probes++
		m.Probes++
		return
	}
	m.Add(ev.Outcome, 1)
	if ev.Time.After(a.clock) {
		a.clock = ev.Time
		a.judgeMinute(ev.Time)
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
	a.domains.get(dom, cl).add(ev, hit)
	host := hostKey(ev)
	a.hosts.get(host, Classification{}).add(ev, hit)
	if ev.Identity != "" {
		a.idents.get(ev.Identity, Classification{}).add(ev, hit)
	}
	if ev.Outcome != Sent {
		aged := ev.Outcome == Deferred && ev.Age >= a.verdicts.Aging
		a.signature(ev, cl).add(ev, dom, host, aged)
	}
}

// LocalHost names the host row of results whose log names no host (an
// Exim mainlog, a PowerMTA accounting file).
const LocalHost = "(this host)"

func hostKey(ev *Event) string {
	if ev.Host == "" {
		return LocalHost
	}
	return ev.Host
}

func (a *Aggregator) rowFor(m map[string]*row, key string, cl Classification) *row {
	r := m[key]
	if r == nil {
		r = &row{key: key, provider: cl.Provider, platform: cl.Platform}
		m[key] = r
	}
	return r
}

// rowTable is a bounded set of rows (domains, hosts, identities). When it
// holds half again its limit, the least recently active rows are
// folded into the overflow row, whose totals and windows stay exact, until
// the limit holds again: memory depends on the limit, not on how many
// distinct keys the input held, and nothing counted leaves the totals.
type rowTable struct {
	rows  map[string]*row
	over  *row
	limit int
}

func newRowTable(limit int) rowTable {
	return rowTable{rows: map[string]*row{}, limit: limit}
}

// get returns key's row, making it (and room for it) if needed.
func (t *rowTable) get(key string, cl Classification) *row {
	if r := t.rows[key]; r != nil {
		return r
	}
	// Evicting a third at a time keeps the sort's cost amortised.
	if len(t.rows) >= t.limit+t.limit/2 {
		t.evict()
	}
	// The key may be a piece of a log line: keep a copy, not the line.
	key = strings.Clone(key)
	r := &row{key: key, provider: cl.Provider, platform: cl.Platform}
	t.rows[key] = r
	return r
}

func (t *rowTable) evict() {
	if t.over == nil {
		t.over = &row{key: OverflowKey, provider: Other}
	}
	rows := make([]*row, 0, len(t.rows))
	for _, r := range t.rows {
		rows = append(rows, r)
	}
	// The least recently active go first; ties by count, then by key, so
	// that which rows stay does not depend on the map's order.
	slices.SortFunc(rows, func(x, y *row) int {
		return cmp.Or(x.last.Compare(y.last), cmp.Compare(x.total.Total(), y.total.Total()), strings.Compare(x.key, y.key))
	})
	t.over.cache.valid = false
	for _, r := range rows[:len(rows)-t.limit] {
		t.over.total = t.over.total.Plus(r.total)
		t.over.s.merge(&r.s)
		if r.last.After(t.over.last) {
			t.over.last = r.last
		}
		delete(t.rows, r.key)
	}
}

// judgeMinute judges verdicts once per minute of the data's own time, as
// the data clock passes each minute, so that a replayed log yields the
// episodes it held when they happened.
func (a *Aggregator) judgeMinute(t time.Time) {
	m := bucketOf(t) / bucketsPerMinute
	if a.judged == 0 {
		a.judged = m
		return
	}
	if m <= a.judged {
		return
	}
	a.judged = m
	a.judgeAt(m*bucketsPerMinute - 1)
}

const bucketsPerMinute = int64(time.Minute / BucketWidth)

// JudgeNow judges verdicts at t and records their episodes: what a report
// does at the end of its data, so the last minute counts too.
func (a *Aggregator) JudgeNow(t time.Time) { a.judgeAt(bucketOf(t)) }

// judgeAt judges verdicts with windows ending at bucket nb, moving the
// families' state and the episodes on.
func (a *Aggregator) judgeAt(nb int64) {
	provs := a.rows(a.providers, nb)
	sigs := make([]SigRow, 0, len(a.sigs))
	since := BucketTime(nb - int64(NumBuckets))
	for _, r := range a.sigs {
		// A signature quiet for the hour has nothing in its windows.
		if r.last.After(since) {
			sigs = append(sigs, r.stats(nb))
		}
	}
	// In a fixed order, so that a family's lead signature (and so an
	// episode's text) does not depend on map order when counts tie.
	slices.SortFunc(sigs, func(x, y SigRow) int { return x.Key.compare(y.Key) })
	fams := a.judge(provs, sigs, nb, true)
	a.episodes.observe(BucketTime(nb+1), provs, fams)
}

// Episodes returns every verdict episode so far; open ones end at end
// and are marked ongoing.
func (a *Aggregator) Episodes(end time.Time) []Episode { return a.episodes.list(end) }

// Totals returns the counts since start.
func (a *Aggregator) Totals() Counts { return a.totals.total }
