package tui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/model/kb"
)

// badgeWidth is the width of the verdict column.
const badgeWidth = 7

// shortVerdict is a verdict's name in the tables.
var shortVerdict = map[model.VerdictKind]string{
	model.Sustained: "SUST", model.Burst: "BURST", model.Recovering: "RECOV", model.Concentrated: "CONC",
	model.Aging: "AGING", model.Misclassified: "MISCL", model.AuthTrouble: "AUTH", model.Noise: "noise",
}

// verdictStyle renders s in the colour of verdict kind k.
func (m Model) verdictStyle(k model.VerdictKind, s string) string {
	switch k {
	case model.Sustained, model.Aging, model.AuthTrouble:
		return m.styles.Bad.Render(s)
	case model.Burst, model.Concentrated, model.Misclassified:
		return m.styles.Warn.Render(s)
	case model.Recovering:
		return m.styles.Accent.Render(s)
	}
	return m.styles.Dim.Render(s)
}

// badge is a row's verdict cell: the worst verdict (they come worst
// first) and how many more there are ("SUST+1"); plain on a selected row.
func (m Model) badge(vs []model.Verdict, plain bool) string {
	if len(vs) == 0 {
		return ""
	}
	s := shortVerdict[vs[0].Kind]
	n := -1
	for _, v := range vs {
		if v.Kind != model.Noise {
			n++
		}
	}
	if n > 0 {
		s += fmt.Sprintf("+%d", n)
	}
	if plain {
		return s
	}
	return m.verdictStyle(vs[0].Kind, s)
}

// fixWords are the words that tie a verdict to an entry's fix steps,
// the most telling first (a step naming the verdict itself).
var fixWords = map[model.VerdictKind][]string{
	model.Sustained:     {"sustained", "reputation", "snds", "postmaster", "volume", "complain", "engage", "slow", "throttl"},
	model.Burst:         {"burst", "concurren", "parallel", "connection", "throttl", "rate", "slow"},
	model.Recovering:    {"recover", "ramp", "monitor", "watch", "slow", "volume"},
	model.Concentrated:  {"one recipient", "tenant", "one domain", "administrator", "admin", "contact", "allow", "rule"},
	model.Aging:         {"expire", "lifetime", "queue", "retry", "suppress", "give up"},
	model.Misclassified: {"bounce", "classif", "temporary", "retry", "defer"},
	model.AuthTrouble:   {"dmarc", "dkim", "spf", "align", "authenticat", "sign"},
}

// fixSteps returns the numbers (from 1) of the three (at most) of e's fix
// steps that speak best to verdict kind k, in order.
func fixSteps(e *kb.Entry, k model.VerdictKind) []int {
	type hit struct{ step, rank int }
	var hits []hit
	for i, step := range e.Fix {
		low := strings.ToLower(step)
		for r, w := range fixWords[k] {
			if strings.Contains(low, w) {
				hits = append(hits, hit{i + 1, r})
				break
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].rank < hits[j].rank })
	var out []int
	for _, h := range hits {
		if len(out) == 3 {
			break
		}
		out = append(out, h.step)
	}
	sort.Ints(out)
	return out
}

// nowLines is the explanation panel's opening: what relaytop makes of
// this reply now, each verdict with its evidence and the fix steps that
// speak to it. At most max lines.
func (m Model) nowLines(r *model.SigRow, e *kb.Entry, w, max int) []string {
	st := m.styles
	label := "What relaytop sees now: "
	if w < explainWide {
		label = "Now: "
	}
	head := st.Heading.Render(label)
	if r == nil {
		return []string{fit(head+st.Dim.Render("this reply is no longer in the snapshot"), w, false)}
	}
	if len(r.Verdicts) == 0 {
		return []string{fit(head+st.Dim.Render("nothing to judge in the last hour"), w, false)}
	}
	var out []string
	for i, v := range r.Verdicts {
		if len(out) == max {
			break
		}
		text := m.verdictStyle(v.Kind, strings.ToUpper(v.Kind.String()))
		if steps := fixSteps(e, v.Kind); len(steps) > 0 && v.Kind != model.Noise {
			var ns []string
			for _, n := range steps {
				ns = append(ns, fmt.Sprint(n))
			}
			word := "step"
			if len(ns) > 1 {
				word = "steps"
			}
			text += st.Accent.Render(" → fix " + word + " " + strings.Join(ns, ", "))
		}
		text += st.Dim.Render(" · ") + model.Safe(v.Evidence)
		if i == 0 {
			text = head + text
		} else {
			text = strings.Repeat(" ", len(label)) + text
		}
		out = append(out, fit(text, w, false))
	}
	return out
}

// alertKinds are the verdicts that raise an alert when they begin.
func alertKind(k model.VerdictKind) bool { return k == model.Sustained || k == model.Aging }

// alertShown is how long an alert line stays in the footer.
const alertShown = 30 * time.Second

// alerts remembers which episodes were alerted and what the footer shows.
type alerts struct {
	seen  map[string]bool
	text  string
	kind  model.VerdictKind
	until time.Time
}

func episodeID(e *model.Episode) string {
	return fmt.Sprintf("%s\x00%d\x00%s\x00%s\x00%d\x00%d", e.Provider, e.Code, e.Enhanced, e.Text, e.Kind, e.Since.UnixNano())
}

// Alert is what an alert hook receives: the episode that began.
type Alert = model.Episode

// checkAlerts finds the sustained and aging episodes in s that began
// since the last snapshot, sets the footer's alert line and returns the
// commands that ring the bell and run the hook.
func (m *Model) checkAlerts(s *model.Snapshot) tea.Cmd {
	a := m.alerts
	if a.seen == nil {
		a.seen = map[string]bool{}
	}
	var fresh []model.Episode
	for i := range s.Episodes {
		e := &s.Episodes[i]
		if !e.Ongoing || !alertKind(e.Kind) {
			continue
		}
		id := episodeID(e)
		if !a.seen[id] {
			a.seen[id] = true
			fresh = append(fresh, *e)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	e := fresh[0]
	what := m.providerName(e.Provider)
	if k := (model.SigKey{Code: e.Code, Enhanced: e.Enhanced}); e.Code != 0 || e.Enhanced != "" {
		what += " " + codeText(k)
	}
	a.text = fmt.Sprintf("%s since %s: %s — %s", strings.ToUpper(e.Kind.String()), e.Since.Format("15:04"), what, e.Evidence)
	if len(fresh) > 1 {
		a.text += fmt.Sprintf(" (+%d more)", len(fresh)-1)
	}
	a.kind, a.until = e.Kind, m.opt.Now().Add(alertShown)
	var cmds []tea.Cmd
	if m.opt.Bell {
		cmds = append(cmds, tea.Raw("\a"))
	}
	if hook := m.opt.OnAlert; hook != nil {
		for _, e := range fresh {
			cmds = append(cmds, func() tea.Msg { hook(e); return nil })
		}
	}
	return tea.Batch(cmds...)
}

// alertLine is the footer's alert while it is fresh, else "".
func (m Model) alertLine() string {
	a := m.alerts
	if a.text == "" || m.opt.Now().After(a.until) {
		return ""
	}
	return m.verdictStyle(a.kind, "⚑ ALERT ") + model.Safe(a.text)
}

// ongoingAlerts counts the sustained and aging episodes going on now.
func (m Model) ongoingAlerts() int {
	n := 0
	if m.latest == nil {
		return 0
	}
	for i := range m.latest.Episodes {
		if e := &m.latest.Episodes[i]; e.Ongoing && alertKind(e.Kind) {
			n++
		}
	}
	return n
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
