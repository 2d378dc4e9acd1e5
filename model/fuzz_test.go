package model

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var replySeeds = []string{
	"550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking 550 5.1.1 https://x - gsmtp",
	"451 4.7.0 Temporary server error. Please try again later. PRX4 [AM0PR01MB1234.eurprd01.prod.exchangelabs.com 2026-11-27T16:40:01.123Z 08DD1A2B3C4D5E6F]",
	"421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
	"connect to mx.example.com[2607:f8b0:4004:c07::1a]:25: Connection timed out",
	"<bob@example.com>: Recipient address rejected: Access denied. AS(201806281)",
	"", "5", "550", "4.7.", "\x1b[2J\u202e\xff",
}

func FuzzParseReply(f *testing.F) {
	for _, s := range replySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := ParseReply(s)
		if r.Code != 0 && (r.Code < 200 || r.Code > 599) {
			t.Fatalf("code %d from %q", r.Code, s)
		}
		if r.Enhanced != "" && EnhancedLen(r.Enhanced) != len(r.Enhanced) {
			t.Fatalf("enhanced %q", r.Enhanced)
		}
		if len(r.Text) > len(s) {
			t.Fatalf("text grew: %q from %q", r.Text, s)
		}
		rest, cmd := SplitCommand(s)
		if len(rest)+len(cmd) > len(s) {
			t.Fatalf("SplitCommand grew %q", s)
		}
	})
}

func FuzzNormalize(f *testing.F) {
	for _, s := range replySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if len(n) > MaxSignatureText {
			t.Fatalf("%d bytes", len(n))
		}
		for i := 0; i < len(n); i++ {
			if n[i] < 0x20 || n[i] == 0x7f {
				t.Fatalf("control byte in %q", n)
			}
		}
		if utf8.ValidString(s) && !utf8.ValidString(n) {
			t.Fatalf("valid text became invalid: %q -> %q", s, n)
		}
		if strings.Contains(n, "  ") {
			t.Fatalf("double space in %q", n)
		}
		FirstToken(s)
	})
}

func FuzzSafe(f *testing.F) {
	for _, s := range replySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Safe(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Fatalf("control %U in %q", r, out)
			}
		}
		if Safe(out) != out {
			t.Fatalf("not idempotent: %q", s)
		}
	})
}

// unfoldByByte is unfold as first written, a byte at a time: the
// reference the faster one must agree with.
func unfoldByByte(text, code, enh string) string {
	if !strings.Contains(text, code) {
		return text
	}
	var b strings.Builder
	i := 0
	for i < len(text) {
		if (i == 0 || text[i-1] == ' ') && strings.HasPrefix(text[i:], code) && i+3 < len(text) &&
			(text[i+3] == '-' || text[i+3] == ' ') {
			j := i + 4
			if enh != "" && strings.HasPrefix(text[j:], enh) && (j+len(enh) == len(text) || text[j+len(enh)] == ' ') {
				j += len(enh)
			} else if text[i+3] == ' ' && enh != "" {
				b.WriteByte(text[i])
				i++
				continue
			}
			for j < len(text) && text[j] == ' ' {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(text[i])
		i++
	}
	return strings.TrimSpace(b.String())
}

// FuzzUnfold checks unfold against the byte-at-a-time reference.
func FuzzUnfold(f *testing.F) {
	for _, s := range replySeeds {
		f.Add(s, "550", "5.1.1")
		f.Add(s, "451", "")
	}
	f.Add("550 550 5.1.1 550-5.1.1  550", "550", "5.1.1")
	f.Fuzz(func(t *testing.T, text, code, enh string) {
		if len(code) != 3 {
			return // unfold is called with the three-digit code
		}
		if got, want := unfold(text, code, enh), unfoldByByte(text, code, enh); got != want {
			t.Fatalf("unfold(%q, %q, %q) = %q, want %q", text, code, enh, got, want)
		}
	})
}
