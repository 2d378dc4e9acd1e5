package model

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// VerdictConfig sets the thresholds verdicts are judged by.
type VerdictConfig struct {
	// Threshold returns the alarm share of a provider's attempts for a
	// reply signature (the knowledge-base entry's threshold_share, or a
	// configured override); 0 or nil means DefaultThreshold.
	Threshold func(SigKey) float64
	// Family returns the name of the reply a signature is one form of
	// (the knowledge-base entry it matches), or "" when it stands alone.
	// Signatures of one provider, code, enhanced code and family are
	// judged together: Microsoft's "451 4.7.0 ... PRX1" to "PRX6", with
	// and without a diagnostic stamp, are one reply to an operator.
	Family func(SigKey) string
	// Aging is how long a recipient may keep deferring before it is aging
	// (default 24h).
	Aging time.Duration
	// Concentration is the share of a reply's recent volume one domain or
	// identity must hold to make it concentrated (default 0.7).
	Concentration float64
}

// DefaultThreshold is the alarm share when an entry declares none.
const DefaultThreshold = 0.10

func (c *VerdictConfig) defaults() {
	if c.Aging <= 0 {
		c.Aging = 24 * time.Hour
	}
	if c.Concentration <= 0 {
		c.Concentration = 0.7
	}
}

// familyKey is the key signatures are judged together under.
func familyKey(k SigKey, family func(SigKey) string) string {
	f := ""
	if family != nil {
		f = family(k)
	}
	if f == "" {
		return fmt.Sprintf("%s\x00%d\x00%s\x00=%s", k.Provider, k.Code, k.Enhanced, k.Text)
	}
	return fmt.Sprintf("%s\x00%d\x00%s\x00%s", k.Provider, k.Code, k.Enhanced, f)
}

// severity orders verdict kinds for a row's badge: the worst shows.
var severity = map[VerdictKind]int{Noise: 0, Recovering: 1, Concentrated: 2, Misclassified: 3, Burst: 4,
	AuthTrouble: 5, Aging: 6, Sustained: 7}

// Worse reports whether k is more severe than o.
func (k VerdictKind) Worse(o VerdictKind) bool { return severity[k] > severity[o] }

// Minimum volumes before a verdict is given.
const (
	minBurstCount   = 5
	minConcentrated = 20
	minAuthCount    = 3
)

// The share rules.
const (
	// sustainedAfter: how long the share must have been at or over the
	// threshold (and the 5-minute share still is) to be sustained.
	sustainedAfter = 15 * time.Minute
	// holdBand: once sustained, a reply stays sustained until its
	// 5-minute share falls under holdBand of the threshold, so a share
	// sitting at the line does not flip every minute.
	holdBand = 0.8
	// burstSigma: a burst's count must exceed what the longer window's
	// share predicts by this many standard deviations (Poisson), so that
	// sampling noise on small volumes is not a burst.
	burstSigma = 4
)

// shareState is what the minute judgements remember of a family: since
// when its 5-minute share has been over the threshold, and whether it was
// sustained.
type shareState struct {
	overSince time.Time
	sustained bool
	recovered time.Time // when it fell back from sustained
}

// family is the signatures judged together, summed.
type family struct {
	key     string
	g       *SigRow // the sum; Key is the busiest member's
	members []int   // indexes into the judged signatures
}

// shares are a family's shares of its provider's attempts per window.
type shares struct {
	s      [NumWindows]float64
	n, att [NumWindows]int64
}

func sharesOf(g *SigRow, p *Row) shares {
	var sh shares
	for w := W1m; w < NumWindows; w++ {
		sh.n[w] = g.Win[w].Deferred + g.Win[w].Bounced
		if p != nil {
			sh.att[w] = p.Win[w].Attempts()
		}
		sh.s[w] = ratio(sh.n[w], sh.att[w])
	}
	return sh
}

// significant reports whether n replies out of att attempts are well
// above what a share of base predicts.
func significant(n, att int64, base float64) bool {
	e := base * float64(att)
	return float64(n) >= e+burstSigma*math.Sqrt(max(e, 1))
}

