package kumo

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/demo"
	"github.com/relaytop/relaytop/sources/line"
)

// parseSlow is Parse through encoding/json only, as it was before the
// fast decoder.
func parseSlow(p *Parser, raw []byte, out []model.Event) ([]model.Event, line.Kind) {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 {
		return out, line.Blank
	}
	if b[0] != '{' {
		return out, line.Unparsed
	}
	return p.parseJSON(raw, b, out)
}

// fastAsRecord is the record the fast decoder reads from b (a trimmed
// line starting with '{'), pointers set as fillPointers would.
func fastAsRecord(b []byte) (record, fastStatus) {
	var f fastRecord
	st := decodeFast(b, &f)
	if st != fastOK {
		return record{}, st
	}
	line := string(b)
	var r record
	f.fill(&r, b, line)
	if f.enhanced {
		r.Response.EnhancedCode = &enhancedCode{Class: f.class, Subject: f.subject, Detail: f.detail}
	}
	if f.peer {
		r.PeerAddress = &peerAddress{Name: f.peerName.text(b, line), Addr: f.peerAddr.text(b, line)}
	}
	if f.source {
		r.SourceAddress = &sourceAddress{Address: f.sourceAddr.text(b, line)}
	}
	return r, st
}

// jsonRecord is what encoding/json reads from b, and whether b has a
// syntax error (a type error is no error for Parse).
func jsonRecord(b []byte) (record, bool) {
	var r record
	err := json.Unmarshal(b, &r)
	var te *json.UnmarshalTypeError
	return r, err != nil && !errors.As(err, &te)
}

// sameRecord compares two records as the event sees them: a nil pointer
// is an empty object (encoding/json leaves an empty one for a value of
// another type; the event cannot tell them apart).
func sameRecord(a, b record) bool {
	norm := func(r *record) {
		if r.Response.EnhancedCode != nil && *r.Response.EnhancedCode == (enhancedCode{}) {
			r.Response.EnhancedCode = nil
		}
		if r.PeerAddress != nil && *r.PeerAddress == (peerAddress{}) {
			r.PeerAddress = nil
		}
		if r.SourceAddress != nil && *r.SourceAddress == (sourceAddress{}) {
			r.SourceAddress = nil
		}
	}
	norm(&a)
	norm(&b)
	if !bytes.Equal(a.Timestamp, b.Timestamp) || !bytes.Equal(a.Created, b.Created) {
		return false
	}
	a.Timestamp, a.Created, b.Timestamp, b.Created = nil, nil, nil, nil
	eqPtr := func(x, y *record) bool {
		switch {
		case (x.Response.EnhancedCode == nil) != (y.Response.EnhancedCode == nil),
			x.Response.EnhancedCode != nil && *x.Response.EnhancedCode != *y.Response.EnhancedCode,
			(x.PeerAddress == nil) != (y.PeerAddress == nil),
			x.PeerAddress != nil && *x.PeerAddress != *y.PeerAddress,
			(x.SourceAddress == nil) != (y.SourceAddress == nil),
			x.SourceAddress != nil && *x.SourceAddress != *y.SourceAddress:
			return false
		}
		return true
	}
	if !eqPtr(&a, &b) {
		return false
	}
	a.Response.EnhancedCode, a.PeerAddress, a.SourceAddress = nil, nil, nil
	b.Response.EnhancedCode, b.PeerAddress, b.SourceAddress = nil, nil, nil
	return a.Type == b.Type && a.ID == b.ID && a.Recipient == b.Recipient && a.Site == b.Site &&
		a.Response == b.Response && a.EgressPool == b.EgressPool && a.EgressSource == b.EgressSource
}

// checkRecord compares the fast decoder with encoding/json on one line;
// it says whether the fast decoder left the line to encoding/json.
func checkRecord(t testing.TB, l []byte) (fellBack bool) {
	t.Helper()
	b := bytes.TrimSpace(l)
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	fr, st := fastAsRecord(b)
	jr, syntaxErr := jsonRecord(b)
	switch {
	case st == fastFallback:
		return true
	case st == fastSyntax && !syntaxErr:
		t.Fatalf("fast decoder: syntax error, encoding/json: none (%+v)\nline %q", jr, l)
	case st == fastOK && syntaxErr:
		t.Fatalf("fast decoder: no syntax error, encoding/json: one\nline %q", l)
	case st == fastOK && !sameRecord(fr, jr):
		t.Fatalf("records differ\nfast %s\njson %s\nline %q", dump(fr), dump(jr), l)
	}
	return false
}

