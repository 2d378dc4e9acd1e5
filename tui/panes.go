package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/relaytop/relaytop/model"
)

// destColumns are the destinations table's columns, widest choice first.
func (m Model) destColumns(w int, withPlatform bool) []column {
	name := m.tableDim().String()
	cols := []column{
		{title: name, width: 12, prio: 100, flex: true},
		{title: "sent", width: 8, right: true, prio: 90},
		{title: "deferred", width: 8, right: true, prio: 90},
		{title: "bounced", width: 7, right: true, prio: 85},
		{title: "expired", width: 7, right: true, prio: 40},
		{title: "defer%", width: 6, right: true, prio: 80},
		{title: "bnc%", width: 6, right: true, prio: 70},
		{title: "trend", width: model.TrendPoints, prio: 60},
		{title: "/min", width: 6, right: true, prio: 20},
		{title: "last", width: 5, right: true, prio: 10},
	}
	if name == "domain" {
		cols = append(cols, column{title: "provider", width: 10, prio: 30})
	}
	if name == "provider" && m.stack[len(m.stack)-1].kind == frameMain {
		cols = append(cols[:1], append([]column{{title: "verdict", width: badgeWidth, prio: 75}}, cols[1:]...)...)
	}
	if name == "host" || name == "identity" {
		cols[0].width = 16
	}
	// Polled relays report their queues and connections: columns for
	// them when this table's rows have any.
	if len(m.levels()) > 0 {
		cols = append(cols, column{title: "queued", width: 7, right: true, prio: 65},
			column{title: "conns", width: 5, right: true, prio: 55})
	}
	if withPlatform {
		cols = append(cols, column{title: "platform", width: 13, prio: 35})
	}
	return fitColumns(cols, w)
}

// levels returns the queued and connection gauges for the table's rows:
// those of its grouping, or domains' in a provider's frame.
func (m Model) levels() map[string]model.Level {
	if m.snap == nil {
		return nil
	}
	l := &m.snap.Levels
	return [...]map[string]model.Level{l.Providers, l.Domains, l.Hosts, l.Identities}[m.tableDim()]
}

// levelCell renders a gauge: blank when the row has none, "-" when its
// relay does not report it.
func levelCell(l model.Level, ok, queued bool) string {
	switch {
	case !ok:
		return ""
	case queued:
		return levelText(l.Queued)
	}
	return levelText(l.Connections)
}

// sortColumn names the column the table is sorted by.
func (m Model) sortColumn() string {
	switch m.sortBy {
	case sortDeferred:
		return "deferred"
	case sortDeferRate:
		return "defer%"
	case sortBounced:
		return "bounced"
	case sortBounceRate:
		return "bnc%"
	case sortName:
		return m.tableDim().String()
	}
	return "sent"
}

// tableDim is what the destinations table's rows are in this frame.
func (m Model) tableDim() groupBy {
	if f := m.stack[len(m.stack)-1]; f.kind != frameMain {
		return byDomain
	}
	return m.group
}

// tablePane renders the destinations table with its title.
func (m Model) tablePane(l layout) string {
	f := m.stack[len(m.stack)-1]
	w := l.tableW
	rows := m.tableRows()
	focused := f.focus == paneTable
	what := [...]string{"providers", "domains", "MTA hosts", "sending identities"}[m.tableDim()]
	head := fmt.Sprintf("%s · last %s · sort %s", what, m.window, m.sortBy)
	if f.filter != "" && focused {
		head += fmt.Sprintf(" · filter %q", model.Safe(f.filter))
	}
	head += fmt.Sprintf(" · %d", len(rows))
	out := []string{fit(m.title(head, focused), w, false)}
	cols := m.destColumns(w, f.kind == frameProvider && f.provider == model.Microsoft)
	out = append(out, m.styles.ColHeader.Render(headerLine(cols, m.sortColumn())))
	n := l.paneRows(paneTable)
	if len(rows) == 0 {
		out = append(out, m.styles.Dim.Render("  no results yet"))
		return strings.Join(out, "\n")
	}
	keys := make([]string, len(rows))
	for i := range rows {
		keys[i] = rows[i].Key
	}
	cur := cursor(&f, paneTable, keys)
	top := visibleTop(f.top[paneTable], cur, n, len(rows))
	for i := top; i < len(rows) && i < top+n; i++ {
		out = append(out, m.destRow(cols, &rows[i], i == cur, focused))
	}
	return strings.Join(out, "\n")
}

