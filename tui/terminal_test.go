package tui

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/relaytop/relaytop/themes"
)

// TestResizeStorm resizes the dashboard hundreds of times, on every
// screen, to sizes from 1x1 to 300x100: it must never panic, and every
// frame must fit the terminal.
func TestResizeStorm(t *testing.T) {
	snap := fixtureAt(t, 18*time.Minute)
	rng := rand.New(rand.NewSource(1))
	for _, keys := range [][]string{nil, {"enter"}, {"tab", "enter"}, {"?"}, {"i"}, {"g", "enter"}} {
		m := press(t, newTestModel(t, snap, 80, 24), keys...)
		for i := 0; i < 300; i++ {
			w, h := 1+rng.Intn(300), 1+rng.Intn(100)
			next, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			m = next.(Model)
			if i%7 == 0 {
				m = press(t, m, "down", "pgdown")
			}
			out := m.View().Content
			lines := strings.Split(out, "\n")
			if len(lines) != h {
				t.Fatalf("%v at %dx%d: %d lines", keys, w, h, len(lines))
			}
			for _, l := range lines {
				if lipgloss.Width(l) > w {
					t.Fatalf("%v at %dx%d: a line is %d wide", keys, w, h, lipgloss.Width(l))
				}
			}
		}
	}
}

// TestColourProfiles checks what 16-colour, 256-colour and colourless
// terminals get (Bubble Tea downsamples our true colours for them): the
// same text, no colour sequence the profile cannot show, and a selected
// row whose text colour still differs from its background.
func TestColourProfiles(t *testing.T) {
	snap := fixtureAt(t, 18*time.Minute)
	for _, theme := range []themes.Kind{themes.Dark, themes.Light} {
		m := New(Options{Theme: theme, Now: func() time.Time { return snap.Now }})
		next, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		next, _ = next.Update(snapshotMsg{snap})
		out := next.(Model).View().Content
		plain := ansi.Strip(out)
		st := themes.New(theme, theme != themes.Light)
		for _, p := range []colorprofile.Profile{colorprofile.ANSI, colorprofile.ANSI256, colorprofile.Ascii} {
			var b strings.Builder
			w := &colorprofile.Writer{Forward: &b, Profile: p}
			if _, err := w.WriteString(out); err != nil {
				t.Fatal(err)
			}
			got := b.String()
			if ansi.Strip(got) != plain {
				t.Errorf("%v %v: the text changed", theme, p)
			}
			if p != colorprofile.ANSI256 && strings.Contains(got, "38;5;") {
				t.Errorf("%v %v: 256-colour sequences remain", theme, p)
			}
			if strings.Contains(got, "38;2;") || strings.Contains(got, "48;2;") {
				t.Errorf("%v %v: true-colour sequences remain", theme, p)
			}
			if p != colorprofile.Ascii {
				fg, bg := p.Convert(st.Selected.GetForeground()), p.Convert(st.Selected.GetBackground())
				if colorEq(fg, bg) {
					t.Errorf("%v %v: the selected row's text colour equals its background", theme, p)
				}
			}
		}
	}
}

func colorEq(a, b interface{ RGBA() (r, g, b, a uint32) }) bool {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2
}
