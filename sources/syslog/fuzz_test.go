package syslog

import (
	"bytes"
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Oct 22 02:12:45 conch postfix/smtp[26919]: 59F49243F8: to=<a@b>",
		"2023-03-14T00:00:31.185246+01:00 helga postfix/submission/smtpd[1]: m",
		"Aug 31 00:21:33  dovecot: last message repeated 2 times",
		"2023-03-14 00:00:31-0500 h p: m", "Mar  1 01:02:03.250 h p[9]: z", "", "Jan  1",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		p := Parser{Years: Fixed(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)), Loc: time.UTC}
		h, ok := p.Parse(line)
		if !ok {
			return
		}
		if !bytes.HasSuffix(line, h.Msg) || len(h.Program) == 0 {
			t.Fatalf("header %+v of %q", h, line)
		}
		if y := h.Time.Year(); y < 0 || y > 9999 {
			t.Fatalf("year %d", y)
		}
	})
}