// judgeShare gives a family's share verdicts: sustained, recovering or
// noise (when asked: episodes have no use for it), and a burst (alone or
// inside a sustained period); st is its state before this judgement and
// the state after is returned. first is the oldest data, which bounds how
// long anything can have been over.
func judgeShare(g *SigRow, p *Row, now, first time.Time, thr float64, st shareState, noise bool) ([]Verdict, shareState) {
	var out []Verdict
	sh := sharesOf(g, p)
	s1, s5, s15, s60 := sh.s[W1m], sh.s[W5m], sh.s[W15m], sh.s[W1h]
	base := func(k VerdictKind, ev string, fig map[string]any) Verdict {
		fig["threshold"] = thr
		return Verdict{Kind: k, Evidence: ev, Figures: fig}
	}
	enough := sh.att[W15m] >= minLongAttempts
	hold := thr
	if st.sustained {
		hold = holdBand * thr
	}
	switch {
	case enough && s5 >= hold:
		if st.overSince.IsZero() {
			st.overSince = overStart(g, p, now, thr)
		}
	case st.sustained:
		st.sustained, st.recovered, st.overSince = false, now, time.Time{}
	default:
		st.overSince = time.Time{}
	}
	over := time.Duration(0)
	if !st.overSince.IsZero() {
		from := st.overSince
		if from.Before(first) {
			from = first
		}
		over = now.Sub(from)
	}
	if !st.overSince.IsZero() && s15 >= hold && (st.sustained || over >= sustainedAfter) {
		st.sustained = true
	} else if st.sustained {
		st.sustained, st.recovered, st.overSince = false, now, time.Time{}
	}
	switch {
	case st.sustained:
		v := base(Sustained, "", map[string]any{"share_15m": round3(s15), "share_5m": round3(s5), "count_15m": sh.n[W15m],
			"attempts_15m": sh.att[W15m], "over": over.String()})
		v.Over = over
		v.Evidence = fmt.Sprintf("%s of %s attempts over 15m (threshold %s), over it for %s",
			pct(s15), Thousands(sh.att[W15m]), pct(thr), FormatSpan(over))
		out = append(out, v)
	case !st.recovered.IsZero() && enough && s15 >= holdBand*thr && now.Sub(st.recovered) <= 15*time.Minute:
		out = append(out, base(Recovering, fmt.Sprintf("back under %s: %s over 5m after %s over 15m", pct(thr), pct(s5), pct(s15)),
			map[string]any{"share_5m": round3(s5), "share_15m": round3(s15), "since": st.recovered.Format(time.RFC3339)}))
	default:
		st.recovered = time.Time{}
	}
	b1 := sh.n[W1m] >= minBurstCount && s1 >= thr && s1 >= 2*s15 && significant(sh.n[W1m], sh.att[W1m], s15)
	b5 := sh.n[W5m] >= minBurstCount && s5 >= thr && s5 >= 2*s60 && significant(sh.n[W5m], sh.att[W5m], s60) && s1 >= s60
	if b1 || b5 {
		v := base(Burst, "", map[string]any{"share_1m": round3(s1), "share_5m": round3(s5), "share_15m": round3(s15),
			"share_1h": round3(s60), "count_1m": sh.n[W1m], "count_5m": sh.n[W5m]})
		v.Peak, v.PeakAt = peakShare(g, p, now)
		v.Figures["peak"], v.Figures["peak_at"] = round3(v.Peak), v.PeakAt.Format(time.RFC3339)
		v.Evidence = fmt.Sprintf("%s over 1m, %s over 5m against %s over 1h; peak %s at %s",
			pct(s1), pct(s5), pct(s60), pct(v.Peak), v.PeakAt.Format("15:04"))
		out = append(out, v)
	}
	if noise && len(out) == 0 && sh.n[W1h] > 0 && s60 < thr && s15 < thr {
		out = append(out, base(Noise, fmt.Sprintf("%s in the last hour, %s of attempts (threshold %s)", Thousands(sh.n[W1h]), pct(s60), pct(thr)),
			map[string]any{"count_1h": sh.n[W1h], "share_1h": round3(s60)}))
	}
	return out, st
}

// judgeOther gives a family's verdicts that do not depend on its share:
// concentrated, aging and misclassified.
func (a *Aggregator) judgeOther(f *family, p *Row, now time.Time, sigs []SigRow) []Verdict {
	var out []Verdict
	g := f.g
	if v, ok := a.concentration(f, p, now, sigs); ok {
		out = append(out, v)
	}
	if g.Aged[W1h] > 0 {
		out = append(out, Verdict{Kind: Aging, Figures: map[string]any{"aged_1h": g.Aged[W1h], "aged_total": g.AgedTotal,
			"aging": a.verdicts.Aging.String()},
			Evidence: fmt.Sprintf("%s deferrals in the last hour to recipients queued for %s or more (%s in all)",
				Thousands(g.Aged[W1h]), FormatSpan(a.verdicts.Aging), Thousands(g.AgedTotal))})
	}
	if k := g.Key.class(); (k == 4 && g.Win[W1h].Bounced > 0) || (k == 5 && g.Win[W1h].Deferred > 0) {
		n, as := g.Win[W1h].Bounced, "bounces"
		if k == 5 {
			n, as = g.Win[W1h].Deferred, "deferrals"
		}
		out = append(out, Verdict{Kind: Misclassified, Figures: map[string]any{"count_1h": n, "class": k, "counted_as": as},
			Evidence: fmt.Sprintf("%s %d.x.x replies counted as %s in the last hour", Thousands(n), k, as)})
	}
	return out
}

