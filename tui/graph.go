package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/guptarohit/asciigraph"

	"github.com/relaytop/relaytop/model"
)

// graphSpan is how much history the graph shows for a window: 15 minutes,
// or the hour when the hour window is chosen.
func graphSpan(w model.Window) time.Duration {
	if w == model.W1h {
		return time.Hour
	}
	return 15 * time.Minute
}

// verdictBadge renders a verdict as a word that reads without colour.
func (m Model) verdictBadge(k model.VerdictKind) string {
	s := strings.ToUpper(k.String())
	switch k {
	case model.Sustained:
		return m.styles.Bad.Render("■ " + s)
	case model.Burst:
		return m.styles.Warn.Render("▲ " + s)
	case model.Recovering:
		return m.styles.Accent.Render("▼ " + s)
	case model.Sparse:
		return m.styles.Dim.Render("○ " + s)
	}
	return m.styles.Good.Render("● " + s)
}

// graphPane draws the watched reply's share of attempts (one-minute
// average) over the span, with the alarm line, in w x h cells.
func (m Model) graphPane(w, h int) string {
	wv := &m.snap.Watch
	span := graphSpan(m.window)
	head := fmt.Sprintf("%s share of attempts · %s · alarm %.0f%%", wv.Name, spanText(span), wv.Threshold*100)
	out := []string{fit(m.title(head, false), w, false)}
	vd := wv.Verdict
	if m.snap.PolledOnly {
		// Stats endpoints count deferrals without their reply codes.
		out = append(out, fit(m.styles.Dim.Render("○ needs logs: stats endpoints give no reply codes, only counts"), w, false))
	} else {
		out = append(out, fit(m.verdictBadge(vd.Kind)+" "+m.styles.Dim.Render(vd.Evidence), w, false))
	}
	plotH := h - 3 // title, verdict, x-axis line
	if plotH < 2 {
		return strings.Join(out, "\n")
	}
	n := int(span / model.BucketWidth)
	shares := wv.Shares(n, time.Minute)
	attempts := int64(0)
	peak := 0.0
	for _, p := range wv.Points[len(wv.Points)-n:] {
		attempts += int64(p.Attempts)
	}
	for _, s := range shares {
		peak = math.Max(peak, s*100)
	}
	alarmPct := wv.Threshold * 100
	top := graphTop(alarmPct, plotH-1, math.Max(alarmPct*1.5, peak*1.1))
	vals := make([]float64, len(shares))
	for i, s := range shares {
		// Above the top the line runs along it; the verdict gives the peak.
		vals[i] = math.Min(s*100, top)
	}
	alarm := make([]float64, len(vals))
	for i := range alarm {
		alarm[i] = alarmPct
	}
	labelW := len(fmt.Sprintf("%.0f", top)) + 3
	plotW := max(8, w-labelW-2)
	opts := []asciigraph.Option{
		// asciigraph draws Height+1 rows.
		asciigraph.Height(plotH - 1), asciigraph.Width(plotW), asciigraph.LowerBound(0), asciigraph.UpperBound(top),
		asciigraph.Precision(0), asciigraph.Offset(2),
	}
	// The alarm line is dotted so that it reads without colour too.
	opts = append(opts, asciigraph.SeriesChars(asciigraph.CreateCharSet("┄"), asciigraph.DefaultCharSet))
	if !m.styles.NoColor {
		opts = append(opts, asciigraph.SeriesColors(m.styles.GraphAlarm, m.styles.GraphLine))
	}
	plot := asciigraph.PlotMany([][]float64{alarm, vals}, opts...)
	out = append(out, strings.Split(plot, "\n")...)
	plotWidth := 0
	for _, l := range strings.Split(plot, "\n") {
		plotWidth = max(plotWidth, lipgloss.Width(l))
	}
	left := strings.Repeat(" ", labelW-1) + "-" + spanText(span)
	right := "now"
	switch {
	case m.snap.PolledOnly:
		right = "no reply codes from polled relays · now"
	case attempts == 0:
		right = "no attempts to " + m.providerName(wv.Provider) + " in this span · now"
	}
	gap := max(1, plotWidth-lipgloss.Width(left)-lipgloss.Width(right))
	out = append(out, m.styles.Dim.Render(left+strings.Repeat(" ", gap)+right))
	return strings.Join(out, "\n")
}

func spanText(d time.Duration) string {
	if d >= time.Hour {
		return "1h"
	}
	return fmt.Sprintf("%dm", int(d.Minutes()))
}

// graphTop chooses the top of the y axis for a plot of rows+1 lines so
// that the alarm line falls exactly on a row and the labels step by a
// round number: top = alarm*rows/j for the largest j in 10, 5, 2, 1 that
// still reaches need (or j = 1, the tallest such axis).
func graphTop(alarm float64, rows int, need float64) float64 {
	if rows < 1 || alarm <= 0 {
		return math.Max(need, 1)
	}
	for _, j := range []float64{10, 5, 2} {
		if t := alarm * float64(rows) / j; t >= need {
			return t
		}
	}
	return alarm * float64(rows)
}
