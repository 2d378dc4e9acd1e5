// Package themes holds relaytop's Lip Gloss styles: one struct of semantic
// names, built for a dark or light terminal background or for no colour
// at all. Colours are chosen from the background the terminal reports
// (tea.BackgroundColorMsg), never by probing the local terminal, which
// over SSH is not the one the operator looks at.
package themes

import (
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/guptarohit/asciigraph"
)

// Kind selects a theme.
type Kind int

// The themes.
const (
	// Auto follows the terminal's reported background (dark until known).
	Auto Kind = iota
	Dark
	Light
	// NoColor uses no colour at all, only bold, faint and reverse video:
	// for NO_COLOR and monochrome terminals.
	NoColor
)

// ParseKind reads "auto", "dark", "light" or "none" (also "no-color").
func ParseKind(s string) (Kind, bool) {
	switch strings.ToLower(s) {
	case "auto", "":
		return Auto, true
	case "dark":
		return Dark, true
	case "light":
		return Light, true
	case "none", "no-color", "nocolor", "mono":
		return NoColor, true
	}
	return Auto, false
}

// String returns the theme's flag value.
func (k Kind) String() string {
	switch k {
	case Dark:
		return "dark"
	case Light:
		return "light"
	case NoColor:
		return "none"
	}
	return "auto"
}

// Styles are the semantic styles every panel draws with.
type Styles struct {
	// NoColor is set for the colourless theme; panels then mark state
	// with text as well (they always do: colour never carries meaning alone).
	NoColor bool

	App         lipgloss.Style // the program name in the header
	Header      lipgloss.Style // header text
	Dim         lipgloss.Style // secondary text
	Paused      lipgloss.Style // the PAUSED badge
	Section     lipgloss.Style // a pane's title when the pane has focus
	SectionBlur lipgloss.Style // a pane's title otherwise
	ColHeader   lipgloss.Style // table column titles
	Selected    lipgloss.Style // the selected row of the focused pane
	SelectBlur  lipgloss.Style // the selected row of another pane
	Good        lipgloss.Style // healthy figures
	Warn        lipgloss.Style // figures worth a look
	Bad         lipgloss.Style // figures in alarm
	Accent      lipgloss.Style // links, matched entries
	Heading     lipgloss.Style // headings in the explanation panel
	Code        lipgloss.Style // reply codes
	Box         lipgloss.Style // the help and input overlays
	Help        help.Styles

	// Graph colours for asciigraph (0 means none).
	GraphLine, GraphAlarm asciigraph.AnsiColor
}

// New builds the styles for kind; isDark matters for Auto only.
func New(kind Kind, isDark bool) Styles {
	switch kind {
	case NoColor:
		return noColor()
	case Dark:
		isDark = true
	case Light:
		isDark = false
	}
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	fg := c("#1f2328", "#e6edf3")
	dim := c("#6e7781", "#8b949e")
	accent := c("#0550ae", "#79c0ff")
	good := c("#116329", "#56d364")
	warn := c("#7d4e00", "#e3b341")
	bad := c("#a40e26", "#ff7b72")
	selBg := c("#ddf4ff", "#1f3a5f")
	blurBg := c("#eaeef2", "#262c36")
	s := Styles{
		App:         lipgloss.NewStyle().Bold(true).Foreground(accent),
		Header:      lipgloss.NewStyle().Foreground(fg),
		Dim:         lipgloss.NewStyle().Foreground(dim),
		Paused:      lipgloss.NewStyle().Bold(true).Reverse(true).Foreground(warn),
		Section:     lipgloss.NewStyle().Bold(true).Foreground(accent),
		SectionBlur: lipgloss.NewStyle().Bold(true).Foreground(dim),
		ColHeader:   lipgloss.NewStyle().Foreground(dim).Bold(true),
		Selected:    lipgloss.NewStyle().Background(selBg).Foreground(fg).Bold(true),
		SelectBlur:  lipgloss.NewStyle().Background(blurBg).Foreground(fg),
		Good:        lipgloss.NewStyle().Foreground(good),
		Warn:        lipgloss.NewStyle().Foreground(warn).Bold(true),
		Bad:         lipgloss.NewStyle().Foreground(bad).Bold(true),
		Accent:      lipgloss.NewStyle().Foreground(accent),
		Heading:     lipgloss.NewStyle().Bold(true).Foreground(accent),
		Code:        lipgloss.NewStyle().Bold(true).Foreground(warn),
		Box:         lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(dim).Padding(0, 1),
		Help:        help.DefaultStyles(isDark),
		GraphLine:   asciigraph.DodgerBlue,
		GraphAlarm:  asciigraph.Red,
	}
	if !isDark {
		s.GraphLine = asciigraph.Blue
		s.GraphAlarm = asciigraph.DarkRed
	}
	return s
}

func noColor() Styles {
	plain := lipgloss.NewStyle()
	bold := plain.Bold(true)
	return Styles{
		NoColor:     true,
		App:         bold,
		Header:      plain,
		Dim:         plain.Faint(true),
		Paused:      bold.Reverse(true),
		Section:     bold,
		SectionBlur: plain,
		ColHeader:   plain.Faint(true),
		Selected:    plain.Reverse(true),
		SelectBlur:  bold,
		Good:        plain,
		Warn:        bold,
		Bad:         bold.Reverse(true),
		Accent:      plain,
		Heading:     bold,
		Code:        bold,
		Box:         plain.Border(lipgloss.NormalBorder()).Padding(0, 1),
		Help: help.Styles{
			Ellipsis: plain, ShortKey: bold, ShortDesc: plain, ShortSeparator: plain,
			FullKey: bold, FullDesc: plain, FullSeparator: plain,
		},
	}
}
