package tui

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/model/kb"
	"github.com/relaytop/relaytop/themes"
)

// selectSig moves the signature selection to the first signature whose
// key matches provider, code and enhanced code.
func selectSig(t *testing.T, m Model, provider string, code int, enh string) Model {
	t.Helper()
	m = press(t, m, "tab")
	items := m.sigItems()
	for i, it := range items {
		k := it.row.Key
		if k.Provider == provider && k.Code == code && k.Enhanced == enh {
			for j := 0; j < i; j++ {
				m = press(t, m, "down")
			}
			return m
		}
	}
	t.Fatalf("no %s %d %s signature among %d", provider, code, enh, len(items))
	return m
}

func TestGolden(t *testing.T) {
	sizes := [][2]int{{80, 24}, {200, 50}}
	screens := []struct {
		name string
		at   time.Duration
		keys func(t *testing.T, m Model) Model
	}{
		{"main_burst", 3 * time.Minute, func(t *testing.T, m Model) Model { return m }},
		{"main_sustained", 18 * time.Minute, func(t *testing.T, m Model) Model { return m }},
		{"provider_microsoft", 18 * time.Minute, func(t *testing.T, m Model) Model {
			if k := m.tableRows()[0].Key; k != model.Microsoft {
				t.Fatalf("first provider is %s", k)
			}
			return press(t, m, "enter")
		}},
		{"explain_451_4.7.0", 18 * time.Minute, func(t *testing.T, m Model) Model {
			return press(t, selectSig(t, m, model.Microsoft, 451, "4.7.0"), "enter")
		}},
	}
	for _, sc := range screens {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, sz[0], sz[1]), func(t *testing.T) {
				m := sc.keys(t, newTestModel(t, fixtureAt(t, sc.at), sz[0], sz[1]))
				out := m.View().Content
				checkScreen(t, out, sz[0], sz[1])
				golden.RequireEqual(t, []byte(out))
			})
		}
	}
}

// checkScreen asserts the screen is exactly w x h cells at most.
func checkScreen(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("line %d is %d cells wide, terminal %d: %q", i, lw, w, l)
		}
	}
}

// TestScreensFit renders every screen at every width from 40 to 200 and
// checks that no line is wider than the terminal and that the screen has
// exactly the terminal's height.
func TestScreensFit(t *testing.T) {
	snap := fixtureAt(t, 18*time.Minute)
	screens := map[string][]string{
		"main":     nil,
		"domains":  {"g"},
		"provider": {"enter"},
		"domain":   {"enter", "enter"},
		"explain":  {"tab", "enter"},
		"help":     {"?"},
		"info":     {"i"},
	}
	for name, keys := range screens {
		for _, h := range []int{10, 24, 50} {
			for w := 40; w <= 200; w++ {
				m := press(t, newTestModel(t, snap, w, h), keys...)
				out := m.View().Content
				lines := strings.Split(out, "\n")
				if len(lines) != h {
					t.Fatalf("%s at %dx%d: %d lines", name, w, h, len(lines))
				}
				for i, l := range lines {
					if lw := lipgloss.Width(l); lw > w {
						t.Fatalf("%s at %dx%d: line %d is %d wide: %q", name, w, h, i, lw, l)
					}
				}
			}
		}
	}
}

func TestTooSmall(t *testing.T) {
	m := newTestModel(t, fixtureAt(t, 3*time.Minute), 20, 5)
	out := m.View().Content
	checkScreen(t, out, 20, 5)
	if !strings.Contains(strings.ReplaceAll(out, "\n", " "), "too small") {
		t.Fatalf("no message: %q", out)
	}
}

func TestWaitingForData(t *testing.T) {
	m := New(Options{})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	out := next.(Model).View().Content
	checkScreen(t, out, 80, 24)
	if !strings.Contains(out, "waiting for data") {
		t.Fatalf("got %q", out)
	}
}

// TestThemes renders the main screen in every theme, on dark and light
// backgrounds: colour must never be the only carrier of meaning, so the
// verdict word is always there.
func TestThemes(t *testing.T) {
	snap := fixtureAt(t, 18*time.Minute)
	for _, th := range []themes.Kind{themes.Auto, themes.Dark, themes.Light, themes.NoColor} {
		for _, dark := range []bool{true, false} {
			m := New(Options{Theme: th, Now: func() time.Time { return snap.Now }})
			next, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
			next, _ = next.Update(bgMsg(dark))
			next, _ = next.Update(snapshotMsg{snap})
			out := next.(Model).View().Content
			checkScreen(t, out, 100, 30)
			if !strings.Contains(out, "SUSTAINED") {
				t.Errorf("theme %v dark=%v: no verdict word", th, dark)
			}
			if th == themes.NoColor && strings.Contains(out, "38;") {
				t.Errorf("no-colour theme emits a colour")
			}
		}
	}
}

func bgMsg(dark bool) tea.BackgroundColorMsg {
	if dark {
		return tea.BackgroundColorMsg{Color: color.Black}
	}
	return tea.BackgroundColorMsg{Color: color.White}
}

// themed is newTestModel with the dark theme.
func themed(t testing.TB, snap *model.Snapshot, w, h int) Model {
	t.Helper()
	m := New(Options{Theme: themes.Dark, Window: model.W5m, Now: func() time.Time { return snap.Now }})
	next, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	next, _ = next.Update(snapshotMsg{snap})
	return next.(Model)
}

// TestDemoSignaturesExplained opens the explanation of every signature of
// the demo campaign and checks that each matches an entry more specific
// than its class digit (issue 3: no signature is left with only "4xx").
func TestDemoSignaturesExplained(t *testing.T) {
	for _, at := range []time.Duration{3 * time.Minute, 18 * time.Minute, 30 * time.Minute} {
		m := newTestModel(t, fixtureAt(t, at), 120, 40)
		m = press(t, m, "tab")
		items := m.sigItems()
		if len(items) < 10 {
			t.Fatalf("only %d signatures", len(items))
		}
		for i := range items {
			e := press(t, m, "enter")
			_, match := e.explained()
			if match.Level <= kb.LevelClass {
				t.Errorf("%v: %s matched only %s (%s)", at, items[i].row.Key, match.Level, match.Reason)
			}
			m = press(t, m, "down")
		}
	}
}

// TestGoldenPanel snapshots the explanation panel of three entries at
// 80x24 and 120x40.
func TestGoldenPanel(t *testing.T) {
	sigs := []struct {
		name, provider string
		code           int
		enh            string
	}{
		{"microsoft_451_4.7.0", model.Microsoft, 451, "4.7.0"},
		{"yahoo_421_tss04", model.Yahoo, 421, "4.7.0"},
		{"google_550_5.1.1", model.Google, 550, "5.1.1"},
	}
	for _, sg := range sigs {
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s_%dx%d", sg.name, sz[0], sz[1]), func(t *testing.T) {
				m := newTestModel(t, fixtureAt(t, 18*time.Minute), sz[0], sz[1])
				m = press(t, selectSig(t, m, sg.provider, sg.code, sg.enh), "enter")
				if _, match := m.explained(); !match.Entry.Deep {
					t.Fatalf("%s: not a deep entry: %s", sg.name, match.Entry.ID)
				}
				out := m.View().Content
				checkScreen(t, out, sz[0], sz[1])
				golden.RequireEqual(t, []byte(out))
			})
		}
	}
}
