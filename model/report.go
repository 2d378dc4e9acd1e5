package model

import (
	"sort"
	"time"
)

// Report is the stable machine form of `relaytop report --json`.
// Every provider field holds a provider id.
type Report struct {
	Lines     int64 `json:"lines"`
	Unparsed  int64 `json:"unparsed"`
	Skipped   int64 `json:"skipped"`
	Truncated int64 `json:"truncated"`
	Internal  int64 `json:"internal"`
	Probes    int64 `json:"probes"`
	// From and To are the first and last event times (RFC 3339), empty
	// when there were no events.
	From       string            `json:"from,omitempty"`
	To         string            `json:"to,omitempty"`
	Totals     Counts            `json:"totals"`
	MTAs       []MTACounts       `json:"mtas"`
	Providers  []ReportProvider  `json:"providers"`
	Domains    []ReportDomain    `json:"domains"`
	Signatures []ReportSignature `json:"signatures"`
	// Verdicts are every verdict episode of the log, in its own time.
	Verdicts []Episode `json:"verdicts"`
	// Polled stats endpoints, absent without (see polled_report.go).
	Endpoints []ReportEndpoint `json:"endpoints,omitempty"`
	Backoffs  []Backoff        `json:"backoffs,omitempty"`
	// Polled is what the endpoints counted: part of the totals, without
	// reply texts, so not in Signatures.
	Polled *Counts `json:"polled,omitempty"`
}

// ReportProvider is one provider's totals.
type ReportProvider struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Counts
}

// ReportDomain is one recipient domain's totals.
type ReportDomain struct {
	Name     string `json:"name"`
	Provider string `json:"provider"`
	Counts
}

// ReportSignature is one reply signature with one outcome.
type ReportSignature struct {
	Code     int    `json:"code"`
	Enhanced string `json:"enhanced"`
	Provider string `json:"provider"`
	Outcome  string `json:"outcome"`
	Text     string `json:"text"`
	Count    int64  `json:"count"`
}

// NewReport builds a report from a snapshot: every provider, every
// tracked domain and every signature, by total, largest first.
func NewReport(s *Snapshot, first time.Time) Report {
	r := Report{Lines: s.Input.Lines, Unparsed: s.Input.Unparsed, Skipped: s.Input.Skipped,
		Truncated: s.Input.Truncated, Internal: s.Internal, Probes: s.Probes, Totals: s.Totals.Total,
		Providers: []ReportProvider{}, Domains: []ReportDomain{}, Signatures: []ReportSignature{},
		MTAs: append([]MTACounts{}, s.MTAs...)}
	if !first.IsZero() {
		r.From = first.Format(time.RFC3339)
		r.To = s.DataClock.Format(time.RFC3339)
	}
	byTotal := func(rows []Row) []Row {
		rows = append([]Row(nil), rows...)
		SortRows(rows, AllTime)
		return rows
	}
	for _, p := range byTotal(s.Providers) {
		r.Providers = append(r.Providers, ReportProvider{ID: p.Key, Name: p.Name, Counts: p.Total})
	}
	for _, d := range byTotal(s.Domains) {
		r.Domains = append(r.Domains, ReportDomain{Name: d.Key, Provider: d.Provider, Counts: d.Total})
	}
	for _, g := range s.Signatures {
		for o := Deferred; o <= Expired; o++ {
			if n := g.Total.Of(o); n > 0 {
				r.Signatures = append(r.Signatures, ReportSignature{Code: g.Key.Code, Enhanced: g.Key.Enhanced,
					Provider: g.Key.Provider, Outcome: o.String(), Text: g.Key.Text, Count: n})
			}
		}
	}
	sortSignatures(r.Signatures)
	r.Verdicts = append([]Episode{}, s.Episodes...)
	r.addPolled(s)
	return r
}

func sortSignatures(s []ReportSignature) {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Count != s[j].Count {
			return s[i].Count > s[j].Count
		}
		if s[i].Provider != s[j].Provider {
			return s[i].Provider < s[j].Provider
		}
		if s[i].Code != s[j].Code {
			return s[i].Code < s[j].Code
		}
		if s[i].Enhanced != s[j].Enhanced {
			return s[i].Enhanced < s[j].Enhanced
		}
		if s[i].Text != s[j].Text {
			return s[i].Text < s[j].Text
		}
		return s[i].Outcome < s[j].Outcome
	})
}
