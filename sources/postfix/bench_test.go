package postfix

import (
	"bufio"
	"bytes"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/demo"
	"github.com/relaytop/relaytop/sources/syslog"
)

// benchLines is a simulated Postfix log of n lines.
func benchLines(b *testing.B, n int) [][]byte {
	b.Helper()
	var buf bytes.Buffer
	if _, err := demo.Write(&buf, demo.Config{Seed: 1}, n); err != nil {
		b.Fatal(err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	return lines
}

// BenchmarkParse parses a simulated log (about a fifth of its lines are
// results); reports lines per second.
func BenchmarkParse(b *testing.B) {
	lines := benchLines(b, 100000)
	p := New(syslog.Fixed(time.Now()))
	var evs []model.Event
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l := lines[i%len(lines)]
		evs, _ = p.Parse(l, evs[:0])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
