package kumo

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/line"
)

func parseOne(t *testing.T, p *Parser, l string) (model.Event, line.Kind) {
	t.Helper()
	evs, k := p.Parse([]byte(l), nil)
	switch {
	case k == line.Result && len(evs) == 1:
		return evs[0], k
	case k != line.Result && len(evs) == 0:
		return model.Event{}, k
	}
	t.Fatalf("kind %v with %d events", k, len(evs))
	return model.Event{}, k
}

const bounce = `{"type":"Bounce","id":"x1","sender":"s@a.example","recipient":"U@Gmail.COM","queue":"gmail.com",` +
	`"site":"src->(alt1|alt2)?.gmail-smtp-in.l.google.com.","size":10,"response":{"code":550,"enhanced_code":{"class":5,"subject":1,"detail":1},` +
	`"content":"The email account that you tried to reach does not exist. Please try\r\ndouble-checking the recipient's email address for typos or\n unnecessary spaces.","command":"RCPT TO:<U@Gmail.COM>\r\n"},` +
	`"peer_address":null,"timestamp":1795815600,"created":1795815590,"num_attempts":0,"bounce_classification":"InvalidRecipient",` +
	`"egress_pool":"p","egress_source":"src","feedback_report":null,"meta":{},"headers":{},"delivery_protocol":"ESMTP","reception_protocol":"ESMTP","nodeid":"n"}`

func TestBounceRecord(t *testing.T) {
	ev, k := parseOne(t, New(), bounce)
	want := model.Event{Time: time.Unix(1795815600, 0).UTC(), Outcome: model.Bounced, MTA: "kumo", QueueID: "x1",
		Recipient: "U@Gmail.COM", Domain: "gmail.com", Relay: "gmail-smtp-in.l.google.com", Identity: "src", Raw: bounce,
		Age: 10 * time.Second, // timestamp - created
		Reply: model.Reply{Code: 550, Enhanced: "5.1.1", Command: "RCPT TO",
			Text: "The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces."}}
	if k != line.Result || ev != want {
		t.Fatalf("kind %v\n got  %+v\n want %+v", k, ev, want)
	}
}

func TestLineKinds(t *testing.T) {
	swap := func(old, new string) string { return strings.Replace(bounce, old, new, 1) }
	cases := []struct {
		name, line string
		want       line.Kind
	}{
		{"blank", "  ", line.Blank},
		{"a record", bounce, line.Result},
		{"cut mid-object", bounce[:len(bounce)/2], line.Unparsed},
		{"trailing garbage", bounce + "}", line.Unparsed},
		{"not JSON", "Nov 27 16:40:01 mx postfix/smtp[1]: 1A2B3C4D5E: to=<a@b.c>, status=sent (250 ok)", line.Unparsed},
		{"an array", `[{"type":"Delivery"}]`, line.Unparsed},
		{"no type", `{"id":"x1","timestamp":1795815600}`, line.Unparsed},
		{"type not a string", `{"type":7,"timestamp":1795815600}`, line.Unparsed},
		{"no timestamp", swap(`"timestamp":1795815600,`, ""), line.Unparsed},
		{"absurd timestamp", swap(`"timestamp":1795815600`, `"timestamp":-5`), line.Unparsed},
		{"RFC 3339 timestamp", swap(`"timestamp":1795815600`, `"timestamp":"2026-11-27T21:40:00Z"`), line.Result},
		{"fractional timestamp", swap(`"timestamp":1795815600`, `"timestamp":1795815600.5`), line.Result},
		{"unknown keys", swap(`"nodeid":"n"`, `"nodeid":"n","x_new":{"a":[1,{"b":null}]},"provider_name":"google"`), line.Result},
		{"a field of another type", swap(`"size":10`, `"size":"ten"`), line.Result},
		{"unknown record type", swap(`"type":"Bounce"`, `"type":"SomethingNew"`), line.Noise},
		{"Reception", swap(`"type":"Bounce"`, `"type":"Reception"`), line.Noise},
		{"Rejection", swap(`"type":"Bounce"`, `"type":"Rejection"`), line.Noise},
		{"AdminBounce", swap(`"type":"Bounce"`, `"type":"AdminBounce"`), line.Noise},
		{"OOB", swap(`"type":"Bounce"`, `"type":"OOB"`), line.Noise},
		{"Feedback", swap(`"type":"Bounce"`, `"type":"Feedback"`), line.Noise},
		{"Delay", swap(`"type":"Bounce"`, `"type":"Delay"`), line.Noise},
		{"Any", swap(`"type":"Bounce"`, `"type":"Any"`), line.Noise},
	}
	for _, c := range cases {
		if _, k := parseOne(t, New(), c.line); k != c.want {
			t.Errorf("%s: kind %v, want %v", c.name, k, c.want)
		}
	}
}

func TestTimestamps(t *testing.T) {
	cases := map[string]time.Time{
		`1795815600`:             time.Unix(1795815600, 0),
		`1795815600.25`:          time.Unix(1795815600, 250000000),
		`"1795815600"`:           time.Unix(1795815600, 0),
		`"2026-11-27T21:40:00Z"`: time.Unix(1795815600, 0),
	}
	for in, want := range cases {
		if got, ok := parseTimestamp([]byte(in)); !ok || !got.Equal(want) {
			t.Errorf("%s: %v %v", in, got, ok)
		}
	}
	for _, in := range []string{``, `null`, `0`, `"soon"`, `1e300`, `{}`, `"`} {
		if got, ok := parseTimestamp([]byte(in)); ok {
			t.Errorf("%s read as %v", in, got)
		}
	}
}