func dump(r record) string {
	s := strings.Builder{}
	json.NewEncoder(&s).Encode(r)
	return s.String()
}

// checkLines runs lines through a fast and an encoding/json parser, in
// order (the expiry memory sees the same), and wants the same kinds and
// events. It returns how many lines the fast decoder left to
// encoding/json.
func checkLines(t testing.TB, lines [][]byte, ids ...IdentityKey) (fellBack int) {
	t.Helper()
	for _, id := range append(ids, Source) {
		fast, slow := New(), New()
		fast.Identity, slow.Identity = id, id
		var fe, se []model.Event
		for _, l := range lines {
			if id == Source && checkRecord(t, l) {
				fellBack++
			}
			var fk, sk line.Kind
			n := len(fe)
			fe, fk = fast.Parse(l, fe)
			se, sk = parseSlow(slow, l, se)
			if fk != sk || len(fe) != len(se) {
				t.Fatalf("identity %d: kind %v with %d events, encoding/json %v with %d\nline %q", id, fk, len(fe)-n, sk, len(se)-n, l)
			}
			for i := n; i < len(fe); i++ {
				if fe[i] != se[i] {
					t.Fatalf("identity %d: events differ\nfast %+v\njson %+v\nline %q", id, fe[i], se[i], l)
				}
			}
		}
		if fast.Forgotten() != slow.Forgotten() || fast.mem.len() != slow.mem.len() {
			t.Fatalf("memories differ: %d/%d forgotten, %d/%d held", fast.Forgotten(), slow.Forgotten(), fast.mem.len(), slow.mem.len())
		}
	}
	return fellBack
}

func demoLines(t testing.TB, seed int64, n int) [][]byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := demo.Write(&buf, demo.Config{Seed: seed, MTA: demo.KumoMTA}, n); err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimRight(buf.Bytes(), "\n"), []byte("\n"))
}

// TestFastDecodeTestdata: the fast decoder gives what encoding/json gives
// on every line of the test data and of the demo's simulated logs, and
// decodes all of them itself.
func TestFastDecodeTestdata(t *testing.T) {
	var files [][]byte
	for _, name := range []string{"kumo-2026-11-27.jsonl", "20261127-215000"} {
		files = append(files, readAll(t, testdata(t, name))...)
	}
	if d := os.Getenv("RELAYTOP_CORPUS"); d != "" {
		if !filepath.IsAbs(d) {
			d = filepath.Join("..", "..", d)
		}
		files = append(files, readAll(t, filepath.Join(d, "kumomta", "kumomta-docs-records.jsonl"))...)
	}
	if n := checkLines(t, files, Pool, SourceIP); n != 0 {
		t.Errorf("%d test data lines left to encoding/json", n)
	}
	for _, seed := range []int64{1, 2, 3} {
		lines := demoLines(t, seed, 20000)
		if n := checkLines(t, lines, Pool, SourceIP); n != 0 {
			t.Errorf("seed %d: %d demo lines left to encoding/json", seed, n)
		}
	}
}

