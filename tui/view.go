package tui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/relaytop/relaytop/model"
)

// View renders the whole screen: header, the current frame's body (or an
// overlay), footer. Every line is cut to the terminal width, and the
// screen is exactly the terminal height.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "relaytop"
	return v
}

func (m Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		msg := fmt.Sprintf("terminal too small: %dx%d, relaytop needs %dx%d (q quits)", m.width, m.height, minWidth, minHeight)
		return block(strings.Join(wrap(msg, m.width), "\n"), m.width, m.height)
	}
	l := m.layout()
	var body string
	switch {
	case m.snap == nil:
		body = m.styles.Dim.Render("waiting for data…")
	case m.overlay == helpOverlay:
		body = m.helpView(l)
	case m.overlay == infoOverlay:
		body = m.infoView(l)
	default:
		body = m.frameView(l)
	}
	out := m.header() + "\n" + block(body, m.width, l.body) + "\n" + m.footer()
	return block(out, m.width, m.height)
}

func (m Model) frameView(l layout) string {
	f := m.stack[len(m.stack)-1]
	switch f.kind {
	case frameExplain:
		return m.explainView(l)
	case frameDomain:
		return m.domainSummary() + "\n" + m.sigPane(l, l.sigH)
	case frameProvider:
		return m.providerSummary() + "\n" + block(m.tablePane(l), m.width, l.tableH) + "\n" + m.sigPane(l, l.sigH)
	}
	if l.wide {
		left := block(m.tablePane(l), l.tableW, l.tableH)
		right := block(m.graphPane(l.graphW, l.graphH), l.graphW, l.graphH)
		top := lipgloss.JoinHorizontal(lipgloss.Top, fitBlock(left, l.tableW), "  ", right)
		return top + "\n" + m.sigPane(l, l.sigH)
	}
	parts := []string{block(m.tablePane(l), m.width, l.tableH)}
	if l.graphH > 0 {
		parts = append(parts, block(m.graphPane(m.width, l.graphH), m.width, l.graphH))
	}
	parts = append(parts, m.sigPane(l, l.sigH))
	return strings.Join(parts, "\n")
}

// fitBlock pads every line of s to w cells, for side-by-side joins.
func fitBlock(s string, w int) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = fit(lines[i], w, false)
	}
	return strings.Join(lines, "\n")
}

// title renders a pane title, highlighted when the pane has focus.
func (m Model) title(s string, focused bool) string {
	if focused {
		return m.styles.Section.Render("▌" + s)
	}
	return m.styles.SectionBlur.Render(" " + s)
}

// segment is a piece of a header line; when the line is too long the
// lowest-priority segments go first.
type segment struct {
	text string
	prio int
}

// joinSegments joins segs with sep, dropping the lowest-priority ones
// until the line fits in w cells.
func joinSegments(segs []segment, sep string, w int) string {
	for {
		parts := make([]string, 0, len(segs))
		for _, s := range segs {
			if s.text != "" {
				parts = append(parts, s.text)
			}
		}
		line := strings.Join(parts, sep)
		if lipgloss.Width(line) <= w || len(segs) <= 1 {
			return line
		}
		lo := 0
		for i, s := range segs {
			if s.prio < segs[lo].prio {
				lo = i
			}
		}
		segs = append(segs[:lo], segs[lo+1:]...)
	}
}

