package pmta

import (
	"strings"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/line"
)

func parseOne(t *testing.T, p *Parser, l string) (model.Event, line.Kind) {
	t.Helper()
	evs, k := p.Parse([]byte(l), nil)
	if k == line.Result {
		if len(evs) != 1 {
			t.Fatalf("%d events for a result line", len(evs))
		}
		return evs[0], k
	}
	if len(evs) != 0 {
		t.Fatalf("%d events for a %v line", len(evs), k)
	}
	return model.Event{}, k
}

// The PowerMTA 4.0 User's Guide example layout (section 11.2.9), with a
// few more columns.
const guideHeader = "type,timeLogged,orig,rcpt,dlvSourceIp,bounceCat,dsnStatus,dsnDiag,dsnMta,vmta"

func TestRecords(t *testing.T) {
	cases := []struct {
		name, line string
		want       model.Event
	}{
		{"documented 4.0 example: UNIX time, default-free layout",
			"d,1178807903,orig@port25.com,user1@domain.com,10.0.0.1,,,,,",
			model.Event{Time: time.Unix(1178807903, 0).UTC(), Outcome: model.Sent, Recipient: "user1@domain.com",
				Domain: "domain.com", Identity: "10.0.0.1"}},
		{"dns; name type, quoted diag with doubled quotes, status code fills in",
			`b,2026-11-27 16:41:00-0500,o@x.net,U@Example.COM,198.51.100.7,bad-mailbox,5.1.1 (bad destination mailbox address),"smtp;550 Requested action not taken: mailbox ""u"" unavailable",dns;mx1.Example.com. (192.0.2.1),vmta1`,
			model.Event{Time: time.Date(2026, 11, 27, 21, 41, 0, 0, time.UTC), Outcome: model.Bounced, Recipient: "U@Example.COM",
				Domain: "example.com", Relay: "mx1.example.com", RelayIP: "192.0.2.1", Identity: "198.51.100.7",
				Reply: model.Reply{Code: 550, Enhanced: "5.1.1", Text: `Requested action not taken: mailbox "u" unavailable`}}},
		{"RFC 1123 date, Microsoft 4.7.0, X- diagnostic type",
			`t,"Fri, 27 Nov 2026 16:40:01 -0500",o@x.net,a@contoso.com,198.51.100.7,,4.7.0 (other or undefined security status),X-PowerMTA;451 4.7.0 Temporary server error. Please try again later. PRX4,contoso-com.mail.protection.outlook.com (52.101.41.4),vmta1`,
			model.Event{Time: time.Date(2026, 11, 27, 21, 40, 1, 0, time.UTC), Outcome: model.Deferred, Recipient: "a@contoso.com",
				Domain: "contoso.com", Relay: "contoso-com.mail.protection.outlook.com", RelayIP: "52.101.41.4", Identity: "198.51.100.7",
				Reply: model.Reply{Code: 451, Enhanced: "4.7.0", Text: "Temporary server error. Please try again later. PRX4"}}},
		{"expired by bounce category, identity falls back to the VMTA",
			"b,1795815600.25,o@x.net,a@yahoo.com,,message-expired,5.4.7 (delivery time expired),,,vmta-b1",
			model.Event{Time: time.Unix(1795815600, 250000000).UTC(), Outcome: model.Expired, Recipient: "a@yahoo.com",
				Domain: "yahoo.com", Identity: "vmta-b1", Reply: model.Reply{Enhanced: "5.4.7", Text: "delivery time expired"}}},
		{"a delivery to a loopback address is internal; address literal",
			"d,2026-11-27 16:40:01-0500,o@x.net,a@x.org,127.0.0.1,,2.0.0 (success),smtp;250 ok,[127.0.0.1],",
			model.Event{Time: time.Date(2026, 11, 27, 21, 40, 1, 0, time.UTC), Outcome: model.Sent, Kind: model.Internal,
				Recipient: "a@x.org", Domain: "x.org", RelayIP: "127.0.0.1", Identity: "127.0.0.1",
				Reply: model.Reply{Code: 250, Enhanced: "2.0.0", Text: "ok"}}},
		{"a line cut inside a quoted diagnostic keeps what it has",
			`t,2026-11-27 16:40:01-0500,o@x.net,a@gmail.com,198.51.100.7,,,"smtp;421-4.7.0 Our system has detected, 421-4.7.0 an unusual`,
			model.Event{Time: time.Date(2026, 11, 27, 21, 40, 1, 0, time.UTC), Outcome: model.Deferred, Recipient: "a@gmail.com",
				Domain: "gmail.com", Identity: "198.51.100.7",
				Reply: model.Reply{Code: 421, Enhanced: "4.7.0", Text: "Our system has detected, an unusual"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := New()
			if !p.SetHeader([]byte(guideHeader)) {
				t.Fatal("header not taken")
			}
			got, k := parseOne(t, p, c.line)
			if k != line.Result {
				t.Fatalf("kind %v", k)
			}
			if got.Raw != c.line || got.MTA != "pmta" {
				t.Errorf("raw/mta: %+v", got)
			}
			got.Raw, got.MTA = "", ""
			if !got.Time.Equal(c.want.Time) {
				t.Errorf("time %v, want %v", got.Time, c.want.Time)
			}
			got.Time, c.want.Time = time.Time{}, time.Time{}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestTransientQueueRecord(t *testing.T) {
	p := New()
	p.SetHeader([]byte("type,timeLogged,dsnStatus,dsnDiag,dsnMta,dlvSourceIp,vmta,queue,vmtaPool"))
	got, k := parseOne(t, p, "tq,2026-11-27 16:40:20-0500,4.4.1 (no answer from host),,mx1.Example.net (192.0.2.80),,vmta-b1,Example.NET/vmta-b1,pool-bulk")
	if k != line.Result || got.Outcome != model.Deferred || got.Recipient != "" || got.Domain != "example.net" ||
		got.Relay != "mx1.example.net" || got.Identity != "vmta-b1" || got.Reply.Enhanced != "4.4.1" {
		t.Fatalf("kind %v, %+v", k, got)
	}
}

func TestLineKinds(t *testing.T) {
	cases := []struct {
		line string
		want line.Kind
	}{
		{"", line.Blank},
		{" \r", line.Blank},
		{DefaultHeader, line.Noise},
		{"\xef\xbb\xbf" + DefaultHeader + "\r", line.Noise},
		{"r,2026-11-27 16:39:58-0500,,o@x.net,a@b.c", line.Noise},
		{"f,2026-11-27 16:39:58-0500,,o@x.net,a@b.c", line.Noise},
		{"rb,2026-11-27 16:39:58-0500,,o@x.net,a@b.c", line.Noise},
		{"rs,2026-11-27 16:39:58-0500,,o@x.net,a@b.c", line.Noise},
		{"d,2026-11-27 16:40:01-0500,2026-11-27 16:39:58-0500,o@x.net,a@b.c", line.Result},
		{"d,2026-11-27 16:40:01-0500,2026-11-27 16:39:58-0500,o@x.net,a@b.c\r", line.Result},
		{"d,2026-11-27 16:40:01-0500,2026-11-27 16:39:58-0500,o@x.net,", line.Unparsed},  // no recipient
		{"d,27/11/2026 16:40,2026-11-27 16:39:58-0500,o@x.net,a@b.c", line.Unparsed},     // unreadable time
		{"d,99999999999999999999,2026-11-27 16:39:58-0500,o@x.net,a@b.c", line.Unparsed}, // absurd time
		{"x,2026-11-27 16:40:01-0500,2026-11-27 16:39:58-0500,o@x.net,a@b.c", line.Unparsed},
		{"Nov 27 16:40:01 mx postfix/smtp[1]: 1A2B3C4D5E: to=<a@b.c>, status=sent (250 ok)", line.Unparsed},
		{`{"type":"Delivery"}`, line.Unparsed},
	}
	for _, c := range cases {
		if _, got := parseOne(t, New(), c.line); got != c.want {
			t.Errorf("%q: kind %v, want %v", c.line, got, c.want)
		}
	}
}

// A new header replaces the old layout; until the first one, the default
// layout is assumed.
func TestHeaderResets(t *testing.T) {
	p := &Parser{} // the zero Parser works too
	ev, k := parseOne(t, p, "d,2026-11-27 16:40:01-0500,,o@x.net,a@b.c,,relayed,2.0.0 (success),smtp;250 ok,mx.b.c (192.0.2.9),,,,,198.51.100.7")
	if k != line.Result || ev.Recipient != "a@b.c" || ev.Identity != "198.51.100.7" || ev.Relay != "mx.b.c" || ev.MTA != "pmta" {
		t.Fatalf("default layout: %v %+v", k, ev)
	}
	parseOne(t, p, "type,rcpt,timeLogged")
	ev, k = parseOne(t, p, "d,z@y.org,1795815600")
	if k != line.Result || ev.Recipient != "z@y.org" || ev.Time.Unix() != 1795815600 {
		t.Fatalf("after a new header: %v %+v", k, ev)
	}
	if p.SetHeader([]byte("d,z@y.org,1795815600")) {
		t.Fatal("a record taken for a header")
	}
}

func TestParseTimeFormats(t *testing.T) {
	want := time.Date(2026, 11, 27, 21, 40, 1, 0, time.UTC)
	for _, s := range []string{
		"2026-11-27 16:40:01-0500",
		"2026-11-27 16:40:01 -0500",
		"2026-11-27 21:40:01+0000",
		"2026-11-27T16:40:01-05:00",
		"2026-11-27 21:40:01", // no zone: Loc (UTC here)
		"1795815601",
		"Fri, 27 Nov 2026 16:40:01 -0500",
		"Fri, 27 Nov 2026 21:40:01 UTC",
		"27 Nov 2026 16:40:01 -0500",
	} {
		got, ok := parseTime([]byte(s), time.UTC)
		if !ok || !got.Equal(want) {
			t.Errorf("%q: %v %v", s, got, ok)
		}
	}
	for _, s := range []string{"", ".", "1.2.3", "2026-13-45 99:00:00-0500", "yesterday"} {
		if _, ok := parseTime([]byte(s), time.UTC); ok {
			t.Errorf("%q parsed", s)
		}
	}
}

func TestSplitMTA(t *testing.T) {
	cases := map[string][2]string{
		"mx.example.com (192.0.2.1)":          {"mx.example.com", "192.0.2.1"},
		"dns;MX.Example.com. (192.0.2.1)":     {"mx.example.com", "192.0.2.1"},
		"dns; mx.example.com":                 {"mx.example.com", ""},
		"[2001:db8::1] (2001:db8::1)":         {"", "2001:db8::1"},
		"[192.0.2.7]":                         {"", "192.0.2.7"},
		"":                                    {"", ""},
		"mta7.am0.yahoodns.net (98.136.96.91": {"mta7.am0.yahoodns.net", ""},
	}
	for in, want := range cases {
		h, ip := splitMTA([]byte(in))
		if h != want[0] || ip != want[1] {
			t.Errorf("%q: %q %q, want %q", in, h, ip, want)
		}
	}
}

func TestGiantLine(t *testing.T) {
	diag := strings.Repeat("very, long \"reply\" ", 20000)
	l := `b,2026-11-27 16:41:00-0500,,o@x.net,a@b.c,,failed,5.7.1,"smtp;550 5.7.1 ` + strings.ReplaceAll(diag, `"`, `""`) + `",mx.b.c (192.0.2.1)`
	ev, k := parseOne(t, New(), l)
	if k != line.Result || len(ev.Reply.Text) < 300000 || !strings.Contains(ev.Reply.Text, `"reply"`) {
		t.Fatalf("kind %v, text %d bytes", k, len(ev.Reply.Text))
	}
}

// The parser keeps its scratch space: a steady stream of records does not
// allocate per field.
func TestParseAllocations(t *testing.T) {
	p := New()
	l := []byte(`t,2026-11-27 16:40:10-0500,2026-11-27 16:39:58-0500,o@x.net,frank@hotmail.com,,delayed,4.7.0 (x),"smtp;451 4.7.0 Temporary server error, try later. PRX4",hotmail-com.olc.protection.outlook.com (52.101.68.5),other,smtp,a (192.0.2.50),smtp,198.51.100.12,52.101.68.5,"PIPELINING,SIZE",48213,vmta-a2,job,,hotmail.com/vmta-a2,pool-warm`)
	out := make([]model.Event, 0, 1)
	allocs := testing.AllocsPerRun(200, func() {
		out, _ = p.Parse(l, out[:0])
	})
	// Event strings (recipient, domain, relay, ip, identity, reply text,
	// raw) and the reply's parsing; nothing per column.
	if allocs > 14 {
		t.Errorf("%.0f allocations per record", allocs)
	}
}
