package tui

import (
	"bufio"
	"bytes"
	"os"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/model/kb"
	"github.com/relaytop/relaytop/sources/demo"
	"github.com/relaytop/relaytop/sources/postfix"
	"github.com/relaytop/relaytop/sources/syslog"
	"github.com/relaytop/relaytop/themes"
)

func TestMain(m *testing.M) {
	// Screens show local times; pin the zone so golden files do not
	// depend on the machine.
	time.Local = time.UTC
	os.Exit(m.Run())
}

// fixtureStart is t=0 of the fixture's simulated campaign.
var fixtureStart = time.Date(2026, 11, 27, 16, 40, 0, 0, time.UTC)

var (
	fixtureMu   sync.Mutex
	fixtureLog  []byte
	fixtureSnap = map[time.Duration]*model.Snapshot{}
)

// fixtureAt returns a snapshot of the demo campaign (seed 1) read through
// the real Postfix parser, with the windows ending at fixtureStart+at.
// Lines after that time are not fed.
func fixtureAt(t testing.TB, at time.Duration) *model.Snapshot {
	t.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if s, ok := fixtureSnap[at]; ok {
		return s
	}
	if fixtureLog == nil {
		var buf bytes.Buffer
		if _, err := demo.Write(&buf, demo.Config{Seed: 1, Start: fixtureStart}, 150000); err != nil {
			t.Fatal(err)
		}
		fixtureLog = buf.Bytes()
	}
	buf := bytes.NewReader(fixtureLog)
	end := fixtureStart.Add(at)
	p := postfix.New(syslog.Fixed(fixtureStart.Add(24 * time.Hour)))
	p.Syslog.Loc = time.UTC
	agg := model.NewAggregator(model.Config{Verdicts: kb.Default().Verdicts()})
	sc := bufio.NewScanner(buf)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var evs []model.Event
	b := model.Batch{}
	for sc.Scan() {
		evs, _ = p.Parse(sc.Bytes(), evs[:0])
		b.Lines++
		for i := range evs {
			if evs[i].Time.After(end) {
				continue
			}
			agg.Add(&evs[i])
		}
	}
	agg.AddBatch(&model.Batch{Lines: b.Lines})
	s := agg.Snapshot(end)
	s.Sources = []model.SourceState{{Name: "/var/log/mail.log", State: "following", Lines: b.Lines}}
	s.Rate = 41
	fixtureSnap[at] = s
	return s
}

// newTestModel returns a dashboard of size w x h showing snap, with the
// no-colour theme so that golden files hold text only.
func newTestModel(t testing.TB, snap *model.Snapshot, w, h int) Model {
	t.Helper()
	m := New(Options{Theme: themes.NoColor, Window: model.W5m, Now: func() time.Time { return snap.Now }})
	next, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	next, _ = next.Update(snapshotMsg{snap})
	return next.(Model)
}

// press sends keys (names as key.Matches knows them) to m.
func press(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		next, _ := m.Update(keyMsg(k))
		m = next.(Model)
	}
	return m
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+b":
		return tea.KeyPressMsg{Code: 'b', Mod: tea.ModCtrl}
	case "ctrl+f":
		return tea.KeyPressMsg{Code: 'f', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}