// destRow renders one destinations row.
func (m Model) destRow(cols []column, r *model.Row, selected, focused bool) string {
	c := r.Win[m.window]
	att := c.Attempts()
	plain := selected
	style := func(s string, part int64, warn, bad float64) string {
		if plain {
			return s
		}
		return m.rateStyle(part, att, warn, bad).Render(s)
	}
	name := model.Safe(r.Name)
	if r.Key == model.OverflowKey {
		name = r.Name
	}
	cells := map[string]string{
		"provider": name,
		"domain":   name,
		"host":     name,
		"identity": name,
		"sent":     count(c.Sent, 8),
		"deferred": count(c.Deferred, 8),
		"bounced":  count(c.Bounced, 7),
		"expired":  count(c.Expired, 7),
		"defer%":   style(pct(c.Deferred, att), c.Deferred, 0.05, 0.10),
		"bnc%":     style(pct(c.Bounced, att), c.Bounced, 0.02, 0.05),
		"trend":    deferTrend(&r.Trend, m.window),
		"/min":     fmt.Sprintf("%.0f", float64(c.Total())/m.window.Duration().Minutes()),
		"last":     ago(m.snapNow(), r.LastSeen),
		"platform": r.Platform,
		"verdict":  m.badge(r.Verdicts, plain),
	}
	if has(cols, "provider") && cols[0].title == "domain" {
		cells["provider"] = m.providerName(r.Provider)
	}
	if has(cols, "queued") {
		l, ok := m.levels()[r.Key]
		cells["queued"], cells["conns"] = levelCell(l, ok, true), levelCell(l, ok, false)
	}
	return m.rowStyle(line(cols, cells), selected, focused)
}

// snapNow is the time the snapshot's windows end at.
func (m Model) snapNow() time.Time {
	if m.snap == nil {
		return m.opt.Now()
	}
	return m.snap.Now
}

func (m Model) providerName(id string) string {
	if m.snap != nil {
		for _, p := range m.snap.Providers {
			if p.Key == id {
				return p.Name
			}
		}
	}
	return id
}

// sigColumns are the signatures pane's columns.
func (m Model) sigColumns(w int) []column {
	f := m.stack[len(m.stack)-1]
	n := "count"
	if f.kind == frameDomain {
		n = "here"
	}
	cols := []column{
		{title: n, width: 6, right: true, prio: 100},
		{title: "share", width: 6, right: true, prio: 25},
		{title: "provider", width: 10, prio: 80},
		{title: "code", width: 11, prio: 95},
		{title: "kind", width: 4, prio: 60},
		{title: "verdict", width: badgeWidth, prio: 85},
		{title: "trend", width: model.TrendPoints, prio: 15},
		{title: "reply", width: 30, prio: 99, flex: true},
		{title: "top domain", width: 22, prio: 20},
		{title: "last", width: 5, right: true, prio: 30},
	}
	if f.kind != frameMain {
		cols = append(cols[:2], cols[3:]...)
	}
	return fitColumns(cols, w)
}

