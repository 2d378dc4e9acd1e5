package model

import (
	"fmt"
	"time"
)

// WatchPoint is one bucket of the watch series.
type WatchPoint struct {
	At       time.Time
	Attempts uint32 // attempts to the watched provider
	Hits     uint32 // of which answered with the watched reply
}

// WatchView is the watched reply's share over time and its verdict.
type WatchView struct {
	Name      string
	Provider  string
	Threshold float64
	// Points covers the last hour, one per bucket, oldest first.
	Points  []WatchPoint
	Win     [NumWindows]WatchPoint
	Verdict Verdict
}

// Share returns hits / attempts of a point (0 with no attempts).
func (p WatchPoint) Share() float64 {
	if p.Attempts == 0 {
		return 0
	}
	return float64(p.Hits) / float64(p.Attempts)
}

// Shares returns the share at each point, smoothed over the trailing
// span (a minute is a good choice: single buckets are noisy), for the
// last n points.
func (v *WatchView) Shares(n int, span time.Duration) []float64 {
	if n > len(v.Points) {
		n = len(v.Points)
	}
	k := int(span / BucketWidth)
	if k < 1 {
		k = 1
	}
	out := make([]float64, n)
	start := len(v.Points) - n
	for i := range out {
		var p WatchPoint
		for j := start + i; j > start+i-k && j >= 0; j-- {
			p.Attempts += v.Points[j].Attempts
			p.Hits += v.Points[j].Hits
		}
		out[i] = p.Share()
	}
	return out
}

func (a *Aggregator) watchView(nb int64) WatchView {
	v := WatchView{Name: a.watch.Name, Provider: a.watch.Provider, Threshold: a.watch.Threshold,
		Points: make([]WatchPoint, NumBuckets)}
	for i := range v.Points {
		b := nb - int64(NumBuckets-1-i)
		tl := a.watchS.get(b)
		v.Points[i] = WatchPoint{At: BucketTime(b), Attempts: tl.c[Sent] + tl.c[Deferred] + tl.c[Bounced], Hits: tl.hits}
	}
	for w := W1m; w < NumWindows; w++ {
		n := int(w.Duration() / BucketWidth)
		var p WatchPoint
		for _, q := range v.Points[len(v.Points)-n:] {
			p.Attempts += q.Attempts
			p.Hits += q.Hits
		}
		p.At = v.Points[len(v.Points)-1].At
		v.Win[w] = p
	}
	v.Verdict = judgeWatch(&v)
	return v
}

// VerdictKind classifies how a reply's share behaves.
type VerdictKind uint8

// Verdict kinds for a watched reply.
const (
	// Quiet: under the alarm line (a few hits are normal noise).
	Quiet VerdictKind = iota
	// Burst: the short-window share is at or over the line while the
	// 15-minute share is not: typically too many parallel connections.
	Burst
	// Sustained: at or over the line over 15 minutes: reputation drift.
	Sustained
	// Recovering: over the line in the last 15 minutes, back under it now.
	Recovering
	// Sparse: too few attempts to judge a share.
	Sparse
	// Noise: a few replies, a small share: nothing to act on.
	Noise
	// Concentrated: most of a reply's volume comes from one recipient
	// organisation or one sending identity.
	Concentrated
	// Aging: recipients have been deferring for longer than the aging
	// threshold (default 24h): their retry time will run out.
	Aging
	// Misclassified: 4.x.x replies counted as bounces, or 5.x.x as
	// deferrals: the sending software classifies them wrongly.
	Misclassified
	// AuthTrouble: SPF, DKIM or DMARC replies rising at a provider.
	AuthTrouble
)

// String returns the verdict's name.
func (k VerdictKind) String() string {
	switch k {
	case Burst:
		return "burst"
	case Sustained:
		return "sustained"
	case Recovering:
		return "recovering"
	case Sparse:
		return "too few to judge"
	case Noise:
		return "noise"
	case Concentrated:
		return "concentrated"
	case Aging:
		return "aging"
	case Misclassified:
		return "misclassified"
	case AuthTrouble:
		return "auth trouble"
	}
	return "quiet"
}

