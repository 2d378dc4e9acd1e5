package model

import (
	"strings"
	"unicode/utf8"
)

// Safe makes text from a log fit to print on a terminal. Remote servers
// write reply texts, and anyone can send mail to an address of their
// choosing, so every string relaytop shows from a log is hostile until it
// has passed through here:
//   - C0 controls (ESC among them) and DEL become caret notation ("^[",
//     "^?"), so an escape sequence shows as text and does nothing; a tab
//     becomes a space;
//   - C1 controls (U+0080 to U+009F, which some terminals obey as CSI
//     and OSC), bidirectional overrides and isolates, and other invisible
//     format characters become U+FFFD;
//   - invalid UTF-8 bytes become U+FFFD.
//
// Text that needs none of this is returned as it is, without allocating.
func Safe(s string) string {
	if isSafe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\t':
				b.WriteByte(' ')
			case c < 0x20:
				b.WriteByte('^')
				b.WriteByte(c + 0x40)
			case c == 0x7f:
				b.WriteString("^?")
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || unsafeRune(r) {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func isSafe(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || unsafeRune(r) {
			return false
		}
		i += n
	}
	return true
}

// unsafeRune reports C1 controls and invisible formatting characters that
// can reorder or hide text: bidi embeddings, overrides and isolates, and
// the line and paragraph separators.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r == 0x2028 || r == 0x2029 || r == 0xfeff:
		return true
	}
	return false
}