// sigPane renders the reply signatures with their title in h lines.
func (m Model) sigPane(l layout, h int) string {
	f := m.stack[len(m.stack)-1]
	focused := f.focus == paneSigs
	items := m.sigItems()
	head := fmt.Sprintf("reply signatures · last %s · sort %s", m.window, m.sigSort)
	if n := len(m.snap.Backoffs); n > 0 {
		head = fmt.Sprintf("queues in backoff %d · ", n) + head
	}
	if m.snap.Polled.Total() > 0 && !m.snap.PolledOnly {
		head += " · from logs only"
	}
	if f.kind == frameDomain {
		head = fmt.Sprintf("replies for %s %s · all time · sort %s", f.dim, model.Safe(f.domain), m.sigSort)
	}
	if f.filter != "" && focused {
		head += fmt.Sprintf(" · filter %q", model.Safe(f.filter))
	}
	out := []string{fit(m.title(head, focused), m.width, false)}
	cols := m.sigColumns(m.width)
	out = append(out, m.styles.ColHeader.Render(headerLine(cols, "")))
	n := l.paneRows(paneSigs)
	if m.snap.PolledOnly {
		out = append(out, m.styles.Dim.Render(fit("  reply signatures need logs: stats endpoints count results without their replies; add the relay's log as a source to see them", m.width, false)))
	}
	if len(items) == 0 {
		if !m.snap.PolledOnly {
			out = append(out, m.styles.Dim.Render("  no deferrals, bounces or expiries yet"))
		}
		return block(strings.Join(out, "\n"), m.width, h)
	}
	keys := make([]string, len(items))
	for i := range items {
		keys[i] = items[i].id()
	}
	cur := cursor(&f, paneSigs, keys)
	top := visibleTop(f.top[paneSigs], cur, n, len(items))
	prov := map[string]*model.Row{}
	for i := range m.snap.Providers {
		prov[m.snap.Providers[i].Key] = &m.snap.Providers[i]
	}
	for i := top; i < len(items) && i < top+n; i++ {
		out = append(out, m.sigRow(cols, items[i], prov, i == cur, focused))
	}
	return block(strings.Join(out, "\n"), m.width, h)
}

// codeText renders "451 4.7.0", "4.4.1" (no basic code) or "-".
func codeText(k model.SigKey) string {
	switch {
	case k.Code > 0 && k.Enhanced != "":
		return fmt.Sprintf("%d %s", k.Code, k.Enhanced)
	case k.Code > 0:
		return fmt.Sprintf("%d", k.Code)
	case k.Enhanced != "":
		return "  " + k.Enhanced
	}
	return "-"
}

// kindOf names a signature's dominant outcome: def, bnc or exp.
func kindOf(c model.Counts) string {
	switch {
	case c.Bounced >= c.Deferred && c.Bounced >= c.Expired:
		return "bnc"
	case c.Expired > c.Deferred:
		return "exp"
	}
	return "def"
}

func (m Model) sigRow(cols []column, it sigItem, prov map[string]*model.Row, selected, focused bool) string {
	if it.backoff != nil {
		return m.backoffRow(cols, it.backoff, selected, focused)
	}
	r := it.row
	share := "-"
	if p := prov[r.Key.Provider]; p != nil {
		share = pct(r.Win[m.window].Deferred+r.Win[m.window].Bounced, p.Win[m.window].Attempts())
	}
	top := ""
	if len(r.Domains) > 0 {
		top = model.Safe(r.Domains[0].Key)
		if len(r.Domains) > 1 {
			top += fmt.Sprintf(" +%d", len(r.Domains)-1)
		}
	}
	code := codeText(r.Key)
	if !selected {
		code = m.styles.Code.Render(code)
	}
	cells := map[string]string{
		"count":      count(it.n, 6),
		"here":       count(it.n, 6),
		"share":      share,
		"provider":   model.Safe(r.ProviderName),
		"code":       code,
		"kind":       kindOf(r.Total),
		"trend":      volumeTrend(&r.Trend, m.window),
		"reply":      replyText(r.Key.Text, colWidth(cols, "reply")),
		"top domain": top,
		"last":       ago(m.snapNow(), r.Last),
		"verdict":    m.badge(r.Verdicts, selected),
	}
	return m.rowStyle(line(cols, cells), selected, focused)
}

