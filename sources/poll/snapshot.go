package poll

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/relaytop/relaytop/model"
)

// Outcomes, as indexes of a counter sample.
const (
	oSent = iota
	oDeferred
	oBounced
	oExpired
)

// labelKind tells how a sample's label maps to a relaytop provider.
type labelKind uint8

const (
	labelProvider labelKind = iota // a KumoMTA provider or site name
	labelDomain                    // a destination domain
	labelNone                      // no destination: a VirtualMTA, the node
)

// role tells what a counter sample is for.
type role uint8

const (
	// roleRow is shown as a Delta row, if its family is the one chosen
	// for its group.
	roleRow role = iota
	// roleNode is summed into Totals.Node.
	roleNode
)

// counterSample is one counter series as an adapter read it.
//
// The row samples of one group are alternative breakdowns of the same
// counts (KumoMTA by provider and source, or by provider only; PowerMTA
// by domain, or by VirtualMTA): each poll shows one family of a group,
// the one of lowest tier among those present both in this poll and in
// the previous one, so that the counts of an interval come from values
// read at both of its ends. Every series is tracked, shown or not.
type counterSample struct {
	family   string // metric family or document, part of the series key
	group    string
	tier     int
	outcome  int
	kind     labelKind
	label    string
	identity string
	extra    string // further key parts that are not shown (KumoMTA pool)
	role     role
	value    float64
}

func (c counterSample) key() string {
	return strings.Join([]string{c.family, string(rune('0' + c.outcome)), c.label, c.identity, c.extra}, "\x00")
}

type gaugeSample struct {
	by              string
	kind            labelKind
	label, identity string
	queued, conns   float64
}

type backoffSample struct {
	queue, domain, identity, reason string
}

// snapshot is what one poll read, before it is compared with the
// previous one.
type snapshot struct {
	format   string
	counters []counterSample
	gauges   []gaugeSample
	backoffs []backoffSample
	// Node-level gauges, -1 when not reported.
	ready, suspended, queued, conns float64
}

func newSnapshot(format string) *snapshot {
	return &snapshot{format: format, ready: -1, suspended: -1, queued: -1, conns: -1}
}

// validCount reports whether v can be a counter's value.
func validCount(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && v >= 0 && v < 1<<62
}

// clean makes text from an endpoint safe to keep and show: valid UTF-8,
// no control characters (a remote server's reply can carry terminal
// escape sequences), at most max bytes.
func clean(s string, max int) string {
	s = strings.ToValidUTF8(s, "?")
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		s = strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == '\t' {
				return ' '
			}
			if unicode.IsControl(r) {
				return -1
			}
			return r
		}, s)
	}
	s = strings.TrimSpace(s)
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "")
	}
	return s
}

// rowKey identifies a Delta or Gauge row.
type rowKey struct{ provider, label, identity, by string }

// outcomes maps a sample's outcome index to the model's outcome.
var outcomes = [...]model.Outcome{oSent: model.Sent, oDeferred: model.Deferred, oBounced: model.Bounced, oExpired: model.Expired}

// add adds n to the count of outcome o.
func (d *Delta) add(o int, n int64) { d.Counts.Add(outcomes[o], n) }

func sortDeltas(ds []Delta) {
	slices.SortFunc(ds, func(a, b Delta) int {
		return cmp.Or(strings.Compare(a.Provider, b.Provider), strings.Compare(a.Label, b.Label), strings.Compare(a.Identity, b.Identity))
	})
}

func sortGauges(gs []Gauge) {
	slices.SortFunc(gs, func(a, b Gauge) int {
		return cmp.Or(strings.Compare(a.By, b.By), strings.Compare(a.Provider, b.Provider),
			strings.Compare(a.Label, b.Label), strings.Compare(a.Identity, b.Identity))
	})
}

// merge folds r, a later result of the same endpoint, into m, so that a
// consumer that fell behind gets one result covering both intervals:
// counts add up, levels are r's.
func merge(m *Result, r Result) {
	start := r.At
	for _, ds := range [][]Delta{m.Deltas, r.Deltas} {
		for _, d := range ds {
			if !d.Start.IsZero() && d.Start.Before(start) {
				start = d.Start
			}
		}
	}
	idx := make(map[rowKey]int, len(m.Deltas))
	for i, d := range m.Deltas {
		idx[rowKey{d.Provider, d.Label, d.Identity, ""}] = i
	}
	for _, d := range r.Deltas {
		if i, ok := idx[rowKey{d.Provider, d.Label, d.Identity, ""}]; ok {
			m.Deltas[i].Counts = m.Deltas[i].Plus(d.Counts)
		} else {
			m.Deltas = append(m.Deltas, d)
		}
	}
	for i := range m.Deltas {
		m.Deltas[i].Start, m.Deltas[i].End = start, r.At
	}
	sortDeltas(m.Deltas)
	node := m.Totals.Node
	if r.Totals.Node != nil {
		n := *r.Totals.Node
		if node != nil {
			n.Counts = n.Plus(node.Counts)
			n.Start = node.Start
		}
		node = &n
	}
	m.At, m.Format, m.Gauges, m.Backoffs = r.At, r.Format, r.Gauges, r.Backoffs
	m.Totals = r.Totals
	m.Totals.Node = node
}

// forgetAfter is how long a series that is no longer reported is
// remembered; one that comes back later counts from its first sight again.
const forgetAfter = time.Hour

// maxSeries bounds the series remembered per endpoint; past it new series
// are not tracked (they give no deltas) until old ones are forgotten.
const maxSeries = 200_000

type seriesState struct {
	value float64
	seen  time.Time
}

// tracker remembers each counter series' last value, to turn counters
// into deltas (see the package documentation for the rules).
type tracker struct {
	series map[string]*seriesState
}

func newTracker() *tracker { return &tracker{series: map[string]*seriesState{}} }

// observe records value v of the series key at now and returns the
// increase since the series was last seen; ok is false at its first sight.
func (t *tracker) observe(key string, v float64, now time.Time) (delta int64, ok bool) {
	s, seen := t.series[key]
	if !seen {
		if len(t.series) < maxSeries {
			t.series[key] = &seriesState{value: v, seen: now}
		}
		return 0, false
	}
	d := v - s.value
	if d < 0 { // reset (restart) or pruned and recreated: all of v is new
		d = v
	}
	s.value, s.seen = v, now
	return int64(math.Round(d)), true
}

// sweep forgets the series not seen for forgetAfter.
func (t *tracker) sweep(now time.Time) {
	for k, s := range t.series {
		if now.Sub(s.seen) > forgetAfter {
			delete(t.series, k)
		}
	}
}
