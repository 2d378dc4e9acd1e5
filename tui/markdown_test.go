package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/relaytop/relaytop/model/kb"
	"github.com/relaytop/relaytop/themes"
)

func TestRenderMarkdownBlocks(t *testing.T) {
	st := themes.New(themes.NoColor, true)
	md := "# Title\n\n## What it means\n\nOne two\nthree four five six seven.\n\n" +
		"- first item that is long enough\n  to wrap here\n- second\n\n" +
		"1. step one runs over\n   two lines of text\n2. step two\n\n---\n\n" +
		"**Is it lost?**\nNo. It stays queued.\n**Why?**\nBecause.\n"
	got := ansi.Strip(strings.Join(RenderMarkdown(md, 24, st), "\n"))
	want := strings.Join([]string{
		"Title",
		"",
		"What it means",
		"",
		"One two three four five",
		"six seven.",
		"",
		"• first item that is",
		"  long enough to wrap",
		"  here",
		"• second",
		"",
		"1. step one runs over",
		"   two lines of text",
		"2. step two",
		"",
		"────────────────────────",
		"",
		"Is it lost?",
		"No. It stays queued.",
		"Why?",
		"Because.",
	}, "\n")
	if got != want {
		t.Fatalf("got:\n%s\n\nwant:\n%s", got, want)
	}
}

func TestRenderMarkdownInline(t *testing.T) {
	st := themes.New(themes.Dark, true)
	lines := RenderMarkdown("Set `max-smtp-out 1` and **never** retry \\<now\\>. A * star and a ` tick stay.", 200, st)
	if len(lines) != 1 {
		t.Fatalf("want one line, got %q", lines)
	}
	if got, want := ansi.Strip(lines[0]), "Set max-smtp-out 1 and never retry <now>. A * star and a ` tick stay."; got != want {
		t.Fatalf("text %q, want %q", got, want)
	}
	if !strings.Contains(lines[0], st.Code.Render("max-smtp-out")) {
		t.Errorf("code span not in the code style: %q", lines[0])
	}
	if !strings.Contains(lines[0], st.Code.Render("1")) {
		t.Errorf("second word of the code span not in the code style: %q", lines[0])
	}
	if strings.Contains(lines[0], "`max") || strings.Contains(lines[0], "**") {
		t.Errorf("markup left in the text: %q", lines[0])
	}
}

// Every line of every entry fits the width, at widths from 10 to 120, and
// no word of the entry is lost.
func TestRenderMarkdownFitsEveryEntry(t *testing.T) {
	k := kb.Default()
	st := themes.New(themes.Dark, true)
	for _, e := range k.Entries() {
		md := e.Markdown()
		for _, w := range []int{10, 23, 40, 80, 120} {
			lines := RenderMarkdown(md, w, st)
			var words int
			for i, l := range lines {
				if lw := ansi.StringWidth(l); lw > w {
					t.Fatalf("%s at %d: line %d is %d cells: %q", e.ID, w, i, lw, ansi.Strip(l))
				}
				words += len(strings.Fields(ansi.Strip(l)))
			}
			if w == 120 && words < len(strings.Fields(e.Meaning)) {
				t.Fatalf("%s: %d words rendered, fewer than the meaning alone", e.ID, words)
			}
		}
	}
}

// Hostile text (escape sequences, a very long word) never reaches the
// terminal raw and never overflows.
// Wide characters wrap whole: none is cut, none overflows the width.
func TestRenderMarkdownWide(t *testing.T) {
	st := themes.New(themes.NoColor, true)
	for w := 10; w <= 13; w++ {
		lines := RenderMarkdown("x 日本語のメールサーバーが一時的に応答しません", w, st)
		var all string
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Fatalf("width %d: line %q is %d cells", w, l, ansi.StringWidth(l))
			}
			all += l
		}
		if all != "x日本語のメールサーバーが一時的に応答しません" {
			t.Fatalf("width %d: text changed: %q", w, all)
		}
	}
}

func TestRenderMarkdownHostile(t *testing.T) {
	st := themes.New(themes.NoColor, true)
	md := "evil \x1b]0;title\x07 text \x1b[2J and " + strings.Repeat("x", 50) + " **bold \x1b[31m**"
	for _, l := range RenderMarkdown(md, 20, st) {
		if strings.Contains(l, "\x07") || strings.Contains(l, "\x1b]") || strings.Contains(l, "\x1b[2J") || strings.Contains(l, "\x1b[31m") {
			t.Fatalf("raw control sequence in %q", l)
		}
		if ansi.StringWidth(l) > 20 {
			t.Fatalf("line over 20 cells: %q", l)
		}
	}
}
