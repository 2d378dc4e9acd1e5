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
		if src.Polled {
			line = fmt.Sprintf("  %-10s %-8s %s", src.State, format, model.Safe(src.Name))
			if src.State == "error" && !src.Since.IsZero() {
				line += st.Dim.Render(" · failing since " + src.Since.Format("15:04:05"))
			}
			if !src.LastOK.IsZero() {
				line += st.Dim.Render(" · last answer " + src.LastOK.Format("15:04:05"))
			}
		}
		if src.Err != "" {
			line += "  " + st.Bad.Render(model.Safe(src.Err))
		}
		out = append(out, line)
	}
	out = append(out, m.polledInfo()...)
	if s.PolledOnly && s.Input.Lines == 0 {
		return strings.Join(out, "\n")
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

// polledInfo lists each polled host's levels and what its deltas counted.
func (m Model) polledInfo() []string {
	s := m.snap
	if len(s.PolledHosts) == 0 {
		return nil
	}
	st := m.styles
	out := []string{"", st.Heading.Render("Stats endpoints")}
	for _, h := range s.PolledHosts {
		c := h.Counted
		l := fmt.Sprintf("  %-22s %-4s queued %s · connections %s", model.Safe(h.Host), h.MTA, levelText(h.Queued), levelText(h.Connections))
		if h.Ready >= 0 {
			l += " · ready " + levelText(h.Ready)
		}
		if h.Suspended >= 0 {
			l += " · suspended sources " + levelText(h.Suspended)
		}
		out = append(out, l, fmt.Sprintf("  %-22s counted sent %s, deferred %s, bounced %s, expired %s", "",
			commas(c.Sent), commas(c.Deferred), commas(c.Bounced), commas(c.Expired)))
		if h.NodeKnown {
			n := h.Node
			out = append(out, fmt.Sprintf("  %-22s node-wide sent %s, deferred %s, bounced %s, expired %s", "",
				commas(n.Sent), commas(n.Deferred), commas(n.Bounced), commas(n.Expired)))
		}
		if h.AlsoLogged != "" {
			out = append(out, st.Warn.Render(fmt.Sprintf("  %-22s counted twice: the logs of %s are read too", "", model.Safe(h.AlsoLogged))))
		}
	}
	out = append(out, "")
	out = append(out, prose("Polled relays report counters, not replies: their deltas since the first poll fill the table, "+
		"spread over each poll interval, and no reply signatures. Queued and connections are the levels at the last poll.", m.width-2)...)
	return out
}