// class is the signature's reply class (2, 4, 5), from the basic code,
// else the enhanced code; 0 when neither.
func (k SigKey) class() int {
	return Reply{Code: k.Code, Enhanced: k.Enhanced}.Class()
}

// concentration finds one recipient domain or sending identity holding
// most of a reply's recent volume (the last 30 to 60 minutes), far more
// than its share of the traffic. Consumer domains (gmail.com: many
// people) and the "other" provider (whose domains each have their own
// servers, so their replies are theirs alone) are not concentration.
func (a *Aggregator) concentration(f *family, p *Row, now time.Time, sigs []SigRow) (Verdict, bool) {
	g := f.g
	if g.Win[W1h].Total() < minConcentrated || p == nil {
		return Verdict{}, false
	}
	thr := a.verdicts.Concentration
	merge := func(pick func(r *sigRow) *recent) []KeyCount {
		m := map[string]int64{}
		for _, i := range f.members {
			if r := a.sigs[sigs[i].Key]; r != nil {
				for _, kc := range pick(r).top(now) {
					m[kc.Key] += kc.Count
				}
			}
		}
		return topOf(m)
	}
	check := func(kc []KeyCount, what string, baseShare func(string) float64) (Verdict, bool) {
		var total int64
		for _, c := range kc {
			total += c.Count
		}
		if total < minConcentrated || kc[0].Key == OverflowKey || kc[0].Key == UnknownDomain {
			return Verdict{}, false
		}
		sh, b := ratio(kc[0].Count, total), baseShare(kc[0].Key)
		if sh < thr || b > sh/2 {
			return Verdict{}, false
		}
		return Verdict{Kind: Concentrated, Figures: map[string]any{"top": kc[0].Key, "of": what, "share": round3(sh),
			"count": kc[0].Count, "total": total, "traffic_share": round3(b)},
			Evidence: fmt.Sprintf("%s of the last hour's %s from one %s, %s, which gets %s of the attempts",
				pct(sh), Thousands(total), what, Safe(kc[0].Key), pct(b))}, true
	}
	if p.Key != Other {
		doms := merge(func(r *sigRow) *recent { return &r.rdoms })
		if len(doms) > 0 && !a.cls.IsConsumer(doms[0].Key) {
			base := func(d string) float64 {
				if r := a.domains.rows[d]; r != nil {
					return ratio(a.rowView(r, bucketOf(now)).Win[W1h].Attempts(), p.Win[W1h].Attempts())
				}
				return 0
			}
			if v, ok := check(doms, "recipient domain", base); ok {
				return v, true
			}
		}
	}
	if len(a.idents.rows) < 2 {
		return Verdict{}, false
	}
	ids := merge(func(r *sigRow) *recent { return &r.ridents })
	if len(ids) == 0 {
		return Verdict{}, false
	}
	base := func(id string) float64 {
		if r := a.idents.rows[id]; r != nil {
			return ratio(a.rowView(r, bucketOf(now)).Win[W1h].Attempts(), a.rowView(&a.totals, bucketOf(now)).Win[W1h].Attempts())
		}
		return 0
	}
	return check(ids, "sending identity", base)
}

// overStart estimates when a share that is now over the threshold went
// over it: the start of the trailing run of 15-minute trend points (90 s
// each) at or over it, else now.
func overStart(g *SigRow, p *Row, now time.Time, thr float64) time.Time {
	if p == nil {
		return now
	}
	n := TrendLen(W15m)
	step := W15m.Duration() / time.Duration(n)
	k := 0
	for i := n - 1; i >= 0; i-- {
		a := p.Trend[W15m][i].Attempts
		if a == 0 || float64(g.Trend[W15m][i].Deferred+g.Trend[W15m][i].Bounced)/float64(a) < thr {
			break
		}
		k++
	}
	return now.Add(-time.Duration(k) * step)
}

