package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/model/kb"
	"github.com/relaytop/relaytop/themes"
)

// runCmds runs cmd and the commands of any batch it returns, collecting
// their messages (waitSnapshot with no channel is nil and skipped).
func runCmds(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runCmds(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// withEpisodes is a copy of the fixture snapshot holding only eps.
func withEpisodes(t *testing.T, eps ...model.Episode) *model.Snapshot {
	s := *fixtureAt(t, 5*time.Minute)
	s.Episodes = eps
	return &s
}

func TestAlerts(t *testing.T) {
	base := withEpisodes(t)
	now := base.Now
	var hooked []Alert
	m := New(Options{Theme: themes.NoColor, Window: model.W5m, Now: func() time.Time { return now }, Bell: true,
		OnAlert: func(a Alert) { hooked = append(hooked, a) }})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	next, cmd := next.Update(snapshotMsg{base})
	if msgs := runCmds(cmd); len(msgs) != 0 || len(hooked) != 0 {
		t.Fatalf("no episode, yet %v and hook %v", msgs, hooked)
	}
	sust := model.Episode{Provider: model.Microsoft, Code: 451, Enhanced: "4.7.0", Text: "Temporary server error. PRX4",
		Kind: model.Sustained, Since: now.Add(-time.Minute), Until: now, Ongoing: true, Evidence: "23.5% of 4,195 attempts over 15m"}
	burst := sust
	burst.Kind = model.Burst
	ended := sust
	ended.Kind, ended.Ongoing, ended.Since = model.Aging, false, now.Add(-time.Hour)
	next, cmd = next.Update(snapshotMsg{withEpisodes(t, burst, ended, sust)})
	msgs := runCmds(cmd)
	bells := 0
	for _, msg := range msgs {
		if r, ok := msg.(tea.RawMsg); ok && r.Msg == "\a" {
			bells++
		}
	}
	if bells != 1 || len(hooked) != 1 || hooked[0].Kind != model.Sustained {
		t.Fatalf("bells %d, hook %+v: want one of each, for the sustained episode only", bells, hooked)
	}
	view := next.(Model).render()
	lines := strings.Split(view, "\n")
	foot := lines[len(lines)-1]
	if !strings.Contains(foot, "ALERT") || !strings.Contains(foot, "SUSTAINED since 16:44: Microsoft 451 4.7.0") {
		t.Errorf("footer %q", foot)
	}
	if !strings.Contains(lines[0], "⚑ 1 alert") {
		t.Errorf("header %q", lines[0])
	}
	// The same episode again: no second alert.
	next, cmd = next.Update(snapshotMsg{withEpisodes(t, sust)})
	if runCmds(cmd); len(hooked) != 1 {
		t.Errorf("alerted twice: %d", len(hooked))
	}
	// 30 seconds on, the footer shows the keys again; the header still
	// counts the episode while it goes on.
	now = now.Add(alertShown + time.Second)
	lines = strings.Split(next.(Model).render(), "\n")
	if foot := lines[len(lines)-1]; strings.Contains(foot, "ALERT") || !strings.Contains(foot, "drill in") {
		t.Errorf("footer after 30s %q", foot)
	}
	if !strings.Contains(lines[0], "⚑ 1 alert") {
		t.Errorf("header %q", lines[0])
	}
	// It ends: no marker.
	sust.Ongoing = false
	next, _ = next.Update(snapshotMsg{withEpisodes(t, sust)})
	if l := strings.Split(next.(Model).render(), "\n")[0]; strings.Contains(l, "alert") {
		t.Errorf("header after the episode ended %q", l)
	}
}

func TestVerdictBadgesAndPanel(t *testing.T) {
	s := fixtureAt(t, 18*time.Minute)
	m := newTestModel(t, s, 200, 50)
	view := m.render()
	if !strings.Contains(view, "verdict") {
		t.Fatal("no verdict column")
	}
	var ms *model.Row
	for i := range s.Providers {
		if s.Providers[i].Key == model.Microsoft {
			ms = &s.Providers[i]
		}
	}
	if ms == nil || len(ms.Verdicts) == 0 || ms.Verdicts[0].Kind != model.Sustained {
		t.Fatalf("the fixture's Microsoft row at +18m: %+v", ms)
	}
	for _, l := range strings.Split(view, "\n") {
		if strings.HasPrefix(l, "Microsoft ") && !strings.Contains(l, "SUST") {
			t.Errorf("Microsoft row without its badge: %q", l)
		}
	}
	// The first signature is a Microsoft 451 4.7.0: its panel starts with
	// the verdict and points at the entry's fix steps for it.
	m = press(t, m, "tab", "enter")
	head := ansi.Strip(strings.Split(m.render(), "\n")[4])
	if !strings.Contains(head, "What relaytop sees now: SUSTAINED → fix steps") || !strings.Contains(head, "attempts over 15m") {
		t.Errorf("panel head %q", head)
	}
}

func TestFixSteps(t *testing.T) {
	m := New(Options{})
	e := m.opt.KB.Match(kbQuery(model.Microsoft, 451, "4.7.0", "Temporary server error. Please try again later. PRX4")).Entry
	burst, named := fixSteps(e, model.Burst), false
	for _, n := range burst {
		named = named || strings.Contains(strings.ToLower(e.Fix[n-1]), "for bursts")
	}
	if !named || len(burst) > 3 {
		t.Errorf("burst steps %v miss the one for bursts", burst)
	}
	sust := fixSteps(e, model.Sustained)
	found := false
	for _, n := range sust {
		found = found || strings.Contains(e.Fix[n-1], "SNDS")
	}
	if !found {
		t.Errorf("sustained steps %v miss the reputation step", sust)
	}
}

func kbQuery(provider string, code int, enh, text string) kb.Query {
	return kb.Query{Provider: provider, Reply: model.Reply{Code: code, Enhanced: enh, Text: text}}
}
