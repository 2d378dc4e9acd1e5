// Package tui is relaytop's dashboard, a Bubble Tea v2 program. It renders
// immutable model.Snapshots that arrive at a bounded rate and never does
// I/O in Update: data comes in as messages, keys change view state only.
package tui

import (
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/model/kb"
	"github.com/relaytop/relaytop/themes"
)

// Options configures the dashboard.
type Options struct {
	// Snapshots delivers the data; the dashboard takes one at a time.
	Snapshots <-chan *model.Snapshot
	// KB explains replies (default kb.Default()).
	KB *kb.KB
	// Theme chooses colours; Auto follows the terminal's background.
	Theme themes.Kind
	// Window is the rolling window shown first.
	Window model.Window
	// Now is the wall clock, for "ago" figures (default time.Now).
	Now func() time.Time
	// Title names the session in the header ("demo").
	Title string
	// Bell rings the terminal bell when a verdict turns sustained or
	// aging; OnAlert, when set, is called with each such episode, from a
	// command (not from Update): it must not block for long.
	Bell    bool
	OnAlert func(Alert)
}

// Model is the root model: the only tea.Model of the dashboard.
type Model struct {
	opt    Options
	keys   KeyMap
	styles themes.Styles
	isDark bool

	width, height int

	snap   *model.Snapshot // shown
	latest *model.Snapshot // newest received (differs while paused)
	paused bool

	window  model.Window
	group   groupBy
	sortBy  sortKey
	sigSort sigSortKey

	stack   []frame
	overlay overlay

	filtering bool
	filter    textinput.Model
	help      help.Model

	md     *mdCache
	alerts *alerts
}

type overlay int

const (
	noOverlay overlay = iota
	helpOverlay
	infoOverlay
)

// snapshotMsg carries a new snapshot into Update.
type snapshotMsg struct{ s *model.Snapshot }

// New returns the dashboard model.
func New(opt Options) Model {
	if opt.KB == nil {
		opt.KB = kb.Default()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	m := Model{opt: opt, keys: DefaultKeyMap(), isDark: true, window: opt.Window,
		stack: []frame{{kind: frameMain}}, help: help.New(), filter: textinput.New(), md: &mdCache{m: map[mdKey][]string{}},
		alerts: &alerts{}}
	m.filter.Prompt = "/"
	m.filter.Placeholder = "filter"
	m.filter.CharLimit = 200
	m.applyTheme()
	return m
}

func (m *Model) applyTheme() {
	m.styles = themes.New(m.opt.Theme, m.isDark)
	m.help.Styles = m.styles.Help
	st := textinput.DefaultStyles(m.isDark)
	if m.opt.Theme == themes.NoColor {
		st = textinput.Styles{}
	}
	m.filter.SetStyles(st)
}

// Init asks for the terminal's background and waits for data.
func (m Model) Init() tea.Cmd {
	return tea.Batch(waitSnapshot(m.opt.Snapshots), tea.RequestBackgroundColor)
}

// waitSnapshot waits for the next snapshot. Exactly one such Cmd is in
// flight at a time: each snapshotMsg re-arms it.
func waitSnapshot(ch <-chan *model.Snapshot) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return nil
		}
		return snapshotMsg{s}
	}
}

// Update handles, in order: window and terminal facts, data, then keys
// (the filter input first when it is open, then overlays, then the view).
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.stack = append([]frame(nil), m.stack...)
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.filter.SetWidth(max(10, msg.Width-4))
		m.clampScroll()
		return m, nil
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		m.applyTheme()
		return m, nil
	case snapshotMsg:
		m.latest = msg.s
		if !m.paused || m.snap == nil {
			m.snap = msg.s
		}
		return m, tea.Batch(waitSnapshot(m.opt.Snapshots), m.checkAlerts(msg.s))
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg:
		if m.filtering {
			m.stack = append([]frame(nil), m.stack...)
			var cmd tea.Cmd
			m.filter, cmd = m.filter.Update(msg)
			m.top().filter = m.filter.Value()
			return m, cmd
		}
	}
	if m.filtering {
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg)
		return m, cmd
	}
	return m, nil
}

// top returns the current frame.
func (m *Model) top() *frame { return &m.stack[len(m.stack)-1] }
