package exim

import (
	"strings"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/line"
	"github.com/relaytop/relaytop/sources/syslog"
)

func newTestParser() *Parser {
	p := New(syslog.Fixed(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)))
	p.Loc = time.UTC
	return p
}

func parseOne(t *testing.T, p *Parser, l string) ([]model.Event, line.Kind) {
	t.Helper()
	return p.Parse([]byte(l), nil)
}

func TestResultLines(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	cases := []struct {
		name, line string
		want       model.Event
	}{
		{"old id, remote delivery with TLS fields and parent address",
			`2020-02-22 01:31:26 1j5IhX-0006pK-Rt => anders.warnqvist@gmail.com <kassor@ucf.se> R=dnslookup T=remote_smtp H=gmail-smtp-in.l.google.com [108.177.15.26] X=TLS1.2:RSA_AES_128_CBC_SHA1:128 DN="C=US,ST=California,L=Mountain View,O=Google LLC,CN=mx.google.com"`,
			model.Event{Time: utc(2020, 2, 22, 1, 31, 26, 0), Outcome: model.Sent, QueueID: "1j5IhX-0006pK-Rt",
				Recipient: "anders.warnqvist@gmail.com", Domain: "gmail.com", Relay: "gmail-smtp-in.l.google.com", RelayIP: "108.177.15.26"}},
		{"new id, additional address, loopback is internal, confirmation",
			`1999-03-02 09:44:33 10HmaX-000000005vi-0000 -> a001@test.ex R=client T=send_to_server H=127.0.0.1 [127.0.0.1] L C="250 OK id=10HmaY-000000005vi-0000"`,
			model.Event{Time: utc(1999, 3, 2, 9, 44, 33, 0), Outcome: model.Sent, Kind: model.Internal, QueueID: "10HmaX-000000005vi-0000",
				Recipient: "a001@test.ex", Domain: "test.ex", Relay: "127.0.0.1", RelayIP: "127.0.0.1",
				Reply: model.Reply{Code: 250, Text: "OK id=10HmaY-000000005vi-0000"}}},
		{"millisecond timestamp, continued connection marker",
			`2017-07-30 18:51:05.712 10HmaX-000000005vi-0000 => a@test.ex R=to_server T=remote_smtp H=127.0.0.1 [127.0.0.1]* K C="250 OK bdat"`,
			model.Event{Time: utc(2017, 7, 30, 18, 51, 5, 712000000), Outcome: model.Sent, Kind: model.Internal, QueueID: "10HmaX-000000005vi-0000",
				Recipient: "a@test.ex", Domain: "test.ex", Relay: "127.0.0.1", RelayIP: "127.0.0.1", Reply: model.Reply{Code: 250, Text: "OK bdat"}}},
		{"zone, pid, port, sending interface, enhanced code",
			`2020-02-22 00:48:41.5 +0100 [4711] 1j5IF1-0006A7-Ub => Bob@Example.COM R=dnslookup T=remote_smtp H=MX.example.com. [192.0.2.1]:25 I=[198.51.100.7]:41234 X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C="250 2.0.0 OK 1582337486 x1si - gsmtp" QT=2s DT=1s`,
			model.Event{Time: time.Date(2020, 2, 21, 23, 48, 41, 500000000, time.UTC), Outcome: model.Sent, QueueID: "1j5IF1-0006A7-Ub",
				Recipient: "Bob@Example.COM", Domain: "example.com", Relay: "mx.example.com", RelayIP: "192.0.2.1", Identity: "198.51.100.7",
				Reply: model.Reply{Code: 250, Enhanced: "2.0.0", Text: "OK 1582337486 x1si - gsmtp"}}},
		{"cutthrough delivery, H=[ip]",
			`2024-05-01 10:00:00 1sBxyz-000123-AB >> u@example.org R=dnslookup T=remote_smtp H=[2001:db8::25] C="250 ok"`,
			model.Event{Time: utc(2024, 5, 1, 10, 0, 0, 0), Outcome: model.Sent, QueueID: "1sBxyz-000123-AB",
				Recipient: "u@example.org", Domain: "example.org", RelayIP: "2001:db8::25", Reply: model.Reply{Code: 250, Text: "ok"}}},
		{"local delivery: no host, a real delivery",
			`2024-05-01 10:00:00 1sBxyz-000123-AB => fred <fred@example.com> R=localuser T=local_delivery`,
			model.Event{Time: utc(2024, 5, 1, 10, 0, 0, 0), Outcome: model.Sent, QueueID: "1sBxyz-000123-AB",
				Recipient: "fred", Domain: "example.com"}},
		{"blackhole: the parent gives the domain",
			`1999-03-02 09:44:33 10HmbA-000000005vi-0000 => :blackhole: <CALLER@myhost.test.ex> R=bounces`,
			model.Event{Time: utc(1999, 3, 2, 9, 44, 33, 0), Outcome: model.Sent, QueueID: "10HmbA-000000005vi-0000",
				Recipient: ":blackhole:", Domain: "myhost.test.ex"}},
		{"deferral with H= after defer (-44) and the command's address removed",
			`1999-03-02 09:44:33 10HmaX-000000005vi-0000 == b@test.ex R=client T=send_to_server defer (-44) H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after RCPT TO:<b@test.ex>: 451 Temp error`,
			model.Event{Time: utc(1999, 3, 2, 9, 44, 33, 0), Outcome: model.Deferred, Kind: model.Internal, QueueID: "10HmaX-000000005vi-0000",
				Recipient: "b@test.ex", Domain: "test.ex", Relay: "127.0.0.1", RelayIP: "127.0.0.1",
				Reply: model.Reply{Code: 451, Text: "Temp error", Command: "RCPT TO"}}},
		{"defer (dd): strerror text without a code, no host",
			`1999-03-02 09:44:33 10HmaZ-000000005vi-0000 == g@test.ex R=client T=send_to_server defer (dd): Connection timed out: SMTP timeout after RCPT TO:<f@test.ex>`,
			model.Event{Time: utc(1999, 3, 2, 9, 44, 33, 0), Outcome: model.Deferred, QueueID: "10HmaZ-000000005vi-0000",
				Recipient: "g@test.ex", Domain: "test.ex",
				Reply: model.Reply{Text: "Connection timed out: SMTP timeout after RCPT TO:<f@test.ex>", Command: "RCPT TO"}}},
		{"defer with strerror only",
			`1999-03-02 09:44:33 10HmaY-000000005vi-0000 == CALLER@myhost.test.ex R=r1 T=t1 defer (111): Connection refused`,
			model.Event{Time: utc(1999, 3, 2, 9, 44, 33, 0), Outcome: model.Deferred, QueueID: "10HmaY-000000005vi-0000",
				Recipient: "CALLER@myhost.test.ex", Domain: "myhost.test.ex", Reply: model.Reply{Text: "Connection refused"}}},
		{"Microsoft deferral folded with literal \\n",
			`2024-05-01 10:00:00 1sBxyz-000123-AB == x@contoso.com R=dnslookup T=remote_smtp defer (-44) H=contoso-com.mail.protection.outlook.com [52.101.40.1]: SMTP error from remote mail server after pipelined RCPT TO:<x@contoso.com>: 451-4.7.500 Server busy.\n451 4.7.500 Please try again later. [AM0PR01]`,
			model.Event{Time: utc(2024, 5, 1, 10, 0, 0, 0), Outcome: model.Deferred, QueueID: "1sBxyz-000123-AB",
				Recipient: "x@contoso.com", Domain: "contoso.com", Relay: "contoso-com.mail.protection.outlook.com", RelayIP: "52.101.40.1",
				Reply: model.Reply{Code: 451, Enhanced: "4.7.500", Text: "Server busy. Please try again later. [AM0PR01]", Command: "RCPT TO"}}},
		{"old form: the host inside the error text",
			`2020-02-22 07:09:24 1j5NyY-0004Xp-NZ ** ronnienorcross@yahoo.com R=dnslookup T=remote_smtp: SMTP error from remote mail server after end of data: host mta5.am0.yahoodns.net [67.195.204.72]: 554 delivery error: dd This user doesn't have a yahoo.com account (ronnienorcross@yahoo.com) [-9] - mta4420.mail.bf1.yahoo.com`,
			model.Event{Time: utc(2020, 2, 22, 7, 9, 24, 0), Outcome: model.Bounced, QueueID: "1j5NyY-0004Xp-NZ",
				Recipient: "ronnienorcross@yahoo.com", Domain: "yahoo.com", Relay: "mta5.am0.yahoodns.net", RelayIP: "67.195.204.72",
				Reply: model.Reply{Code: 554, Command: "end of DATA",
					Text: "delivery error: dd This user doesn't have a yahoo.com account (ronnienorcross@yahoo.com) [-9] - mta4420.mail.bf1.yahoo.com"}}},
		{"failure with \" : \" after the host",
			`1999-03-02 09:44:33 10HmbB-000000005vi-0000 ** j@test.ex R=client T=send_to_server H=127.0.0.1 [127.0.0.1] : SMTP error from remote mail server after pipelined MAIL FROM:<CALLER@test.ex>: 550 Perm error`,
			model.Event{Time: utc(1999, 3, 2, 9, 44, 33, 0), Outcome: model.Bounced, Kind: model.Internal, QueueID: "10HmbB-000000005vi-0000",
				Recipient: "j@test.ex", Domain: "test.ex", Relay: "127.0.0.1", RelayIP: "127.0.0.1",
				Reply: model.Reply{Code: 550, Text: "Perm error", Command: "MAIL FROM"}}},
		{"router failure without a transport",
			`2020-02-22 01:41:08 1j4ZTB-0001Sv-P4 ** noreply@pilgrimbrevet.se: Unrouteable address`,
			model.Event{Time: utc(2020, 2, 22, 1, 41, 8, 0), Outcome: model.Bounced, QueueID: "1j4ZTB-0001Sv-P4",
				Recipient: "noreply@pilgrimbrevet.se", Domain: "pilgrimbrevet.se", Reply: model.Reply{Text: "Unrouteable address"}}},
		{"LMTP error after MAIL FROM",
			`1999-03-02 09:44:33 10HmaZ-000000005vi-0000 ** userx@myhost.test.ex R=smartuser T=lmtp : LMTP error after MAIL FROM:<CALLER@myhost.test.ex>: 550 Don't like that sender`,
			model.Event{Time: utc(1999, 3, 2, 9, 44, 33, 0), Outcome: model.Bounced, QueueID: "10HmaZ-000000005vi-0000",
				Recipient: "userx@myhost.test.ex", Domain: "myhost.test.ex", Reply: model.Reply{Code: 550, Text: "Don't like that sender", Command: "MAIL FROM"}}},
		{"LMTP timeout after end of data",
			`1999-03-02 09:44:33 10HmbF-000000005vi-0000 == jack@myhost.test.ex R=smartuser T=lmtp defer (-1): LMTP timeout after end of data (ddd bytes written)`,
			model.Event{Time: utc(1999, 3, 2, 9, 44, 33, 0), Outcome: model.Deferred, QueueID: "10HmbF-000000005vi-0000",
				Recipient: "jack@myhost.test.ex", Domain: "myhost.test.ex",
				Reply: model.Reply{Text: "LMTP timeout after end of data (ddd bytes written)", Command: "end of DATA"}}},
		{"LMTP error after initial connection",
			`1999-03-02 09:44:33 10HmaY-000000005vi-0000 == userx@myhost.test.ex R=smartuser T=lmtp defer (-1): LMTP error after initial connection: 440 Sorry, there's a problem here`,
			model.Event{Time: utc(1999, 3, 2, 9, 44, 33, 0), Outcome: model.Deferred, QueueID: "10HmaY-000000005vi-0000",
				Recipient: "userx@myhost.test.ex", Domain: "myhost.test.ex",
				Reply: model.Reply{Code: 440, Text: "Sorry, there's a problem here", Command: "initial connection"}}},
		{"all hosts failing for a long time is an expiry",
			`2024-05-01 10:00:00 1sBxyz-000123-AB ** a@dead.example R=dnslookup T=remote_smtp: all hosts for 'dead.example' have been failing for a long time (and retry time not reached)`,
			model.Event{Time: utc(2024, 5, 1, 10, 0, 0, 0), Outcome: model.Expired, QueueID: "1sBxyz-000123-AB", Recipient: "a@dead.example", Domain: "dead.example",
				Reply: model.Reply{Text: "all hosts for 'dead.example' have been failing for a long time (and retry time not reached)"}}},
		{"classic syslog wrapper with Exim's own timestamp",
			`Feb 22 00:48:41 mx1 exim[123]: 2020-02-22 00:48:41 1j5IF1-0006A7-Ub => a@b.example R=dnslookup T=remote_smtp H=mx.b.example [192.0.2.9]`,
			model.Event{Time: utc(2020, 2, 22, 0, 48, 41, 0), Outcome: model.Sent, Host: "mx1", QueueID: "1j5IF1-0006A7-Ub",
				Recipient: "a@b.example", Domain: "b.example", Relay: "mx.b.example", RelayIP: "192.0.2.9"}},
		{"syslog wrapper without Exim's timestamp",
			`Nov 26 08:00:01 mx1 exim4[9]: 1j5IF1-0006A7-Ub ** a@b.example: Unrouteable address`,
			model.Event{Time: utc(2026, 11, 26, 8, 0, 1, 0), Outcome: model.Bounced, Host: "mx1", QueueID: "1j5IF1-0006A7-Ub",
				Recipient: "a@b.example", Domain: "b.example", Reply: model.Reply{Text: "Unrouteable address"}}},
		{"syslog-ng with ISO time and a pid prefix",
			`2019-10-22 03:39:17 mx1.fqdn.local exim[29786]: [29786] 1j5IF1-0006A7-Ub -> c@d.example R=dnslookup T=remote_smtp H=mx.d.example [192.0.2.10]`,
			model.Event{Time: utc(2019, 10, 22, 3, 39, 17, 0), Outcome: model.Sent, Host: "mx1.fqdn.local", QueueID: "1j5IF1-0006A7-Ub",
				Recipient: "c@d.example", Domain: "d.example", Relay: "mx.d.example", RelayIP: "192.0.2.10"}},
		{"journal export: host and program first",
			`mail.example.com exim[3751842]: 2021-07-17 23:20:49 1j5IF1-0006A7-Ub => e@f.example R=dnslookup T=remote_smtp H=mx.f.example [192.0.2.11]`,
			model.Event{Time: utc(2021, 7, 17, 23, 20, 49, 0), Outcome: model.Sent, Host: "mail.example.com", QueueID: "1j5IF1-0006A7-Ub",
				Recipient: "e@f.example", Domain: "f.example", Relay: "mx.f.example", RelayIP: "192.0.2.11"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evs, kind := parseOne(t, newTestParser(), c.line)
			if kind != line.Result || len(evs) != 1 {
				t.Fatalf("kind %v, %d events", kind, len(evs))
			}
			got := evs[0]
			if got.Raw != c.line || got.MTA != "exim" {
				t.Errorf("raw/mta not set: %+v", got)
			}
			if !got.Time.Equal(c.want.Time) {
				t.Errorf("time %v, want %v", got.Time, c.want.Time)
			}
			got.Raw, got.MTA, got.Time, c.want.Time = "", "", time.Time{}, time.Time{}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestZoneIsKept(t *testing.T) {
	evs, _ := parseOne(t, newTestParser(), `2020-02-22 00:48:41 -0530 1j5IF1-0006A7-Ub => a@b.example R=r T=t H=mx.b.example [192.0.2.1]`)
	if len(evs) != 1 {
		t.Fatal("no event")
	}
	if _, off := evs[0].Time.Zone(); off != -(5*3600 + 30*60) {
		t.Fatalf("offset %d", off)
	}
	p := New(syslog.Years{})
	p.Loc = time.FixedZone("CET", 3600)
	evs, _ = parseOne(t, p, `2020-02-22 00:48:41 1j5IF1-0006A7-Ub => a@b.example R=r T=t H=mx.b.example [192.0.2.1]`)
	if want := time.Date(2020, 2, 21, 23, 48, 41, 0, time.UTC); !evs[0].Time.Equal(want) {
		t.Fatalf("no zone must mean Loc: %v", evs[0].Time)
	}
}

func TestFoldedReplyOverTenKilobytes(t *testing.T) {
	var b strings.Builder
	b.WriteString(`2024-05-01 10:00:00 10HmaX-000000005vi-0000 ** userx@example.net R=r1 T=t1 H=mx.example.net [192.0.2.5] : SMTP error from remote mail server after DATA: `)
	const part = "This is a very long error message, very long indeed, indeed, indeed."
	for i := 0; i < 150; i++ {
		b.WriteString(`550-5.7.1 ` + part + `\n`)
	}
	b.WriteString(`550 5.7.1 The end.`)
	l := b.String()
	if len(l) < 10*1024 {
		t.Fatalf("line only %d bytes", len(l))
	}
	evs, k := parseOne(t, newTestParser(), l)
	if k != line.Result || len(evs) != 1 {
		t.Fatalf("kind %v, %d events", k, len(evs))
	}
	r := evs[0].Reply
	want := strings.Repeat(part+" ", 150) + "The end."
	if r.Code != 550 || r.Enhanced != "5.7.1" || r.Command != "DATA" || r.Text != want {
		t.Fatalf("reply %d %q %q, text %d bytes: %.200q", r.Code, r.Enhanced, r.Command, len(r.Text), r.Text)
	}
	if strings.Contains(r.Text, `\n`) || strings.Contains(r.Text, "550") {
		t.Fatal("continuations left in the text")
	}
}

func TestRetryTimeoutExceeded(t *testing.T) {
	p := newTestParser()
	for _, l := range []string{
		`2024-05-01 10:00:00 1sBxyz-000123-AB == a@x.example R=dnslookup T=remote_smtp defer (-44) H=mx.x.example [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<a@x.example>: 451 4.7.1 Greylisted`,
		`2024-05-01 10:00:00 1sBxyz-000123-AB == b@y.example R=dnslookup T=remote_smtp defer (-44) H=mx.y.example [192.0.2.2]: SMTP error from remote mail server after RCPT TO:<b@y.example>: 452 4.2.2 Mailbox full`,
		`2024-05-01 11:00:00 1sBxyz-000123-AB => b@y.example R=dnslookup T=remote_smtp H=mx.y.example [192.0.2.2] C="250 ok"`,
	} {
		if _, k := parseOne(t, p, l); k != line.Result {
			t.Fatalf("not a result: %s", l)
		}
	}
	evs, k := parseOne(t, p, `2024-05-05 10:00:00 1sBxyz-000123-AB ** a@x.example: retry timeout exceeded`)
	if k != line.Result || len(evs) != 1 {
		t.Fatalf("kind %v, %d events", k, len(evs))
	}
	e := evs[0]
	if e.Outcome != model.Expired || e.Kind != model.Delivery || e.Domain != "x.example" || e.Relay != "mx.x.example" ||
		e.Reply.Enhanced != "4.7.1" || e.Reply.Text != "Greylisted" {
		t.Fatalf("expiry does not carry the last deferral: %+v", e)
	}
	// Forgotten once taken; an unknown recipient keeps Exim's words.
	evs, _ = parseOne(t, p, `2024-05-05 10:00:01 1sBxyz-000123-AB ** a@x.example R=dnslookup T=remote_smtp: retry timeout exceeded`)
	if e := evs[0]; e.Outcome != model.Expired || e.Reply.Text != "retry timeout exceeded" || e.Relay != "" {
		t.Fatalf("unknown expiry: %+v", e)
	}
	// The phrase after the last error: that error is the reply.
	evs, _ = parseOne(t, p, `2024-05-05 10:00:02 1sBxyz-000125-AB ** d@x.example R=dnslookup T=remote_smtp H=[192.0.2.1]: SMTP error from remote mail server after RCPT TO:<d@x.example>: 451 4.7.1 Greylisted: retry timeout exceeded`)
	if e := evs[0]; e.Outcome != model.Expired || e.RelayIP != "192.0.2.1" || e.Reply.Code != 451 || e.Reply.Text != "Greylisted" || e.Reply.Command != "RCPT TO" {
		t.Fatalf("expiry after an error: %+v", e)
	}
	// A delivered recipient is not pending; Completed forgets the message.
	parseOne(t, p, `2024-05-01 10:00:00 1sBxyz-000124-AB == c@z.example R=dnslookup T=remote_smtp defer (111): Connection refused`)
	if _, k := parseOne(t, p, `2024-05-01 10:00:00 1sBxyz-000124-AB Completed`); k != line.Noise {
		t.Fatalf("Completed kind %v", k)
	}
	if _, ok := p.pending.take("1sBxyz-000124-AB", "c@z.example"); ok {
		t.Fatal("Completed message still pending")
	}
}

func TestLineKinds(t *testing.T) {
	cases := map[string]line.Kind{
		"":                          line.Blank,
		"  \t":                      line.Blank,
		"# failJSON: { \"x\": 1 }":  line.Unparsed,
		"******** SERVER ********":  line.Unparsed,
		"<<< RCPT TO:<a@b>":         line.Unparsed,
		"2020-13-45 99:00:00 hello": line.Unparsed,
		"Jul 30 00:10:11 imac27 postfix/smtp[1]: 3mPVKl0Mhjz7sXv: to=<a@b.c>, status=sent (ok)":                                 line.Other,
		"2023-03-14T00:00:31.185246+01:00 helga postfix/smtp[1]: 4PbC4x469Jz3tBr: to=<a@b>, status=sent (ok)":                   line.Other,
		"2020-02-22 00:48:41 no host name found for IP address 185.143.223.168":                                                 line.Noise,
		"2020-02-22 00:48:43 H=([185.143.223.163]) [185.143.223.168] F=<f@m.com> rejected RCPT <e@d.se>: Unrouteable address":   line.Noise,
		"1999-03-02 09:44:33 10HmaX-000000005vi-0000 <= CALLER@myhost.test.ex U=CALLER P=local S=sss":                           line.Noise,
		"1999-03-02 09:44:33 10HmaX-000000005vi-0000 Completed":                                                                 line.Noise,
		"1999-03-02 09:44:33 10HmbA-000000005vi-0000 H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after DATA: 4": line.Noise,
		"1999-03-02 09:44:33 10HmaY-000000005vi-0000 CALLER@test.ex: error ignored":                                             line.Noise,
		"1999-03-02 09:44:33 exim x.yz daemon started: pid=p1234, no queue runs, listening for SMTP on port PORT_D":             line.Noise,
		"2016-04-01 11:08:00 info exim[8001]: [8001] no MAIL in SMTP connection from (User) [192.0.2.29]:20042":                 line.Noise,
		// Delivery suppressed by -N: accounted for, not counted.
		"2024-05-01 10:00:00 1sBxyz-000123-AB *> a@b.example R=dnslookup T=remote_smtp H=mx.b.example [192.0.2.1]": line.Noise,
		// A result flag with nothing after it cannot be read.
		"2024-05-01 10:00:00 1sBxyz-000123-AB =>":  line.Unparsed,
		"2024-05-01 10:00:00 1sBxyz-000123-AB ** ": line.Unparsed,
	}
	for l, want := range cases {
		evs, got := parseOne(t, newTestParser(), l)
		if got != want || len(evs) != 0 {
			t.Errorf("%q: kind %v (%d events), want %v", l, got, len(evs), want)
		}
	}
}

func TestCommand(t *testing.T) {
	cases := map[string]string{
		"RCPT TO:<b@test.ex>":                  "RCPT TO",
		"pipelined MAIL FROM:<a@b> SIZE=1234":  "MAIL FROM",
		"MAIL FROM:<>":                         "MAIL FROM",
		"EHLO myhost.test.ex":                  "EHLO",
		"DATA":                                 "DATA",
		"end of data":                          "end of DATA",
		"end of data (ddd bytes written)":      "end of DATA",
		"initial connection":                   "initial connection",
		"pipelined sending data block":         "sending data block",
		"BDAT 1234 LAST":                       "BDAT",
		"AUTH PLAIN":                           "AUTH PLAIN",
		"pipelined RCPT TO:<c@test.ex>":        "RCPT TO",
		"  STARTTLS ":                          "STARTTLS",
		"RCPT TO:<x@example.com> NOTIFY=NEVER": "RCPT TO",
	}
	for in, want := range cases {
		if got := command(in); got != want {
			t.Errorf("command(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMessageID(t *testing.T) {
	for in, ok := range map[string]bool{
		"1j5IF1-0006A7-Ub =>":        true,
		"10HmaX-000000005vi-0000 =>": true,
		"1j5IF1-0006A7-Ub":           true,
		"1j5IF1-0006A7-U =>":         false,
		"1j5IF1_0006A7-Ub =>":        false,
		"10HmaX-000000005v!-0000 =>": false,
		"no host name found for":     false,
	} {
		if _, _, got := messageID([]byte(in)); got != ok {
			t.Errorf("messageID(%q) = %v", in, got)
		}
	}
}
