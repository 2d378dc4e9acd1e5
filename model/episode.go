package model

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// Episode is one stretch of time a verdict held, for a reply signature or
// for a provider (Text, Code and Enhanced empty).
type Episode struct {
	Provider string
	Code     int
	Enhanced string
	Text     string
	// Signatures is how many signatures (forms of the reply) it covered.
	Signatures int
	Kind       VerdictKind
	// Since is the first judgement that found it, Until the first that no
	// longer did (or the end of the data, with Ongoing set).
	Since, Until time.Time
	Ongoing      bool
	// Evidence and Figures are those of the judgement where the verdict
	// was strongest.
	Evidence string
	Figures  map[string]any
	score    float64
}

// MarshalJSON writes {provider, code, enhanced, text, kind, since, until,
// ongoing, evidence, figures}, times in RFC 3339.
func (e Episode) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Provider string         `json:"provider"`
		Code     int            `json:"code,omitempty"`
		Enhanced string         `json:"enhanced,omitempty"`
		Text     string         `json:"text,omitempty"`
		Sigs     int            `json:"signatures,omitempty"`
		Kind     string         `json:"kind"`
		Since    string         `json:"since"`
		Until    string         `json:"until"`
		Ongoing  bool           `json:"ongoing,omitempty"`
		Evidence string         `json:"evidence"`
		Figures  map[string]any `json:"figures"`
	}{e.Provider, e.Code, e.Enhanced, e.Text, e.Signatures, e.Kind.String(), e.Since.Format(time.RFC3339), e.Until.Format(time.RFC3339),
		e.Ongoing, e.Evidence, e.Figures})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (e *Episode) UnmarshalJSON(b []byte) error {
	var j struct {
		Provider   string         `json:"provider"`
		Code       int            `json:"code"`
		Enhanced   string         `json:"enhanced"`
		Text       string         `json:"text"`
		Signatures int            `json:"signatures"`
		Kind       string         `json:"kind"`
		Since      time.Time      `json:"since"`
		Until      time.Time      `json:"until"`
		Ongoing    bool           `json:"ongoing"`
		Evidence   string         `json:"evidence"`
		Figures    map[string]any `json:"figures"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	k, ok := ParseVerdictKind(j.Kind)
	if !ok {
		return fmt.Errorf("verdict kind %q", j.Kind)
	}
	*e = Episode{Provider: j.Provider, Code: j.Code, Enhanced: j.Enhanced, Text: j.Text, Signatures: j.Signatures, Kind: k,
		Since: j.Since, Until: j.Until, Ongoing: j.Ongoing, Evidence: j.Evidence, Figures: j.Figures}
	return nil
}

type episodeKey struct {
	family string
	kind   VerdictKind
}

// episodes follows verdicts through time. Each judgement opens an episode
// for every verdict not already open and closes the open ones it no
// longer finds. Noise is not an episode: it is the absence of one.
type episodes struct {
	open    map[episodeKey]*Episode
	done    []Episode
	dropped int64
}

// maxEpisodes bounds the finished episodes kept.
const maxEpisodes = 20000

func (e *episodes) observe(at time.Time, providers []Row, fams []*family) {
	if e.open == nil {
		e.open = map[episodeKey]*Episode{}
	}
	seen := map[episodeKey]bool{}
	see := func(fam string, k SigKey, n int, v *Verdict) {
		if v.Kind == Noise {
			return
		}
		key := episodeKey{fam, v.Kind}
		seen[key] = true
		ep := e.open[key]
		if ep == nil {
			ep = &Episode{Provider: k.Provider, Code: k.Code, Enhanced: k.Enhanced, Text: k.Text, Kind: v.Kind, Since: at, score: -1}
			e.open[key] = ep
		}
		ep.Signatures = max(ep.Signatures, n)
		if s := strength(v); s >= ep.score {
			ep.score, ep.Evidence, ep.Figures = s, v.Evidence, v.Figures
		}
	}
	for _, f := range fams {
		for j := range f.g.Verdicts {
			see(f.key, f.g.Key, len(f.members), &f.g.Verdicts[j])
		}
	}
	for i := range providers {
		for j := range providers[i].Verdicts {
			// A provider's own verdicts: authentication trouble. Its
			// worst signature's verdict is that signature's episode.
			if v := &providers[i].Verdicts[j]; v.Kind == AuthTrouble {
				see(providers[i].Key+"\x00provider", SigKey{Provider: providers[i].Key}, 0, v)
			}
		}
	}
	for key, ep := range e.open {
		if !seen[key] {
			ep.Until = at
			e.finish(*ep)
			delete(e.open, key)
		}
	}
}

func (e *episodes) finish(ep Episode) {
	if len(e.done) >= maxEpisodes {
		e.dropped++
		return
	}
	e.done = append(e.done, ep)
}

// strength orders the judgements of one episode, so that it keeps the
// evidence of its strongest moment: a burst's short-window share, a
// sustained or concentrated reply's share, recovery's lowest share, else
// a count.
func strength(v *Verdict) float64 {
	num := func(k string) (float64, bool) {
		switch n := v.Figures[k].(type) {
		case float64:
			return n, true
		case int64:
			return float64(n), true
		}
		return 0, false
	}
	switch v.Kind {
	case Burst:
		a, _ := num("share_1m")
		b, _ := num("share_5m")
		return max(a, b)
	case Recovering:
		s, _ := num("share_5m")
		return 1 - s
	}
	for _, k := range []string{"share_15m", "share", "aged_1h", "count_1h", "count_15m"} {
		if n, ok := num(k); ok {
			return n
		}
	}
	return 0
}

// list returns every episode, finished and open (open ones ending at end,
// marked ongoing), by start time.
func (e *episodes) list(end time.Time) []Episode {
	out := append([]Episode(nil), e.done...)
	for _, ep := range e.open {
		c := *ep
		c.Until, c.Ongoing = end, true
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Since.Equal(out[j].Since) {
			return out[i].Since.Before(out[j].Since)
		}
		if out[i].Provider != out[j].Provider {
			return out[i].Provider < out[j].Provider
		}
		return out[i].Kind < out[j].Kind
	})
	return out
}
