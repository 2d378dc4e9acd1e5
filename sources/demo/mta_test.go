package demo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/exim"
	"github.com/relaytop/relaytop/sources/kumo"
	"github.com/relaytop/relaytop/sources/line"
	"github.com/relaytop/relaytop/sources/pmta"
	"github.com/relaytop/relaytop/sources/syslog"
)

// otherMTAs are the formats read back here with their real parsers (the
// Postfix text has its own checker).
var otherMTAs = []MTA{Exim, PowerMTA, KumoMTA}

// newParser returns the real parser of an MTA's log.
func newParser(m MTA) line.Parser {
	switch m {
	case Exim:
		p := exim.New(syslog.Years{})
		p.Loc = time.UTC
		return p
	case PowerMTA:
		return pmta.New()
	}
	return kumo.New()
}

// parsed is what relaytop's parser and classifier make of a log.
type parsed struct {
	sum      Summary
	kinds    map[line.Kind]int
	unparsed []string
	last     time.Time
}

// parse reads log with m's parser and counts it the way relaytop does.
func parse(t *testing.T, m MTA, log []byte) parsed {
	t.Helper()
	p := newParser(m)
	cl := model.DefaultClassifier()
	got := parsed{sum: Summary{Providers: map[string]Counts{}, Identities: map[string]Counts{}}, kinds: map[line.Kind]int{}}
	for _, id := range providerIDs {
		got.sum.Providers[id] = Counts{}
	}
	sc := bufio.NewScanner(bytes.NewReader(log))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var evs []model.Event
	for sc.Scan() {
		got.sum.Lines++
		var k line.Kind
		evs, k = p.Parse(sc.Bytes(), evs[:0])
		got.kinds[k]++
		if k == line.Unparsed && len(got.unparsed) < 5 {
			got.unparsed = append(got.unparsed, sc.Text())
		}
		for _, ev := range evs {
			got.last = ev.Time
			switch ev.Kind {
			case model.Internal:
				got.sum.Internal++
				continue
			case model.Probe:
				got.sum.Probes++
				continue
			}
			prov := cl.Classify(ev.Relay, ev.Domain).Provider
			add := func(c Counts) Counts {
				switch ev.Outcome {
				case model.Sent:
					c.Sent++
				case model.Deferred:
					c.Deferred++
				case model.Bounced:
					c.Bounced++
				case model.Expired:
					c.Expired++
				}
				return c
			}
			got.sum.Providers[prov] = add(got.sum.Providers[prov])
			got.sum.Totals = add(got.sum.Totals)
			if ev.Identity != "" {
				got.sum.Identities[ev.Identity] = add(got.sum.Identities[ev.Identity])
			}
			if prov == model.Microsoft && ev.Outcome == model.Deferred && ev.Reply.Code == 451 && ev.Reply.Enhanced == "4.7.0" {
				got.sum.Microsoft470++
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestOtherMTAsParse(t *testing.T) {
	for _, m := range otherMTAs {
		for _, n := range []int{20_000, 200_000} {
			t.Run(fmt.Sprintf("%v/%d", m, n), func(t *testing.T) {
				if n > 20_000 && testing.Short() {
					t.Skip("long log")
				}
				t.Parallel()
				var buf bytes.Buffer
				sum, err := Write(&buf, Config{Seed: 1, MTA: m}, n)
				if err != nil {
					t.Fatal(err)
				}
				got := parse(t, m, buf.Bytes())
				if got.kinds[line.Unparsed] != 0 {
					t.Errorf("%d unparsed lines, such as\n%s", got.kinds[line.Unparsed], strings.Join(got.unparsed, "\n"))
				}
				if sum.Lines != int64(n) || got.sum.Lines != int64(n) {
					t.Errorf("Summary.Lines = %d, the text has %d, want %d", sum.Lines, got.sum.Lines, n)
				}
				if !reflect.DeepEqual(sum, got.sum) {
					t.Errorf("Summary differs from what the parser reads\n got %+v\nwant %+v", sum, got.sum)
				}
				if len(sum.Identities) != numIdents {
					t.Errorf("%d identities, want %d: %v", len(sum.Identities), numIdents, sum.Identities)
				}
				if end := got.last.Sub(DefaultStart); end < 26*time.Minute || end > 35*time.Minute {
					t.Errorf("log ends at +%v, want about +%v", end, StoryEnd)
				}
				// The story is there, in every format.
				wantInternal := m == Exim
				for name, ok := range map[string]bool{
					"microsoft 4.7.0":   sum.Microsoft470 > 0,
					"expired":           sum.Totals.Expired > 0,
					"microsoft expired": sum.Providers["microsoft"].Expired > 0 || n < 200_000,
					"bounced":           sum.Totals.Bounced > 0,
					"yahoo deferred":    sum.Providers["yahoo"].Deferred > 0,
					"apple sent":        sum.Providers["apple"].Sent > 0,
					"internal hops":     (sum.Internal > 0) == wantInternal,
					"no probes":         sum.Probes == 0,
				} {
					if !ok {
						t.Errorf("%s: not as the story says (%+v)", name, sum)
					}
				}
				t.Logf("%v %d lines: kinds %v, totals %+v, ms470 %d, internal %d", m, n, got.kinds, sum.Totals, sum.Microsoft470, sum.Internal)
			})
		}
	}
}

// TestOtherMTAsText checks each format's own syntax and its story markers.
func TestOtherMTAsText(t *testing.T) {
	markers := map[MTA][]string{
		Exim: {" <= news@mailer.example.com H=app1.example.com [192.0.2.10] ", " => ", " -> ", " == ", " ** ",
			" Completed\n", "defer (-44) ", "defer (-45) ", "defer (-46) ", ": retry timeout exceeded\n",
			"defer (110): Connection timed out", "] Connection timed out\n", "defer (-53): retry time not reached",
			"defer (-1): host lookup did not complete", " I=[192.0.2.27]", " H=127.0.0.1 [127.0.0.1] ",
			`\n421-4.7.0 `, "451 4.7.0 Temporary server error. Please try again later. PRX", "<= <> R=",
			": 452 4.3.1 Insufficient system storage\n", ">: 452-4.2.2 The recipient's inbox is out of storage space.",
			"after end of data: 550 5.7.1 Delivery not authorized, message refused [", `DMARC policy. Please contact the administrator of\n550-5.7.26 `},
		PowerMTA: {pmtaHeader + "\r\n", "\r\nd,", "\r\nt,", "\r\nb,", "\r\ntq,", "\r\nr,", ",message-expired,",
			",smtp;451 4.7.0 Temporary server error. Please try again later. PRX", "4.4.1 (no answer from host)",
			`"smtp;250 2.6.0 <nl2611.`, ",vmta" + "", ",pool-warm\r\n", ",pool-bulk\r\n", "[TSS04]",
			",delayed,4.3.1 (mail system full),smtp;452 4.3.1 Insufficient system storage,", ",delayed,4.2.2 (mailbox full),smtp;452-4.2.2 ",
			",failed,5.2.2 (mailbox full),smtp;452-4.2.2 ", `,failed,"5.7.1 (delivery not authorized, message refused)","smtp;550 5.7.1 `,
			",failed,5.7.26 (multiple authentication checks failed),"},
		KumoMTA: {`{"type":"Reception"`, `{"type":"Delivery"`, `{"type":"TransientFailure"`, `{"type":"Bounce"`,
			`{"type":"Expiration"`, `"code":451,"enhanced_code":{"class":4,"subject":7,"detail":0},"content":"Temporary server error.`,
			`"egress_source":"bulk-3"`, `"command":"RCPT TO:<`, `"code":400,"enhanced_code":null`, `"site":"localhost"`,
			`"No answer from any hosts listed in MX"`, `[TSS04]`,
			`"code":452,"enhanced_code":{"class":4,"subject":3,"detail":1},"content":"Insufficient system storage"`,
			`"code":452,"enhanced_code":{"class":4,"subject":2,"detail":2}`,
			`"bounce_classification":"QuotaIssues"`, `"bounce_classification":"PolicyRelated"`,
			`"bounce_classification":"AuthenticationFailed"`},
	}
	markers[PowerMTA][10] = ",warm-1,nl2611,,"
	for _, m := range otherMTAs {
		t.Run(m.String(), func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := Write(&buf, Config{Seed: 2, MTA: m}, 30_000); err != nil {
				t.Fatal(err)
			}
			log := buf.Bytes()
			if i := bytes.IndexFunc(log, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' || r >= 0x7f }); i >= 0 {
				t.Errorf("control or non-ASCII byte at %d: %q", i, log[max(0, i-80):i+1])
			}
			if i := bytes.Index(log, []byte(`\u00`)); i >= 0 {
				t.Errorf("escaped control character: %q", log[max(0, i-120):i+6])
			}
			// Every Microsoft stamp is the time of its line.
			for l := range bytes.Lines(log) {
				const host = ".prod.exchangelabs.com "
				i := bytes.Index(l, []byte(host+"2026-"))
				if i < 0 {
					continue
				}
				stamp := string(l[i+len(host) : i+len(host)+19])
				var at string
				if _, n, ok := strings.Cut(string(l), `"timestamp":`); ok {
					sec, _ := strconv.ParseInt(n[:strings.IndexByte(n, ',')], 10, 64)
					at = time.Unix(sec, 0).UTC().Format("2006-01-02T15:04:05")
				} else {
					at = strings.Replace(string(l[:19]), " ", "T", 1)
					if m == PowerMTA {
						at = strings.Replace(string(l[2:21]), " ", "T", 1)
					}
				}
				if stamp != at {
					t.Fatalf("Microsoft stamp %s is not the line's time %s: %s", stamp, at, l)
				}
			}
			for _, s := range markers[m] {
				if !bytes.Contains(log, []byte(s)) {
					t.Errorf("log holds no %q", s)
				}
			}
			switch m {
			case PowerMTA:
				r := csv.NewReader(bytes.NewReader(log))
				r.FieldsPerRecord = 23
				recs, err := r.ReadAll()
				if err != nil {
					t.Fatalf("not strict CSV with 23 fields: %v", err)
				}
				if strings.Join(recs[0], ",") != pmta.DefaultHeader {
					t.Errorf("header %q, want the parser's default", recs[0])
				}
			case KumoMTA:
				for l := range bytes.Lines(log) {
					if !json.Valid(l) || !bytes.HasPrefix(l, []byte(`{"type":"`)) || !bytes.HasSuffix(l, []byte("}\n")) {
						t.Fatalf("not a JSON record: %s", l)
					}
				}
			}
		})
	}
}

func TestOtherMTAsDeterministic(t *testing.T) {
	for _, m := range otherMTAs {
		gen := func(seed int64) []byte {
			var buf bytes.Buffer
			if _, err := Write(&buf, Config{Seed: seed, MTA: m}, 20_000); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
		a, b, c := gen(7), gen(7), gen(8)
		if !bytes.Equal(a, b) {
			t.Errorf("%v: same seed wrote different bytes", m)
		}
		if bytes.Equal(a, c) {
			t.Errorf("%v: different seeds wrote the same bytes", m)
		}
	}
}

func TestOtherMTAsNextMatchesWrite(t *testing.T) {
	for _, m := range otherMTAs {
		cfg := Config{Seed: 3, Rate: 50, MTA: m}
		var want bytes.Buffer
		if _, err := Write(&want, cfg, 5000); err != nil {
			t.Fatal(err)
		}
		s := New(cfg)
		var got []byte
		var prev time.Time
		for range 5000 {
			var at time.Time
			got, at = s.Next(got)
			if at.Before(prev) {
				t.Fatalf("%v: Next went back in time: %v after %v", m, at, prev)
			}
			prev = at
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%v: Next and Write disagree", m)
		}
		if m == PowerMTA && !bytes.HasPrefix(got, []byte(pmtaHeader+"\r\n")) {
			t.Errorf("accounting file starts %q, want its header", got[:40])
		}
	}
}

// cancelAt collects writes and cancels once n lines have been written.
type cancelAt struct {
	buf    bytes.Buffer
	n      int
	cancel func()
}

func (w *cancelAt) Write(p []byte) (int, error) {
	w.buf.Write(p)
	if bytes.Count(w.buf.Bytes(), []byte{'\n'}) >= w.n {
		w.cancel()
	}
	return len(p), nil
}

func TestOtherMTAsLive(t *testing.T) {
	for _, m := range otherMTAs {
		// At 5 results a second the history is under 10,000 lines.
		cfg := Config{Seed: 9, Start: DefaultStart, Rate: 5, MTA: m}
		ctx, cancel := context.WithCancel(context.Background())
		w := &cancelAt{n: 12_000, cancel: cancel}
		// A fake wall clock: every reading is one second later, and speed
		// 30 makes each second 30 simulated seconds.
		wall := time.Unix(0, 0)
		var mu sync.Mutex
		now := func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			wall = wall.Add(time.Second)
			return wall
		}
		sum, err := New(cfg).live(ctx, w, 30, now, time.Millisecond)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		got := w.buf.Bytes()
		if n := int64(bytes.Count(got, []byte{'\n'})); n != sum.Lines || n < int64(w.n) {
			t.Errorf("%v: Summary.Lines = %d, wrote %d lines", m, sum.Lines, n)
		}
		s := New(cfg)
		var want []byte
		for range sum.Lines {
			want, _ = s.Next(want)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%v: Live wrote other lines than Next", m)
		}
		p := parse(t, m, got)
		if p.kinds[line.Unparsed] != 0 || !reflect.DeepEqual(sum, p.sum) {
			t.Errorf("%v: live Summary differs from the text (%d unparsed)\n got %+v\nwant %+v", m, p.kinds[line.Unparsed], sum, p.sum)
		}
		if p.last.Before(DefaultStart.Add(time.Minute)) {
			t.Errorf("%v: live log ends at %v, before the campaign start", m, p.last)
		}
	}
}

func TestParseMTA(t *testing.T) {
	for _, m := range []MTA{Postfix, Exim, PowerMTA, KumoMTA} {
		got, err := ParseMTA(strings.ToUpper(m.String()))
		if err != nil || got != m {
			t.Errorf("ParseMTA(%q) = %v, %v", m.String(), got, err)
		}
	}
	var m MTA
	if err := m.Set("powermta"); err != nil || m != PowerMTA {
		t.Errorf("Set(powermta) = %v, %v", m, err)
	}
	if err := m.Set("sendmail"); err == nil || m != PowerMTA {
		t.Errorf("Set(sendmail) = %v, %v; want an error and no change", m, err)
	}
	if s := MTA(9).String(); s != "MTA(9)" {
		t.Errorf("MTA(9).String() = %q", s)
	}
}

func BenchmarkWriteMTA(b *testing.B) {
	for m := Postfix; m < numMTAs; m++ {
		b.Run(m.String(), func(b *testing.B) {
			const n = 1_000_000
			var w countWriter
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Write(&w, Config{Seed: 1, MTA: m}, n); err != nil {
					b.Fatal(err)
				}
			}
			secs := b.Elapsed().Seconds()
			b.ReportMetric(float64(n)*float64(b.N)/secs, "lines/s")
			b.ReportMetric(float64(w.n)/secs/1e6, "MB/s")
		})
	}
}

func TestKumoResponseCodes(t *testing.T) {
	s := New(Config{MTA: KumoMTA})
	m := &message{size: 1234}
	for head, want := range map[string]string{
		"451 4.7.0 ":   `"code":451,"enhanced_code":{"class":4,"subject":7,"detail":0},`,
		"550-5.1.1 ":   `"code":550,"enhanced_code":{"class":5,"subject":1,"detail":1},`,
		"451 4.7.650 ": `"code":451,"enhanced_code":{"class":4,"subject":7,"detail":650},`,
		"250 ":         `"code":250,"enhanced_code":null,`,
		"400 ":         `"code":400,"enhanced_code":null,`,
	} {
		s.rhead = head
		got := string(s.kumoResponse(nil, m, []byte(`a "quoted" \ text`+"\x01")))
		if !strings.Contains(got, want) || !strings.HasSuffix(got, `"content":"a \"quoted\" \\ text\u0001","command":`) {
			t.Errorf("%q: %s", head, got)
		}
	}
}
