package tui

import (
	"sync"

	"github.com/relaytop/relaytop/model/kb"
)

// mdCache remembers rendered entries, so that View does not wrap and style
// a long entry in every frame. It is shared by every copy of the Model.
type mdCache struct {
	mu sync.Mutex
	m  map[mdKey][]string
}

type mdKey struct {
	id     string
	width  int
	theme  string
	isDark bool
}

const mdCacheMax = 64

// renderEntry returns e rendered for width w, as lines.
func (m Model) renderEntry(e *kb.Entry, w int) []string {
	key := mdKey{e.ID, w, m.opt.Theme.String(), m.isDark}
	c := m.md
	c.mu.Lock()
	defer c.mu.Unlock()
	if lines, ok := c.m[key]; ok {
		return lines
	}
	lines := RenderMarkdown(e.Markdown(), w, m.styles)
	if len(c.m) >= mdCacheMax {
		c.m = map[mdKey][]string{}
	}
	c.m[key] = lines
	return lines
}
