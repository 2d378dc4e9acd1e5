package syslog

import "time"

// Years infers the year of classic syslog timestamps, which carry none.
//
// A log line cannot be newer than the moment it is read, so each
// timestamp gets the latest year that does not put it after the reference
// time (plus Slack, for clocks that disagree a little). The reference is
// the clock when following a live file, or the file's modification time
// when reading a finished one. This rule needs no state, so it gives the
// same answer for a line whether it is met in order, after a seek (the
// backfill's binary search) or alone, and it handles the December to
// January turn: with a reference of 2 January 2027, "Dec 31 23:59:59" is
// 2026 and "Jan  1 00:00:01" is 2027. A file spanning more than a year
// cannot be dated this way; none of the logs relaytop reads does.
type Years struct {
	// Ref returns the reference time; nil means time.Now.
	Ref func() time.Time
	// Slack is how far after the reference a line may be and still count
	// as this year (default one day).
	Slack time.Duration
}

// Resolve returns the time of a classic timestamp in loc.
func (y *Years) Resolve(mon time.Month, day, hh, mm, ss, nsec int, loc *time.Location) time.Time {
	ref := time.Now()
	if y.Ref != nil {
		ref = y.Ref()
	}
	slack := y.Slack
	if slack == 0 {
		slack = 24 * time.Hour
	}
	limit := ref.Add(slack)
	for _, yr := range [...]int{ref.Year() + 1, ref.Year(), ref.Year() - 1} {
		t := time.Date(yr, mon, day, hh, mm, ss, nsec, loc)
		if !t.After(limit) {
			return t
		}
	}
	return time.Date(ref.Year()-2, mon, day, hh, mm, ss, nsec, loc)
}

// Fixed returns a Years whose reference is always t.
func Fixed(t time.Time) Years {
	return Years{Ref: func() time.Time { return t }}
}
