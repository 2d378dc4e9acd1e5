package tui

import (
	"sort"
	"strings"

	"github.com/relaytop/relaytop/model"
)

type frameKind int

const (
	frameMain     frameKind = iota // providers (or domains) and top signatures
	frameProvider                  // one provider's domains and signatures
	frameDomain                    // one domain's (host's, identity's) signatures
	frameExplain                   // one signature explained, with evidence
)

type pane int

const (
	paneTable pane = iota
	paneSigs
)

// frame is one level of the drill-down. Selections are kept by key, not
// index, so the selected row stays selected while rows reorder under it.
type frame struct {
	kind     frameKind
	provider string
	domain   string  // the key of a frameDomain (a domain, host or identity)
	dim      groupBy // what domain names in a frameDomain: byDomain, byHost or byIdentity
	sig      model.SigKey
	backoff  string // an explained queue in backoff: its backoffID
	focus    pane
	sel      [2]string
	cur      [2]int
	top      [2]int
	scroll   int
	filter   string
}

type groupBy int

const (
	byProvider groupBy = iota
	byDomain
	byHost
	byIdentity
	numGroups
)

func (g groupBy) String() string {
	return [...]string{"provider", "domain", "host", "identity"}[g]
}

// rowsOf returns the snapshot's rows for a grouping.
func rowsOf(s *model.Snapshot, g groupBy) []model.Row {
	switch g {
	case byDomain:
		return s.Domains
	case byHost:
		return s.Hosts
	case byIdentity:
		return s.Identities
	}
	return s.Providers
}

// groupHasData reports whether a grouping has anything to show: hosts
// only when some log names one, identities only when some log carries one.
func groupHasData(s *model.Snapshot, g groupBy) bool {
	switch g {
	case byHost:
		return s != nil && (len(s.Hosts) > 1 || len(s.Hosts) == 1 && s.Hosts[0].Key != model.LocalHost)
	case byIdentity:
		return s != nil && len(s.Identities) > 0
	}
	return true
}

// nextGroup returns the grouping after g that has data.
func nextGroup(s *model.Snapshot, g groupBy) groupBy {
	for i := 1; i <= int(numGroups); i++ {
		n := groupBy((int(g) + i) % int(numGroups))
		if groupHasData(s, n) {
			return n
		}
	}
	return byProvider
}

// keyCounts returns a signature's counts along dimension g.
func keyCounts(r *model.SigRow, g groupBy) []model.KeyCount {
	switch g {
	case byHost:
		return r.Hosts
	case byIdentity:
		return r.Identities
	}
	return r.Domains
}

type sortKey int

const (
	sortAttempts sortKey = iota
	sortDeferred
	sortDeferRate
	sortBounced
	sortBounceRate
	sortName
	numSortKeys
)

func (s sortKey) String() string {
	return [...]string{"results", "deferred", "defer %", "bounced", "bounce %", "name"}[s]
}

type sigSortKey int

const (
	sigByCount sigSortKey = iota
	sigByLast
	sigByCode
	numSigSorts
)

func (s sigSortKey) String() string {
	return [...]string{"count", "last seen", "code"}[s]
}

// tableRows returns the destinations rows the current frame shows.
func (m Model) tableRows() []model.Row {
	if m.snap == nil {
		return nil
	}
	f := m.stack[len(m.stack)-1]
	var src []model.Row
	switch {
	case f.kind == frameMain:
		src = rowsOf(m.snap, m.group)
	case f.kind == frameProvider:
		for _, r := range m.snap.Domains {
			if r.Provider == f.provider {
				src = append(src, r)
			}
		}
	default:
		return nil
	}
	rows := make([]model.Row, 0, len(src))
	q := strings.ToLower(f.filter)
	for _, r := range src {
		if q != "" && f.focus == paneTable && !strings.Contains(strings.ToLower(r.Key+" "+r.Name), q) {
			continue
		}
		rows = append(rows, r)
	}
	m.sortRows(rows)
	return rows
}

func (m Model) sortRows(rows []model.Row) {
	w := m.window
	val := func(r *model.Row) float64 {
		c := r.Win[w]
		switch m.sortBy {
		case sortDeferred:
			return float64(c.Deferred)
		case sortDeferRate:
			return c.DeferRate()
		case sortBounced:
			return float64(c.Bounced)
		case sortBounceRate:
			return c.BounceRate()
		}
		return float64(c.Total())
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if m.sortBy == sortName {
			return rows[i].Name < rows[j].Name
		}
		a, b := val(&rows[i]), val(&rows[j])
		if a != b {
			return a > b
		}
		if x, y := rows[i].Total.Total(), rows[j].Total.Total(); x != y {
			return x > y
		}
		return rows[i].Key < rows[j].Key
	})
}

// sigItem is a row of the signatures pane: a reply signature, whose n
// is its count in the window (in a domain's, host's or identity's frame,
// its count there), or a queue in backoff that a polled relay reports.
type sigItem struct {
	row     *model.SigRow
	n       int64
	backoff *model.Backoff
}

func sigID(k model.SigKey) string { return k.Provider + "|" + k.String() }

// backoffID keys a queue in backoff: its host and queue name.
func backoffID(b *model.Backoff) string { return "backoff|" + b.Host + "|" + b.Queue }