// backoffRow renders a queue in backoff in the signatures pane: its
// reply where the signature's would be, the queue and host before it,
// and how long it has been in backoff under "last".
func (m Model) backoffRow(cols []column, b *model.Backoff, selected, focused bool) string {
	k := b.Key
	code := codeText(k)
	// What a silent endpoint last said is marked as such.
	badge, bs := "BACKOFF", m.styles.Bad
	if m.hostDown(b.Host) != nil {
		badge, bs = "STALE", m.styles.Warn
	}
	if !selected {
		code, badge = m.styles.Code.Render(code), bs.Render(badge)
	}
	where := b.Domain
	if where == "" {
		where = b.Identity
	}
	// The code has its column: the reply column gives the queue, its host
	// when there is room, and the reply's text.
	reply := colWidth(cols, "reply")
	prefix := model.Safe(b.Queue) + ": "
	if reply >= 60 {
		prefix = model.Safe(b.Queue) + " @" + model.Safe(b.Host) + ": "
	}
	text := b.Reason
	if k.Code > 0 {
		text = model.ParseReply(b.Reason).Text
	}
	cells := map[string]string{
		"provider":   m.providerName(b.Provider),
		"code":       code,
		"kind":       "que",
		"verdict":    badge,
		"reply":      prefix + replyText(text, max(10, reply-len(prefix))),
		"top domain": model.Safe(where),
		"last":       ago(m.snapNow(), b.Since),
	}
	if b.Provider == "" {
		cells["provider"] = "-"
	}
	return m.rowStyle(line(cols, cells), selected, focused)
}

// providerSummary is the line above a provider's domains.
func (m Model) providerSummary() string {
	f := m.stack[len(m.stack)-1]
	p := findRow(m.snap.Providers, f.provider)
	if p == nil {
		return m.styles.Dim.Render(model.Safe(f.provider) + ": no results in this snapshot")
	}
	c := p.Win[m.window]
	s := fmt.Sprintf("%s · last %s: %s attempts, %s deferred, %s bounced",
		m.styles.Heading.Render(model.Safe(p.Name)), m.window, commas(c.Attempts()), pct(c.Deferred, c.Attempts()), pct(c.Bounced, c.Attempts()))
	if f.provider == model.Microsoft {
		for _, pl := range m.snap.Platforms {
			pc := pl.Win[m.window]
			s += m.styles.Dim.Render(" │ ") + fmt.Sprintf("%s %s att, %s def", pl.Name, commas(pc.Attempts()), pct(pc.Deferred, pc.Attempts()))
		}
	}
	return s
}

// domainSummary is the line above a domain's (host's, identity's) signatures.
func (m Model) domainSummary() string {
	f := m.stack[len(m.stack)-1]
	d := findRow(rowsOf(m.snap, f.dim), f.domain)
	if d == nil {
		return m.styles.Heading.Render(model.Safe(f.domain))
	}
	c, t := d.Win[m.window], d.Total
	who := ""
	if f.dim == byDomain {
		who = " (" + m.providerName(d.Provider) + ")"
	}
	return fmt.Sprintf("%s%s · last %s: %s attempts, %s deferred · all time: %s sent, %s deferred, %s bounced, %s expired",
		m.styles.Heading.Render(model.Safe(d.Name)), who, m.window, commas(c.Attempts()),
		pct(c.Deferred, c.Attempts()), commas(t.Sent), commas(t.Deferred), commas(t.Bounced), commas(t.Expired))
}

// colWidth returns the width of the column titled t (0 if absent).
func colWidth(cols []column, t string) int {
	for _, c := range cols {
		if c.title == t {
			return c.width
		}
	}
	return 0
}

// replyText shows a signature's text in w cells; when the text is cut
// and a provider token (PRX4, TSS04, S3150) would fall off, the token is
// put in front, since it is what tells such replies apart.
func replyText(text string, w int) string {
	text = model.Safe(text)
	if len(text) <= w {
		return text
	}
	tok := model.FirstToken(text)
	if tok == "" || strings.Index(text, tok)+len(tok) <= w-1 {
		return text
	}
	return tok + " · " + text
}

// rowStyle highlights a selected row, brightly in the focused pane.
func (m Model) rowStyle(s string, selected, focused bool) string {
	switch {
	case selected && focused:
		return m.styles.Selected.Render(s)
	case selected:
		return m.styles.SelectBlur.Render(s)
	}
	return s
}
