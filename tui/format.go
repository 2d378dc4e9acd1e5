package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/relaytop/relaytop/model"
)

// count formats n with thousands separators, or compactly (12.3k, 4.5M)
// when that would not fit in w cells.
func count(n int64, w int) string {
	s := commas(n)
	if len(s) <= w || w <= 0 {
		return s
	}
	f := float64(n)
	switch {
	case f >= 1e9:
		s = strconv.FormatFloat(f/1e9, 'f', 1, 64) + "G"
	case f >= 1e6:
		s = strconv.FormatFloat(f/1e6, 'f', 1, 64) + "M"
	case f >= 1e3:
		s = strconv.FormatFloat(f/1e3, 'f', 1, 64) + "k"
	}
	if len(s) > w {
		s = strings.Replace(s, ".0", "", 1)
	}
	return s
}

// commas formats n as 1,234,567.
func commas(n int64) string { return model.Thousands(n) }

// pct formats a share as "12.3%", or "-" when there was nothing to share.
func pct(part, whole int64) string { return model.Percent(part, whole) }

var sparks = []rune("▁▂▃▄▅▆▇█")

// spark draws values as a sparkline scaled to top (at least the largest
// value); a point with no data is a space.
func spark(vals []float64, has []bool, top float64) string {
	for _, v := range vals {
		if v > top {
			top = v
		}
	}
	var b strings.Builder
	for i, v := range vals {
		if has != nil && !has[i] {
			b.WriteByte(' ')
			continue
		}
		k := 0
		if top > 0 {
			k = int(v / top * float64(len(sparks)-1))
		}
		b.WriteRune(sparks[clamp(k, 0, len(sparks)-1)])
	}
	return b.String()
}

// deferTrend draws the deferral rate of each trend point of a window.
func deferTrend(tr *[model.NumWindows][model.TrendPoints]model.TrendPoint, w model.Window) string {
	n := model.TrendLen(w)
	vals, has := make([]float64, n), make([]bool, n)
	for i := 0; i < n; i++ {
		p := tr[w][i]
		if p.Attempts > 0 {
			vals[i] = float64(p.Deferred) / float64(p.Attempts)
			has[i] = true
		}
	}
	return spark(vals, has, 0.10)
}

// volumeTrend draws the count of each trend point of a window.
func volumeTrend(tr *[model.NumWindows][model.TrendPoints]model.TrendPoint, w model.Window) string {
	n := model.TrendLen(w)
	vals, has := make([]float64, n), make([]bool, n)
	for i := 0; i < n; i++ {
		p := tr[w][i]
		v := p.Deferred + p.Bounced
		vals[i], has[i] = float64(v), v > 0
	}
	return spark(vals, has, 1)
}

// ago formats how long before now t was ("12s", "4m", "3h", "2d").
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "now"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// fit pads or cuts s (which may hold styles) to exactly w cells.
func fit(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	sw := lipgloss.Width(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	pad := strings.Repeat(" ", w-sw)
	if right {
		return pad + s
	}
	return s + pad
}

// block makes s exactly h lines (cut or padded with empty lines), each cut to w.
func block(s string, w, h int) string {
	if h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}

// column is one column of a table.
type column struct {
	title string
	width int
	right bool
	prio  int  // lower is dropped first when space runs out
	flex  bool // takes the width left over
}

// fitColumns drops the lowest-priority columns until the rest fit in w,
// then gives what is left to the flex column.
func fitColumns(cols []column, w int) []column {
	out := append([]column(nil), cols...)
	for {
		total := 0
		for _, c := range out {
			total += c.width + 1
		}
		total--
		if total <= w || len(out) <= 1 {
			for i := range out {
				if out[i].flex && total < w {
					out[i].width += w - total
				}
			}
			return out
		}
		lo := -1
		for i, c := range out {
			if !c.flex && (lo < 0 || c.prio < out[lo].prio) {
				lo = i
			}
		}
		if lo < 0 {
			out[0].width = max(1, out[0].width-(total-w))
			return out
		}
		out = append(out[:lo], out[lo+1:]...)
	}
}

// has reports whether cols has a column titled t.
func has(cols []column, t string) bool {
	for _, c := range cols {
		if c.title == t {
			return true
		}
	}
	return false
}

// line renders one table row from cells keyed by column title.
func line(cols []column, cells map[string]string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fit(cells[c.title], c.width, c.right)
	}
	return strings.Join(parts, " ")
}

// headerLine renders the column titles; the sorted one is marked.
func headerLine(cols []column, sorted string) string {
	cells := map[string]string{}
	for _, c := range cols {
		t := c.title
		if t == sorted {
			t += "▼"
		}
		cells[c.title] = t
	}
	return line(cols, cells)
}

// wrap word-wraps plain text to w cells.
func wrap(s string, w int) []string {
	if w < 10 {
		w = 10
	}
	return strings.Split(ansi.Wrap(s, w, ""), "\n")
}
