package model

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// stream builds minutes of traffic to one provider: per minute, attempts
// sends and deferrals of one reply; f gives the number of deferrals of
// that reply in minute m, and extra adds events of its own.
type stream struct {
	minutes  int
	attempts int
	relay    string
	domain   func(i int) string
	reply    Reply
	f        func(m int) int
	outcome  Outcome
	age      time.Duration
	identity func(i int) string
	text     func(i int) string // varies the reply's text
}

func (s stream) run(t *testing.T, cfg Config) (*Aggregator, *Snapshot) {
	t.Helper()
	a := NewAggregator(cfg)
	if s.domain == nil {
		s.domain = func(i int) string { return fmt.Sprintf("d%d.example", i%40) }
	}
	if s.outcome == 0 {
		s.outcome = Deferred
	}
	for m := 0; m < s.minutes; m++ {
		bad := s.f(m)
		for i := 0; i < s.attempts; i++ {
			e := Event{Time: t0.Add(time.Duration(m)*time.Minute + time.Duration(i)*time.Minute/time.Duration(s.attempts)),
				Outcome: Sent, Relay: s.relay, Domain: s.domain(i), Reply: Reply{Code: 250, Enhanced: "2.0.0", Text: "ok"}}
			// Spread the minute's bad replies evenly through it.
			if (i+1)*bad/s.attempts != i*bad/s.attempts {
				e.Outcome, e.Reply, e.Age = s.outcome, s.reply, s.age
				if s.text != nil {
					e.Reply.Text = s.text(i)
				}
			}
			if s.identity != nil {
				e.Identity = s.identity(i)
			}
			a.Add(&e)
		}
	}
	end := t0.Add(time.Duration(s.minutes)*time.Minute - time.Second)
	a.JudgeNow(end)
	return a, a.Snapshot(end)
}

var ms470 = Reply{Code: 451, Enhanced: "4.7.0", Text: "Temporary server error. PRX4"}

func kinds(g *SigRow) []VerdictKind {
	var out []VerdictKind
	for _, v := range g.Verdicts {
		out = append(out, v.Kind)
	}
	return out
}

func hasKind(vs []Verdict, k VerdictKind) *Verdict {
	for i := range vs {
		if vs[i].Kind == k {
			return &vs[i]
		}
	}
	return nil
}

func sigOf(t *testing.T, s *Snapshot, code int, enh string) *SigRow {
	t.Helper()
	for i := range s.Signatures {
		if s.Signatures[i].Key.Code == code && s.Signatures[i].Key.Enhanced == enh {
			return &s.Signatures[i]
		}
	}
	t.Fatalf("no %d %s signature", code, enh)
	return nil
}

func TestVerdictShares(t *testing.T) {
	cases := []struct {
		name string
		f    func(m int) int // deferrals per 100 attempts in minute m
		want VerdictKind     // Quiet: no verdict
	}{
		{"noise: 2% all along", func(int) int { return 2 }, Noise},
		{"exactly at the 10% threshold for 30 minutes is sustained", func(int) int { return 10 }, Sustained},
		{"just under it is not", func(int) int { return 9 }, Noise},
		{"sustained 25% for the last 20 minutes", func(m int) int {
			if m >= 10 {
				return 25
			}
			return 1
		}, Sustained},
		{"a burst: 40% in the last two minutes after 1%", func(m int) int {
			if m >= 28 {
				return 40
			}
			return 1
		}, Burst},
		{"over for 10 minutes, back under: not recovering, never sustained", func(m int) int {
			if m >= 12 && m < 22 {
				return 30
			}
			return 1
		}, Quiet},
		{"sustained needs 15 minutes: 25% for the last 12 is not yet", func(m int) int {
			if m >= 18 {
				return 25
			}
			return 1
		}, Burst},
		{"a burst inside a sustained period is sustained", func(m int) int {
			if m >= 28 {
				return 60
			}
			if m >= 10 {
				return 15
			}
			return 1
		}, Sustained},
		{"recovering: 30% for 17 minutes until 8 minutes ago, 1% since", func(m int) int {
			if m >= 5 && m < 22 {
				return 30
			}
			return 1
		}, Recovering},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, s := stream{minutes: 30, attempts: 100, relay: msRelay, reply: ms470, f: c.f}.run(t, Config{})
			g := sigOf(t, s, 451, "4.7.0")
			if c.want == Quiet { // no verdict at all
				if len(g.Verdicts) != 0 {
					t.Fatalf("verdicts %v, want none", kinds(g))
				}
				return
			}
			if len(g.Verdicts) == 0 || g.Verdicts[0].Kind != c.want {
				t.Fatalf("verdicts %v, want %v first (%+v)", kinds(g), c.want, g.Verdicts)
			}
			if c.want == Sustained && (g.Verdicts[0].Over < 15*time.Minute || g.Verdicts[0].Figures["threshold"] != 0.10) {
				t.Errorf("sustained figures: over %v, %v", g.Verdicts[0].Over, g.Verdicts[0].Figures)
			}
			if c.want == Burst && (g.Verdicts[0].Peak < 0.2 || g.Verdicts[0].PeakAt.Before(t0.Add(17*time.Minute))) {
				t.Errorf("burst peak %v at %v", g.Verdicts[0].Peak, g.Verdicts[0].PeakAt)
			}
			if strings.HasPrefix(c.name, "a burst inside") && hasKind(g.Verdicts, Burst) == nil {
				t.Errorf("the burst inside the sustained period is not shown: %v", kinds(g))
			}
			p := s.Providers[0]
			if c.want != Noise && (len(p.Verdicts) == 0 || p.Verdicts[0].Kind != c.want) {
				t.Errorf("provider badge %v, want %v", p.Verdicts, c.want)
			}
		})
	}
}

