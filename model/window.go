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

// series is a row's event-time history: one tally per 10-second bucket
// for the last hour, ending at head, the newest bucket it has seen.
//
// Windows are event-time windows: an event lands in the bucket of its own
// timestamp, so a replayed old log shows the rates it had; an event older
// than the ring (more than an hour before head) is not windowed (totals
// still count it). A window of n buckets at time now sums the buckets
// numbered (now-n, now], the newest partly filled, so a 1m window covers
// between 50 and 60 seconds of data.
//
// Most rows (a long tail of domains, one-off reply texts) see few events,
// so a series starts sparse: up to sparseMax (bucket, tally) pairs. Only
// when it needs more does it switch to a dense ring of NumBuckets tallies.
// A sparse series costs a few hundred bytes instead of 8.6 KB, and the
// cost of windowing or merging it follows its events, not the hour.
type series struct {
	head   int64
	dense  *[NumBuckets]tally
	sparse []bucketTally
}

type bucketTally struct {
	b int64
	t tally
}

// sparseMax is the most buckets a series keeps before it turns dense.
const sparseMax = 12

func (s *series) slot(b int64) *tally {
	i := b % int64(NumBuckets)
	if i < 0 {
		i += int64(NumBuckets)
	}
	return &s.dense[i]
}

// at returns the tally for bucket b, advancing head if b is newer, or nil
// when b has already left the ring.
func (s *series) at(b int64) *tally {
	if s.head != 0 && b <= s.head-int64(NumBuckets) {
		return nil
	}
	if s.dense != nil {
		if b > s.head {
			gap := b - s.head
			if gap >= int64(NumBuckets) {
				*s.dense = [NumBuckets]tally{}
			} else {
				for k := s.head + 1; k <= b; k++ {
					*s.slot(k) = tally{}
				}
			}
			s.head = b
		}
		return s.slot(b)
	}
	if b > s.head {
		s.head = b
	}
	for i := range s.sparse {
		if s.sparse[i].b == b {
			return &s.sparse[i].t
		}
	}
	// Drop buckets that left the hour, then add b or turn dense.
	live := s.sparse[:0]
	for _, e := range s.sparse {
		if e.b > s.head-int64(NumBuckets) {
			live = append(live, e)
		}
	}
	s.sparse = live
	if len(s.sparse) < sparseMax {
		s.sparse = append(s.sparse, bucketTally{b: b})
		return &s.sparse[len(s.sparse)-1].t
	}
	s.dense = new([NumBuckets]tally)
	for _, e := range s.sparse {
		*s.slot(e.b) = e.t
	}
	s.sparse = nil
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
	if s.dense != nil {
		return *s.slot(b)
	}
	for _, e := range s.sparse {
		if e.b == b {
			return e.t
		}
	}
	return tally{}
}

// each calls f for every bucket of the last hour (ending at head) that
// holds anything.
func (s *series) each(f func(b int64, t tally)) {
	if s.dense == nil {
		for _, e := range s.sparse {
			if e.b > s.head-int64(NumBuckets) && e.t != (tally{}) {
				f(e.b, e.t)
			}
		}
		return
	}
	for b := s.head - int64(NumBuckets) + 1; b <= s.head; b++ {
		if t := *s.slot(b); t != (tally{}) {
			f(b, t)
		}
	}
}

// merge adds o's buckets into s (used when rows are folded into an
// overflow row).
func (s *series) merge(o *series) {
	o.each(func(b int64, src tally) {
		if dst := s.at(b); dst != nil {
			for i := range dst.c {
				dst.c[i] += src.c[i]
			}
			dst.hits += src.hits
		}
	})
}

// TrendPoint is one point of a row's trend: what happened in one slice
// of the window.
type TrendPoint struct {
	Attempts, Deferred, Bounced uint32
}

// windows sums s into per-window counts, trend points and (when hits is
// not nil) hits, all ending at bucket now.
func (s *series) windows(now int64, win *[NumWindows]Counts, trend *[NumWindows][TrendPoints]TrendPoint, hits *[NumWindows]int64) {
	s.each(func(b int64, tl tally) {
		k := now - b // how many buckets before now
		if k < 0 {
			return
		}
		for w := W1m; w < NumWindows; w++ {
			n := int64(w.Duration() / BucketWidth)
			if k >= n {
				continue
			}
			win[w].add(tl.c)
			if hits != nil {
				hits[w] += int64(tl.hits)
			}
			if trend != nil {
				// Point index: oldest slice first.
				pts := trendPoints(w)
				p := pts - 1 - int(k*int64(pts)/n)
				tp := &trend[w][p]
				tp.Attempts += tl.c[Sent] + tl.c[Deferred] + tl.c[Bounced]
				tp.Deferred += tl.c[Deferred]
				tp.Bounced += tl.c[Bounced]
			}
		}
	})
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
