package tui

import (
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/themes"
)

// RenderMarkdown renders the Markdown the knowledge base is written in as
// lines of at most w cells, styled with st. It reads a small subset, the
// one the entries use: "#" and "##" headings, paragraphs, "- " and "1. "
// list items (lines that follow an item belong to it, and wrapped lines
// hang under its text), "---" rules, **bold**, `code` and backslash
// escapes; anything else is shown as the text it is. A paragraph line
// that is wholly bold (an FAQ question) keeps its own line.
//
// It replaces a general renderer (glamour) whose package state cost about
// 12 MB of memory and 40 ms at every start of the program, report
// included, for features the entries never use.
func RenderMarkdown(md string, w int, st themes.Styles) []string {
	w = max(w, 10)
	var out []string
	prevItem := false
	for _, b := range mdBlocks(md) {
		tight := b.kind == mdItem && prevItem && !b.afterBlank
		if len(out) > 0 && !tight {
			out = append(out, "")
		}
		prevItem = b.kind == mdItem
		switch b.kind {
		case mdHeading:
			hs := st.Heading
			if b.level == 1 {
				hs = hs.Underline(true)
			}
			out = append(out, mdWrap(b.lines, w, hs, st)...)
		case mdRule:
			out = append(out, st.Dim.Render(strings.Repeat("─", min(w, 40))))
		case mdItem:
			ind := ansi.StringWidth(b.marker) + 1
			for i, l := range mdWrap(b.lines, w-ind, lipgloss.NewStyle(), st) {
				pre := strings.Repeat(" ", ind)
				if i == 0 {
					pre = b.marker + " "
				}
				out = append(out, pre+l)
			}
		default:
			out = append(out, mdWrap(b.lines, w, lipgloss.NewStyle(), st)...)
		}
	}
	return out
}

type mdKind int

const (
	mdPara mdKind = iota
	mdHeading
	mdItem
	mdRule
)

// mdBlock is a heading, paragraph, list item or rule; lines are its hard
// lines (a paragraph's soft line breaks already joined with spaces).
type mdBlock struct {
	kind       mdKind
	level      int    // a heading's
	marker     string // an item's: "•" or "3."
	lines      []string
	afterBlank bool // a blank line came before it
}

func mdBlocks(md string) []mdBlock {
	var out []mdBlock
	var cur *mdBlock
	blank := false
	start := func(b mdBlock) {
		b.afterBlank = blank
		out = append(out, b)
		cur = &out[len(out)-1]
		blank = false
	}
	for _, raw := range strings.Split(md, "\n") {
		t := strings.TrimSpace(raw)
		indent := len(raw) - len(strings.TrimLeft(raw, " \t"))
		switch {
		case t == "":
			cur, blank = nil, true
		case indent < 4 && headingLevel(t) > 0:
			n := headingLevel(t)
			start(mdBlock{kind: mdHeading, level: n, lines: []string{strings.TrimSpace(t[n:])}})
			cur = nil
		case indent < 4 && (t == "---" || t == "***" || t == "___"):
			start(mdBlock{kind: mdRule})
			cur = nil
		case indent < 4 && itemMarker(t) != "":
			m := itemMarker(t)
			marker := "•"
			if m[0] >= '0' && m[0] <= '9' {
				marker = m[:len(m)-1]
			}
			start(mdBlock{kind: mdItem, marker: marker, lines: []string{t[len(m):]}})
		case cur == nil:
			start(mdBlock{kind: mdPara, lines: []string{t}})
		default:
			last := &cur.lines[len(cur.lines)-1]
			switch {
			case wholeBold(*last) || wholeBold(t) && cur.kind == mdPara:
				cur.lines = append(cur.lines, t)
			case strings.HasSuffix(raw, "  ") || strings.HasSuffix(*last, "\\"):
				*last = strings.TrimSuffix(*last, "\\")
				cur.lines = append(cur.lines, t)
			default:
				*last += " " + t
			}
		}
	}
	return out
}

// headingLevel returns n for a line "###... text" of n hashes (1 to 6).
func headingLevel(t string) int {
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n < len(t) && t[n] != ' ' {
		return 0
	}
	return n
}

// itemMarker returns "- " / "* " / "+ " or "12. " when t starts a list
// item, else "".
func itemMarker(t string) string {
	if len(t) >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ' {
		return t[:2]
	}
	i := 0
	for i < len(t) && i < 9 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(t) && t[i] == '.' && t[i+1] == ' ' {
		return t[:i+2]
	}
	return ""
}