// TestFastDecodeCases: lines made to go where the fast decoder could
// differ from encoding/json.
func TestFastDecodeCases(t *testing.T) {
	swap := func(old, new string) string {
		if !strings.Contains(bounce, old) {
			t.Fatalf("%q not in the bounce", old)
		}
		return strings.Replace(bounce, old, new, 1)
	}
	cases := []string{
		bounce,
		bounce + " \t\r\n",
		" \u00a0" + bounce + "\u0085",
		bounce + "x",
		bounce + "{}",
		bounce[:len(bounce)-1],
		`{}`, `{ }`, `{"type":"Delivery"}`, `{"type":"Delivery","timestamp":1}`,
		`{"type":"Delivery","timestamp":1,}`, `{,"type":"Delivery","timestamp":1}`,
		`{"type":"Delivery" "timestamp":1}`, `{"type" "Delivery","timestamp":1}`,
		`{"type":"Delivery","timestamp":1 }  `, `{ "type" : "Delivery" , "timestamp" : 1 }`,
		"{\n\"type\"\t:\r\"Delivery\",\"timestamp\":1}",
		"{\"type\":\"Deliv\x00ery\",\"timestamp\":1}",
		"{\"type\":\"Delivery\",\"timestamp\":1}\x00",
		"{\"type\":\"Delivery\",\"timestamp\":1,\"x\":\"\x1f\"}",
		"{\"type\":\"Delivery\",\"timestamp\":1,\"x\":\"\x7f\xff\xfe\"}",
		`{"type":"Delivery","timestamp":1,"x":"\u00e9\'"}`,
		`{"type":"Delivery","timestamp":1,"x":"\x41"}`,
		`{"type":"Delivery","timestamp":1,"x":"\u12"}`,
		`{"type":"Delivery","timestamp":1,"x":"\u123g"}`,
		`{"type":"Delivery","timestamp":1,"x":"\`,
		`{"type":"Delivery","timestamp":1,"x":"\"`,
		`{"type":"Delivery","timestamp":1,"x":"\\"}`,
		// escapes and UTF-8 in the fields
		swap(`"U@Gmail.COM"`, `"\u0055@Gmail.COM\ud83d\ude00"`),
		swap(`"U@Gmail.COM"`, `"U@\ud83dGmail.COM"`),
		swap(`"U@Gmail.COM"`, `"U@\ude00\ud83dGmail.COM"`),
		swap(`"U@Gmail.COM"`, `"U@\ud83d\u0041Gmail.COM"`),
		swap(`"U@Gmail.COM"`, `"U@\ud83d\ud83d\ude00Gmail.COM"`),
		swap(`"U@Gmail.COM"`, `"U@\uDBFF\uDFFFGmail.COM\uFFFD\u0000"`),
		swap(`"U@Gmail.COM"`, "\"U@G\xffmail.C\xc3OM\xed\xa0\x80\xf4\x90\x80\x80\xef\xbf\xbd\""),
		swap(`"U@Gmail.COM"`, `"U@Gmail.COM\/\b\f\n\r\t\"\\"`),
		swap(`"type":"Bounce"`, `"type":"B\u006funce"`),
		swap(`"type":"Bounce"`, `"type":"Bounce\u0000"`),
		swap(`"type":"Bounce"`, "\"type\":\"Bounce\xff\""),
		swap(`"type":"Bounce"`, `"type":""`),
		swap(`"type":"Bounce"`, `"type":null`),
		swap(`"type":"Bounce"`, `"type":["Bounce"]`),
		swap(`"type":"Bounce"`, `"type":"Delay"`),
		swap(`"src->`, `"sr\"c->`),
		// keys: case, escapes, repeats, folding
		swap(`"type":"Bounce"`, `"TYPE":"Bounce"`),
		swap(`"type":"Bounce"`, `"Type":"Bounce","type":"Delivery"`),
		swap(`"type":"Bounce"`, `"type":"Bounce","type":"Delivery"`),
		swap(`"type":"Bounce"`, `"typ\u0065":"Bounce"`),
		swap(`"type":"Bounce"`, `"type":"Bounce","t\u0079pe":"Delivery"`),
		swap(`"site"`, `"ſite"`),
		swap(`"site"`, `"SITE"`),
		swap(`"recipient"`, `"RECIPIENT"`),
		swap(`"recipient"`, `"Recipient_"`),
		swap(`"code":550`, `"CODE":551`),
		swap(`"class":5`, `"Class":4`),
		swap(`"response":{`, `"response":{"code":551,`),
		swap(`"peer_address":null`, `"peer_address":{"name":"a."},"PEER_ADDRESS":{"addr":"127.0.0.1"}`),
		swap(`"peer_address":null`, `"peer_address":{"name":"MX.b.","name":"mx.c.","addr":"10.1.1.1"}`),
		swap(`"nodeid":"n"`, `"nodeid":"n","NodeID_with_a_very_long_name":1,"x\u00e9":2,"\u0078":3`),
		// types
		swap(`"code":550`, `"code":"550"`),
		swap(`"code":550`, `"code":550.0`),
		swap(`"code":550`, `"code":5.5e2`),
		swap(`"code":550`, `"code":-0`),
		swap(`"code":550`, `"code":-550`),
		swap(`"code":550`, `"code":9223372036854775807`),
		swap(`"code":550`, `"code":9223372036854775808`),
		swap(`"code":550`, `"code":-9223372036854775808`),
		swap(`"code":550`, `"code":-9223372036854775809`),
		swap(`"code":550`, `"code":18446744073709551616`),
		swap(`"code":550`, `"code":99999999999999999999999`),
		swap(`"code":550`, `"code":null`),
		swap(`"code":550`, `"code":true`),
		swap(`"code":550`, `"code":{"a":1}`),
		swap(`"code":550`, `"code":[550]`),
		swap(`"code":550`, `"code":055`),
		swap(`"code":550`, `"code":-`),
		swap(`"code":550`, `"code":1.`),
		swap(`"code":550`, `"code":1e`),
		swap(`"code":550`, `"code":1E+2`),
		swap(`"code":550`, `"code":.5`),
		swap(`"code":550`, `"code":+5`),
		swap(`"enhanced_code":{"class":5,"subject":1,"detail":1}`, `"enhanced_code":null`),
		swap(`"enhanced_code":{"class":5,"subject":1,"detail":1}`, `"enhanced_code":"5.1.1"`),
		swap(`"enhanced_code":{"class":5,"subject":1,"detail":1}`, `"enhanced_code":[5,1,1]`),
		swap(`"enhanced_code":{"class":5,"subject":1,"detail":1}`, `"enhanced_code":{}`),
		swap(`"enhanced_code":{"class":5,"subject":1,"detail":1}`, `"enhanced_code":{"class":4,"x":{"class":5}}`),
		swap(`"response":{`, `"response":null,"x":{`),
		swap(`"response":{`, `"response":"x","y":{`),
		swap(`"peer_address":null`, `"peer_address":"mx"`),
		swap(`"peer_address":null`, `"peer_address":{"name":7,"addr":"127.0.0.2"}`),
		swap(`"peer_address":null`, `"peer_address":{"name":"Mx.Host.","addr":null}`),
		swap(`"peer_address":null`, `"peer_address":[{"name":"a"}]`),
		swap(`"egress_source":"src"`, `"egress_source":5,"source_address":{"address":"[2001:db8::1]:25"}`),
		swap(`"egress_source":"src"`, `"egress_source":false,"source_address":"x"`),
		swap(`"recipient":"U@Gmail.COM"`, `"recipient":{"a":"b"}`),
		swap(`"content":`, `"content":null,"x":`),
		swap(`"command":"RCPT TO:<U@Gmail.COM>\r\n"`, `"command":["RCPT"]`),
		// timestamps
		swap(`"timestamp":1795815600`, `"timestamp":"1795815600"`),
		swap(`"timestamp":1795815600`, `"timestamp":"\u0031795815600"`),
		swap(`"timestamp":1795815600`, `"timestamp":"2026-11-27T21:40:00.5+01:00"`),
		swap(`"timestamp":1795815600`, `"timestamp":1.7958156e9`),
		swap(`"timestamp":1795815600`, `"timestamp":1795815600.123456789`),
		swap(`"timestamp":1795815600`, `"timestamp":-0.0`),
		swap(`"timestamp":1795815600`, `"timestamp": 1795815600 `),
		swap(`"timestamp":1795815600`, `"timestamp":null`),
		swap(`"timestamp":1795815600`, `"timestamp":{"secs":1795815600}`),
		swap(`"timestamp":1795815600`, `"timestamp":[1795815600]`),
		swap(`"timestamp":1795815600`, `"timestamp":true`),
		swap(`"created":1795815590`, `"created":"x"`),
		swap(`"created":1795815590`, `"created":1795815601`),
		swap(`"timestamp":1795815600`, `"timestamp":1795815600,"timestamp":1795815601`),
		// nesting
		swap(`"meta":{}`, `"meta":{"a":[1,-2.5e-3,true,false,null,"x",{"b":[[],{}]}],"c":{}}`),
		swap(`"meta":{}`, `"meta":[`+strings.Repeat("[", 70)+strings.Repeat("]", 70)+`]`),
		swap(`"meta":{}`, `"meta":[`+strings.Repeat("[", 70)+strings.Repeat("]", 69)+`]`),
		swap(`"meta":{}`, `"meta":`+strings.Repeat(`{"a":`, 10001)+`1`+strings.Repeat("}", 10001)),
		swap(`"meta":{}`, `"meta":{"a":[1,2,]}`),
		swap(`"meta":{}`, `"meta":{"a":[1 2]}`),
		swap(`"meta":{}`, `"meta":{"a":1,}`),
		swap(`"meta":{}`, `"meta":{"a"}`),
		swap(`"meta":{}`, `"meta":{1:2}`),
		swap(`"meta":{}`, `"meta":[}`),
		swap(`"meta":{}`, `"meta":tru`),
		swap(`"meta":{}`, `"meta":nul`),
		swap(`"meta":{}`, `"meta":nulls`),
		swap(`"meta":{}`, `"meta":False`),
		swap(`"meta":{}`, `"meta":`),
	}
	var lines [][]byte
	for _, c := range cases {
		lines = append(lines, []byte(c))
		checkLines(t, [][]byte{[]byte(c)}, Pool, SourceIP)
	}
	checkLines(t, lines, Pool, SourceIP)
}

func TestParseInt(t *testing.T) {
	for _, c := range []struct {
		in string
		n  int
		ok bool
	}{{"0", 0, true}, {"-0", 0, true}, {"42", 42, true}, {"-42", -42, true},
		{"9223372036854775807", 1<<63 - 1, true}, {"-9223372036854775808", -1 << 63, true},
		{"9223372036854775808", 0, false}, {"-9223372036854775809", 0, false},
		{"18446744073709551615", 0, false}, {"184467440737095516150", 0, false},
		{"", 0, false}, {"-", 0, false}, {"1.0", 0, false}, {"1e2", 0, false}, {`"1"`, 0, false}} {
		if n, ok := parseInt([]byte(c.in)); n != c.n || ok != c.ok {
			t.Errorf("%q: %d %v, want %d %v", c.in, n, ok, c.n, c.ok)
		}
	}
}

// FuzzFastDecode: on any input, taken as one or more lines, the fast
// decoder gives what encoding/json gives: the same syntax verdict and
// record, the same kinds and events from Parse.
func FuzzFastDecode(f *testing.F) {
	for _, name := range []string{"kumo-2026-11-27.jsonl", "20261127-215000"} {
		for _, l := range readAll(f, testdata(f, name)) {
			f.Add(l)
			f.Add(l[:len(l)*2/3])
		}
	}
	for _, l := range demoLines(f, 1, 400)[:40] {
		f.Add(l)
	}
	f.Add([]byte(bounce))
	f.Add([]byte(bounce + "\n" + strings.Replace(bounce, `"Bounce"`, `"Expiration"`, 1)))
	f.Add([]byte(strings.Replace(bounce, `"Bounce"`, `"TransientFailure"`, 1) + "\n" +
		strings.Replace(bounce, `"Bounce"`, `"Expiration"`, 1)))
	f.Add([]byte(`{"type":"Delivery","timestamp":1,"recipient":"a\u00e9\ud83d\ude00\ud800b\"\\\/\b\f\n\r\t","x":[1,{"y":null}]}`))
	f.Add([]byte(`{"Type":"Delivery","TIMESTAMP":"1795815600","response":{"code":2.5e2,"enhanced_code":{"class":2}}}`))
	f.Add([]byte(`{"type":"Delivery","timestamp":1,"type":"Bounce","peer_address":{"name":"a","name":"b"}}`))
	f.Add([]byte("{\"type\":\"Delivery\",\"timestamp\":1,\"site\":\"\xff\xfe(a|b)?.c\",\"ſite\":1}"))
	f.Add([]byte(`{"type":"Delivery","timestamp":1,"meta":[[[[{"a":[]}]]]],"code":-0}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		checkLines(t, bytes.Split(in, []byte("\n")), Pool, SourceIP)
	})
}

func TestPlain(t *testing.T) {
	naive := func(k string) bool {
		for i := 0; i < len(k); i++ {
			if c := k[i]; c >= 0x80 || c >= 'A' && c <= 'Z' {
				return false
			}
		}
		return true
	}
	for c := 0; c < 256; c++ {
		for _, k := range []string{string(rune(0)) + string([]byte{byte(c)}), "abcdefgh" + string([]byte{byte(c)}) + "ijklmnop",
			string([]byte{byte(c), '@', '[', 'z', '{', 0x7f, 'a', 'Z'})[:7] + "q"} {
			if plain([]byte(k)) != naive(k) {
				t.Errorf("%q: %v", k, plain([]byte(k)))
			}
		}
	}
}

// BenchmarkParse parses a simulated log's lines with the fast decoder and
// with encoding/json alone.
func BenchmarkParse(b *testing.B) {
	lines := demoLines(b, 1, 20000)
	for _, c := range []struct {
		name  string
		parse func(*Parser, []byte, []model.Event) ([]model.Event, line.Kind)
	}{{"fast", (*Parser).Parse}, {"json", parseSlow}} {
		b.Run(c.name, func(b *testing.B) {
			p := New()
			var evs []model.Event
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				evs, _ = c.parse(p, lines[i%len(lines)], evs[:0])
			}
		})
	}
}
