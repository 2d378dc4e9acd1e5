package model

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// maxSigDomains bounds the domains (and relays) counted per signature.
const maxSigDomains = 32

// maxSamples is how many raw lines a signature keeps.
const maxSamples = 3

type sigRow struct {
	key         SigKey
	platform    string
	total       Counts
	s           series
	first, last time.Time
	domains     keyCounts
	relays      keyCounts
	hosts       keyCounts
	idents      keyCounts
	samples     []string
	example     string // one reply text as received
	threshold   float64
	aged        int64
	family      string // the verdict family's key (see VerdictConfig.Family)
	// rdoms and ridents count recent recipient domains and sending
	// identities, for concentration.
	rdoms, ridents recent
	cache          viewCache[SigRow]
}

func (a *Aggregator) signature(ev *Event, cl Classification) *sigRow {
	text := ev.Signature
	if text == "" {
		text = Normalize(ev.Reply.Text)
	}
	k := SigKey{Provider: cl.Provider, Code: ev.Reply.Code, Enhanced: ev.Reply.Enhanced, Text: text}
	r := a.sigs[k]
	if r == nil {
		if len(a.sigs) >= a.limits.Signatures+a.limits.Signatures/2 {
			a.evictSignatures()
		}
		k.Enhanced, k.Text = strings.Clone(k.Enhanced), strings.Clone(k.Text)
		r = newSigRow(k, cl.Platform, ev.Time)
		r.threshold = DefaultThreshold
		if a.verdicts.Threshold != nil {
			if t := a.verdicts.Threshold(k); t > 0 {
				r.threshold = t
			}
		}
		r.family = familyKey(k, a.verdicts.Family)
		a.sigs[k] = r
	}
	return r
}

func newSigRow(k SigKey, platform string, first time.Time) *sigRow {
	return &sigRow{key: k, platform: platform, first: first}
}

func (r *sigRow) add(ev *Event, dom, host string, aged bool) {
	r.cache.valid = false
	r.total.Add(ev.Outcome, 1)
	r.s.add(ev.Time, ev.Outcome, aged)
	if aged {
		r.aged++
	}
	if ev.Time.Before(r.first) {
		r.first = ev.Time
	}
	if ev.Time.After(r.last) {
		r.last = ev.Time
	}
	bump(&r.domains, dom)
	r.rdoms.add(ev.Time, dom)
	relay := ev.Relay
	if relay == "" {
		relay = ev.RelayIP
	}
	if relay != "" {
		bump(&r.relays, relay)
	}
	bump(&r.hosts, host)
	if ev.Identity != "" {
		bump(&r.idents, ev.Identity)
		r.ridents.add(ev.Time, ev.Identity)
	}
	if r.example == "" {
		r.example = strings.Clone(ev.Reply.Text)
	}
	if ev.Raw != "" {
		raw := strings.Clone(ev.Raw) // the event's strings are not ours to keep
		if len(r.samples) < maxSamples {
			r.samples = append(r.samples, raw)
		} else {
			copy(r.samples, r.samples[1:])
			r.samples[maxSamples-1] = raw
		}
	}
}

// stats views only what verdicts need: the windows, trend and aged
// counts (sigView's lists cost more than judging).
func (r *sigRow) stats(nb int64) SigRow {
	v := SigRow{Key: r.key, Total: r.total, Threshold: r.threshold, AgedTotal: r.aged}
	r.s.windows(nb, &v.Win, &v.Trend, &v.Aged)
	return v
}

// keyCounts counts how often each key was seen. Its counts are pointers so
// that counting a key already there never stores the caller's string: Go
// replaces a map's string key on every assignment, and the caller's may
// be a piece of a read buffer about to be reused.
type keyCounts map[string]*int64

// bump counts key in a keyCounts bounded by maxSigDomains; beyond it, counts
// go to OverflowKey.
func bump(mp *keyCounts, key string) {
	m := *mp
	if m == nil {
		m = keyCounts{}
		*mp = m
	}
	if c := m[key]; c != nil {
		*c++
		return
	}
	if len(m) >= maxSigDomains {
		key = OverflowKey
		if c := m[key]; c != nil {
			*c++
			return
		}
	} else {
		key = strings.Clone(key) // a piece of a log line: keep a copy
	}
	n := int64(1)
	m[key] = &n
}

// top returns the counts, most frequent first (ties by name).
func (t keyCounts) top() []KeyCount {
	out := make([]KeyCount, 0, len(t))
	for k, v := range t {
		out = append(out, KeyCount{k, *v})
	}
	sortKeyCounts(out)
	return out
}

func (a *Aggregator) evictSignatures() {
	if a.sigOver == nil {
		a.sigOver = newSigRow(SigKey{Provider: Other, Text: "other replies (evicted to bound memory)"}, "", time.Time{})
	}
	rows := make([]*sigRow, 0, len(a.sigs))
	for _, r := range a.sigs {
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(x, y *sigRow) int {
		return cmp.Or(x.last.Compare(y.last), cmp.Compare(x.total.Total(), y.total.Total()), x.key.compare(y.key))
	})
	o := a.sigOver
	o.cache.valid = false
	for _, r := range rows[:len(rows)-a.limits.Signatures] {
		o.total = o.total.Plus(r.total)
		o.s.merge(&r.s)
		if o.first.IsZero() || r.first.Before(o.first) {
			o.first = r.first
		}
		if r.last.After(o.last) {
			o.last = r.last
		}
		delete(a.sigs, r.key)
	}
}

// recentSpan is the span of one generation of recent counts.
const recentSpan = 30 * 60 // seconds

// recent counts keys over the current and the previous half hour of the
// data's own time, bounded like bump: the last 30 to 60 minutes.
type recent struct {
	gen       int64
	cur, prev keyCounts
}

func (r *recent) add(t time.Time, key string) {
	g := t.Unix() / recentSpan
	switch {
	case g == r.gen:
	case g == r.gen+1:
		r.prev, r.cur, r.gen = r.cur, nil, g
	case g > r.gen:
		r.prev, r.cur, r.gen = nil, nil, g
	case g == r.gen-1:
		bump(&r.prev, key)
		return
	default: // older than an hour: not recent
		return
	}
	bump(&r.cur, key)
}

// top returns the recent counts as of now, most frequent first.
func (r *recent) top(now time.Time) []KeyCount {
	g := now.Unix() / recentSpan
	m := map[string]int64{}
	if g <= r.gen+1 {
		for k, v := range r.cur {
			m[k] += *v
		}
	}
	if g <= r.gen {
		for k, v := range r.prev {
			m[k] += *v
		}
	}
	return topOf(m)
}

// KeyCount is a name and how often it was seen.
type KeyCount struct {
	Key   string `json:"name"`
	Count int64  `json:"count"`
}

// topOf returns m's entries, most frequent first (ties by name).
func topOf(m map[string]int64) []KeyCount {
	out := make([]KeyCount, 0, len(m))
	for k, v := range m {
		out = append(out, KeyCount{k, v})
	}
	sortKeyCounts(out)
	return out
}

// sortKeyCounts orders counts most frequent first, ties by name.
func sortKeyCounts(kc []KeyCount) {
	slices.SortFunc(kc, func(x, y KeyCount) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), strings.Compare(x.Key, y.Key))
	})
}
