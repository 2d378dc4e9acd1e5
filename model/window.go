package model

import "time"

// Window is one of the rolling windows rates are shown over.
type Window int

// The windows relaytop keeps.
const (
	W1m Window = iota
	W5m
	W15m
	W1h
	NumWindows
	// AllTime stands for "since start" where a Window is asked for.
	AllTime Window = -1
)

// Duration returns the window's length.
func (w Window) Duration() time.Duration {
	switch w {
	case W1m:
		return time.Minute
	case W5m:
		return 5 * time.Minute
	case W15m:
		return 15 * time.Minute
	}
	return time.Hour
}

// String returns "1m", "5m", "15m" or "1h".
func (w Window) String() string {
	switch w {
	case W1m:
		return "1m"
	case W5m:
		return "5m"
	case W15m:
		return "15m"
	}
	return "1h"
}

// ParseWindow reads "1m", "5m", "15m" or "1h".
func ParseWindow(s string) (Window, bool) {
	for w := W1m; w < NumWindows; w++ {
		if w.String() == s {
			return w, true
		}
	}
	return 0, false
}

// BucketWidth is the time resolution of every rolling window.
const BucketWidth = 10 * time.Second

// NumBuckets covers the longest window, one hour.
const NumBuckets = int(time.Hour / BucketWidth)

// TrendPoints is the most points a row's trend has per window.
const TrendPoints = 10

// bucketOf returns the bucket number of t: whole BucketWidths since the epoch.
func bucketOf(t time.Time) int64 {
	s := t.Unix()
	b := s / int64(BucketWidth/time.Second)
	if s < 0 && s%int64(BucketWidth/time.Second) != 0 {
		b--
	}
	return b
}

// BucketTime returns the start time of bucket number b.
func BucketTime(b int64) time.Time {
	return time.Unix(b*int64(BucketWidth/time.Second), 0)
}

// tally is what one bucket counts: the four outcomes and, for the watch
// series, matching hits.
type tally struct {
	c    [NumOutcomes]uint32
	hits uint32
}

// series is a ring of NumBuckets time buckets ending at head, the newest
// bucket it has seen. Windows are event-time windows: an event lands in
// the bucket of its own timestamp, so a replayed old log shows the rates
// it had then; an event older than the ring (more than an hour before
// head) is not windowed (totals still count it). Moving head forward
// clears the buckets it passes. A window of n buckets at time now sums
// the buckets numbered (now-n, now], the newest partly filled, so a 1m
// window covers between 50 and 60 seconds of data.
type series struct {
	head int64
	ring [NumBuckets]tally
}

func (s *series) slot(b int64) *tally {
	i := b % int64(NumBuckets)
	if i < 0 {
		i += int64(NumBuckets)
	}
	return &s.ring[i]
}

// at returns the tally for bucket b, advancing head if b is newer, or nil
// when b has already left the ring.
func (s *series) at(b int64) *tally {
	switch {
	case b > s.head:
		gap := b - s.head
		if s.head == 0 || gap >= int64(NumBuckets) {
			s.ring = [NumBuckets]tally{}
		} else {
			for k := s.head + 1; k <= b; k++ {
				*s.slot(k) = tally{}
			}
		}
		s.head = b
	case b <= s.head-int64(NumBuckets):
		return nil
	}
	return s.slot(b)
}

func (s *series) add(t time.Time, o Outcome, hit bool) {
	if tl := s.at(bucketOf(t)); tl != nil {
		tl.c[o]++
		if hit {
			tl.hits++
		}
	}
}

// get returns bucket b's tally, or a zero one if it is not in the ring.
func (s *series) get(b int64) tally {
	if b > s.head || b <= s.head-int64(NumBuckets) {
		return tally{}
	}
	return *s.slot(b)
}

// merge adds o's buckets into s (used when rows are folded into an
// overflow row).
func (s *series) merge(o *series) {
	for b := o.head - int64(NumBuckets) + 1; b <= o.head; b++ {
		src := o.get(b)
		if src == (tally{}) {
			continue
		}
		if dst := s.at(b); dst != nil {
			for i := range dst.c {
				dst.c[i] += src.c[i]
			}
			dst.hits += src.hits
		}
	}
}

// TrendPoint is one point of a row's trend: what happened in one slice
// of the window.
type TrendPoint struct {
	Attempts, Deferred, Bounced uint32
}

// windows sums s into per-window counts and trend points, all ending at
// bucket now.
func (s *series) windows(now int64, win *[NumWindows]Counts, trend *[NumWindows][TrendPoints]TrendPoint) {
	for w := W1m; w < NumWindows; w++ {
		n := int64(w.Duration() / BucketWidth)
		pts := trendPoints(w)
		var c Counts
		for k := int64(0); k < n; k++ {
			b := now - k
			tl := s.get(b)
			if tl == (tally{}) {
				continue
			}
			c.add(tl.c)
			if trend != nil {
				// Point index: oldest slice first.
				p := pts - 1 - int(k*int64(pts)/n)
				tp := &trend[w][p]
				tp.Attempts += tl.c[Sent] + tl.c[Deferred] + tl.c[Bounced]
				tp.Deferred += tl.c[Deferred]
				tp.Bounced += tl.c[Bounced]
			}
		}
		win[w] = c
	}
}

// trendPoints is how many trend points window w has.
func trendPoints(w Window) int {
	n := int(w.Duration() / BucketWidth)
	if n < TrendPoints {
		return n
	}
	return TrendPoints
}

// TrendLen returns the number of meaningful trend points for window w.
func TrendLen(w Window) int { return trendPoints(w) }
