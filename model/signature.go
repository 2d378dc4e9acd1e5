package model

import (
	"cmp"
	"strconv"
	"strings"
)

// MaxSignatureText bounds the length of a normalised reply text.
const MaxSignatureText = 240

// Normalize turns a reply text into the stable part of its signature:
// what varies from one message to the next goes, what identifies the
// reply stays. Working word by word (a word is a run of non-space bytes):
//   - e-mail addresses become <addr>, IP addresses (v4 and v6, bare, in
//     brackets or with a port) <ip>, "host[ip]" pairs <host>;
//   - host names (words with a dot and a letter-only last label that are
//     not part of a URL) become <host>; URLs keep their scheme, host and
//     path, with IPs and long query values replaced;
//   - timestamps become <time>; numbers of four or more digits <n>;
//   - queue and tracking ids (eight or more characters mixing letters
//     and digits, or hex) become <id>;
//   - provider tokens stay as they are: short upper-case codes with digits
//     such as PRX4, TSS04, TS03, S3150, BL000001, RP-001, CS01, and
//     Microsoft's AS(8431); so do enhanced codes quoted in the text (4.7.0).
//
// Runs of spaces collapse, and the result is cut to MaxSignatureText
// bytes. Bytes below 0x20 and DEL are replaced by spaces here too, so a
// signature is always safe to print.
func Normalize(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	words := 0
	for i := 0; i < len(text); {
		for i < len(text) && isSpaceOrCtl(text[i]) {
			i++
		}
		j := i
		for j < len(text) && !isSpaceOrCtl(text[j]) {
			j++
		}
		if j > i {
			if words > 0 {
				b.WriteByte(' ')
			}
			normWord(&b, text[i:j])
			words++
			if b.Len() >= MaxSignatureText {
				break
			}
		}
		i = j
	}
	s := b.String()
	if len(s) > MaxSignatureText {
		s = s[:MaxSignatureText]
		// Do not end inside a UTF-8 sequence.
		for len(s) > 0 && s[len(s)-1]&0xC0 == 0x80 {
			s = s[:len(s)-1]
		}
		if len(s) > 0 && s[len(s)-1] >= 0xC0 {
			s = s[:len(s)-1]
		}
	}
	return s
}

func isSpaceOrCtl(c byte) bool { return c <= ' ' || c == 0x7f }

// normWord writes the normalised form of one word.
func normWord(b *strings.Builder, w string) {
	// Peel punctuation that wraps a word: <...>, [...], (...), quotes, and
	// trailing sentence punctuation.
	lead, core, trail := peel(w)
	n := normCore(core)
	if n == "<addr>" && strings.HasSuffix(lead, "<") && strings.HasPrefix(trail, ">") {
		lead, trail = lead[:len(lead)-1], trail[1:]
	}
	b.WriteString(lead)
	b.WriteString(n)
	b.WriteString(trail)
}

func peel(w string) (string, string, string) {
	i, j := 0, len(w)
	for i < j && strings.IndexByte("<[(\"'{", w[i]) >= 0 {
		i++
	}
	for j > i && strings.IndexByte(">])\"'},;:.!?", w[j-1]) >= 0 {
		// Keep a closing bracket that belongs to the word, as in AS(8431).
		if w[j-1] == ')' && strings.IndexByte(w[i:j], '(') >= 0 {
			break
		}
		if w[j-1] == ']' && strings.IndexByte(w[i:j], '[') >= 0 {
			break
		}
		j--
	}
	return w[:i], w[i:j], w[j:]
}

func normCore(w string) string {
	switch {
	case w == "" || letters(w):
		// Most words of a reply are plain words, which no case below
		// changes (each needs a digit, a dot or other punctuation).
		return w
	case isProviderToken(w):
		return w
	case EnhancedLen(w) == len(w):
		return w
	case strings.Contains(w, "://"):
		return normURL(w)
	case strings.IndexByte(w, '@') > 0:
		return "<addr>"
	case hostIPPair(w):
		return "<host>"
	case isIPish(w):
		return "<ip>"
	case isTimestamp(w):
		return "<time>"
	case allDigits(w):
		if len(w) >= 4 {
			return "<n>"
		}
		return w
	case strings.IndexByte(w, '=') > 0:
		// key=value: keep the key, normalise the value.
		k := strings.IndexByte(w, '=')
		return w[:k+1] + normCore(w[k+1:])
	case isHostName(w):
		return "<host>"
	case isID(w):
		return "<id>"
	}
	return w
}

// isProviderToken reports provider reply tokens worth keeping: one to five
// upper-case letters then one to eight digits (PRX4, TSS04, S3150,
// BL000001, CS01), letters-dash-alnum (RP-001, RCP-T1, AUP#CXBL), and AS(digits).
func isProviderToken(w string) bool {
	if strings.HasPrefix(w, "AS(") && strings.HasSuffix(w, ")") && len(w) > 4 && allDigits(w[3:len(w)-1]) {
		return true
	}
	if strings.HasPrefix(w, "AUP#") && len(w) <= 16 {
		return true
	}
	i := 0
	for i < len(w) && w[i] >= 'A' && w[i] <= 'Z' {
		i++
	}
	if i == 0 || i > 5 {
		return false
	}
	if i < len(w) && w[i] == '-' {
		rest := w[i+1:]
		if len(rest) == 0 || len(rest) > 6 {
			return false
		}
		for k := 0; k < len(rest); k++ {
			c := rest[k]
			if !(isDigit(c) || (c >= 'A' && c <= 'Z')) {
				return false
			}
		}
		return true
	}
	d := w[i:]
	return len(d) >= 1 && len(d) <= 8 && allDigits(d)
}

