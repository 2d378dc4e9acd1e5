package tui

import (
	"bufio"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/postfix"
	"github.com/relaytop/relaytop/sources/syslog"
)

// hostile are pieces of text a remote server or a sender controls.
var hostile = []string{
	"\x1b[2J\x1b[H",                  // clear the screen
	"\x1b]0;pwned\x07",               // set the window title
	"\x1b]52;c;ZWNobyBwd25lZA==\x07", // write the clipboard (OSC 52)
	"\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", // hyperlink
	"\u009b31m",        // C1 CSI
	"\u202egnp.exe",    // bidi override
	"\xff\xfe",         // invalid UTF-8
	"\x00\x07\x08\x7f", // NUL, BEL, BS, DEL
}

// HostileLog is a Postfix log whose reply texts, addresses and relay
// names carry terminal control sequences.
func hostileLog() string {
	var b strings.Builder
	for i, h := range hostile {
		b.WriteString("Nov 27 10:00:0" + string(rune('0'+i)) + " mx postfix/smtp[1]: 1A2B3C4D5" + string(rune('A'+i)) +
			": to=<evil" + h + "@hotmail.com>, relay=hotmail-com.olc.protection.outlook.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=4.7.0, status=deferred (host x[192.0.2.1] said: 451 4.7.0 Temporary server error " + h + " PRX4 (in reply to RCPT TO command))\n")
		b.WriteString("Nov 27 10:00:0" + string(rune('0'+i)) + " mx postfix/smtp[1]: 1A2B3C4D6" + string(rune('A'+i)) +
			": to=<x@evil" + h + ".example>, relay=mx.evil" + h + ".example[192.0.2.2]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host x said: 550 5.1.1 no " + h + " such user (in reply to RCPT TO command))\n")
		b.WriteString("garbage " + h + " line that nobody can parse\n")
	}
	return b.String()
}

func hostileSnapshot(t *testing.T) *model.Snapshot {
	t.Helper()
	now := time.Date(2026, 11, 27, 10, 0, 30, 0, time.UTC)
	p := postfix.New(syslog.Fixed(now))
	p.Syslog.Loc = time.UTC
	agg := model.NewAggregator(model.Config{})
	sc := bufio.NewScanner(strings.NewReader(hostileLog()))
	b := model.Batch{}
	for sc.Scan() {
		var k postfix.LineKind
		b.Events, k = p.Parse(sc.Bytes(), b.Events)
		b.Lines++
		if k == postfix.Unparsed {
			b.Unparsed++
			b.UnparsedSamples = append(b.UnparsedSamples, sc.Text())
		}
	}
	agg.AddBatch(&b)
	s := agg.Snapshot(now)
	s.Sources = []model.SourceState{{Name: "/var/log/mail\x1b]0;x\x07.log", State: "following", Err: "bad \x1b[2J name"}}
	return s
}

// CheckNoControls fails if out holds a control byte other than newline
// and the SGR colour sequences the renderer itself writes.
func checkNoControls(t *testing.T, name, out string) {
	t.Helper()
	for i := 0; i < len(out); {
		c := out[i]
		switch {
		case c == '\n':
			i++
		case c == 0x1b:
			// Only "ESC [ digits/; m" (SGR) is ours.
			j := i + 1
			if j < len(out) && out[j] == '[' {
				j++
				for j < len(out) && (out[j] >= '0' && out[j] <= '9' || out[j] == ';') {
					j++
				}
				if j < len(out) && out[j] == 'm' {
					i = j + 1
					continue
				}
			}
			t.Fatalf("%s: escape sequence other than SGR at %d: %q", name, i, out[i:min(len(out), i+20)])
		case c < 0x20 || c == 0x7f:
			t.Fatalf("%s: control byte %#x at %d: %q", name, c, i, out[max(0, i-20):min(len(out), i+20)])
		default:
			r, n := utf8.DecodeRuneInString(out[i:])
			if r == utf8.RuneError && n <= 1 {
				t.Fatalf("%s: invalid UTF-8 at %d", name, i)
			}
			if r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
				t.Fatalf("%s: C1 or bidi control %U at %d", name, r, i)
			}
			i += n
		}
	}
}

// TestHostileTextNeverReachesTheTerminal renders every screen of a
// snapshot built from hostile lines and checks what the terminal gets.
func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	snap := hostileSnapshot(t)
	if snap.Input.Unparsed == 0 || len(snap.Signatures) == 0 {
		t.Fatalf("fixture read nothing: %+v", snap.Input)
	}
	screens := map[string][]string{
		"main": nil, "domains": {"g"}, "provider": {"enter"}, "domain": {"enter", "enter"},
		"explain": {"tab", "enter"}, "explain2": {"tab", "down", "enter"}, "info": {"i"}, "help": {"?"},
	}
	for name, keys := range screens {
		for _, sz := range [][2]int{{80, 24}, {200, 50}} {
			for _, theme := range []string{"none", "dark"} {
				m := newTestModel(t, snap, sz[0], sz[1])
				if theme == "dark" {
					m = themed(t, snap, sz[0], sz[1])
				}
				m = press(t, m, keys...)
				checkNoControls(t, name, m.View().Content)
			}
		}
	}
}