func TestVerdictThresholdFromConfig(t *testing.T) {
	// 12% is sustained against 10%, noise-like against an entry's 20%.
	cfg := Config{Verdicts: VerdictConfig{Threshold: func(k SigKey) float64 {
		if k.Enhanced == "4.7.0" {
			return 0.20
		}
		return 0
	}}}
	_, s := stream{minutes: 30, attempts: 100, relay: msRelay, reply: ms470, f: func(int) int { return 12 }}.run(t, cfg)
	g := sigOf(t, s, 451, "4.7.0")
	if g.Threshold != 0.20 || hasKind(g.Verdicts, Sustained) != nil {
		t.Fatalf("threshold %v, verdicts %v", g.Threshold, kinds(g))
	}
}

func TestVerdictConcentrated(t *testing.T) {
	// 5.7.1 rejections all at one Microsoft 365 tenant: concentrated.
	rej := Reply{Code: 550, Enhanced: "5.7.1", Text: "Delivery not authorized"}
	_, s := stream{minutes: 10, attempts: 50, relay: msRelay, reply: rej, outcome: Bounced,
		domain: func(i int) string {
			if (i+1)*5/50 != i*5/50 {
				return "fabrikam.com"
			}
			return fmt.Sprintf("d%d.example", i)
		}, f: func(int) int { return 5 }}.run(t, Config{})
	v := hasKind(sigOf(t, s, 550, "5.7.1").Verdicts, Concentrated)
	if v == nil || v.Figures["top"] != "fabrikam.com" || v.Figures["share"] != 1.0 {
		t.Fatalf("%+v", sigOf(t, s, 550, "5.7.1").Verdicts)
	}
	// Everything at gmail.com is not news: consumer domains are many people.
	_, s = stream{minutes: 10, attempts: 50, relay: "gmail-smtp-in.l.google.com", reply: Reply{Code: 550, Enhanced: "5.1.1", Text: "no such user"},
		outcome: Bounced, domain: func(int) string { return "gmail.com" }, f: func(int) int { return 5 }}.run(t, Config{})
	if v := hasKind(sigOf(t, s, 550, "5.1.1").Verdicts, Concentrated); v != nil {
		t.Fatalf("gmail.com concentration reported: %+v", v)
	}
	// One sending IP out of several: concentrated on an identity.
	_, s = stream{minutes: 10, attempts: 50, relay: "mta5.am0.yahoodns.net", reply: Reply{Code: 421, Enhanced: "4.7.0", Text: "[TSS04] deferred"},
		domain: func(int) string { return "yahoo.com" }, identity: func(i int) string {
			if (i+1)*5/50 != i*5/50 {
				return "192.0.2.7"
			}
			return fmt.Sprintf("192.0.2.%d", 10+i%3)
		}, f: func(int) int { return 5 }}.run(t, Config{})
	if v := hasKind(sigOf(t, s, 421, "4.7.0").Verdicts, Concentrated); v == nil || v.Figures["top"] != "192.0.2.7" {
		t.Fatalf("identity: %+v", sigOf(t, s, 421, "4.7.0").Verdicts)
	}
}

