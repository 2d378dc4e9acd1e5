package postfix

import (
	"bufio"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/relaytop/relaytop/model"
)

// seedLines adds the lines of the unit tests and of testdata/seed.log.
func seedLines(f *testing.F) {
	for _, l := range []string{
		"Dec 15 07:46:29 phoenix postfix/smtp[29715]: B12B9110102D: to=<a@dmn.co.uk>, orig_to=<x>, relay=testrelay.l.google.com[173.194.72.123]:25, delay=955, delays=0/952/2.1/0.96, dsn=5.1.1, status=bounced (host aspmx.l.google.com[173.194.72.27] said: 550-5.1.1 The email account (really) does not exist. 550 5.1.1 http://x - gsmtp (in reply to RCPT TO command))",
		"Jun 10 10:00:00 rhl postfix/smtp[1]: 4PbC4x469Jz3tBr: to=<u@gmail.com>, relay=none, delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to alt1.gmail-smtp-in.l.google.com[2607:f8b0:400e:c03::1a]:25: Network is unreachable)",
		"Dec 15 07:48:10 phoenix postfix/qmgr[28945]: EF0771103AB0: from=<patrim@dmnesisparty.co.uk>, status=expired, returned to sender",
		"2023-03-14T15:38:10.350627+01:00 helga postfix/amavis/smtp[367589]: 4PbbjW212hz3tBr: to=<u@uhu-banane.net>, relay=127.0.0.1[127.0.0.1]:10024, delay=3.2, delays=0.22/0.02/0.01/2.9, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
		"Feb 25 13:58:28 server1 postfix/smtp[3262]: AE11A4011B7B: to=<i@gmail.com>, relay=gmail-smtp-in.l.google.com[74.125.206.26]:25, delay=2, delays=0.07/0.01/1.5/0.34, dsn=2.1.5, status=deliverable (250 2.1.5 OK",
		"Jul  5 06:52:11 prd-mx1 postfix/qmgr[2]: 3mPVKl0Mhjz7sXv: removed",
		"", "#", "Jul 30 00:10:11 imac27 madeup: Gobbely Gook",
	} {
		f.Add([]byte(l))
	}
	if fh, err := os.Open("testdata/seed.log"); err == nil {
		defer fh.Close()
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			f.Add(append([]byte(nil), sc.Bytes()...))
		}
	}
}

// FuzzParse feeds arbitrary lines (one, then the same parser again, so
// expiry state is exercised) and checks the events are well formed.
func FuzzParse(f *testing.F) {
	seedLines(f)
	f.Fuzz(func(t *testing.T, line []byte) {
		p := newTestParser()
		for round := 0; round < 2; round++ {
			evs, kind := p.Parse(line, nil)
			if kind > Result {
				t.Fatalf("kind %v", kind)
			}
			if (kind == Result) != (len(evs) > 0) {
				t.Fatalf("kind %v with %d events", kind, len(evs))
			}
			for _, e := range evs {
				if e.Outcome < model.Sent || e.Outcome > model.Expired || e.Kind > model.Probe {
					t.Fatalf("bad event %+v", e)
				}
				if e.Raw != string(line) {
					t.Fatalf("raw %q is not the line", e.Raw)
				}
				if e.Reply.Code != 0 && (e.Reply.Code < 200 || e.Reply.Code > 599) {
					t.Fatalf("code %d", e.Reply.Code)
				}
				if utf8.Valid(line) && !utf8.ValidString(e.Domain) {
					t.Fatalf("domain %q", e.Domain)
				}
			}
		}
	})
}
