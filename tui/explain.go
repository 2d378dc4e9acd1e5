package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/model/kb"
)

// evidenceSummaryLines is how many lines of the evidence come before the
// explanation on a narrow terminal: title, counts, totals, trend, first
// and last seen, and the watch line.
const evidenceSummaryLines = 7

// explainWide is the width from which the entry and the evidence sit side
// by side.
const explainWide = 120

// explainView renders the explanation panel: a fixed head (the reply and
// which entry matched, and why), then the knowledge-base entry beside the
// live evidence. The entry scrolls; on narrow terminals the evidence comes
// first and scrolls with it.
func (m Model) explainView(l layout) string {
	f := m.stack[len(m.stack)-1]
	head := m.explainHead()
	avail := l.body - len(head)
	var body []string
	if m.width >= explainWide {
		lw := m.width * 58 / 100
		rw := m.width - lw - 3
		left := m.entryLines(lw)
		right := m.evidenceLines(rw)
		left = scrollWindow(left, f.scroll, avail)
		for i := 0; i < avail; i++ {
			a, b := "", ""
			if i < len(left) {
				a = left[i]
			}
			if i < len(right) {
				b = right[i]
			}
			body = append(body, fit(a, lw, false)+m.styles.Dim.Render(" │ ")+fit(b, rw, false))
		}
	} else {
		body = scrollWindow(m.narrowLines(), f.scroll, avail)
	}
	return strings.Join(append(head, body...), "\n")
}

// scrollWindow returns lines[off:off+h] (or fewer).
func scrollWindow(lines []string, off, h int) []string {
	if off > len(lines) {
		off = len(lines)
	}
	end := min(len(lines), off+h)
	return lines[off:end]
}

// explainLines is the number of lines that scroll, for clamping.
func (m Model) explainLines() int {
	if m.width >= explainWide {
		return len(m.entryLines(m.width*58/100)) + len(m.explainHead())
	}
	return len(m.narrowLines()) + len(m.explainHead())
}

// narrowLines is the panel on a narrow terminal: the evidence summary,
// then the explanation, then the detailed evidence.
func (m Model) narrowLines() []string {
	ev := m.evidenceLines(m.width)
	n := min(len(ev), evidenceSummaryLines)
	out := append([]string(nil), ev[:n]...)
	out = append(out, "")
	out = append(out, m.entryLines(m.width)...)
	if n < len(ev) {
		out = append(out, "", m.styles.Dim.Render(strings.Repeat("─", min(m.width, 40))))
		out = append(out, ev[n:]...)
	}
	return out
}

// explained returns the frame's signature row (nil if it left the
// snapshot) and the knowledge-base match for it.
func (m Model) explained() (*model.SigRow, kb.Match) {
	f := m.stack[len(m.stack)-1]
	r := m.findSig(f.sig)
	q := kb.Query{Provider: f.sig.Provider, Reply: model.Reply{Code: f.sig.Code, Enhanced: f.sig.Enhanced, Text: f.sig.Text}}
	if b := m.findBackoff(f.backoff); b != nil {
		q.Reply = model.ParseReply(b.Reason)
	} else if r != nil {
		q.Reply.Text = r.Example
		if len(r.Relays) > 0 {
			q.Relay = r.Relays[0].Key
		}
	}
	return r, m.opt.KB.Match(q)
}

// nowMax is how many verdict lines the explanation's head may take.
func (m Model) nowMax() int {
	if m.height < 30 {
		return 2
	}
	return 4
}

func (m Model) explainHead() []string {
	f := m.stack[len(m.stack)-1]
	_, match := m.explained()
	who := m.providerName(f.sig.Provider)
	title := m.styles.Code.Render(codeText(f.sig)) + " " + m.styles.Heading.Render(who) + " " + model.Safe(f.sig.Text)
	entry := match.Entry.Title
	if entry == "" {
		entry = match.Entry.ID
	}
	// The reason starts with the entry's label; say it once.
	why := strings.TrimPrefix(match.Reason, match.Entry.Label()+", ")
	matched := m.styles.Dim.Render("entry: ") + m.styles.Accent.Render(model.Safe(entry)) +
		m.styles.Dim.Render(" · "+model.Safe(why))
	if lipgloss.Width(matched) > m.width {
		matched = m.styles.Accent.Render(model.Safe(match.Entry.Label())) + m.styles.Dim.Render(" · "+model.Safe(why))
	}
	r, _ := m.explained()
	var now []string
	if f.backoff != "" {
		now = m.backoffNow(r, match.Entry)
	} else {
		now = m.nowLines(r, match.Entry, m.width, m.nowMax())
	}
	return append(append([]string{fit(title, m.width, false), fit(matched, m.width, false)}, now...), "")
}

