package demo

import (
	"bufio"
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// This file is an independent counter of the written text, deliberately
// naive: plain string searches on each line, no use of the package's own
// tables, so that agreement with Summary means something.

// checkProvider maps a relay host to a provider id by suffix; anything
// else (relay=none, relay=local, small domains) is "other".
func checkProvider(relayHost string) string {
	for _, p := range []struct{ suffix, id string }{
		{".mail.protection.outlook.com", "microsoft"},
		{".olc.protection.outlook.com", "microsoft"},
		{".google.com", "google"},
		{".yahoodns.net", "yahoo"},
		{".icloud.com", "apple"},
	} {
		if strings.HasSuffix(relayHost, p.suffix) {
			return p.id
		}
	}
	return "other"
}

// between returns the text after the first a and before the next b.
func between(s, a, b string) string {
	_, rest, ok := strings.Cut(s, a)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, b)
	return v
}

// checked is what the checker counted.
type checked struct {
	sum Summary
	// Per minute from Start (minute m is [m, m+1) minutes, negative in
	// the history): Microsoft attempts and those answered 451 4.7.0.
	msAttempts, ms470 map[int]int
	first, last       time.Time
	problems          []string
}

// check counts log text the way DESIGN.md says relaytop must. start is
// the campaign start (for per-minute shares; the year comes from it).
func check(t *testing.T, log []byte, start time.Time) checked {
	t.Helper()
	c := checked{
		sum:        Summary{Providers: map[string]Counts{}},
		msAttempts: map[int]int{},
		ms470:      map[int]int{},
	}
	for _, id := range []string{"microsoft", "google", "yahoo", "apple", "other"} {
		c.sum.Providers[id] = Counts{}
	}
	// pending[queue id][recipient] = provider of its last deferral.
	pending := map[string]map[string]string{}
	problem := func(format string, line string) {
		if len(c.problems) < 10 {
			c.problems = append(c.problems, format+": "+line)
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(log))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var prev time.Time
	for sc.Scan() {
		line := sc.Text()
		c.sum.Lines++
		if !utf8.ValidString(line) {
			problem("invalid UTF-8", line)
		}
		if len(line) > 2000 {
			problem("line longer than 2000 bytes", line[:100])
		}
		ts, err := time.Parse(time.Stamp, line[:15])
		if err != nil {
			problem("bad timestamp", line)
			continue
		}
		ts = time.Date(start.Year(), ts.Month(), ts.Day(), ts.Hour(), ts.Minute(), ts.Second(), 0, start.Location())
		if ts.Before(prev) {
			problem("timestamp goes back", line)
		}
		prev = ts
		if c.first.IsZero() {
			c.first = ts
		}
		c.last = ts
		qid := between(line, "]: ", ":")
		if strings.Contains(line, ", status=expired, returned to sender") {
			if len(pending[qid]) == 0 {
				problem("expiry without pending recipients", line)
			}
			for _, prov := range pending[qid] {
				p := c.sum.Providers[prov]
				p.Expired++
				c.sum.Providers[prov] = p
				c.sum.Totals.Expired++
			}
			delete(pending, qid)
			continue
		}
		if !strings.Contains(line, ": to=<") {
			continue
		}
		status := between(line, ", status=", " ")
		relay := between(line, ", relay=", ",")
		host, _, _ := strings.Cut(relay, "[")
		rcpt := between(line, "to=<", ">")
		if status == "deliverable" || status == "undeliverable" {
			c.sum.Probes++
			continue
		}
		if host == "127.0.0.1" {
			if status != "sent" {
				problem("loopback hop not sent", line)
			}
			c.sum.Internal++
			continue
		}
		prov := checkProvider(host)
		p := c.sum.Providers[prov]
		switch status {
		case "sent":
			p.Sent++
			c.sum.Totals.Sent++
			delete(pending[qid], rcpt)
		case "bounced":
			p.Bounced++
			c.sum.Totals.Bounced++
			delete(pending[qid], rcpt)
		case "deferred":
			p.Deferred++
			c.sum.Totals.Deferred++
			if pending[qid] == nil {
				pending[qid] = map[string]string{}
			}
			pending[qid][rcpt] = prov
		default:
			problem("unexpected status", line)
		}
		c.sum.Providers[prov] = p
		if prov == "microsoft" {
			minute := int(math.Floor(ts.Sub(start).Minutes()))
			c.msAttempts[minute]++
			if status == "deferred" && strings.Contains(line, " 451 4.7.0 ") {
				c.sum.Microsoft470++
				c.ms470[minute]++
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

// share is the 4.7.0 share of Microsoft attempts in the minute
// [m, m+1) from Start.
func (c checked) share(m int) float64 {
	if c.msAttempts[m] == 0 {
		return 0
	}
	return float64(c.ms470[m]) / float64(c.msAttempts[m])
}