// header is two lines: sources and state, then the window's totals.
func (m Model) header() string {
	st := m.styles
	sep := st.Dim.Render(" │ ")
	name := st.App.Render("relaytop")
	if m.opt.Title != "" {
		name += st.Dim.Render(" " + m.opt.Title)
	}
	segs := []segment{{name, 100}}
	if m.paused {
		segs = append(segs, segment{st.Paused.Render(" PAUSED "), 99})
	}
	if n := m.ongoingAlerts(); n > 0 {
		segs = append(segs, segment{st.Bad.Render(fmt.Sprintf("⚑ %d alert%s", n, plural(n))), 98})
	}
	if m.snap != nil {
		segs = append(segs, segment{m.sourcesLine(m.width / 2), 80})
		rate := fmt.Sprintf("%s ev/s", count(int64(m.snap.Rate+0.5), 7))
		if m.snap.PolledOnly {
			// No lines are read: the rate is of results the relays counted.
			rate = fmt.Sprintf("%s results/min", commas(m.snap.Totals.Win[model.W1m].Total()))
		}
		segs = append(segs, segment{st.Header.Render(rate), 50})
	}
	segs = append(segs, segment{st.Header.Render("window " + m.window.String()), 90})
	if m.snap != nil && !m.snap.DataClock.IsZero() {
		clock := st.Header.Render("data " + m.snap.DataClock.Format("15:04:05"))
		if m.opt.Now().Sub(m.snap.DataClock) > 2*time.Minute {
			clock += st.Dim.Render(" (" + ago(m.opt.Now(), m.snap.DataClock) + " ago)")
		}
		segs = append(segs, segment{clock, 70})
	}
	line1 := joinSegments(segs, sep, m.width)
	if m.snap == nil {
		return line1 + "\n"
	}
	c := m.snap.Totals.Win[m.window]
	all := m.snap.Totals.Total
	in := m.snap.Input
	counts := st.Dim.Render(m.window.String()+": ") + fmt.Sprintf("sent %s  deferred %s %s  bounced %s %s  expired %s",
		commas(c.Sent),
		commas(c.Deferred), m.rateStyle(c.Deferred, c.Attempts(), 0.05, 0.10).Render("("+pct(c.Deferred, c.Attempts())+")"),
		commas(c.Bounced), m.rateStyle(c.Bounced, c.Attempts(), 0.02, 0.05).Render("("+pct(c.Bounced, c.Attempts())+")"),
		commas(c.Expired))
	segs = []segment{{counts, 100}, {st.Dim.Render(fmt.Sprintf("all %s results", commas(all.Total()))), 50}}
	if m.snap.Internal > 0 || m.snap.Probes > 0 {
		segs = append(segs, segment{st.Dim.Render(fmt.Sprintf("%s internal, %s probes", commas(m.snap.Internal), commas(m.snap.Probes))), 40})
	}
	if in.Unparsed > 0 {
		segs = append(segs, segment{st.Warn.Render(fmt.Sprintf("%s unparsed (i)", commas(in.Unparsed))), 90})
	}
	return line1 + "\n" + joinSegments(segs, sep, m.width)
}

// sourcesLine summarises the inputs in at most w cells: one by name (its
// base name if the path is too long), several by state.
func (m Model) sourcesLine(w int) string {
	s := m.sourcesText(w)
	if lipgloss.Width(s) > w {
		return ansi.Truncate(s, w, "…")
	}
	return s
}

func (m Model) sourcesText(w int) string {
	src := m.snap.Sources
	st := m.styles
	switch len(src) {
	case 0:
		return st.Dim.Render("no sources")
	case 1:
		s := src[0]
		name := model.Safe(s.Name)
		if len(name)+len(s.State)+1 > w {
			name = sourceName(s)
		}
		text := name + " " + stateText(s)
		switch {
		case s.Err != "":
			return st.Bad.Render(text + ": " + shortErr(s))
		case stale(s):
			return st.Warn.Render(text)
		}
		return st.Header.Render(text)
	}
	// Each source by name when they fit; by state otherwise ('i' lists all).
	each := make([]string, len(src))
	for i, s := range src {
		each[i] = sourceName(s) + " " + stateText(s)
		switch {
		case s.Err != "":
			each[i] = st.Bad.Render(each[i] + ": " + shortErr(s))
		case stale(s):
			each[i] = st.Warn.Render(each[i])
		}
	}
	if line := strings.Join(each, ", "); lipgloss.Width(line) <= w {
		return st.Header.Render(line)
	}
	states := map[string]int{}
	var order []string
	errs := ""
	for _, s := range src {
		if states[s.State] == 0 {
			order = append(order, s.State)
		}
		states[s.State]++
		if s.Err != "" && errs == "" {
			errs = sourceName(s) + " " + shortErr(s)
		}
	}
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = fmt.Sprintf("%d %s", states[k], k)
	}
	out := strings.Join(parts, ", ")
	if long := fmt.Sprintf("%d sources: %s", len(src), out); lipgloss.Width(long)+lipgloss.Width(errs)+2 <= w {
		out = long
	}
	out = st.Header.Render(out)
	if errs != "" {
		// The first error, short; 'i' lists every source in full.
		out += st.Header.Render(": ") + st.Bad.Render(errs)
	}
	return out
}

