package kb

import (
	"fmt"
	"strings"
)

// Markdown returns the entry as one Markdown document, sections in display
// order, for a renderer such as tui.RenderMarkdown; the title is left to the caller.
func (e *Entry) Markdown() string {
	var b strings.Builder
	section := func(title, body string) {
		if strings.TrimSpace(body) == "" {
			return
		}
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", title, escapeAngles(body))
	}
	section("What it means", e.Meaning)
	section("What a sender should do", e.Advice)
	section("Who sends it", e.WhoSends)
	section("Why it happens", e.Why)
	if len(e.Fix) > 0 {
		section("How to fix it", numbered(e.Fix))
	}
	section("In bulk and cold email", e.Bulk)
	if len(e.FAQ) > 0 {
		var f strings.Builder
		for i, qa := range e.FAQ {
			if i > 0 {
				f.WriteString("\n\n")
			}
			fmt.Fprintf(&f, "**%s**\n%s", qa.Q, qa.A)
		}
		section("FAQ", f.String())
	}
	switch e.kind {
	case kindEnhanced, kindSubject:
		section("Subject", e.ClassMeaning)
	case kindClass, kindBasic:
		section("Class", e.ClassMeaning)
	}
	section("Defined in", e.RFC)
	section("Typical basic codes", strings.Join(e.TypicalBasic, " "))
	if len(e.Sources) > 0 {
		section("Sources", "- "+strings.Join(e.Sources, "\n- "))
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// escapeAngles escapes '<' outside code spans, so that reply samples like
// "<user@example.com>" are shown as text rather than dropped as HTML.
func escapeAngles(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	inCode := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '`':
			inCode = !inCode
			b.WriteByte(c)
		case c == '<' && !inCode:
			b.WriteString("\\<")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
