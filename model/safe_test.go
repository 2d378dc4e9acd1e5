package model

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafe(t *testing.T) {
	cases := map[string]string{
		"plain text":                         "plain text",
		"clear\x1b[2Jscreen":                 "clear^[[2Jscreen",
		"title\x1b]0;pwned\x07":              "title^[]0;pwned^G",
		"clip\x1b]52;c;ZXZpbA==\x1b\\":       "clip^[]52;c;ZXZpbA==^[\\",
		"c1\u009b31mred":                     "c1\ufffd31mred",
		"bidi\u202egnp.exe":                  "bidi\ufffdgnp.exe",
		"bad\xffutf8":                        "bad\ufffdutf8",
		"tab\there\x00nul\x7fdel":            "tab here^@nul^?del",
		"unicode ok: Grüße 日本 ✓":             "unicode ok: Grüße 日本 ✓",
		"link\x1b]8;;http://x\x1b\\text":     "link^[]8;;http://x^[\\text",
		"zero width joiner \u200d stays":     "zero width joiner \u200d stays",
		"isolate\u2066x\u2069 and lrm\u200e": "isolate\ufffdx\ufffd and lrm\ufffd",
	}
	for in, want := range cases {
		got := Safe(in)
		if got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
		if !utf8.ValidString(got) || strings.ContainsAny(got, "\x1b\x07\x00\u009b") {
			t.Errorf("Safe(%q) leaves a control: %q", in, got)
		}
	}
}
