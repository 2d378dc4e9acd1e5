package tui

import (
	"strings"
	"sync"

	"charm.land/glamour/v2"
	gansi "charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"

	"github.com/relaytop/relaytop/model/kb"
	"github.com/relaytop/relaytop/themes"
)

// mdCache remembers rendered entries: glamour takes milliseconds, View
// must not. It is shared by every copy of the Model.
type mdCache struct {
	mu sync.Mutex
	m  map[mdKey][]string
}

type mdKey struct {
	id    string
	width int
	style string
}

const mdCacheMax = 64

// entryStyle picks glamour's style for the theme.
func (m Model) entryStyle() (string, gansi.StyleConfig) {
	switch {
	case m.opt.Theme == themes.NoColor:
		return styles.NoTTYStyle, styles.NoTTYStyleConfig
	case m.opt.Theme == themes.Light || (m.opt.Theme == themes.Auto && !m.isDark):
		return styles.LightStyle, styles.LightStyleConfig
	}
	return styles.DarkStyle, styles.DarkStyleConfig
}

// renderEntry returns e rendered with glamour for width w, as lines.
func (m Model) renderEntry(e *kb.Entry, w int) []string {
	name, cfg := m.entryStyle()
	key := mdKey{e.ID, w, name}
	c := m.md
	c.mu.Lock()
	if lines, ok := c.m[key]; ok {
		c.mu.Unlock()
		return lines
	}
	c.mu.Unlock()
	lines := glamourLines(e.Markdown(), w, cfg)
	c.mu.Lock()
	if len(c.m) >= mdCacheMax {
		c.m = map[mdKey][]string{}
	}
	c.m[key] = lines
	c.mu.Unlock()
	return lines
}

// glamourLines renders markdown at width w; if glamour fails, the text is
// shown wrapped as it is, never nothing.
func glamourLines(md string, w int, cfg gansi.StyleConfig) []string {
	// Glamour adds a two-cell margin of its own; keep the block within w.
	cfg.Document.Margin = uintPtr(0)
	r, err := glamour.NewTermRenderer(glamour.WithStyles(cfg), glamour.WithWordWrap(max(20, w)))
	if err == nil {
		var out string
		if out, err = r.Render(md); err == nil {
			lines := strings.Split(strings.Trim(out, "\n"), "\n")
			for i, l := range lines {
				lines[i] = strings.TrimRight(l, " ")
			}
			return lines
		}
	}
	return prose(md, w)
}

func uintPtr(u uint) *uint { return &u }
