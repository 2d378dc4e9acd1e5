package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var hostile = []string{
	"\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "\x1b]52;c;ZWNobyBwd25lZA==\x07",
	"\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", "\u009b31m", "\u202egnp.exe", "\xff\xfe", "\x00\x07\x08\x7f",
}

func hostileLog() string {
	var b strings.Builder
	for i, h := range hostile {
		c := string(rune('A' + i))
		b.WriteString("Nov 27 10:00:00 mx postfix/smtp[1]: 1A2B3C4D5" + c + ": to=<evil" + h + "@hotmail.com>, relay=hotmail-com.olc.protection.outlook.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=4.7.0, status=deferred (host x said: 451 4.7.0 Temporary server error " + h + " PRX4 (in reply to RCPT TO command))\n")
		b.WriteString("Nov 27 10:00:01 mx postfix/smtp[1]: 1A2B3C4D6" + c + ": to=<x@evil" + h + ".example>, relay=mx.evil" + h + ".example[192.0.2.2]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host x said: 550 5.1.1 no " + h + " such user (in reply to RCPT TO command))\n")
	}
	return b.String()
}

// checkPlain fails if out holds any control byte but newline, any C1 or
// bidi control, or invalid UTF-8: report and explain print plain text.
func checkPlain(t *testing.T, name, out string) {
	t.Helper()
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRuneInString(out[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			t.Fatalf("%s: invalid UTF-8 at %d", name, i)
		case r < 0x20 && r != '\n', r == 0x7f, r >= 0x80 && r <= 0x9f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			t.Fatalf("%s: control %U at %d: %q", name, r, i, out[max(0, i-30):min(len(out), i+30)])
		}
		i += n
	}
}

func TestHostileTextInReportAndExplain(t *testing.T) {
	dir := t.TempDir()
	// The file name is hostile too: report prints it.
	path := filepath.Join(dir, "mail\x1b]0;x\x07.log")
	if err := os.WriteFile(path, []byte(hostileLog()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := runCmd(t, "report", "--top", "50", path)
	if !strings.Contains(out, "deferred 8") {
		t.Fatalf("the hostile log was not read: %s", out)
	}
	checkPlain(t, "report", out)
	// JSON escapes control characters itself; it must still be valid.
	checkPlain(t, "report --json", runCmd(t, "report", "--json", path))
	for _, h := range hostile {
		checkPlain(t, "explain", runCmd(t, "explain", "451", "4.7.0", "Temporary "+h+" PRX4"))
		checkPlain(t, "explain --json", runCmd(t, "explain", "--json", "550", "5.1.1", h))
	}
}

func TestTerminalSafeJSONKeepsData(t *testing.T) {
	in := map[string]string{"s": "a\x7fb\u009bc\u202ed\u2066e é ✓"}
	var buf strings.Builder
	if err := writeJSON(&buf, in); err != nil {
		t.Fatal(err)
	}
	checkPlain(t, "json", buf.String())
	var back map[string]string
	if err := json.Unmarshal([]byte(buf.String()), &back); err != nil || back["s"] != in["s"] {
		t.Fatalf("round trip: %q %v", back["s"], err)
	}
}
