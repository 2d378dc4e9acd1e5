package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/relaytop/relaytop/model"
)

// key handles a key press.
func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	// Model is a value; give this one its own frames before changing them.
	m.stack = append([]frame(nil), m.stack...)
	k := m.keys
	// The filter input takes every key while it is open.
	if m.filtering {
		switch msg.String() {
		case "esc":
			m.filtering = false
			m.filter.Blur()
			m.top().filter = ""
			m.filter.SetValue("")
			m.clampScroll()
			return m, nil
		case "enter":
			m.filtering = false
			m.filter.Blur()
			return m, nil
		case "ctrl+c":
			return m, tea.Quit
		}
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg)
		m.top().filter = m.filter.Value()
		m.clampScroll()
		return m, cmd
	}
	if key.Matches(msg, k.Quit) {
		return m, tea.Quit
	}
	// Overlays close with their own key, esc, or q (which quits).
	if m.overlay != noOverlay {
		switch {
		case key.Matches(msg, k.Back), key.Matches(msg, k.Help) && m.overlay == helpOverlay,
			key.Matches(msg, k.Info) && m.overlay == infoOverlay:
			m.overlay = noOverlay
		case key.Matches(msg, k.Help):
			m.overlay = helpOverlay
		case key.Matches(msg, k.Info):
			m.overlay = infoOverlay
		case key.Matches(msg, k.Pause):
			m.togglePause()
		}
		return m, nil
	}
	f := m.top()
	switch {
	case key.Matches(msg, k.Help):
		m.overlay = helpOverlay
	case key.Matches(msg, k.Info):
		m.overlay = infoOverlay
	case key.Matches(msg, k.Pause):
		m.togglePause()
	case key.Matches(msg, k.Window):
		m.window = (m.window + 1) % model.NumWindows
		m.clampScroll()
	case key.Matches(msg, k.Group):
		if f.kind == frameMain {
			m.group = nextGroup(m.snap, m.group)
			f.sel[paneTable], f.cur[paneTable], f.top[paneTable] = "", 0, 0
		}
	case key.Matches(msg, k.Sort):
		if f.focus == paneSigs {
			m.sigSort = (m.sigSort + 1) % numSigSorts
		} else {
			m.sortBy = (m.sortBy + 1) % numSortKeys
		}
		m.clampScroll()
	case key.Matches(msg, k.Filter):
		if f.kind != frameExplain {
			m.filtering = true
			m.filter.SetValue(f.filter)
			m.filter.CursorEnd()
			return m, m.filter.Focus()
		}
	case key.Matches(msg, k.Tab):
		ps := m.panes()
		if len(ps) > 1 {
			if f.focus == ps[0] {
				f.focus = ps[1]
			} else {
				f.focus = ps[0]
			}
		}
	case key.Matches(msg, k.Back):
		switch {
		case len(m.stack) > 1:
			m.stack = m.stack[:len(m.stack)-1]
		case f.filter != "":
			f.filter = ""
		}
	case key.Matches(msg, k.Enter):
		m.enter()
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-max(1, m.pageSize()))
	case key.Matches(msg, k.PageDown):
		m.move(max(1, m.pageSize()))
	case key.Matches(msg, k.Top):
		m.move(-1 << 30)
	case key.Matches(msg, k.Bottom):
		m.move(1 << 30)
	}
	return m, nil
}

func (m *Model) togglePause() {
	m.paused = !m.paused
	if !m.paused && m.latest != nil {
		m.snap = m.latest
	}
}

// pageSize is the number of rows a page key moves.
func (m Model) pageSize() int {
	f := m.stack[len(m.stack)-1]
	if f.kind == frameExplain {
		return m.layout().body - 2
	}
	return m.layout().paneRows(f.focus) - 1
}

// move moves the focused pane's selection, or scrolls the explanation.
func (m *Model) move(d int) {
	f := m.top()
	if f.kind == frameExplain {
		f.scroll = clamp(f.scroll+d, 0, max(0, m.explainLines()-m.layout().body))
		return
	}
	keys := m.paneKeys(f.focus)
	if len(keys) == 0 {
		return
	}
	i := clamp(cursor(f, f.focus, keys)+d, 0, len(keys)-1)
	f.cur[f.focus], f.sel[f.focus] = i, keys[i]
	f.top[f.focus] = visibleTop(f.top[f.focus], i, m.layout().paneRows(f.focus), len(keys))
}

// clampScroll keeps every pane's scroll position valid after the rows or
// the size changed.
func (m *Model) clampScroll() {
	f := m.top()
	l := m.layout()
	for _, p := range m.panes() {
		keys := m.paneKeys(p)
		i := cursor(f, p, keys)
		f.top[p] = visibleTop(f.top[p], i, l.paneRows(p), len(keys))
	}
	if f.kind == frameExplain {
		f.scroll = clamp(f.scroll, 0, max(0, m.explainLines()-l.body))
	}
}

// enter drills into the selected row.
func (m *Model) enter() {
	f := m.top()
	switch {
	case f.kind == frameExplain:
		return
	case f.focus == paneSigs:
		items := m.sigItems()
		if len(items) == 0 {
			return
		}
		it := items[cursor(f, paneSigs, m.paneKeys(paneSigs))]
		if b := it.backoff; b != nil {
			k := b.Key
			m.stack = append(m.stack, frame{kind: frameExplain, sig: k, backoff: backoffID(b), provider: k.Provider, domain: f.domain, dim: f.dim})
			return
		}
		m.stack = append(m.stack, frame{kind: frameExplain, sig: it.row.Key, provider: it.row.Key.Provider, domain: f.domain, dim: f.dim})
	default:
		rows := m.tableRows()
		if len(rows) == 0 {
			return
		}
		r := rows[cursor(f, paneTable, m.paneKeys(paneTable))]
		switch {
		case f.kind == frameMain && m.group == byProvider:
			m.stack = append(m.stack, frame{kind: frameProvider, provider: r.Key})
		case f.kind == frameMain:
			m.stack = append(m.stack, frame{kind: frameDomain, domain: r.Key, dim: m.group, provider: r.Provider, focus: paneSigs})
		default:
			m.stack = append(m.stack, frame{kind: frameDomain, domain: r.Key, dim: byDomain, provider: r.Provider, focus: paneSigs})
		}
	}
}