// peakShare finds the highest share among the 15-minute trend points
// (90 s each) and when it was.
func peakShare(g *SigRow, p *Row, now time.Time) (float64, time.Time) {
	if p == nil {
		return 0, time.Time{}
	}
	n := TrendLen(W15m)
	step := W15m.Duration() / time.Duration(n)
	best, at := 0.0, 0
	for i := 0; i < n; i++ {
		a := p.Trend[W15m][i].Attempts
		if a == 0 {
			continue
		}
		if s := float64(g.Trend[W15m][i].Deferred+g.Trend[W15m][i].Bounced) / float64(a); s > best {
			best, at = s, i
		}
	}
	return best, now.Add(-time.Duration(n-1-at) * step)
}

// authCode reports replies about SPF, DKIM or DMARC: the RFC 7372
// authentication codes X.7.20 to X.7.27, X.7.30 and Google's X.7.32,
// Microsoft's 5.7.23 and 5.7.509, or a text naming them.
func authCode(k SigKey) bool {
	switch strings.TrimLeft(k.Enhanced, "245") {
	case ".7.20", ".7.21", ".7.22", ".7.23", ".7.24", ".7.25", ".7.26", ".7.27", ".7.30", ".7.32", ".7.509":
		return true
	}
	return strings.Contains(k.Text, "DMARC") || strings.Contains(k.Text, "DKIM") || strings.Contains(k.Text, "SPF")
}

// judgeProvider gives a provider's verdicts: the worst of its
// signatures' (other than noise), and authentication trouble when
// SPF/DKIM/DMARC replies are rising there.
func judgeProvider(p *Row, sigs []SigRow) []Verdict {
	var out []Verdict
	var worst *Verdict
	var worstSig *SigRow
	var auth15, auth5 int64
	var codes []string
	for i := range sigs {
		g := &sigs[i]
		if g.Key.Provider != p.Key {
			continue
		}
		if authCode(g.Key) {
			c15 := g.Win[W15m].Deferred + g.Win[W15m].Bounced
			auth15 += c15
			auth5 += g.Win[W5m].Deferred + g.Win[W5m].Bounced
			if c15 > 0 {
				codes = append(codes, strings.TrimSpace(fmt.Sprintf("%s %s", codeStr(g.Key.Code), g.Key.Enhanced)))
			}
		}
		for j := range g.Verdicts {
			if v := &g.Verdicts[j]; v.Kind != Noise && (worst == nil || v.Kind.Worse(worst.Kind)) {
				worst, worstSig = v, g
			}
		}
	}
	if worst != nil {
		out = append(out, Verdict{Kind: worst.Kind, Evidence: worstSig.Key.String() + ": " + worst.Evidence, Figures: worst.Figures,
			Over: worst.Over, Peak: worst.Peak, PeakAt: worst.PeakAt})
	}
	if auth15 >= minAuthCount && auth5*3 >= auth15 {
		sort.Strings(codes)
		out = append(out, Verdict{Kind: AuthTrouble, Figures: map[string]any{"count_15m": auth15, "count_5m": auth5, "codes": codes},
			Evidence: fmt.Sprintf("%s SPF/DKIM/DMARC replies over 15m (%s), %s of them in the last 5m",
				Thousands(auth15), strings.Join(codes, ", "), Thousands(auth5))})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Kind.Worse(out[j].Kind) })
	return out
}

func codeStr(c int) string {
	if c == 0 {
		return ""
	}
	return fmt.Sprint(c)
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

// verdictCache holds a snapshot judgement's verdicts for the snapshots
// that follow within the same bucket.
type verdictCache struct {
	nb    int64
	sigs  map[SigKey][]Verdict
	provs map[string][]Verdict
}

// snapshotVerdicts sets a snapshot's verdicts: judged afresh once per
// bucket (10 s of data time), else copied from that judgement, since
// judging every signature on every frame would cost the dashboard more
// than drawing it. A signature new within the bucket waits for the next.
func (a *Aggregator) snapshotVerdicts(providers []Row, sigs []SigRow, nb int64) {
	c := &a.vcache
	if c.sigs != nil && c.nb == nb {
		for i := range sigs {
			sigs[i].Verdicts = c.sigs[sigs[i].Key]
		}
		for i := range providers {
			providers[i].Verdicts = c.provs[providers[i].Key]
		}
		return
	}
	a.judge(providers, sigs, nb, false)
	*c = verdictCache{nb: nb, sigs: make(map[SigKey][]Verdict, len(sigs)), provs: make(map[string][]Verdict, len(providers))}
	for i := range sigs {
		c.sigs[sigs[i].Key] = sigs[i].Verdicts
	}
	for i := range providers {
		c.provs[providers[i].Key] = providers[i].Verdicts
	}
}