// letters reports a word of ASCII letters only.
func letters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// isIPish matches IPv4 (also malformed five-octet forms seen in
// anonymised logs), IPv6 and either with a ":port" or an "IPv6:" prefix.
func isIPish(w string) bool {
	w = strings.TrimPrefix(w, "IPv6:")
	if p := strings.LastIndexByte(w, ']'); p >= 0 {
		w = w[:p]
	}
	w = strings.TrimPrefix(w, "[")
	dots, colons, hex, other := 0, 0, 0, 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c == '.':
			dots++
		case c == ':':
			colons++
		case isDigit(c):
		case (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'):
			hex++
		default:
			other++
		}
	}
	if other > 0 {
		return false
	}
	if colons >= 2 {
		return true
	}
	return hex == 0 && dots >= 3 && colons <= 1
}

// hostIPPair matches "name[1.2.3.4]" with an optional ":port".
func hostIPPair(w string) bool {
	o := strings.IndexByte(w, '[')
	c := strings.IndexByte(w, ']')
	return o > 0 && c > o+1 && isIPish(w[o+1:c])
}

// isTimestamp matches ISO dates and date-times and hh:mm:ss clock times.
func isTimestamp(w string) bool {
	if len(w) >= 10 && isDigit(w[0]) && isDigit(w[3]) && w[4] == '-' && w[7] == '-' {
		return true
	}
	if len(w) >= 8 && isDigit(w[0]) && isDigit(w[1]) && w[2] == ':' && w[5] == ':' {
		return true
	}
	return false
}

// isHostName matches a dotted name whose last label is two or more
// letters: mx1.example.com, aspmx.l.google.com.
func isHostName(w string) bool {
	d := strings.LastIndexByte(w, '.')
	if d <= 0 || d == len(w)-1 {
		return false
	}
	tld := w[d+1:]
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		c := tld[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	for i := 0; i < d; i++ {
		c := w[i]
		if !(isDigit(c) || c == '.' || c == '-' || c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')) {
			return false
		}
	}
	return true
}

// isID matches tracking and queue ids: eight or more characters of
// letters, digits, dots, dashes or underscores that mix letters and digits
// (gk1si5712883pbc.166, 38B0910650A, 08DD1A2B3C4D5E6F).
func isID(w string) bool {
	if len(w) < 8 {
		return false
	}
	letters, digits := 0, 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case isDigit(c):
			digits++
		case c|0x20 >= 'a' && c|0x20 <= 'z':
			letters++
		case c == '.' || c == '-' || c == '_' || c == '/' || c == '+' || c == '=':
		default:
			return false
		}
	}
	return digits > 0 && letters > 0
}

// normURL keeps scheme, host and path; IP addresses and long values in the
// query are replaced, and a long path segment of mixed letters and digits
// becomes <id>.
func normURL(w string) string {
	var b strings.Builder
	q := strings.IndexAny(w, "?#")
	base, query := w, ""
	if q >= 0 {
		base, query = w[:q], w[q:]
	}
	segs := strings.Split(base, "/")
	for i, s := range segs {
		if i > 0 {
			b.WriteByte('/')
		}
		switch {
		case i >= 3 && isID(s) && len(s) >= 12:
			b.WriteString("<id>")
		case isIPish(s):
			b.WriteString("<ip>")
		default:
			b.WriteString(s)
		}
	}
	if query != "" {
		// Replace each value after '=' that is an IP or long id.
		i := 0
		for i < len(query) {
			c := query[i]
			b.WriteByte(c)
			i++
			if c != '=' {
				continue
			}
			j := i
			for j < len(query) && query[j] != '&' && query[j] != '#' && query[j] != ';' {
				j++
			}
			v := query[i:j]
			switch {
			case isIPish(v):
				b.WriteString("<ip>")
			case len(v) >= 12 || (isID(v) && len(v) >= 8):
				b.WriteString("<id>")
			case allDigits(v) && len(v) >= 4:
				b.WriteString("<n>")
			default:
				b.WriteString(v)
			}
			i = j
		}
	}
	return b.String()
}

// SigKey identifies a reply signature: provider, basic code, enhanced code
// and normalised text.
type SigKey struct {
	Provider string
	Code     int
	Enhanced string
	Text     string
}

// String renders the signature as "451 4.7.0 text".
func (k SigKey) String() string {
	var b strings.Builder
	if k.Code > 0 {
		b.WriteString(strconv.Itoa(k.Code))
		b.WriteByte(' ')
	}
	if k.Enhanced != "" {
		b.WriteString(k.Enhanced)
		b.WriteByte(' ')
	}
	b.WriteString(k.Text)
	return b.String()
}

// FirstToken returns the first provider token (see Normalize) in text,
// or "".
func FirstToken(text string) string {
	for _, w := range strings.Fields(text) {
		_, core, _ := peel(w)
		if core != "" && isProviderToken(core) {
			return core
		}
	}
	return ""
}

// compare orders signature keys: by provider, code, enhanced code, text.
func (k SigKey) compare(o SigKey) int {
	return cmp.Or(strings.Compare(k.Provider, o.Provider), cmp.Compare(k.Code, o.Code),
		strings.Compare(k.Enhanced, o.Enhanced), strings.Compare(k.Text, o.Text))
}
