package sources

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
)

func resultLine(i int, status string) string {
	ts := time.Now().Format(time.RFC3339Nano)
	return fmt.Sprintf("%s mx postfix/smtp[1]: Q%09d: to=<u%d@gmail.com>, relay=gmail-smtp-in.l.google.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=%s (250 2.0.0 OK)\n", ts, i, i, status)
}

// waitSnap waits for a snapshot that satisfies ok.
func waitSnap(t *testing.T, p *Pipeline, ok func(*model.Snapshot) bool) *model.Snapshot {
	t.Helper()
	deadline := time.After(10 * time.Second)
	var last *model.Snapshot
	for {
		select {
		case s := <-p.Snapshots():
			last = s
			if ok(s) {
				return s
			}
		case <-deadline:
			t.Fatalf("no matching snapshot; last: %+v", last)
		}
	}
}

// TestPipelineFollowsAppends runs the real pipeline on a file that grows:
// history, appended lines, an unparsed line and a stdin source together.
func TestPipelineFollowsAppends(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mail.log")
	var hist strings.Builder
	for i := 0; i < 100; i++ {
		hist.WriteString(resultLine(i, "sent"))
	}
	if err := os.WriteFile(path, []byte(hist.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	stdin := strings.NewReader(resultLine(1000, "deferred") + "garbage line\n")
	specs, err := Resolve([]string{path, "-"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := New(specs, Options{Since: time.Hour, Stdin: stdin, Interval: 20 * time.Millisecond})
	go p.Run(ctx)
	s := waitSnap(t, p, func(s *model.Snapshot) bool { return s.Totals.Total.Sent == 100 && s.Totals.Total.Deferred == 1 })
	if s.Input.Unparsed != 1 || len(s.UnparsedSamples) != 1 || s.UnparsedSamples[0] != "garbage line" {
		t.Errorf("unparsed %d %q", s.Input.Unparsed, s.UnparsedSamples)
	}
	if len(s.Sources) != 2 || s.Sources[1].Name != "stdin" {
		t.Fatalf("sources %+v", s.Sources)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 100; i < 150; i++ {
		f.WriteString(resultLine(i, "bounced"))
	}
	f.Close()
	s = waitSnap(t, p, func(s *model.Snapshot) bool { return s.Totals.Total.Bounced == 50 })
	if s.Totals.Total.Sent != 100 || s.Sources[0].State != "following" || s.Sources[1].State != "done" {
		t.Errorf("after append: %+v, sources %+v", s.Totals.Total, s.Sources)
	}
	if s.Totals.Win[model.W1m].Bounced != 50 {
		t.Errorf("live lines not in the 1m window: %+v", s.Totals.Win[model.W1m])
	}
	cancel()
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("pipeline did not stop")
	}
}

// A line that ends a quiet spell is published as soon as it is read, not
// at the next tick of a clock; a file written to all the time still gets
// no more than about one snapshot an Interval.
func TestPipelinePacing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mail.log")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	specs, err := Resolve([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	const interval = time.Second
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := New(specs, Options{Interval: interval, IdleInterval: time.Hour})
	go p.Run(ctx)
	waitSnap(t, p, func(*model.Snapshot) bool { return true })
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	time.Sleep(interval + 100*time.Millisecond)
	start := time.Now()
	f.WriteString(resultLine(0, "sent"))
	waitSnap(t, p, func(s *model.Snapshot) bool { return s.Totals.Total.Sent == 1 })
	if d := time.Since(start); d > interval/4 {
		t.Errorf("a line after a quiet spell took %v to be published, want at most %v", d, interval/4)
	}

	// A line every 5ms for 1.5 Intervals: one more snapshot, or two (one,
	// maybe, for lines read with the quiet line), not one a read.
	stop := make(chan struct{})
	got := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-p.Snapshots():
				n++
			case <-stop:
				got <- n
				return
			}
		}
	}()
	for i := 1; time.Since(start) < interval*3/2; i++ {
		f.WriteString(resultLine(i, "sent"))
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	if n := <-got; n < 1 || n > 2 {
		t.Errorf("%d snapshots while lines came for %v, Interval %v; want 1 or 2", n, interval*3/2, interval)
	}
}

func TestWindowEnd(t *testing.T) {
	wall := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		data, want time.Time
	}{
		{time.Time{}, wall},
		{wall.Add(-10 * time.Minute), wall},                  // live, quiet for 10m: windows slide
		{wall.Add(-3 * time.Hour), wall.Add(-3 * time.Hour)}, // replayed old log
		{wall.Add(time.Hour), wall.Add(time.Hour)},           // sped-up demo
	}
	for _, c := range cases {
		if got := WindowEnd(c.data, wall); !got.Equal(c.want) {
			t.Errorf("WindowEnd(%v) = %v, want %v", c.data, got, c.want)
		}
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"mail.log", "mail.log.1", "mail.log.2.gz"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	specs, err := Resolve([]string{filepath.Join(dir, "mail.log*"), "-", filepath.Join(dir, "mail.log")})
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 4 || specs[2].Kind != GzipInput || specs[3].Kind != StdinInput {
		t.Fatalf("%+v", specs)
	}
	if _, err := Resolve([]string{filepath.Join(dir, "nothing*")}); err == nil {
		t.Error("a glob matching nothing must fail")
	}
	specs, err = Resolve([]string{"http://relay:8000/metrics", "HTTPS://relay:8443/status", "http://relay:8000/metrics"})
	if err != nil || len(specs) != 2 || specs[0] != (Spec{Path: "http://relay:8000/metrics", Kind: PollInput}) || specs[1].Kind != PollInput {
		t.Errorf("endpoints: %+v, %v", specs, err)
	}
}