func TestVerdictAging(t *testing.T) {
	_, s := stream{minutes: 5, attempts: 20, relay: msRelay, reply: ms470, age: 25 * time.Hour, f: func(int) int { return 1 }}.run(t, Config{})
	g := sigOf(t, s, 451, "4.7.0")
	if v := hasKind(g.Verdicts, Aging); v == nil || g.AgedTotal != 5 {
		t.Fatalf("aged %d, verdicts %v", g.AgedTotal, kinds(g))
	}
	// Exactly at the threshold counts; just under does not.
	_, s = stream{minutes: 5, attempts: 20, relay: msRelay, reply: ms470, age: 24 * time.Hour, f: func(int) int { return 1 }}.run(t, Config{})
	if sigOf(t, s, 451, "4.7.0").AgedTotal != 5 {
		t.Fatal("24h exactly is aging")
	}
	_, s = stream{minutes: 5, attempts: 20, relay: msRelay, reply: ms470, age: 24*time.Hour - time.Second, f: func(int) int { return 1 }}.run(t, Config{})
	if hasKind(sigOf(t, s, 451, "4.7.0").Verdicts, Aging) != nil {
		t.Fatal("under 24h is not aging")
	}
}

func TestVerdictMisclassified(t *testing.T) {
	_, s := stream{minutes: 3, attempts: 20, relay: "mx.example.org", reply: Reply{Code: 452, Enhanced: "4.2.2", Text: "mailbox full"},
		outcome: Bounced, f: func(int) int { return 1 }}.run(t, Config{})
	if v := hasKind(sigOf(t, s, 452, "4.2.2").Verdicts, Misclassified); v == nil || v.Figures["counted_as"] != "bounces" {
		t.Fatalf("%+v", sigOf(t, s, 452, "4.2.2").Verdicts)
	}
	_, s = stream{minutes: 3, attempts: 20, relay: "mx.example.org", reply: Reply{Code: 550, Enhanced: "5.1.1", Text: "no such user"},
		outcome: Deferred, f: func(int) int { return 1 }}.run(t, Config{})
	if hasKind(sigOf(t, s, 550, "5.1.1").Verdicts, Misclassified) == nil {
		t.Fatal("5.x.x deferrals not flagged")
	}
	_, s = stream{minutes: 3, attempts: 20, relay: msRelay, reply: ms470, f: func(int) int { return 1 }}.run(t, Config{})
	if hasKind(sigOf(t, s, 451, "4.7.0").Verdicts, Misclassified) != nil {
		t.Fatal("a 4.x.x deferral is not misclassified")
	}
}

func TestVerdictAuthTrouble(t *testing.T) {
	auth := Reply{Code: 550, Enhanced: "5.7.26", Text: "Unauthenticated email is not accepted"}
	_, s := stream{minutes: 10, attempts: 50, relay: "gmail-smtp-in.l.google.com", reply: auth, outcome: Bounced,
		domain: func(int) string { return "gmail.com" }, f: func(m int) int {
			if m >= 7 {
				return 2
			}
			return 0
		}}.run(t, Config{})
	if v := hasKind(s.Providers[0].Verdicts, AuthTrouble); v == nil {
		t.Fatalf("provider verdicts %+v", s.Providers[0].Verdicts)
	}
	// Old ones, nothing recent: not rising.
	_, s = stream{minutes: 30, attempts: 50, relay: "gmail-smtp-in.l.google.com", reply: auth, outcome: Bounced,
		domain: func(int) string { return "gmail.com" }, f: func(m int) int {
			if m >= 16 && m < 20 {
				return 2
			}
			return 0
		}}.run(t, Config{})
	if v := hasKind(s.Providers[0].Verdicts, AuthTrouble); v != nil {
		t.Fatalf("stale auth replies judged rising: %+v", v)
	}
}

// TestEpisodes checks that a replay yields each episode with the times it
// had: a burst, then sustained, then recovery.
func TestEpisodes(t *testing.T) {
	a, s := stream{minutes: 60, attempts: 100, relay: msRelay, reply: ms470, f: func(m int) int {
		switch {
		case m >= 10 && m < 40:
			return 30
		}
		return 1
	}}.run(t, Config{})
	var burst, sust, rec *Episode
	for i := range s.Episodes {
		e := &s.Episodes[i]
		switch e.Kind {
		case Burst:
			burst = e
		case Sustained:
			sust = e
		case Recovering:
			rec = e
		}
	}
	if burst == nil || sust == nil || rec == nil {
		t.Fatalf("episodes %+v", s.Episodes)
	}
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	if burst.Since.Before(at(10)) || burst.Since.After(at(13)) || burst.Until.After(sust.Since) {
		t.Errorf("burst %v..%v, sustained from %v", burst.Since, burst.Until, sust.Since)
	}
	if sust.Since.Before(at(24)) || sust.Since.After(at(27)) || sust.Until.Before(at(40)) || sust.Until.After(at(46)) {
		t.Errorf("sustained %v..%v", sust.Since, sust.Until)
	}
	if !rec.Since.Equal(sust.Until) || rec.Ongoing {
		t.Errorf("recovering %v..%v ongoing %v", rec.Since, rec.Until, rec.Ongoing)
	}
	if sust.Figures["share_15m"].(float64) < 0.25 {
		t.Errorf("sustained figures %v", sust.Figures)
	}
	if len(a.Episodes(at(60))) != len(s.Episodes) {
		t.Error("Episodes and the snapshot disagree")
	}
}

