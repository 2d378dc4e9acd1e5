package model

import (
	"strconv"
	"strings"
)

// Counts holds one count per outcome.
type Counts struct {
	Sent     int64 `json:"sent"`
	Deferred int64 `json:"deferred"`
	Bounced  int64 `json:"bounced"`
	Expired  int64 `json:"expired"`
}

// Add counts n of outcome o.
func (c *Counts) Add(o Outcome, n int64) {
	switch o {
	case Sent:
		c.Sent += n
	case Deferred:
		c.Deferred += n
	case Bounced:
		c.Bounced += n
	case Expired:
		c.Expired += n
	}
}

func (c *Counts) add(t [NumOutcomes]uint32) {
	c.Sent += int64(t[Sent])
	c.Deferred += int64(t[Deferred])
	c.Bounced += int64(t[Bounced])
	c.Expired += int64(t[Expired])
}

// Plus returns the sum of c and o.
func (c Counts) Plus(o Counts) Counts {
	return Counts{c.Sent + o.Sent, c.Deferred + o.Deferred, c.Bounced + o.Bounced, c.Expired + o.Expired}
}

// Of returns the count of outcome o.
func (c Counts) Of(o Outcome) int64 {
	switch o {
	case Sent:
		return c.Sent
	case Deferred:
		return c.Deferred
	case Bounced:
		return c.Bounced
	case Expired:
		return c.Expired
	}
	return 0
}

// Attempts is sent + deferred + bounced: the delivery attempts.
func (c Counts) Attempts() int64 { return c.Sent + c.Deferred + c.Bounced }

// Total is every counted result, expiries included.
func (c Counts) Total() int64 { return c.Attempts() + c.Expired }

// DeferRate is the share of attempts deferred (0 when there were none).
func (c Counts) DeferRate() float64 { return ratio(c.Deferred, c.Attempts()) }

// BounceRate is the share of attempts bounced (0 when there were none).
func (c Counts) BounceRate() float64 { return ratio(c.Bounced, c.Attempts()) }

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Thousands formats n with thousands separators: 1,234,567.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Percent formats part/whole as "12.3%", or "-" when whole is zero.
func Percent(part, whole int64) string {
	if whole == 0 {
		return "-"
	}
	return strconv.FormatFloat(100*float64(part)/float64(whole), 'f', 1, 64) + "%"
}
