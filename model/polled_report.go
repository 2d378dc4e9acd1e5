package model

import "time"

// ReportEndpoint is one polled stats endpoint in a report: its state at
// the end, what it counted, and its last levels.
type ReportEndpoint struct {
	URL    string `json:"url"` // without credentials
	Host   string `json:"host"`
	Format string `json:"format"`
	// State is ok, stale since HH:MM:SS, error or connecting; Error says
	// why (and whether its results are counted twice, see
	// Snapshot.NoteDoubleCounting).
	State  string `json:"state"`
	Error  string `json:"error,omitempty"`
	LastOK string `json:"last_ok,omitempty"` // RFC 3339
	// Counted is what its per-row deltas added; Node its node-wide
	// counters over the same time, when it reports them.
	Counted Counts  `json:"counted"`
	Node    *Counts `json:"node,omitempty"`
	// Level is its last node queue and connections (-1: not reported).
	Level
}

// addPolled adds the polled endpoints, their backoffs and what they
// counted; a report of logs alone has none of these.
func (r *Report) addPolled(s *Snapshot) {
	hosts := map[string]PolledHost{}
	for _, h := range s.PolledHosts {
		hosts[h.Host] = h
	}
	for _, src := range s.Sources {
		if !src.Polled {
			continue
		}
		e := ReportEndpoint{URL: src.Name, Host: src.Host, Format: src.Format, State: src.State, Error: src.Err, Level: noLevel}
		if !src.LastOK.IsZero() {
			e.LastOK = src.LastOK.Format(time.RFC3339)
		}
		if h, ok := hosts[src.Host]; ok {
			e.Counted, e.Level = h.Counted, h.Level
			if h.NodeKnown {
				n := h.Node
				e.Node = &n
			}
		}
		r.Endpoints = append(r.Endpoints, e)
	}
	r.Backoffs = append(r.Backoffs, s.Backoffs...)
	if len(s.PolledHosts) > 0 {
		p := s.Polled
		r.Polled = &p
	}
}
