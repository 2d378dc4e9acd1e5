package model

import (
	"math/rand"
	"testing"
	"time"
)

// TestSeriesMatchesBruteForce feeds random events (few and many buckets,
// out of order, some older than the hour) and compares every window with
// a direct count, across the sparse-to-dense switch and merges.
func TestSeriesMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 200; round++ {
		var s, merged series
		type ev struct {
			at time.Time
			o  Outcome
		}
		var evs []ev
		n := 1 + rng.Intn(60)
		spread := time.Duration(1+rng.Intn(90)) * time.Minute
		for i := 0; i < n; i++ {
			e := ev{t0.Add(time.Duration(rng.Int63n(int64(spread)))), Outcome(1 + rng.Intn(4))}
			evs = append(evs, e)
			s.add(e.at, e.o, false)
			merged.add(e.at, e.o, false)
		}
		var other series
		for i := 0; i < rng.Intn(20); i++ {
			e := ev{t0.Add(time.Duration(rng.Int63n(int64(spread)))), Outcome(1 + rng.Intn(4))}
			other.add(e.at, e.o, false)
		}
		merged.merge(&other)
		now := bucketOf(t0.Add(spread))
		var win [NumWindows]Counts
		s.windows(now, &win, nil, nil)
		for w := W1m; w < NumWindows; w++ {
			var want Counts
			head := int64(0)
			for _, e := range evs {
				head = max(head, bucketOf(e.at))
			}
			for _, e := range evs {
				b := bucketOf(e.at)
				if b <= now && b > now-int64(w.Duration()/BucketWidth) && b > head-int64(NumBuckets) {
					want.Add(e.o, 1)
				}
			}
			if win[w] != want {
				t.Fatalf("round %d (%d events over %v, dense %v) window %v: got %+v want %+v",
					round, n, spread, s.dense != nil, w, win[w], want)
			}
		}
		var mwin [NumWindows]Counts
		merged.windows(now, &mwin, nil, nil)
		if mwin[W1h].Total() < win[W1h].Total() {
			t.Fatalf("merge lost counts: %+v < %+v", mwin[W1h], win[W1h])
		}
	}
}