// id is the item's key for selection.
func (it sigItem) id() string {
	if it.backoff != nil {
		return backoffID(it.backoff)
	}
	return sigID(it.row.Key)
}

// backoffItems returns the queues in backoff the current frame shows:
// all of them on the main frame, a provider's, or a domain's, host's or
// identity's.
func (m Model) backoffItems(f *frame, q string) []sigItem {
	var out []sigItem
	for i := range m.snap.Backoffs {
		b := &m.snap.Backoffs[i]
		switch f.kind {
		case frameProvider:
			if b.Provider != f.provider {
				continue
			}
		case frameDomain:
			if backoffKey(b, f.dim) != f.domain {
				continue
			}
		}
		if q != "" && f.focus == paneSigs && !strings.Contains(strings.ToLower(b.Host+" "+b.Queue+" "+b.Reason), q) {
			continue
		}
		out = append(out, sigItem{backoff: b})
	}
	return out
}

// sigItems returns the signatures the current frame shows, after the
// queues in backoff: few, and each one mail that is not moving.
func (m Model) sigItems() []sigItem {
	if m.snap == nil {
		return nil
	}
	f := m.stack[len(m.stack)-1]
	q := strings.ToLower(f.filter)
	var out []sigItem
	for i := range m.snap.Signatures {
		r := &m.snap.Signatures[i]
		n := r.Win[m.window].Total()
		switch f.kind {
		case frameProvider:
			if r.Key.Provider != f.provider {
				continue
			}
		case frameDomain:
			n = 0
			for _, d := range keyCounts(r, f.dim) {
				if d.Key == f.domain {
					n = d.Count
				}
			}
			if n == 0 {
				continue
			}
		}
		if q != "" && f.focus == paneSigs && !strings.Contains(strings.ToLower(r.Key.String()+" "+r.ProviderName), q) {
			continue
		}
		out = append(out, sigItem{row: r, n: n})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch m.sigSort {
		case sigByLast:
			if !a.row.Last.Equal(b.row.Last) {
				return a.row.Last.After(b.row.Last)
			}
		case sigByCode:
			if a.row.Key.Code != b.row.Key.Code {
				return a.row.Key.Code < b.row.Key.Code
			}
			if a.row.Key.Enhanced != b.row.Key.Enhanced {
				return a.row.Key.Enhanced < b.row.Key.Enhanced
			}
		}
		if a.n != b.n {
			return a.n > b.n
		}
		if x, y := a.row.Total.Total(), b.row.Total.Total(); x != y {
			return x > y
		}
		return sigID(a.row.Key) < sigID(b.row.Key)
	})
	return append(m.backoffItems(&f, q), out...)
}

// paneKeys returns the keys of a pane's rows, in display order.
func (m Model) paneKeys(p pane) []string {
	if p == paneTable {
		rows := m.tableRows()
		out := make([]string, len(rows))
		for i := range rows {
			out[i] = rows[i].Key
		}
		return out
	}
	items := m.sigItems()
	out := make([]string, len(items))
	for i := range items {
		out[i] = items[i].id()
	}
	return out
}

// cursor resolves the selected row's index in keys: the selected key if
// it is still there, else the last index, clamped.
func cursor(f *frame, p pane, keys []string) int {
	if f.sel[p] != "" {
		for i, k := range keys {
			if k == f.sel[p] {
				return i
			}
		}
	}
	return clamp(f.cur[p], 0, len(keys)-1)
}

// visibleTop returns the first visible row so that idx shows in h rows,
// moving the view as little as possible from top.
func visibleTop(top, idx, h, n int) int {
	if h <= 0 {
		return 0
	}
	if idx < top {
		top = idx
	}
	if idx >= top+h {
		top = idx - h + 1
	}
	return clamp(top, 0, max(0, n-h))
}

func clamp(v, lo, hi int) int {
	if hi < lo {
		return lo
	}
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// panes returns the panes the current frame can focus.
func (m Model) panes() []pane {
	switch m.stack[len(m.stack)-1].kind {
	case frameMain, frameProvider:
		return []pane{paneTable, paneSigs}
	case frameDomain:
		return []pane{paneSigs}
	}
	return nil
}

// findSig returns the snapshot's row for key, if it is there.
func (m Model) findSig(k model.SigKey) *model.SigRow {
	if m.snap == nil {
		return nil
	}
	for i := range m.snap.Signatures {
		if m.snap.Signatures[i].Key == k {
			return &m.snap.Signatures[i]
		}
	}
	return nil
}

// backoffKey is a queue in backoff's row key along g.
func backoffKey(b *model.Backoff, g groupBy) string {
	switch g {
	case byHost:
		return b.Host
	case byIdentity:
		return b.Identity
	}
	return b.Domain
}

// findBackoff returns the snapshot's queue in backoff with id, if any.
func (m Model) findBackoff(id string) *model.Backoff {
	if m.snap == nil {
		return nil
	}
	for i := range m.snap.Backoffs {
		if backoffID(&m.snap.Backoffs[i]) == id {
			return &m.snap.Backoffs[i]
		}
	}
	return nil
}

// findRow returns the row with key among rows.
func findRow(rows []model.Row, key string) *model.Row {
	for i := range rows {
		if rows[i].Key == key {
			return &rows[i]
		}
	}
	return nil
}
