package tui

import (
	"fmt"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/model/kb"
)

// backoffNow is the explanation's opening for a queue in backoff: that
// it is, since when, and what the logs make of the same reply when they
// carry it.
func (m Model) backoffNow(r *model.SigRow, e *kb.Entry) []string {
	f := m.stack[len(m.stack)-1]
	st := m.styles
	label := "What relaytop sees now: "
	if m.width < explainWide {
		label = "Now: "
	}
	b := m.findBackoff(f.backoff)
	if b == nil {
		return []string{fit(st.Heading.Render(label)+st.Dim.Render("this queue is no longer in backoff"), m.width, false)}
	}
	text := st.Heading.Render(label) + st.Bad.Render("BACKOFF") +
		st.Dim.Render(" · ") + fmt.Sprintf("%s on %s since %s (%s)", model.Safe(b.Queue), model.Safe(b.Host),
		b.Since.Format("15:04:05"), ago(m.snapNow(), b.Since))
	out := []string{fit(text, m.width, false)}
	if r != nil && len(r.Verdicts) > 0 {
		// The logs carry the same reply: their verdicts follow.
		out = append(out, m.nowLines(r, e, m.width, m.nowMax()-1)...)
	}
	return out
}

// backoffEvidence is the live evidence for a queue in backoff: where it
// is, the levels its relay reports, the other queues held by the same
// reply, the same reply in the logs, and the reason as reported.
func (m Model) backoffEvidence(w int) []string {
	f := m.stack[len(m.stack)-1]
	st := m.styles
	out := []string{st.Heading.Render("Live evidence")}
	b := m.findBackoff(f.backoff)
	if b == nil {
		return append(out, st.Dim.Render("this queue is no longer in backoff"))
	}
	mta := ""
	for _, h := range m.snap.PolledHosts {
		if h.Host == b.Host {
			mta = " (" + h.MTA + ")"
		}
	}
	out = append(out, fmt.Sprintf("queue %s on %s%s", model.Safe(b.Queue), model.Safe(b.Host), mta))
	out = append(out, fmt.Sprintf("in backoff since %s (%s ago)", b.Since.Format("Jan 2 15:04:05"), ago(m.snapNow(), b.Since)))
	if src := m.hostDown(b.Host); src != nil {
		out = append(out, st.Warn.Render(fmt.Sprintf("as of its last answer at %s: the endpoint is %s now", src.LastOK.Format("15:04:05"), stateText(*src))))
	}
	where := ""
	if b.Domain != "" {
		where = "domain " + model.Safe(b.Domain)
		if b.Provider != "" {
			where += " (" + m.providerName(b.Provider) + ")"
		}
	}
	if b.Identity != "" {
		if where != "" {
			where += " · "
		}
		where += "sending identity " + model.Safe(b.Identity)
	}
	out = append(out, where)
	lv := "levels: not reported"
	if l, ok := m.snap.Levels.Domains[b.Domain]; ok && b.Domain != "" {
		lv = fmt.Sprintf("%s now: %s queued, %s connections", model.Safe(b.Domain), levelText(l.Queued), levelText(l.Connections))
	} else if l, ok := m.snap.Levels.Identities[b.Identity]; ok && b.Identity != "" {
		lv = fmt.Sprintf("%s now: %s queued, %s connections", model.Safe(b.Identity), levelText(l.Queued), levelText(l.Connections))
	}
	out = append(out, lv)
	k := b.Key
	var same []string
	for i := range m.snap.Backoffs {
		o := &m.snap.Backoffs[i]
		if o != b && o.Key == k {
			same = append(same, fmt.Sprintf("  %s @%s", model.Safe(o.Queue), model.Safe(o.Host)))
		}
	}
	out = append(out, fmt.Sprintf("other queues in backoff with this reply: %d", len(same)))
	if r := m.findSig(k); r != nil {
		win := r.Win[m.window]
		out = append(out, fmt.Sprintf("in the logs: %s in the last %s, %s all time", commas(win.Total()), m.window, commas(r.Total.Total())))
	} else {
		out = append(out, st.Dim.Render("in the logs: not seen (polled relays give no replies)"))
	}
	out = append(out, same...)
	out = append(out, "", st.Heading.Render("As reported"))
	out = append(out, wrap(model.Safe(b.Reason), w)...)
	return out
}

// levelText renders a gauge, "-" when not reported.
func levelText(v int64) string {
	if v < 0 {
		return "-"
	}
	return commas(v)
}

// hostDown returns the state of the polled endpoint of host when it is
// not answering, so that what it last reported is shown as such; nil
// while it answers.
func (m Model) hostDown(host string) *model.SourceState {
	for i := range m.snap.Sources {
		if src := &m.snap.Sources[i]; src.Polled && src.Host == host && src.State != "ok" {
			return src
		}
	}
	return nil
}
