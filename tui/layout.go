package tui

// Minimum terminal size for the dashboard; below it a message says so.
const (
	minWidth  = 40
	minHeight = 10
)

// wideWidth is the width from which the table and the graph sit side by side.
const wideWidth = 140

// layout is the size of every region, computed from the terminal size
// and the current frame. Heights include each pane's title line (and
// column header line for tables).
type layout struct {
	body           int // lines between header and footer
	wide           bool
	summary        int // frame summary lines above the panes
	tableH, tableW int
	graphH, graphW int
	sigH           int
}

const headerLines, footerLines = 2, 1

func (m Model) layout() layout {
	l := layout{body: m.height - headerLines - footerLines, tableW: m.width, graphW: m.width}
	if l.body < 3 {
		return l
	}
	f := m.stack[len(m.stack)-1]
	n := len(m.tableRows())
	switch f.kind {
	case frameMain:
		if m.width >= wideWidth && l.body >= 20 {
			l.wide = true
			l.tableW = m.width * 55 / 100
			l.graphW = m.width - l.tableW - 2
			top := clamp(max(n+3, 14), 8, l.body/2)
			l.tableH, l.graphH = top, top
			l.sigH = l.body - top
			return l
		}
		l.graphH = clamp((l.body*33+99)/100, 5, 14)
		if m.snap != nil && m.snap.PolledOnly {
			// Nothing to plot without reply codes: its title and why.
			l.graphH = 2
		}
		rest := l.body - l.graphH
		l.tableH = clamp(n+2, 4, max(4, rest*50/100))
		l.sigH = rest - l.tableH
		if l.sigH < 3 {
			l.graphH = max(0, l.graphH-(3-l.sigH))
			l.sigH = l.body - l.graphH - l.tableH
		}
	case frameProvider:
		l.summary = 1
		rest := l.body - l.summary
		l.tableH = clamp(n+2, 4, max(4, rest*50/100))
		l.sigH = rest - l.tableH
	case frameDomain:
		l.summary = 1
		l.sigH = l.body - l.summary
	}
	return l
}

// paneRows is how many data rows pane p shows.
func (l layout) paneRows(p pane) int {
	if p == paneTable {
		return max(0, l.tableH-2)
	}
	return max(0, l.sigH-2)
}