// wholeBold reports a line that is one **bold** span.
func wholeBold(t string) bool {
	return len(t) > 4 && strings.HasPrefix(t, "**") && strings.HasSuffix(t, "**") &&
		!strings.Contains(t[2:len(t)-2], "**")
}

// Inline styles, as bits.
const (
	inBold = 1 << iota
	inCode
)

// piece is a run of text in one inline style.
type piece struct {
	text  string
	style int
}

// inline splits a line into styled runs: **bold**, `code` (nothing inside
// is markup) and backslash escapes of punctuation. The text is made safe
// for the terminal.
func inline(s string) []piece {
	var out []piece
	var b strings.Builder
	style := 0
	flush := func() {
		if b.Len() > 0 {
			out = append(out, piece{model.Safe(b.String()), style})
			b.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && asciiPunct(s[i+1]):
			b.WriteByte(s[i+1])
			i++
		case c == '`':
			if j := strings.IndexByte(s[i+1:], '`'); j >= 0 {
				flush()
				b.WriteString(s[i+1 : i+1+j])
				style |= inCode
				flush()
				style &^= inCode
				i += j + 1
			} else {
				b.WriteByte(c)
			}
		case c == '*' && i+1 < len(s) && s[i+1] == '*' && (style&inBold != 0 || strings.Contains(s[i+2:], "**")):
			flush()
			style ^= inBold
			i++
		default:
			b.WriteByte(c)
		}
	}
	flush()
	return out
}

func asciiPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')
}

// mdWrap wraps each hard line at w cells, word by word (a word longer than
// w is cut), and styles the runs: base for plain text, bold and code from
// st.
func mdWrap(lines []string, w int, base lipgloss.Style, st themes.Styles) []string {
	var out []string
	for _, l := range lines {
		out = append(out, wrapPieces(inline(l), max(w, 1), base, st)...)
	}
	return out
}

// word is a run of non-space text, possibly in several styles.
type word struct {
	pieces []piece
	width  int
}

func wrapPieces(ps []piece, w int, base lipgloss.Style, st themes.Styles) []string {
	var words []word
	join := false // the next text continues the last word
	for _, p := range ps {
		for i, f := range strings.Split(p.text, " ") {
			if i > 0 {
				join = false
			}
			if f == "" {
				continue
			}
			if join && len(words) > 0 {
				last := &words[len(words)-1]
				last.pieces = append(last.pieces, piece{f, p.style})
				last.width += ansi.StringWidth(f)
			} else {
				words = append(words, word{[]piece{{f, p.style}}, ansi.StringWidth(f)})
			}
			join = true
		}
		if strings.HasSuffix(p.text, " ") {
			join = false
		}
	}
	var out []string
	var line []piece
	lw := 0
	emit := func() {
		out = append(out, renderPieces(line, base, st))
		line, lw = nil, 0
	}
	for _, wd := range words {
		if lw > 0 && lw+1+wd.width > w {
			emit()
		}
		if lw > 0 {
			line = append(line, piece{" ", 0})
			lw++
		}
		for _, p := range wd.pieces {
			for p.text != "" {
				if lw >= w {
					emit()
				}
				head, tail := cutWidth(p.text, w-lw)
				hw := ansi.StringWidth(head)
				if lw > 0 && lw+hw > w {
					emit() // a wide character that does not fit: next line
					continue
				}
				line = append(line, piece{head, p.style})
				lw += hw
				p.text = tail
			}
		}
	}
	if len(line) > 0 || len(out) == 0 {
		emit()
	}
	return out
}

// cutWidth splits s after at most n cells, between graphemes; when not
// even one fits, after its first rune.
func cutWidth(s string, n int) (string, string) {
	head := ansi.Truncate(s, n, "")
	if head == "" {
		_, size := utf8.DecodeRuneInString(s)
		head = s[:size]
	}
	return head, s[len(head):]
}

// renderPieces styles a line's runs, merging neighbours of one style.
func renderPieces(ps []piece, base lipgloss.Style, st themes.Styles) string {
	var b strings.Builder
	for i := 0; i < len(ps); {
		j := i + 1
		text := ps[i].text
		for j < len(ps) && ps[j].style == ps[i].style {
			text += ps[j].text
			j++
		}
		s := base
		switch {
		case ps[i].style&inCode != 0:
			s = st.Code
		case ps[i].style&inBold != 0:
			s = base.Bold(true)
		}
		b.WriteString(s.Render(text))
		i = j
	}
	return b.String()
}
