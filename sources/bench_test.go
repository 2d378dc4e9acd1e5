package sources

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/demo"
	"github.com/relaytop/relaytop/sources/syslog"
)

var benchMTAs = []struct {
	name string
	mta  demo.MTA
	f    Format
}{{"postfix", demo.Postfix, Syslog}, {"exim", demo.Exim, Exim}, {"pmta", demo.PowerMTA, PMTA}, {"kumo", demo.KumoMTA, Kumo}}

// BenchmarkParsers parses a simulated log of each MTA, line by line, as
// the dashboard does; reports lines per second.
func BenchmarkParsers(b *testing.B) {
	for _, c := range benchMTAs {
		b.Run(c.name, func(b *testing.B) {
			var buf bytes.Buffer
			if _, err := demo.Write(&buf, demo.Config{Seed: 1, MTA: c.mta}, 100000); err != nil {
				b.Fatal(err)
			}
			lines := bytes.Split(bytes.TrimRight(buf.Bytes(), "\n"), []byte("\n"))
			p := NewParser(c.f, syslog.Fixed(demo.DefaultStart))
			var evs []model.Event
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				evs, _ = p.Parse(lines[i%len(lines)], evs[:0])
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

// BenchmarkReadAll runs a report's whole pipeline (read, parse, aggregate
// on their goroutines) over a 200,000-line log of each MTA; reports lines
// per second.
func BenchmarkReadAll(b *testing.B) {
	const n = 200000
	for _, c := range benchMTAs {
		b.Run(c.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "log")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := demo.Write(f, demo.Config{Seed: 1, MTA: c.mta}, n); err != nil {
				b.Fatal(err)
			}
			f.Close()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ReadAll(context.Background(), []Spec{{Path: path}}, Options{Format: c.f}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
