package model

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkJudgeDay: a day of one event a second over 300 active reply
// signatures, judged every minute of data time: the cost of verdicts on
// a long, thin log (about 1 s per day on the reference machine).
func BenchmarkJudgeDay(b *testing.B) {
	for range b.N {
		a := NewAggregator(Config{})
		for i := 0; i < 24*3600; i++ {
			e := Event{Time: t0.Add(time.Duration(i) * time.Second), Outcome: Deferred, Relay: "mx.example.org", Domain: "example.org",
				Reply: Reply{Code: 451, Enhanced: "4.7.1", Text: fmt.Sprintf("reply %d", i%300)}}
			a.Add(&e)
		}
	}
}