func TestSiteHost(t *testing.T) {
	cases := map[string]string{
		"source2->(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com.": "gmail-smtp-in.l.google.com",
		"bulk-1->(mta5|mta6|mta7).am0.yahoodns.net.":                  "mta5.am0.yahoodns.net",
		"warm-2->contoso-com.mail.protection.outlook.com.":            "contoso-com.mail.protection.outlook.com",
		"MX.Example.ORG":           "mx.example.org",
		"src->mx.example.org:2525": "mx.example.org",
		"src->[192.0.2.1]":         "",
		"":                         "",
		"localhost":                "localhost",
		"src->(a|b":                "",
		"src->(a|b)?.(c|d).e":      "",
	}
	for in, want := range cases {
		if got := siteHost(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestCommand(t *testing.T) {
	cases := map[string]string{
		".":                                  "end of DATA",
		"RCPT TO:<a@b.c>\r\n":                "RCPT TO",
		"MAIL FROM:<a@b.c> SIZE=48213\r\n":   "MAIL FROM",
		"DATA\r\n":                           "DATA",
		"ehlo mta.example.net\r\n":           "EHLO",
		"":                                   "",
		"X-WEIRD\x1b[31m:<a>":                "",
		"A VERY LONG COMMAND NAME INDEED: x": "",
	}
	for in, want := range cases {
		if got := command(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestReplyWithoutEnhancedCode(t *testing.T) {
	r := replyOf(&response{Code: 550, Content: "5.7.1 Service unavailable; client [203.0.113.21] blocked\n using Spamhaus"})
	want := model.Reply{Code: 550, Enhanced: "5.7.1", Text: "Service unavailable; client [203.0.113.21] blocked using Spamhaus"}
	if r != want {
		t.Errorf("got %+v", r)
	}
	if r := replyOf(&response{Code: 9999, EnhancedCode: &enhancedCode{Class: 3, Subject: 1, Detail: 1}}); r.Code != 0 || r.Enhanced != "" {
		t.Errorf("out-of-range codes kept: %+v", r)
	}
}

// An expiry carries the recipient's last transient failure; a delivery or
// bounce in between clears it.
func TestExpiryTakesLastTransientFailure(t *testing.T) {
	rec := func(typ, rcpt string, ts int, code, content, peer, src string) string {
		pa := "null"
		if peer != "" {
			pa = `{"name":"` + peer + `.","addr":"192.0.2.9"}`
		}
		return `{"type":"` + typ + `","id":"m1","recipient":"` + rcpt + `","site":"localhost","response":{"code":` + code +
			`,"enhanced_code":null,"content":"` + content + `","command":null},"peer_address":` + pa +
			`,"timestamp":` + strconv.Itoa(1795815600+ts) +
			`,"egress_pool":"pool","egress_source":` + src + `}`
	}
	p := New()
	for _, l := range []string{
		rec("TransientFailure", "a@x.com", 1, "451", "4.7.0 try later", "mx.x.com", `"s1"`),
		rec("TransientFailure", "b@y.com", 2, "452", "4.2.2 full", "mx.y.com", `"s2"`),
		rec("Delivery", "b@y.com", 3, "250", "ok", "mx.y.com", `"s2"`),
	} {
		if _, k := parseOne(t, p, l); k != line.Result {
			t.Fatalf("not a result: %s", l)
		}
	}
	a, _ := parseOne(t, p, rec("Expiration", "a@x.com", 9, "551", "5.4.7 Next delivery time 8days > 7days", "", "null"))
	if a.Outcome != model.Expired || a.Relay != "mx.x.com" || a.RelayIP != "192.0.2.9" || a.Identity != "s1" ||
		a.Reply.Text != "try later" || a.Time.Unix() != 1795815609 {
		t.Errorf("a: %+v", a)
	}
	b, _ := parseOne(t, p, rec("Expiration", "b@y.com", 9, "551", "5.4.7 Next delivery time 8days > 7days", "", "null"))
	if b.Relay != "" || b.Identity != "pool" || b.Reply.Enhanced != "5.4.7" {
		t.Errorf("b: %+v", b)
	}
	if p.mem.len() != 0 {
		t.Errorf("%d entries left", p.mem.len())
	}
}

func TestMemoryIsBounded(t *testing.T) {
	var m memory
	for i := 0; i < maxRemembered*2; i++ {
		m.put(strconv.Itoa(i), lastTry{relay: "r"})
	}
	if m.len() > maxRemembered {
		t.Fatalf("%d remembered, bound %d", m.len(), maxRemembered)
	}
	if m.dropped == 0 {
		t.Fatal("nothing counted as forgotten")
	}
	// The newest are kept.
	if _, ok := m.take(strconv.Itoa(maxRemembered*2 - 1)); !ok {
		t.Fatal("newest entry forgotten")
	}
}

func TestInternalDelivery(t *testing.T) {
	l := strings.Replace(strings.Replace(bounce, `"type":"Bounce"`, `"type":"Delivery"`, 1),
		`"peer_address":null`, `"peer_address":{"name":"localhost.","addr":"127.0.0.1"}`, 1)
	ev, _ := parseOne(t, New(), l)
	if ev.Kind != model.Internal || ev.Relay != "localhost" {
		t.Fatalf("%+v", ev)
	}
}