// evidenceLines is the live evidence for the explained signature.
func (m Model) evidenceLines(w int) []string {
	f := m.stack[len(m.stack)-1]
	if f.backoff != "" {
		return m.backoffEvidence(w)
	}
	r, _ := m.explained()
	st := m.styles
	out := []string{st.Heading.Render("Live evidence")}
	if r == nil {
		return append(out, st.Dim.Render("this reply is no longer in the snapshot"))
	}
	win := r.Win[m.window]
	line1 := fmt.Sprintf("last %s: %s", m.window, commas(win.Total()))
	if p := findRow(m.snap.Providers, r.Key.Provider); p != nil {
		line1 += fmt.Sprintf(" = %s of %s's %s attempts", pct(win.Deferred+win.Bounced, p.Win[m.window].Attempts()),
			m.providerName(r.Key.Provider), commas(p.Win[m.window].Attempts()))
	}
	out = append(out, line1)
	var per []string
	for w := model.W1m; w < model.NumWindows; w++ {
		per = append(per, fmt.Sprintf("%s %s", w, commas(r.Win[w].Total())))
	}
	out = append(out, strings.Join(per, " · ")+fmt.Sprintf(" · all %s", commas(r.Total.Total())))
	out = append(out, fmt.Sprintf("deferred %s · bounced %s · expired %s", commas(r.Total.Deferred), commas(r.Total.Bounced), commas(r.Total.Expired)))
	out = append(out, fmt.Sprintf("trend (%s): %s", m.window, volumeTrend(&r.Trend, m.window)))
	now := m.snapNow()
	out = append(out, fmt.Sprintf("first seen %s (%s ago) · last seen %s (%s ago)",
		r.First.Format("Jan 2 15:04:05"), ago(now, r.First), r.Last.Format("15:04:05"), ago(now, r.Last)))
	if wv := &m.snap.Watch; r.Key.Provider == wv.Provider && r.Key.Enhanced == "4.7.0" && r.Key.Code/100 == 4 {
		// One signature per PRX token: say what all of them add up to.
		p := wv.Win[m.window]
		out = append(out, fmt.Sprintf("all %s (every token): %s of attempts over %s · ", wv.Name, pct(int64(p.Hits), int64(p.Attempts)), m.window)+
			m.verdictBadge(wv.Verdict.Kind))
	} else {
		out = append(out, "")
	}
	out = out[:evidenceSummaryLines]
	if f.domain != "" {
		for _, d := range keyCounts(r, f.dim) {
			if d.Key == f.domain {
				out = append(out, fmt.Sprintf("for %s: %s", model.Safe(f.domain), commas(d.Count)))
			}
		}
	}
	out = append(out, "", st.Heading.Render("Top recipient domains"))
	out = append(out, topList(r.Domains, 5, r.Total.Total())...)
	out = append(out, "", st.Heading.Render("Remote hosts"))
	out = append(out, topList(r.Relays, 3, r.Total.Total())...)
	out = append(out, "", st.Heading.Render("As received"))
	out = append(out, wrap(model.Safe(r.Example), w)...)
	out = append(out, "", st.Heading.Render("Sample lines"))
	for _, s := range r.Samples {
		for _, l := range wrap(model.Safe(s), w-2) {
			out = append(out, st.Dim.Render("  "+l))
		}
	}
	return out
}

// topList renders the first n entries with their share of total.
func topList(kc []model.KeyCount, n int, total int64) []string {
	if len(kc) == 0 {
		return []string{"  -"}
	}
	var out []string
	for i, c := range kc {
		if i == n {
			out = append(out, fmt.Sprintf("  … and %d more", len(kc)-n))
			break
		}
		out = append(out, fmt.Sprintf("  %7s %6s  %s", commas(c.Count), pct(c.Count, total), model.Safe(c.Key)))
	}
	return out
}

// entryLines renders the matched entry, then the registry
// meaning of the reply's codes when the entry is not itself that registry
// entry.
func (m Model) entryLines(w int) []string {
	_, match := m.explained()
	st := m.styles
	var out []string
	for _, l := range wrap(model.Safe(match.Entry.Title), w) {
		out = append(out, st.Heading.Render(l))
	}
	out = append(out, "")
	out = append(out, m.renderEntry(match.Entry, w)...)
	for _, e := range match.Registry {
		if e == match.Entry {
			continue
		}
		out = append(out, "", st.Dim.Render(strings.Repeat("─", min(w, 40))))
		out = append(out, st.Heading.Render("Registry: "+model.Safe(e.Title)))
		out = append(out, prose(e.Meaning, w)...)
		if e.Advice != "" {
			out = append(out, prose(e.Advice, w)...)
		}
		if e.RFC != "" {
			out = append(out, st.Dim.Render("Defined in "+e.RFC))
		}
	}
	return out
}

// prose wraps text to w cells, keeping paragraphs, with a hanging indent
// for list items ("- ", "1. ", "Q: ", "A: ").
func prose(text string, w int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		if strings.TrimSpace(para) == "" {
			out = append(out, "")
			continue
		}
		indent := 0
		for _, p := range []string{"- ", "Q: ", "A: "} {
			if strings.HasPrefix(para, p) {
				indent = len(p)
			}
		}
		if i := strings.Index(para, ". "); i > 0 && i <= 3 && allDigits(para[:i]) {
			indent = i + 2
		}
		lines := wrap(para, w-indent)
		for j, l := range lines {
			if j > 0 {
				l = strings.Repeat(" ", indent) + strings.TrimLeft(l, " ")
			}
			out = append(out, l)
		}
	}
	return out
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
