package syslog

import (
	"testing"
	"time"
)

func TestParseClassic(t *testing.T) {
	p := Parser{Years: Fixed(time.Date(2015, 11, 30, 0, 0, 0, 0, time.UTC)), Loc: time.UTC}
	cases := []struct {
		line, host, prog, msg string
		want                  time.Time
	}{
		{"Oct 22 02:12:45 conch postfix/smtp[26919]: 59F49243F8: to=<a@b>", "conch", "postfix/smtp", "59F49243F8: to=<a@b>",
			time.Date(2015, 10, 22, 2, 12, 45, 0, time.UTC)},
		{"Nov  7 02:13:39 conch postfix-out/smtp[1]: x", "conch", "postfix-out/smtp", "x",
			time.Date(2015, 11, 7, 2, 13, 39, 0, time.UTC)},
		{"Jun 02 10:00:00 host spamd[1]: y", "host", "spamd", "y", time.Date(2015, 6, 2, 10, 0, 0, 0, time.UTC)},
		{"Jul 30 00:10:11 imac27 madeup: Gobbely Gook", "imac27", "madeup", "Gobbely Gook",
			time.Date(2015, 7, 30, 0, 10, 11, 0, time.UTC)},
		{"Aug 31 00:21:33  dovecot: last message repeated 2 times", "", "dovecot", "last message repeated 2 times",
			time.Date(2015, 8, 31, 0, 21, 33, 0, time.UTC)},
		{"Mar  1 01:02:03.250 h postfix/amavis/smtp[9]: z", "h", "postfix/amavis/smtp", "z",
			time.Date(2015, 3, 1, 1, 2, 3, 250e6, time.UTC)},
	}
	for _, c := range cases {
		h, ok := p.Parse([]byte(c.line))
		if !ok {
			t.Fatalf("%q: not parsed", c.line)
		}
		if string(h.Host) != c.host || string(h.Program) != c.prog || string(h.Msg) != c.msg || !h.Time.Equal(c.want) {
			t.Errorf("%q: got host=%q prog=%q msg=%q time=%v", c.line, h.Host, h.Program, h.Msg, h.Time)
		}
	}
}

func TestParseRFC3339(t *testing.T) {
	var p Parser
	cases := []struct {
		line string
		want time.Time
	}{
		{"2023-03-14T00:00:31.185246+01:00 helga postfix/submission/smtpd[1]: m",
			time.Date(2023, 3, 13, 23, 0, 31, 185246000, time.UTC)},
		{"2023-03-14T00:00:31Z helga postfix/smtp[1]: m", time.Date(2023, 3, 14, 0, 0, 31, 0, time.UTC)},
		{"2023-03-14T00:00:31-0500 helga postfix/smtp[1]: m", time.Date(2023, 3, 14, 5, 0, 31, 0, time.UTC)},
	}
	for _, c := range cases {
		h, ok := p.Parse([]byte(c.line))
		if !ok || !h.Time.Equal(c.want) || string(h.Msg) != "m" {
			t.Errorf("%q: ok=%v time=%v msg=%q", c.line, ok, h.Time, h.Msg)
		}
	}
}

func TestNotSyslog(t *testing.T) {
	var p Parser
	for _, l := range []string{"", "# failJSON: { }", "Foo 22 02:12:45 h p: m", "Oct 22 02:12:45 host", "Oct 22 25:12:45 h p: m",
		"2023-13-14T00:00:31Z h p: m", "Oct 22 02:12:45 host prog no colon here", "garbage garbage garbage"} {
		if _, ok := p.Parse([]byte(l)); ok {
			t.Errorf("%q parsed as syslog", l)
		}
	}
}

func TestYearTurn(t *testing.T) {
	// Read on 2 January 2027: December lines are from 2026.
	p := Parser{Years: Fixed(time.Date(2027, 1, 2, 12, 0, 0, 0, time.UTC)), Loc: time.UTC}
	dec, _ := p.Parse([]byte("Dec 31 23:59:59 h p: a"))
	jan, _ := p.Parse([]byte("Jan  1 00:00:01 h p: b"))
	if dec.Time.Year() != 2026 || jan.Time.Year() != 2027 {
		t.Fatalf("dec=%v jan=%v", dec.Time, jan.Time)
	}
	if jan.Time.Sub(dec.Time) != 2*time.Second {
		t.Fatalf("turn not continuous: %v", jan.Time.Sub(dec.Time))
	}
	// A line a few hours ahead of the reader's clock (skew) stays this year.
	p = Parser{Years: Fixed(time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)), Loc: time.UTC}
	ahead, _ := p.Parse([]byte("Jan  1 00:30:00 h p: c"))
	if ahead.Time.Year() != 2027 {
		t.Fatalf("skewed new-year line got %v", ahead.Time)
	}
	// More than the slack after the reference: last year.
	p = Parser{Years: Fixed(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)), Loc: time.UTC}
	h, _ := p.Parse([]byte("Jun  3 00:00:00 h p: d"))
	if h.Time.Year() != 2025 {
		t.Fatalf("line after the reference by more than the slack should be last year: %v", h.Time)
	}
}
