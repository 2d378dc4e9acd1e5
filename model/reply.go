package model

import "strings"

// ParseReply reads an SMTP reply as MTAs log it: a basic code, an optional
// enhanced code (kept even when its class differs from the basic code's),
// and text, where a multi-line reply may have been folded
// onto one line with each line's codes repeated
// ("550-5.1.1 The email account ... 550-5.1.1 double-checking ... 550 5.1.1 https://...").
// The repeated codes are removed and the lines joined by single spaces.
// A text that does not start with a three-digit code gives Code 0 and the
// whole (trimmed) text.
func ParseReply(s string) Reply {
	s = strings.TrimSpace(s)
	code, rest, ok := basicCode(s)
	if !ok {
		return Reply{Text: s}
	}
	r := Reply{Code: code}
	// Servers do not always keep the classes equal ("550 4.4.7
	// QUEUE.Expired", "421 5.7.32"): the enhanced code is kept as sent.
	if enh, after, ok := enhancedCode(rest); ok {
		r.Enhanced = enh
		rest = after
	}
	r.Text = unfold(rest, s[:3], r.Enhanced)
	return r
}

// basicCode reads "NNN" followed by '-', ' ' or the end of s.
func basicCode(s string) (int, string, bool) {
	if len(s) < 3 || s[0] < '2' || s[0] > '5' || !isDigit(s[1]) || !isDigit(s[2]) {
		return 0, s, false
	}
	if len(s) > 3 && s[3] != ' ' && s[3] != '-' {
		return 0, s, false
	}
	code := int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0')
	if len(s) == 3 {
		return code, "", true
	}
	return code, strings.TrimLeft(s[4:], " "), true
}

// enhancedCode reads "C.SSS.DDD" (class 2, 4 or 5; subject and detail of
// one to three digits) followed by a space or the end of s.
func enhancedCode(s string) (string, string, bool) {
	n := EnhancedLen(s)
	if n == 0 {
		return "", s, false
	}
	return s[:n], strings.TrimLeft(s[n:], " "), true
}

// EnhancedLen returns the length of the RFC 3463 enhanced status code at
// the start of s (followed by a non-digit, non-dot byte or the end), or 0.
func EnhancedLen(s string) int {
	if len(s) < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.' {
		return 0
	}
	i := 2
	for part := 0; part < 2; part++ {
		j := i
		for j < len(s) && j-i < 3 && isDigit(s[j]) {
			j++
		}
		if j == i {
			return 0
		}
		i = j
		if part == 0 {
			if i >= len(s) || s[i] != '.' {
				return 0
			}
			i++
		}
	}
	if i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		return 0
	}
	return i
}

// unfold removes the continuation prefixes "CODE-ENH ", "CODE ENH ",
// "CODE-" and "CODE " that a folded multi-line reply repeats.
func unfold(text, code, enh string) string {
	// Most texts hold no prefix: copy only when one is found, and then
	// the runs between prefixes at once.
	var b strings.Builder
	seen, found := false, false
	from := 0 // text[from:] is not written yet
	for i := 0; i < len(text); {
		k := strings.Index(text[i:], code)
		if k < 0 {
			break
		}
		seen = true
		i += k
		// A prefix starts the text or follows a space.
		if (i == 0 || text[i-1] == ' ') && i+3 < len(text) && (text[i+3] == '-' || text[i+3] == ' ') {
			j := i + 4
			if enh != "" && strings.HasPrefix(text[j:], enh) && (j+len(enh) == len(text) || text[j+len(enh)] == ' ') {
				j += len(enh)
			} else if text[i+3] == ' ' && enh != "" {
				// "550 word" without the enhanced code: a number in prose, keep it.
				i++
				continue
			}
			for j < len(text) && text[j] == ' ' {
				j++
			}
			if !found {
				b.Grow(len(text))
				found = true
			}
			b.WriteString(text[from:i])
			from, i = j, j
			continue
		}
		i++
	}
	switch {
	case !seen:
		return text
	case !found:
		return strings.TrimSpace(text)
	}
	b.WriteString(text[from:])
	return strings.TrimSpace(b.String())
}

// SplitCommand removes a trailing "(in reply to X command)" from s and
// returns the rest and X ("RCPT TO", "end of DATA", ...).
func SplitCommand(s string) (string, string) {
	const pre, suf = "(in reply to ", " command)"
	s = strings.TrimRight(s, " ")
	if !strings.HasSuffix(s, suf) {
		return s, ""
	}
	i := strings.LastIndex(s, pre)
	if i < 0 || i+len(pre) > len(s)-len(suf) {
		// No prefix, or one that overlaps the suffix: "(in reply to command)".
		return s, ""
	}
	cmd := s[i+len(pre) : len(s)-len(suf)]
	return strings.TrimRight(s[:i], " "), cmd
}

// Class returns the reply's class digit (2, 4 or 5), taken from the basic
// code, else from the enhanced code; 0 when neither is known.
func (r Reply) Class() int {
	if r.Code > 0 {
		return r.Code / 100
	}
	if r.Enhanced != "" {
		return int(r.Enhanced[0] - '0')
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
