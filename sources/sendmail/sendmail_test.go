package sendmail

import (
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/line"
	"github.com/relaytop/relaytop/sources/syslog"
)

func newTestParser() *Parser {
	p := New(syslog.Fixed(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)))
	p.Syslog.Loc = time.UTC
	return p
}

func parseOne(t *testing.T, p *Parser, l string) ([]model.Event, line.Kind) {
	t.Helper()
	return p.Parse([]byte(l), nil)
}

func TestResultLines(t *testing.T) {
	cases := []struct {
		name, line string
		want       model.Event
	}{
		{"remote delivery: relay name with its dot, address, reply",
			"Nov 26 10:00:00 mx1 sm-mta[4242]: 5AQA0062004242: to=<Jane@Gmail.com>, ctladdr=<app@example.com> (1000/1000), delay=00:00:02, xdelay=00:00:01, mailer=esmtp, pri=120532, relay=gmail-smtp-in.l.google.com. [142.250.27.26], dsn=2.0.0, stat=Sent (OK  1700000000 a1si123 - gsmtp)",
			model.Event{Outcome: model.Sent, Host: "mx1", QueueID: "5AQA0062004242", Recipient: "Jane@Gmail.com", Domain: "gmail.com",
				Relay: "gmail-smtp-in.l.google.com", RelayIP: "142.250.27.26",
				Reply: model.Reply{Enhanced: "2.0.0", Text: "OK  1700000000 a1si123 - gsmtp"}}},
		{"deferral with the remote reply",
			"Nov 26 10:00:00 mx1 sm-mta[4242]: 5AQA0062004242: to=<u@outlook.com>, delay=00:10:00, xdelay=00:00:01, mailer=esmtp, pri=210532, relay=outlook-com.olc.protection.outlook.com. [52.101.1.2], dsn=4.7.650, stat=Deferred: 451 4.7.650 The mail server [192.0.2.7] has been temporarily rate limited due to IP reputation.",
			model.Event{Outcome: model.Deferred, Host: "mx1", QueueID: "5AQA0062004242", Recipient: "u@outlook.com", Domain: "outlook.com",
				Relay: "outlook-com.olc.protection.outlook.com", RelayIP: "52.101.1.2",
				Reply: model.Reply{Code: 451, Enhanced: "4.7.650", Text: "The mail server [192.0.2.7] has been temporarily rate limited due to IP reputation."}}},
		{"deferral without a code: no address, the dsn kept",
			"Nov 26 10:00:00 mx1 sendmail[7]: 5AQA0062004243: to=<a@dead.example>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=30000, relay=mx.dead.example., dsn=4.0.0, stat=Deferred: Connection refused by mx.dead.example.",
			model.Event{Outcome: model.Deferred, Host: "mx1", QueueID: "5AQA0062004243", Recipient: "a@dead.example", Domain: "dead.example",
				Relay: "mx.dead.example", Reply: model.Reply{Enhanced: "4.0.0", Text: "Connection refused by mx.dead.example."}}},
		{"failure by dsn: User unknown",
			"Nov 26 10:00:00 mx1 sm-mta[7]: 5AQA0062004244: to=<nobody@example.org>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=30000, relay=mx.example.org. [192.0.2.33], dsn=5.1.1, stat=User unknown",
			model.Event{Outcome: model.Bounced, Host: "mx1", QueueID: "5AQA0062004244", Recipient: "nobody@example.org", Domain: "example.org",
				Relay: "mx.example.org", RelayIP: "192.0.2.33", Reply: model.Reply{Enhanced: "5.1.1", Text: "User unknown"}}},
		{"failure without a dsn",
			"Nov 26 10:00:00 mx1 sendmail[7]: 5AQA0062004245: to=<x@nowhere.invalid>, delay=00:00:00, mailer=esmtp, pri=30000, stat=Host unknown (Name server: nowhere.invalid: host not found)",
			model.Event{Outcome: model.Bounced, Host: "mx1", QueueID: "5AQA0062004245", Recipient: "x@nowhere.invalid", Domain: "nowhere.invalid",
				Reply: model.Reply{Text: "Host unknown (Name server: nowhere.invalid: host not found)"}}},
		{"handing to a local Postfix is internal",
			"Jun 29 03:10:03 RHL058 sendmail[3569]: s5T68YTv003569: to=<t.k.custom3@gmail.com>, delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=55274, relay=[127.0.0.1] [127.0.0.1], dsn=2.0.0, stat=Sent (Ok: queued as C05A07C2CA0)",
			model.Event{Outcome: model.Sent, Kind: model.Internal, Host: "RHL058", QueueID: "s5T68YTv003569", Recipient: "t.k.custom3@gmail.com", Domain: "gmail.com",
				RelayIP: "127.0.0.1", Reply: model.Reply{Enhanced: "2.0.0", Text: "Ok: queued as C05A07C2CA0"}}},
		{"localhost relay, IPv6 loopback, submission client",
			"Nov 26 10:00:00 mx1 sm-msp-queue[88]: 5AQA0062004246: to=root, ctladdr=root (0/0), delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=30046, relay=localhost [IPv6:::1], dsn=2.0.0, stat=Sent (5AQA0062004247 Message accepted for delivery)",
			model.Event{Outcome: model.Sent, Kind: model.Internal, Host: "mx1", QueueID: "5AQA0062004246", Recipient: "root",
				Relay: "localhost", RelayIP: "::1", Reply: model.Reply{Enhanced: "2.0.0", Text: "5AQA0062004247 Message accepted for delivery"}}},
		{"local mailer is a real delivery",
			"Apr 25 02:10:27 srv1 sendmail[1293]: u3P2AOYO001292: to=<sales@arhsvcs.co.uk>, delay=00:00:01, xdelay=00:00:00, mailer=local, pri=47494, dsn=2.0.0, stat=Sent",
			model.Event{Outcome: model.Sent, Host: "srv1", QueueID: "u3P2AOYO001292", Recipient: "sales@arhsvcs.co.uk", Domain: "arhsvcs.co.uk",
				Reply: model.Reply{Enhanced: "2.0.0"}}},
		{"local mailer with relay=localhost stays a delivery",
			"Nov 26 10:00:00 mx1 sm-mta[7]: 5AQA0062004248: to=<me@mx1.example>, delay=00:00:00, xdelay=00:00:00, mailer=local, pri=30504, relay=localhost, dsn=2.0.0, stat=Sent",
			model.Event{Outcome: model.Sent, Host: "mx1", QueueID: "5AQA0062004248", Recipient: "me@mx1.example", Domain: "mx1.example",
				Reply: model.Reply{Enhanced: "2.0.0"}}},
		{"facility.priority after the timestamp",
			"Jun 17 14:37:40 <mail.info> robin sm-mta[2795]: 55HIbcGI002795: to=<a@b.example>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=30000, relay=mx.b.example. [192.0.2.8], dsn=2.0.0, stat=Sent (ok)",
			model.Event{Outcome: model.Sent, Host: "robin", QueueID: "55HIbcGI002795", Recipient: "a@b.example", Domain: "b.example",
				Relay: "mx.b.example", RelayIP: "192.0.2.8", Reply: model.Reply{Enhanced: "2.0.0", Text: "ok"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evs, kind := parseOne(t, newTestParser(), c.line)
			if kind != line.Result || len(evs) != 1 {
				t.Fatalf("kind %v, %d events", kind, len(evs))
			}
			got := evs[0]
			if got.Raw != c.line || got.MTA != "sendmail" || got.Time.IsZero() {
				t.Errorf("raw/mta/time not set: %+v", got)
			}
			got.Raw, got.MTA, got.Time = "", "", time.Time{}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestSeveralRecipients(t *testing.T) {
	cases := map[string][]string{
		"Nov 26 10:00:00 mx1 sm-mta[7]: 5AQA0062004249: to=<a@x.example>,<b@y.example>,c@z.example, delay=00:00:03, xdelay=00:00:02, mailer=esmtp, pri=120000, relay=mx.x.example. [192.0.2.1], dsn=4.2.0, stat=Deferred: 450 4.2.0 Try again later": {
			"a@x.example", "b@y.example", "c@z.example"},
		// A list too long for one line is split; each part carries the status.
		"Nov 26 10:00:00 mx1 sm-mta[7]: 5AQA0062004249: to=<d@x.example>,<e@x.example>, [more], delay=00:00:03, xdelay=00:00:02, mailer=esmtp, pri=120000, relay=mx.x.example. [192.0.2.1], dsn=4.2.0, stat=Deferred: 450 4.2.0 Try again later": {
			"d@x.example", "e@x.example"},
		// A quoted name may hold a comma.
		`Nov 26 10:00:00 mx1 sm-mta[7]: 5AQA0062004249: to="Doe, Jane" <f@x.example>,<g@x.example>, delay=00:00:03, xdelay=00:00:02, mailer=esmtp, pri=120000, relay=mx.x.example. [192.0.2.1], dsn=4.2.0, stat=Deferred: 450 4.2.0 Try again later`: {
			"f@x.example", "g@x.example"},
	}
	for l, want := range cases {
		evs, k := parseOne(t, newTestParser(), l)
		if k != line.Result || len(evs) != len(want) {
			t.Fatalf("kind %v, %d events, want %d: %s", k, len(evs), len(want), l)
		}
		for i, ev := range evs {
			if ev.Recipient != want[i] || ev.Outcome != model.Deferred || ev.Reply.Code != 450 || ev.Relay != "mx.x.example" {
				t.Errorf("event %d: %+v", i, ev)
			}
		}
	}
}

func TestLineKinds(t *testing.T) {
	cases := map[string]line.Kind{
		"":       line.Blank,
		"  \t  ": line.Blank,
		"# failJSON: { \"time\": \"2005-02-25T03:01:10\", \"match\": true }":                                                                                                         line.Unparsed,
		"2020-02-22 00:48:41 1j5IF1-0006A7-Ub => a@b R=r T=t":                                                                                                                        line.Unparsed,
		"Jul 30 00:10:11 imac27 postfix/smtp[1]: 3mPVKl0Mhjz7sXv: to=<a@b.c>, relay=x[1.2.3.4]:25, dsn=2.0.0, status=sent (ok)":                                                      line.Other,
		"Apr 25 00:05:47 srv1 sm-mta[640]: u3P05kaI000640: from=<a@b.c>, size=1024, class=0, nrcpts=1, msgid=<x@y>, proto=ESMTP, daemon=MTA, relay=x [1.2.3.4]":                      line.Noise,
		"Feb 27 15:44:18 batman sm-mta[87838]: s1REiHdq087838: ruleset=check_rcpt, arg1=<g@t-online.ch>, relay=[41.204.78.137], reject=550 5.7.1 <g@t-online.ch>... Relaying denied": line.Noise,
		"Feb 24 01:46:44 petermurray sm-mta[24422]: ruleset=check_relay, arg1=x, arg2=217.21.54.82, relay=x [217.21.54.82], reject=421 4.3.2 Connection rate limit exceeded.":        line.Noise,
		"Apr 25 00:06:01 srv1 sm-mta[700]: u3P061mZ000700: example.com [192.0.2.1] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA":                                       line.Noise,
		"Jun  2 13:35:14 host sendmail[1113]: t526ZEUO001113: t526ZEUP001113: DSN: User unknown":                                                                                     line.Noise,
		"Feb 26 12:54:45 server1 sm-msp-queue[1107]: starting daemon (8.14.7): queueing@01:00:00":                                                                                    line.Noise,
		"Feb 24 12:10:15 kismet sm-acceptingconnections[32053]: s1OHA28u032053: h [211.75.6.133]: possible SMTP attack: command=AUTH, count=6":                                       line.Noise,
		"Jun 17 14:37:39 <mail.notice> robin sm-mta[2794]: 55HIbcGI002794: <baduser@yourhost.com>... User unknown":                                                                   line.Noise,
		// Queue-only delivery mode: no attempt was made.
		"Nov 26 10:00:00 mx1 sendmail[9]: 5AQA0062004250: to=<a@b.example>, delay=00:00:00, mailer=esmtp, pri=30000, stat=queued": line.Noise,
		// A to= line cut before its status carries no result; one with an empty status cannot be read.
		"Nov 26 10:00:00 mx1 sendmail[9]: 5AQA0062004250: to=<a@b.example>, delay=00:00:00, mailer=esmtp": line.Noise,
		"Nov 26 10:00:00 mx1 sendmail[9]: 5AQA0062004250: to=<a@b.example>, delay=00:00:00, stat=":        line.Unparsed,
		"Nov 26 10:00:00 mx1 sendmail[9]: 5AQA0062004250: to=, delay=00:00:00, stat=Sent":                 line.Unparsed,
	}
	for l, want := range cases {
		evs, got := parseOne(t, newTestParser(), l)
		if got != want || len(evs) != 0 {
			t.Errorf("%q: kind %v (%d events), want %v", l, got, len(evs), want)
		}
	}
}

func TestTimestamps(t *testing.T) {
	p := New(syslog.Fixed(time.Date(2027, 1, 1, 0, 10, 0, 0, time.UTC)))
	p.Syslog.Loc = time.UTC
	const rest = " mx sm-mta[1]: 5AQA0062004251: to=<a@b.example>, delay=00:00:00, mailer=esmtp, pri=1, relay=mx.b.example. [192.0.2.1], dsn=2.0.0, stat=Sent (ok)"
	dec, _ := parseOne(t, p, "Dec 31 23:59:59"+rest)
	jan, _ := parseOne(t, p, "Jan  1 00:00:01"+rest)
	iso, _ := parseOne(t, p, "2023-03-14T00:00:31.185246+01:00"+rest)
	if dec[0].Time.Year() != 2026 || jan[0].Time.Year() != 2027 {
		t.Fatalf("year turn: dec %v jan %v", dec[0].Time, jan[0].Time)
	}
	if want := time.Date(2023, 3, 13, 23, 0, 31, 185246000, time.UTC); !iso[0].Time.Equal(want) {
		t.Fatalf("rfc3339 %v", iso[0].Time)
	}
}

func TestIsSendmail(t *testing.T) {
	for prog, want := range map[string]bool{
		"sendmail": true, "sm-mta": true, "sm-msp-queue": true, "sendmail/client": true, "sm-acceptingconnections": true,
		"postfix/smtp": false, "sendmaild": false, "exim": false, "smtpd": false,
	} {
		if got := IsSendmail([]byte(prog)); got != want {
			t.Errorf("IsSendmail(%q) = %v", prog, got)
		}
	}
}
