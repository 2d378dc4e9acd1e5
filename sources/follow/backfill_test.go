package follow

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

var stampBase = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// rfc3339Prefix is a TimeOf for lines that start with an RFC 3339 time.
func rfc3339Prefix(line []byte) (time.Time, bool) {
	i := strings.IndexByte(string(line[:min(len(line), 40)]), ' ')
	if i < 0 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, string(line[:i]))
	return t, err == nil
}

// stampedLine is line n of a log with one line per second.
func stampedLine(n int) string {
	return fmt.Sprintf("%s n=%06d postfix/smtp[123]: status=sent", stampBase.Add(time.Duration(n)*time.Second).Format(time.RFC3339), n)
}

// writeStampedLog writes lines 0..n-1, each tenth one followed by an
// unstamped continuation line, and returns the file's size.
func writeStampedLog(t *testing.T, path string, n int) int64 {
	var b strings.Builder
	for i := range n {
		b.WriteString(stampedLine(i) + "\n")
		if i%10 == 0 {
			fmt.Fprintf(&b, "    continuation of %06d\n", i)
		}
	}
	writeFile(t, path, b.String())
	return int64(b.Len())
}

func TestBackfillSince(t *testing.T) {
	const n = 100_000
	_, path := tempLog(t)
	size := writeStampedLog(t, path, n)
	lastT := stampBase.Add((n - 1) * time.Second)
	for _, tc := range []struct {
		name  string
		now   time.Time
		first int // number of the first line delivered
	}{
		// The log's last line is older than now: count back from it.
		{"log behind clock", lastT.Add(time.Hour), n - 1 - 600},
		// The clock is behind the log: count back from now.
		{"clock behind log", lastT.Add(-time.Hour), n - 1 - 3600 - 600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			clk.now = tc.now
			f := New(path, Options{Since: 10 * time.Minute, TimeOf: rfc3339Prefix, Now: clk.Now})
			t.Cleanup(func() { f.Close() })
			read := countReads(f)
			c := &collector{}
			var states []State
			emit := func(ch Chunk) {
				states = append(states, f.Status().State)
				c.emit(ch)
			}
			if err := f.Step(emit); err != nil {
				t.Fatal(err)
			}
			got := c.take()
			if len(got) == 0 || got[0] != stampedLine(tc.first) {
				t.Fatalf("first line %q, want %q", first(got), stampedLine(tc.first))
			}
			// Everything after the first line comes, continuations too.
			want := 0
			for i := tc.first; i < n; i++ {
				want++
				if i%10 == 0 {
					want++
				}
			}
			if len(got) != want || last(got) != stampedLine(n-1) {
				t.Errorf("got %d lines ending %q, want %d ending %q", len(got), last(got), want, stampedLine(n-1))
			}
			backfilled := int64(len(strings.Join(got, "\n")))
			t.Logf("read %d bytes of %d to backfill %d", read.Load(), size, backfilled)
			if r := read.Load(); r > backfilled+400<<10 || r > size/10 {
				t.Errorf("read %d bytes of %d to backfill %d", r, size, backfilled)
			}
			for _, s := range states {
				if s != Backfilling {
					t.Errorf("state while backfilling = %v", s)
					break
				}
			}
			wantState(t, f, Following)
		})
	}
}

// Logs are only almost sorted: after the first recent line, older ones are
// delivered too, and unstamped lines before it are skipped.
func TestBackfillAlmostSorted(t *testing.T) {
	_, path := tempLog(t)
	var b strings.Builder
	for i := range 2000 {
		b.WriteString(stampedLine(i) + "\n")
		if i == 1500 {
			b.WriteString(stampedLine(1490) + "\n")
		}
	}
	writeFile(t, path, b.String())
	clk := newClock()
	clk.now = stampBase.Add(time.Hour)
	f := New(path, Options{Since: 499 * time.Second, TimeOf: rfc3339Prefix, Now: clk.Now})
	t.Cleanup(func() { f.Close() })
	c := &collector{}
	step(t, f, c)
	got := c.take()
	if len(got) != 501 || got[0] != stampedLine(1500) || got[1] != stampedLine(1490) {
		t.Errorf("got %d lines starting %q", len(got), got[:min(2, len(got))])
	}
}

func TestBackfillWithoutStamps(t *testing.T) {
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	w.write(100_000)
	f, _ := newStepFollower(t, path, Options{Since: time.Hour, TimeOf: rfc3339Prefix})
	read := countReads(f)
	c := &collector{}
	step(t, f, c)
	if got := c.take(); len(got) != 0 {
		t.Fatalf("backfilled %d unstamped lines, want none", len(got))
	}
	if r := read.Load(); r > 2<<20 {
		t.Errorf("read %d bytes looking for stamps", r)
	}
	w.write(10)
	step(t, f, c)
	wantNumbered(t, c.take(), 100_001, 100_010)
}

func TestBackfillFromStartWins(t *testing.T) {
	_, path := tempLog(t)
	writeStampedLog(t, path, 100)
	f, _ := newStepFollower(t, path, Options{FromStart: true, Since: time.Second, TimeOf: rfc3339Prefix})
	c := &collector{}
	step(t, f, c)
	if got := c.take(); len(got) != 110 || got[0] != stampedLine(0) {
		t.Errorf("got %d lines starting %q, want all 110", len(got), first(got))
	}
}

func TestLastStampLongLines(t *testing.T) {
	_, path := tempLog(t)
	// A last line longer than a block, with its stamp at its start.
	long := stampedLine(7) + strings.Repeat("x", 200<<10)
	writeFile(t, path, stampedLine(6)+"\n"+long+"\n")
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	fi, _ := fh.Stat()
	got, ok, err := lastStamp(fh, fi.Size(), rfc3339Prefix)
	if err != nil || !ok || !got.Equal(stampBase.Add(7*time.Second)) {
		t.Errorf("lastStamp = %v, %v, %v; want line 7's time", got, ok, err)
	}
}