// ParseVerdictKind returns the kind String names.
func ParseVerdictKind(s string) (VerdictKind, bool) {
	for k := Quiet; k <= AuthTrouble; k++ {
		if k.String() == s {
			return k, true
		}
	}
	return 0, false
}

// Verdict is a judgement with the figures that support it.
type Verdict struct {
	Kind VerdictKind
	// Evidence says in a few words why ("22.4% of 1,204 attempts over 15m, over 10% for 17m").
	Evidence string
	// Peak is the highest one-minute share in the last hour, and when.
	Peak   float64
	PeakAt time.Time
	// Over is how long the one-minute share has been at or over the line.
	Over time.Duration
	// Figures are the numbers behind the verdict, by name (share,
	// threshold, count, attempts, peak, top, ...), for reports and hooks.
	Figures map[string]any
}

// Minimum attempts before a share is judged at all.
const (
	minShortAttempts = 5
	minLongAttempts  = 20
)

func judgeWatch(v *WatchView) Verdict {
	thr := v.Threshold
	w1, w5, w15 := v.Win[W1m], v.Win[W5m], v.Win[W15m]
	shares := v.Shares(len(v.Points), time.Minute)
	var vd Verdict
	for i, s := range shares {
		if s > vd.Peak {
			vd.Peak, vd.PeakAt = s, v.Points[i].At
		}
	}
	// Over: how long the share has been at or over the line, reading back
	// through one-minute shares and letting a dip pass while the 5-minute
	// share stays over.
	five := v.Shares(len(v.Points), 5*time.Minute)
	for i := len(shares) - 1; i >= 0 && thr > 0 && (shares[i] >= thr || five[i] >= thr); i-- {
		vd.Over += BucketWidth
	}
	long := w15.Attempts >= minLongAttempts && w15.Share() >= thr
	switch {
	case long && w5.Share() >= thr && vd.Over >= 15*time.Minute:
		vd.Kind = Sustained
		vd.Evidence = fmt.Sprintf("%s of %s attempts over 15m; over %s for %s", pct(w15.Share()), Thousands(int64(w15.Attempts)), pct(thr), FormatSpan(vd.Over))
	case (w1.Attempts >= minShortAttempts && w1.Share() >= thr) || (w5.Attempts >= minShortAttempts && w5.Share() >= thr):
		vd.Kind = Burst
		vd.Evidence = fmt.Sprintf("%s over 1m, %s over 15m; peak %s at %s", pct(w1.Share()), pct(w15.Share()), pct(vd.Peak), vd.PeakAt.Format("15:04"))
		if vd.Over > 0 {
			vd.Evidence += fmt.Sprintf("; over %s for %s", pct(thr), FormatSpan(vd.Over))
		}
	case long:
		vd.Kind = Recovering
		vd.Evidence = fmt.Sprintf("back under %s: %s over 5m after %s over 15m", pct(thr), pct(w5.Share()), pct(w15.Share()))
	case w15.Attempts < minLongAttempts && w15.Hits > 0:
		vd.Kind = Sparse
		vd.Evidence = fmt.Sprintf("%s of %s attempts over 15m: fewer than %d attempts", Thousands(int64(w15.Hits)),
			Thousands(int64(w15.Attempts)), minLongAttempts)
	default:
		vd.Kind = Quiet
		vd.Evidence = fmt.Sprintf("%s of %s attempts over 15m (%s)", Thousands(int64(w15.Hits)), Thousands(int64(w15.Attempts)), pct(w15.Share()))
	}
	return vd
}

func pct(f float64) string { return fmt.Sprintf("%.1f%%", f*100) }

// FormatSpan renders a duration as 45s, 12m or 3h05m.
func FormatSpan(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}
