package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

	"github.com/relaytop/relaytop/model"
)

// helpView lists every key, grouped, and what the columns mean.
func (m Model) helpView(l layout) string {
	st := m.styles
	k := m.keys
	groups := []struct {
		name string
		keys []key.Binding
	}{
		{"Move", []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}},
		{"Drill and view", []key.Binding{k.Enter, k.Back, k.Tab, k.Filter, k.Sort, k.Group}},
		{"Data", []key.Binding{k.Window, k.Pause, k.Info, k.Help, k.Quit}},
	}
	// The groups sit side by side when they fit, else one under another.
	cols := make([]string, len(groups))
	for i, g := range groups {
		lines := []string{st.Accent.Render(g.name)}
		for _, b := range g.keys {
			h := b.Help()
			lines = append(lines, fmt.Sprintf("  %-9s %s", h.Key, h.Desc))
		}
		cols[i] = strings.Join(lines, "\n")
	}
	out := []string{st.Heading.Render("Keys"), ""}
	const colW = 26
	if m.width >= colW*len(cols) {
		for i := range cols {
			cols[i] = fitBlock(cols[i], colW)
		}
		out = append(out, lipgloss.JoinHorizontal(lipgloss.Top, cols...))
	} else {
		out = append(out, strings.Join(cols, "\n\n"))
	}
	out = append(out, "", st.Accent.Render("Reading the screen"))
	out = append(out, prose("Counts are for the rolling window (w cycles 1m, 5m, 15m, 1h) in event time: the log's own timestamps. "+
		"sent, deferred and bounced count attempts, one per recipient result line; expired counts recipients still queued when their retry time ran out. "+
		"defer% and bnc% are shares of attempts; trend draws the deferral rate across the window. "+
		"The graph is the share of attempts to Microsoft answered 451 4.7.0, averaged over a minute, against its 10% alarm line. "+
		"Enter drills from a provider to its domains, to a reply signature, to its explanation; esc goes back.", m.width-2)...)
	return strings.Join(out, "\n")
}

// infoView shows each source's state and what became of every line read,
// with the last lines that could not be read.
func (m Model) infoView(l layout) string {
	st := m.styles
	s := m.snap
	out := []string{st.Heading.Render("Sources")}
	for _, src := range s.Sources {
		format := src.Format
		if format == "" {
			format = "?"
		}
		line := fmt.Sprintf("  %-10s %-8s %s lines  %s", src.State, format, commas(src.Lines), model.Safe(src.Name))
		if src.Err != "" {
			line += "  " + st.Bad.Render(model.Safe(src.Err))
		}
		out = append(out, line)
	}
	in := s.Input
	out = append(out, "", st.Heading.Render("Lines read"))
	counts := []string{
		fmt.Sprintf("%12s lines read", commas(in.Lines)),
		fmt.Sprintf("%12s gave results (%s results, %s internal hops, %s probes)", commas(in.Results),
			commas(s.Totals.Total.Total()), commas(s.Internal), commas(s.Probes)),
		fmt.Sprintf("%12s skipped: readable, no delivery result (other programs, connections, queue lines)", commas(in.Skipped)),
		fmt.Sprintf("%12s unparsed: not a log line relaytop can read", commas(in.Unparsed)),
	}
	for _, c := range counts {
		for i, l := range wrap(c, m.width-16) {
			if i > 0 {
				l = strings.Repeat(" ", 15) + l
			}
			out = append(out, "  "+l)
		}
	}
	if in.Truncated > 0 {
		out = append(out, fmt.Sprintf("  %12s cut at the line length limit (still read)", commas(in.Truncated)))
	}
	out = append(out, "")
	out = append(out, prose("Internal hops (to a content filter on a loopback address) and address-verification probes are counted apart, not as deliveries. "+
		"Unparsed lines are counted, never dropped silently; if many of your lines land there, the samples below show why.", m.width-2)...)
	if len(s.UnparsedSamples) > 0 {
		out = append(out, "", st.Heading.Render("Last unparsed lines"))
		for _, u := range s.UnparsedSamples {
			out = append(out, st.Dim.Render("  "+model.Safe(u)))
		}
	}
	return strings.Join(out, "\n")
}