// sourceName is a source's short name: a file's base name, a polled
// endpoint's host:port.
func sourceName(s model.SourceState) string {
	if s.Polled && s.Host != "" {
		return model.Safe(s.Host)
	}
	return filepath.Base(model.Safe(s.Name))
}

// stateText is a source's state, with since when a polled endpoint has
// been failing.
func stateText(s model.SourceState) string {
	if s.Polled && s.State == "error" && !s.Since.IsZero() {
		return "error since " + s.Since.Format("15:04:05")
	}
	return s.State
}

// shortErr is a source's error for the header: a polled endpoint's only
// its cause, the host being named ('i' shows it whole).
func shortErr(s model.SourceState) string {
	e := model.Safe(s.Err)
	if s.Polled && strings.HasPrefix(e, "GET ") {
		// "GET URL: dial tcp ADDR: connect: connection refused": the
		// cause is last.
		if i := strings.LastIndex(e, ": "); i > 0 {
			e = e[i+2:]
		}
	}
	return e
}

// stale reports whether a polled endpoint has not answered for a while.
func stale(s model.SourceState) bool { return s.Polled && strings.HasPrefix(s.State, "stale") }

// rateStyle colours a share: warn at or over warn, bad at or over bad.
func (m Model) rateStyle(part, whole int64, warn, bad float64) lipgloss.Style {
	if whole == 0 {
		return m.styles.Dim
	}
	r := float64(part) / float64(whole)
	switch {
	case r >= bad:
		return m.styles.Bad
	case r >= warn:
		return m.styles.Warn
	}
	return m.styles.Header
}

// footer shows the keys that apply now, or the filter input.
func (m Model) footer() string {
	if m.filtering {
		return m.filter.View()
	}
	if a := m.alertLine(); a != "" {
		return fit(a, m.width, false)
	}
	return m.help.ShortHelpView(m.helpKeys().short)
}

// helpKeys returns the bindings that apply in the current state.
func (m Model) helpKeys() helpKeys {
	k := m.keys
	f := m.stack[len(m.stack)-1]
	nav := []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
	view := []key.Binding{k.Enter, k.Back, k.Tab, k.Filter, k.Sort, k.Group}
	global := []key.Binding{k.Window, k.Pause, k.Info, k.Help, k.Quit}
	var short []key.Binding
	switch {
	case m.overlay != noOverlay:
		short = []key.Binding{k.Back, k.Pause, k.Quit}
	case f.kind == frameExplain:
		short = []key.Binding{k.Up, k.Down, k.Back, k.Window, k.Pause, k.Help, k.Quit}
	case f.kind == frameMain:
		short = []key.Binding{k.Enter, k.Tab, k.Filter, k.Sort, k.Group, k.Window, k.Pause, k.Help, k.Quit}
	default:
		short = []key.Binding{k.Enter, k.Back, k.Tab, k.Filter, k.Sort, k.Window, k.Pause, k.Help, k.Quit}
	}
	return helpKeys{short: short, full: [][]key.Binding{nav, view, global}}
}