// TestVerdictFamily: Microsoft's 451 4.7.0 comes as PRX1 to PRX6, each
// under 10% alone; judged as one family they are a sustained 24%.
func TestVerdictFamily(t *testing.T) {
	prx := func(i int) string { return fmt.Sprintf("Temporary server error. Please try again later. PRX%d", 1+i%6) }
	st := stream{minutes: 30, attempts: 100, relay: msRelay, reply: ms470, text: prx, f: func(int) int { return 24 }}
	_, s := st.run(t, Config{})
	for _, g := range s.Signatures {
		if hasKind(g.Verdicts, Sustained) != nil {
			t.Fatalf("without families, %v alone is sustained: %v", g.Key, kinds(&g))
		}
	}
	fam := Config{Verdicts: VerdictConfig{Family: func(k SigKey) string {
		if strings.Contains(k.Text, "PRX") {
			return "ms-prx"
		}
		return ""
	}}}
	a, s := st.run(t, fam)
	if len(s.Signatures) != 6 {
		t.Fatalf("%d signatures, want 6", len(s.Signatures))
	}
	for _, g := range s.Signatures {
		v := hasKind(g.Verdicts, Sustained)
		if v == nil || v.Figures["signatures"] != 6 || v.Figures["share_15m"].(float64) < 0.23 {
			t.Fatalf("%v: %+v", g.Key, g.Verdicts)
		}
	}
	n := 0
	for _, e := range a.Episodes(t0.Add(30 * time.Minute)) {
		if e.Kind == Sustained {
			n++
			if e.Signatures != 6 || e.Code != 451 || e.Enhanced != "4.7.0" {
				t.Errorf("episode %+v", e)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d sustained episodes, want one for the family", n)
	}
}

// TestVerdictHysteresis: a share sitting just around its threshold once
// sustained does not flip to recovering and back every minute.
func TestVerdictHysteresis(t *testing.T) {
	a, _ := stream{minutes: 60, attempts: 100, relay: msRelay, reply: ms470, f: func(m int) int {
		switch {
		case m < 20:
			return 14
		case m%2 == 0:
			return 11
		}
		return 8
	}}.run(t, Config{})
	var kinds []string
	for _, e := range a.Episodes(t0.Add(time.Hour)) {
		kinds = append(kinds, e.Kind.String())
	}
	if len(kinds) != 1 || kinds[0] != "sustained" {
		t.Fatalf("episodes %v, want one sustained", kinds)
	}
}

// TestVerdictBurstSignificance: a small reply wobbling by chance is not a
// burst; a real jump on the same volume is.
func TestVerdictBurstSignificance(t *testing.T) {
	bounce := Reply{Code: 550, Enhanced: "5.1.1", Text: "no such user"}
	// 2% a minute, 6% in the last: 6 against 2 expected, under 4 sigma.
	_, s := stream{minutes: 30, attempts: 100, relay: "mx.example.org", reply: bounce, outcome: Bounced, f: func(m int) int {
		if m == 29 {
			return 6
		}
		return 2
	}}.run(t, Config{Verdicts: VerdictConfig{Threshold: func(SigKey) float64 { return 0.02 }}})
	if v := hasKind(sigOf(t, s, 550, "5.1.1").Verdicts, Burst); v != nil {
		t.Fatalf("chance wobble judged a burst: %+v", v)
	}
	_, s = stream{minutes: 30, attempts: 100, relay: "mx.example.org", reply: bounce, outcome: Bounced, f: func(m int) int {
		if m == 29 {
			return 15
		}
		return 2
	}}.run(t, Config{Verdicts: VerdictConfig{Threshold: func(SigKey) float64 { return 0.02 }}})
	if v := hasKind(sigOf(t, s, 550, "5.1.1").Verdicts, Burst); v == nil {
		t.Fatalf("15 against 2 expected is a burst: %v", kinds(sigOf(t, s, 550, "5.1.1")))
	}
}
