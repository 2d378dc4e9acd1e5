package postfix

import (
	"strings"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/syslog"
)

func newTestParser() *Parser {
	p := New(syslog.Fixed(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)))
	p.Syslog.Loc = time.UTC
	return p
}

func parseOne(t *testing.T, p *Parser, line string) ([]model.Event, LineKind) {
	t.Helper()
	return p.Parse([]byte(line), nil)
}

func TestResultLines(t *testing.T) {
	cases := []struct {
		name, line string
		want       model.Event
	}{
		{"sent with folded Gmail reply and parentheses",
			"Dec 15 07:46:29 phoenix postfix/smtp[29715]: B12B9110102D: to=<a@dmn.co.uk>, orig_to=<x>, relay=testrelay.l.google.com[173.194.72.123]:25, delay=955, delays=0/952/2.1/0.96, dsn=5.1.1, status=bounced (host aspmx.l.google.com[173.194.72.27] said: 550-5.1.1 The email account (really) does not exist. Please try 550-5.1.1 double-checking. Learn more at 550 5.1.1 http://support.google.com/mail/bin/answer.py?answer=6596 fj1si1.82 - gsmtp (in reply to RCPT TO command))",
			model.Event{Outcome: model.Bounced, Recipient: "a@dmn.co.uk", Domain: "dmn.co.uk", Relay: "testrelay.l.google.com", RelayIP: "173.194.72.123",
				QueueID: "B12B9110102D", Host: "phoenix",
				Reply: model.Reply{Code: 550, Enhanced: "5.1.1", Command: "RCPT TO",
					Text: "The email account (really) does not exist. Please try double-checking. Learn more at http://support.google.com/mail/bin/answer.py?answer=6596 fj1si1.82 - gsmtp"}}},
		{"IPv6 relay and connection-level deferral without a code",
			"Jun 10 10:00:00 rhl postfix/smtp[1]: 4PbC4x469Jz3tBr: to=<u@gmail.com>, relay=none, delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to alt1.gmail-smtp-in.l.google.com[2607:f8b0:400e:c03::1a]:25: Network is unreachable)",
			model.Event{Outcome: model.Deferred, Recipient: "u@gmail.com", Domain: "gmail.com", Relay: "alt1.gmail-smtp-in.l.google.com", RelayIP: "2607:f8b0:400e:c03::1a",
				QueueID: "4PbC4x469Jz3tBr", Host: "rhl",
				Reply: model.Reply{Enhanced: "4.4.1", Text: "connect to alt1.gmail-smtp-in.l.google.com[2607:f8b0:400e:c03::1a]:25: Network is unreachable"}}},
		{"delivery temporarily suspended: the cause is what follows",
			"Dec 15 07:48:33 phoenix postfix/error[30156]: C2EC71104FA2: to=<s@Dmn.CO.uk>, relay=none, delay=406308, delays=405198/1110/0/0, dsn=4.4.1, status=deferred (delivery temporarily suspended: connect to ns.watson.ibm.com[129.34.20.123]:25: Connection timed out)",
			model.Event{Outcome: model.Deferred, Recipient: "s@Dmn.CO.uk", Domain: "dmn.co.uk", Relay: "ns.watson.ibm.com", RelayIP: "129.34.20.123",
				QueueID: "C2EC71104FA2", Host: "phoenix",
				Reply: model.Reply{Enhanced: "4.4.1", Text: "connect to ns.watson.ibm.com[129.34.20.123]:25: Connection timed out"}}},
		{"refused to talk to me, multi-part syslog name",
			"Dec 15 07:48:10 phoenix postfix-out/smtp[29045]: EF0771103AB0: to=<x@dmnd.info>, relay=mail-in.bond.info[131.244.5.8]:25, delay=3, delays=1/1/0.1/0, dsn=4.0.0, status=deferred (host mail-in.bond.info[131.244.5.8] refused to talk to me: 550 Too many invalid recipients)",
			model.Event{Outcome: model.Deferred, Recipient: "x@dmnd.info", Domain: "dmnd.info", Relay: "mail-in.bond.info", RelayIP: "131.244.5.8",
				QueueID: "EF0771103AB0", Host: "phoenix",
				Reply: model.Reply{Code: 550, Enhanced: "4.0.0", Text: "Too many invalid recipients"}}},
		{"lost connection",
			"May 27 16:08:10 host postfix/smtp[1284]: 7408D106C4B: to=<b@gmail.com>, relay=gmail.com[173.194.126.86]:25, delay=129, delays=0.01/0.02/128/0, dsn=4.4.2, status=deferred (lost connection with gmail.com[173.194.126.86] while receiving the initial server greeting)",
			model.Event{Outcome: model.Deferred, Recipient: "b@gmail.com", Domain: "gmail.com", Relay: "gmail.com", RelayIP: "173.194.126.86",
				QueueID: "7408D106C4B", Host: "host",
				Reply: model.Reply{Enhanced: "4.4.2", Text: "lost connection with gmail.com[173.194.126.86] while receiving the initial server greeting"}}},
		{"local delivery has no relay host",
			"Aug 30 06:40:55 activeweb1 postfix/local[9720]: 7E3F528BA0: to=<root@activeweb.cl>, orig_to=<root>, relay=local, delay=0.09, delays=0.05/0/0/0.03, dsn=2.0.0, status=sent (delivered to command: /usr/bin/procmail-wrapper -o -a $DOMAIN -d $LOGNAME)",
			model.Event{Outcome: model.Sent, Recipient: "root@activeweb.cl", Domain: "activeweb.cl", QueueID: "7E3F528BA0", Host: "activeweb1",
				Reply: model.Reply{Enhanced: "2.0.0", Text: "delivered to command: /usr/bin/procmail-wrapper -o -a $DOMAIN -d $LOGNAME"}}},
		{"loopback content filter hop is internal, RFC 3339 time",
			"2023-03-14T15:38:10.350627+01:00 helga postfix/amavis/smtp[367589]: 4PbbjW212hz3tBr: to=<u@uhu-banane.net>, relay=127.0.0.1[127.0.0.1]:10024, delay=3.2, delays=0.22/0.02/0.01/2.9, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 4PbbjZ2Fr5z3tG3)",
			model.Event{Outcome: model.Sent, Kind: model.Internal, Recipient: "u@uhu-banane.net", Domain: "uhu-banane.net", Relay: "127.0.0.1", RelayIP: "127.0.0.1",
				QueueID: "4PbbjW212hz3tBr", Host: "helga",
				Reply: model.Reply{Code: 250, Enhanced: "2.0.0", Text: "from MTA(smtp:[127.0.0.1]:10025): Ok: queued as 4PbbjZ2Fr5z3tG3"}}}, // the repeated code reads as a fold
		{"address verification probe",
			"Feb 25 13:58:28 server1 postfix/smtp[3262]: AE11A4011B7B: to=<i@gmail.com>, relay=gmail-smtp-in.l.google.com[74.125.206.26]:25, delay=2, delays=0.07/0.01/1.5/0.34, dsn=2.1.5, status=deliverable (250 2.1.5 OK z9 - gsmtp)",
			model.Event{Outcome: model.Sent, Kind: model.Probe, Recipient: "i@gmail.com", Domain: "gmail.com", Relay: "gmail-smtp-in.l.google.com", RelayIP: "74.125.206.26",
				QueueID: "AE11A4011B7B", Host: "server1", Reply: model.Reply{Code: 250, Enhanced: "2.1.5", Text: "OK z9 - gsmtp"}}},
		{"a line cut before its closing parenthesis keeps what it has",
			"Feb 25 13:58:28 server1 postfix/smtp[3262]: AE11A4011B7B: to=<i@gmail.com>, relay=gmail-smtp-in.l.google.com[74.125.206.26]:25, delay=2, delays=0.07/0.01/1.5/0.34, dsn=4.2.1, status=deferred (host gmail-smtp-in.l.google.com[74.125.206.26] said: 450-4.2.1 The user you are trying",
			model.Event{Outcome: model.Deferred, Recipient: "i@gmail.com", Domain: "gmail.com", Relay: "gmail-smtp-in.l.google.com", RelayIP: "74.125.206.26",
				QueueID: "AE11A4011B7B", Host: "server1", Reply: model.Reply{Code: 450, Enhanced: "4.2.1", Text: "The user you are trying"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evs, kind := parseOne(t, newTestParser(), c.line)
			if kind != Result || len(evs) != 1 {
				t.Fatalf("kind %v, %d events", kind, len(evs))
			}
			got := evs[0]
			if got.Raw != c.line || got.MTA != "postfix" || got.Time.IsZero() {
				t.Errorf("raw/mta/time not set: %+v", got)
			}
			// A deferral carries its normalised text, done once for the
			// expiry memory and the aggregator.
			if want := model.Normalize(got.Reply.Text); got.Outcome == model.Deferred && got.Signature != want {
				t.Errorf("signature %q, want %q", got.Signature, want)
			}
			got.Raw, got.MTA, got.Time, got.Age, got.Signature = "", "", time.Time{}, 0, ""
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestExpiryAppliesToPendingRecipients(t *testing.T) {
	p := newTestParser()
	lines := []string{
		"Nov 27 10:00:00 mx postfix/smtp[1]: 1A2B3C4D5E: to=<a@x.com>, relay=mx.x.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=4.7.0, status=deferred (host mx.x.com[192.0.2.1] said: 451 4.7.0 try later (in reply to RCPT TO command))",
		"Nov 27 10:00:00 mx postfix/smtp[1]: 1A2B3C4D5E: to=<b@y.com>, relay=mx.y.com[192.0.2.2]:25, delay=1, delays=0/0/0/1, dsn=4.2.2, status=deferred (host mx.y.com[192.0.2.2] said: 452 4.2.2 mailbox full (in reply to RCPT TO command))",
		"Nov 27 10:00:00 mx postfix/smtp[1]: 1A2B3C4D5E: to=<c@z.com>, relay=mx.z.com[192.0.2.3]:25, delay=1, delays=0/0/0/1, dsn=4.4.1, status=deferred (connect to mx.z.com[192.0.2.3]:25: Connection timed out)",
		// b is delivered on retry, a is deferred again: a and c stay pending.
		"Nov 27 11:00:00 mx postfix/smtp[1]: 1A2B3C4D5E: to=<b@y.com>, relay=mx.y.com[192.0.2.2]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 ok)",
		"Nov 27 11:00:00 mx postfix/smtp[1]: 1A2B3C4D5E: to=<a@x.com>, relay=mx.x.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=4.7.0, status=deferred (host mx.x.com[192.0.2.1] said: 451 4.7.0 still later (in reply to RCPT TO command))",
	}
	for _, l := range lines {
		if _, k := parseOne(t, p, l); k != Result {
			t.Fatalf("not a result: %s", l)
		}
	}
	evs, k := parseOne(t, p, "Nov 27 12:00:00 mx postfix/qmgr[2]: 1A2B3C4D5E: from=<s@me.com>, status=expired, returned to sender")
	if k != Result || len(evs) != 2 {
		t.Fatalf("kind %v, %d events, want 2 expiries", k, len(evs))
	}
	got := map[string]model.Event{}
	for _, e := range evs {
		if e.Outcome != model.Expired || e.Time.Hour() != 12 || !strings.Contains(e.Raw, "status=expired") {
			t.Errorf("bad expiry %+v", e)
		}
		got[e.Recipient] = e
	}
	if a := got["a@x.com"]; a.Reply.Text != "still later" || a.Domain != "x.com" || a.Relay != "mx.x.com" {
		t.Errorf("a carries its last deferral: %+v", a)
	}
	if _, ok := got["c@z.com"]; !ok {
		t.Errorf("c missing: %+v", got)
	}
	// The queue id is forgotten: a second expiry line counts one unknown recipient.
	evs, _ = parseOne(t, p, "Nov 27 12:00:01 mx postfix/qmgr[2]: 1A2B3C4D5E: from=<s@me.com>, status=expired, returned to sender")
	if len(evs) != 1 || evs[0].Recipient != "" {
		t.Fatalf("unknown expiry: %+v", evs)
	}
}

func TestRemovedForgetsPending(t *testing.T) {
	p := newTestParser()
	parseOne(t, p, "Nov 27 10:00:00 mx postfix/smtp[1]: 1A2B3C4D5E: to=<a@x.com>, relay=none, delay=1, delays=0/0/0/1, dsn=4.4.1, status=deferred (connect to mx.x.com[192.0.2.1]:25: Connection refused)")
	if _, k := parseOne(t, p, "Nov 27 10:00:01 mx postfix/qmgr[2]: 1A2B3C4D5E: removed"); k != Noise {
		t.Fatalf("removed line kind %v", k)
	}
	evs, _ := parseOne(t, p, "Nov 27 12:00:00 mx postfix/qmgr[2]: 1A2B3C4D5E: from=<s@me.com>, status=expired, returned to sender")
	if len(evs) != 1 || evs[0].Recipient != "" {
		t.Fatalf("got %+v", evs)
	}
}

func TestLineKinds(t *testing.T) {
	cases := map[string]LineKind{
		"":       Blank,
		"   \t ": Blank,
		"# failJSON: { \"time\": \"2005-02-21T09:21:54\" }":                               Unparsed,
		"[25-Nov-2016 10:00:00 America/Boise] PHP Warning:  fclose()":                     Unparsed,
		"Jul 30 00:10:11 imac27 madeup: Gobbely Gook":                                     Other,
		"Apr 25 00:05:47 srv1 sm-mta[640]: u3P05kaI000640: to=<a@b.c>, stat=Sent":         Other,
		"Jul  5 06:52:11 prd-mx1 postfix/cleanup[21893]: 3mPVKl0Mhjz7sXv: message-id=<x>": Noise,
		"Jul  5 06:52:11 prd-mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[1.2.3.4]: 554 5.7.1 <a@b>: Relay access denied; from=<a@b> to=<c@d> proto=ESMTP": Noise,
		"Jul  5 06:52:11 prd-mx1 postfix/smtp[1]: connect to mx.x.com[192.0.2.1]:25: Connection timed out":                                                       Noise,
		"Jul  5 06:52:11 prd-mx1 postfix/smtp[1]: 3mPVKl0Mhjz7sXv: host mx.x.com[192.0.2.1] said: 451 try later (in reply to RCPT TO command)":                   Noise,
		"Jul  5 06:52:11 prd-mx1 postfix/smtp[1]: 3mPVKl0Mhjz7sXv: to=<a@b.c>, relay=x, status=":                                                                 Unparsed,
		"Jul  5 06:52:11 prd-mx1 postfix/smtp[1]: 3mPVKl0Mhjz7sXv: to=<a@b.c>, relay=x, dsn=2.0.0, status=weird (x)":                                             Unparsed,
	}
	for line, want := range cases {
		if _, got := parseOne(t, newTestParser(), line); got != want {
			t.Errorf("%q: kind %v, want %v", line, got, want)
		}
	}
}

func TestGiantLine(t *testing.T) {
	text := strings.Repeat("very long reply ", 20000) // 320 KB
	line := "Nov 27 10:00:00 mx postfix/smtp[1]: 1A2B3C4D5E: to=<a@x.com>, relay=mx.x.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=5.7.1, status=bounced (host mx.x.com[192.0.2.1] said: 550 5.7.1 " + text + "(in reply to end of DATA command))"
	evs, k := parseOne(t, newTestParser(), line)
	if k != Result || len(evs) != 1 || evs[0].Reply.Command != "end of DATA" || len(evs[0].Reply.Text) < 300000 {
		t.Fatalf("kind %v events %d", k, len(evs))
	}
}

func TestClassicYearTurn(t *testing.T) {
	p := New(syslog.Fixed(time.Date(2027, 1, 1, 0, 10, 0, 0, time.UTC)))
	p.Syslog.Loc = time.UTC
	dec, _ := parseOne(t, p, "Dec 31 23:59:59 mx postfix/smtp[1]: 1A2B3C4D5E: to=<a@x.com>, relay=mx.x.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)")
	jan, _ := parseOne(t, p, "Jan  1 00:00:01 mx postfix/smtp[1]: 1A2B3C4D5F: to=<a@x.com>, relay=mx.x.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)")
	if dec[0].Time.Year() != 2026 || jan[0].Time.Year() != 2027 {
		t.Fatalf("dec %v jan %v", dec[0].Time, jan[0].Time)
	}
}

func TestPendingIsBounded(t *testing.T) {
	p := newTestParser()
	for i := 0; i < maxPending*2; i++ {
		ev := model.Event{QueueID: string(rune('A'+i%26)) + strings.Repeat("x", 4) + itoa(i), Recipient: "a@b", Outcome: model.Deferred}
		p.pending.defer_(ev.QueueID, p.pending.compact(&ev))
	}
	if n := len(p.pending.m); n > maxPending {
		t.Fatalf("%d queue ids remembered, bound %d", n, maxPending)
	}
	if p.PendingDropped() == 0 {
		t.Fatal("nothing counted as dropped")
	}
}

// A queue id heard of in every generation is kept however many others
// come and go; one not heard of for a whole generation is forgotten.
func TestPendingKeepsTheActive(t *testing.T) {
	p := newTestParser()
	deferral := func(qid, rcpt string) {
		ev := model.Event{QueueID: qid, Recipient: rcpt, Outcome: model.Deferred}
		p.pending.defer_(qid, p.pending.compact(&ev))
	}
	deferral("ACTIVE0001", "a@x")
	deferral("ACTIVE0001", "b@x")
	deferral("QUIET00001", "c@x")
	for i := 0; i < maxPending*3; i++ {
		deferral("F"+itoa(i), "z@y")
		if i%(maxPending/4) == 0 {
			p.pending.done("ACTIVE0001", "b@x") // news of it: b delivered
		}
		if n := len(p.pending.m); n > maxPending {
			t.Fatalf("%d queue ids held, bound %d", n, maxPending)
		}
	}
	if got := p.pending.take("ACTIVE0001"); len(got) != 1 || got[0].rcpt != "a@x" {
		t.Fatalf("active queue id: %+v", got)
	}
	if got := p.pending.take("QUIET00001"); got != nil {
		t.Fatalf("quiet queue id kept: %+v", got)
	}
	if p.PendingDropped() < maxPending {
		t.Fatalf("dropped %d", p.PendingDropped())
	}
}

func itoa(i int) string {
	b := []byte{}
	for i > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	return string(b)
}

func TestDelayIsAge(t *testing.T) {
	evs, _ := parseOne(t, newTestParser(), "Dec 15 07:48:33 phoenix postfix/error[30156]: C2EC71104FA2: to=<s@x.uk>, relay=none, delay=406308.5, delays=405198/1110/0/0, dsn=4.4.1, status=deferred (connect to ns.x.com[129.34.20.123]:25: Connection timed out)")
	if len(evs) != 1 || evs[0].Age != 406308*time.Second+500*time.Millisecond {
		t.Fatalf("age %v", evs)
	}
	for in, want := range map[string]time.Duration{"0.51": 510 * time.Millisecond, "955": 955 * time.Second, "": 0, "x": 0, "1.2.3": 0} {
		if got := seconds([]byte(in)); got != want {
			t.Errorf("seconds(%q) = %v, want %v", in, got, want)
		}
	}
}
