package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// storyLines is large enough for about 500 Microsoft attempts a minute,
// so per-minute shares are far from sampling noise.
const storyLines = 300_000

var story struct {
	once sync.Once
	log  []byte
	sum  Summary
	err  error
}

// storyLog is one finished log shared by the tests that only read it.
func storyLog(t *testing.T) ([]byte, Summary) {
	t.Helper()
	story.once.Do(func() {
		var buf bytes.Buffer
		story.sum, story.err = Write(&buf, Config{Seed: 1}, storyLines)
		story.log = buf.Bytes()
	})
	if story.err != nil {
		t.Fatal(story.err)
	}
	return story.log, story.sum
}

func TestWriteDeterministic(t *testing.T) {
	gen := func(seed int64) []byte {
		var buf bytes.Buffer
		if _, err := Write(&buf, Config{Seed: seed}, 20_000); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b, c := gen(7), gen(7), gen(8)
	if !bytes.Equal(a, b) {
		t.Error("same seed wrote different bytes")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds wrote the same bytes")
	}
}

func TestNextMatchesWrite(t *testing.T) {
	cfg := Config{Seed: 3, Rate: 50}
	var want bytes.Buffer
	if _, err := Write(&want, cfg, 5000); err != nil {
		t.Fatal(err)
	}
	s := New(cfg)
	var got []byte
	var prev time.Time
	for range 5000 {
		var at time.Time
		got, at = s.Next(got)
		if at.Before(prev) {
			t.Fatalf("Next went back in time: %v after %v", at, prev)
		}
		prev = at
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Error("Next and Write disagree")
	}
	if first := DefaultStart.Add(-History); !strings.HasPrefix(string(got), first.Format(time.Stamp)) {
		t.Errorf("log starts %q, want %v", got[:15], first.Format(time.Stamp))
	}
}

func TestSummaryMatchesText(t *testing.T) {
	log, sum := storyLog(t)
	c := check(t, log, DefaultStart)
	for _, p := range c.problems {
		t.Error(p)
	}
	if sum.Lines != storyLines {
		t.Errorf("Summary.Lines = %d, want %d", sum.Lines, storyLines)
	}
	if !reflect.DeepEqual(sum, c.sum) {
		t.Errorf("Summary differs from the text\n got %+v\nwant %+v", sum, c.sum)
	}
	// Everything the story promises is there.
	for name, n := range map[string]int64{
		"microsoft 4.7.0": sum.Microsoft470, "internal": sum.Internal, "probes": sum.Probes,
		"expired": sum.Totals.Expired, "microsoft expired": sum.Providers["microsoft"].Expired,
		"apple sent": sum.Providers["apple"].Sent, "yahoo deferred": sum.Providers["yahoo"].Deferred,
	} {
		if n == 0 {
			t.Errorf("no %s in the log", name)
		}
	}
	for _, s := range []string{
		" 421 4.7.0 [TSS04] ", "421-4.7.0 ", "550-5.1.1 ", " 451 4.7.650 ",
		"Connection timed out", "delivery temporarily suspended", "Name service error",
		"dsn=4.4.3", "relay=none", "postfix/error[", "Greylisted",
		"sender non-delivery notification", "status=deliverable", "status=undeliverable",
		"@fabrikam.com>, relay=fabrikam-com.mail.protection.outlook.com[", "dsn=5.7.1, status=bounced (host fabrikam-com.",
		" said: 550 5.7.1 Delivery not authorized, message refused [", "dsn=4.3.1, status=deferred (host mail.",
		" said: 452 4.3.1 Insufficient system storage (in reply to MAIL FROM command))", "dsn=4.2.2, status=deferred (host ",
		"dsn=5.2.2, status=bounced (host ", " said: 452-4.2.2 The recipient's inbox is out of storage space.",
		"dsn=5.7.26, status=bounced (host ", " said: 550-5.7.26 Unauthenticated email from mailer.example.com ",
	} {
		if !bytes.Contains(log, []byte(s)) {
			t.Errorf("log holds no %q", s)
		}
	}
}

func TestProviderMix(t *testing.T) {
	_, sum := storyLog(t)
	all := float64(sum.Totals.Sent + sum.Totals.Deferred + sum.Totals.Bounced)
	for id, want := range map[string]float64{"microsoft": 0.35, "google": 0.30, "yahoo": 0.15, "apple": 0.03, "other": 0.17} {
		c := sum.Providers[id]
		got := float64(c.Sent+c.Deferred+c.Bounced) / all
		if got < want*0.7 || got > want*1.4 {
			t.Errorf("%s has %.1f%% of attempts, want about %.0f%%", id, 100*got, 100*want)
		}
	}
}

func TestSurgeTimeline(t *testing.T) {
	log, _ := storyLog(t)
	c := check(t, log, DefaultStart)
	for m := -10; m < 0; m++ {
		if s := c.share(m); s >= 0.05 {
			t.Errorf("minute %d before the surge: 4.7.0 share %.1f%%, want < 5%%", m, 100*s)
		}
	}
	if s := c.share(1); s <= 0.10 {
		t.Errorf("minute [1m, 2m): 4.7.0 share %.1f%%, want > 10%%", 100*s)
	}
	for m := 2; m < 19; m++ {
		if s := c.share(m); s <= 0.10 {
			t.Errorf("minute %d of the surge: 4.7.0 share %.1f%%, want > 10%%", m, 100*s)
		}
	}
	last := int(c.last.Sub(DefaultStart).Minutes())
	if last < 29 {
		t.Fatalf("log ends at +%dm, want the whole story to +30m", last)
	}
	for m := 24; m < last; m++ {
		if s := c.share(m); s >= 0.05 {
			t.Errorf("minute %d after the surge: 4.7.0 share %.1f%%, want < 5%%", m, 100*s)
		}
	}
	for m := -10; m < last; m++ {
		t.Logf("minute %3d: %4d Microsoft attempts, 4.7.0 %5.1f%%", m, c.msAttempts[m], 100*c.share(m))
	}
}

func TestShortLogCoversSurge(t *testing.T) {
	var buf bytes.Buffer
	sum, err := Write(&buf, Config{Seed: 5}, 20_000)
	if err != nil {
		t.Fatal(err)
	}
	c := check(t, buf.Bytes(), DefaultStart)
	for _, p := range c.problems {
		t.Error(p)
	}
	if !reflect.DeepEqual(sum, c.sum) {
		t.Errorf("Summary differs from the text\n got %+v\nwant %+v", sum, c.sum)
	}
	if !c.first.Equal(DefaultStart.Add(-History)) {
		t.Errorf("log starts at %v", c.first)
	}
	if end := c.last.Sub(DefaultStart); end < 26*time.Minute || end > 35*time.Minute {
		t.Errorf("log ends at +%v, want about +%v", end, StoryEnd)
	}
}

// tailWriter counts lines and keeps the end of what was written.
type tailWriter struct {
	lines int64
	tail  []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.lines += int64(bytes.Count(p, []byte{'\n'}))
	w.tail = append(w.tail, p...)
	if len(w.tail) > 8192 {
		w.tail = append(w.tail[:0], w.tail[len(w.tail)-4096:]...)
	}
	return len(p), nil
}

func TestLongLogSpansStory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a million lines")
	}
	var w tailWriter
	sum, err := Write(&w, Config{Seed: 5}, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if w.lines != 1_000_000 || sum.Lines != 1_000_000 {
		t.Errorf("wrote %d lines, Summary.Lines = %d", w.lines, sum.Lines)
	}
	last := w.tail[bytes.LastIndexByte(w.tail[:len(w.tail)-1], '\n')+1:]
	ts, err := time.Parse(time.Stamp, string(last[:15]))
	if err != nil {
		t.Fatal(err)
	}
	end := ts.AddDate(DefaultStart.Year(), 0, 0).Sub(DefaultStart)
	if end < 26*time.Minute || end > 35*time.Minute {
		t.Errorf("log ends at +%v, want about +%v", end, StoryEnd)
	}
}

func TestSummaryJSON(t *testing.T) {
	var buf bytes.Buffer
	sum, err := Write(&buf, Config{Seed: 2}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(j, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"lines", "totals", "providers", "microsoft_451_4_7_0", "internal", "probes"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON summary lacks %q: %s", k, j)
		}
	}
	if !strings.Contains(string(j), `"microsoft":{"sent":`) {
		t.Errorf("JSON counts not lowercase: %s", j)
	}
}

func TestWriteZeroAndHost(t *testing.T) {
	var buf bytes.Buffer
	sum, err := Write(&buf, Config{}, 0)
	if err != nil || buf.Len() != 0 || sum.Lines != 0 || len(sum.Providers) != 5 {
		t.Errorf("Write(0) = %+v, %v, %d bytes", sum, err, buf.Len())
	}
	loc := time.FixedZone("X", -5*3600)
	start := time.Date(2027, time.March, 7, 9, 5, 0, 0, loc)
	if _, err := Write(&buf, Config{Host: "relay-7", Start: start}, 10); err != nil {
		t.Fatal(err)
	}
	if want := start.Add(-History).Format(time.Stamp) + " relay-7 postfix/"; !strings.HasPrefix(buf.String(), want) {
		t.Errorf("log starts %q, want %q", buf.String()[:40], want)
	}
}

type failWriter struct{ after int }

var errDisk = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errDisk
	}
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	_, err := Write(&failWriter{after: 1 << 20}, Config{}, 100_000)
	if !errors.Is(err, errDisk) {
		t.Errorf("Write error = %v, want %v", err, errDisk)
	}
	_, err = Live(context.Background(), &failWriter{}, Config{}, 1)
	if !errors.Is(err, errDisk) {
		t.Errorf("Live error = %v, want %v", err, errDisk)
	}
}

// cancelAfter collects writes and cancels once a line at or after until
// has been written.
type cancelAfter struct {
	buf    bytes.Buffer
	until  string // syslog timestamp prefix
	cancel func()
}

func (w *cancelAfter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	if bytes.Contains(p, []byte(w.until)) {
		w.cancel()
	}
	return len(p), nil
}

func TestLivePacing(t *testing.T) {
	cfg := Config{Seed: 9, Start: DefaultStart, Rate: 20}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	target := DefaultStart.Add(3 * time.Minute)
	w := &cancelAfter{until: target.Format(time.Stamp), cancel: cancel}
	// A fake wall clock: every reading is one second later, and speed 30
	// makes each second 30 simulated seconds.
	wall := time.Unix(0, 0)
	var mu sync.Mutex
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		wall = wall.Add(time.Second)
		return wall
	}
	sum, err := New(cfg).live(ctx, w, 30, now, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	got := w.buf.Bytes()
	if int64(bytes.Count(got, []byte{'\n'})) != sum.Lines {
		t.Errorf("Summary.Lines = %d, wrote %d lines", sum.Lines, bytes.Count(got, []byte{'\n'}))
	}
	// Live writes the same lines as Next, in the same order.
	s := New(cfg)
	var want []byte
	for range sum.Lines {
		want, _ = s.Next(want)
	}
	if !bytes.Equal(got, want) {
		t.Error("Live wrote other lines than Next")
	}
	c := check(t, got, DefaultStart)
	if !reflect.DeepEqual(sum, c.sum) {
		t.Errorf("Summary differs from the text\n got %+v\nwant %+v", sum, c.sum)
	}
	if c.last.Before(target) || c.last.After(target.Add(2*time.Minute)) {
		t.Errorf("live log ends at %v, want just after %v", c.last, target)
	}
}

func TestLiveHistoryBurst(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	start := time.Now().Truncate(time.Second)
	sum, err := Live(ctx, &buf, Config{Start: start}, 1)
	if err != nil {
		t.Fatal(err)
	}
	c := check(t, buf.Bytes(), start)
	if sum.Lines == 0 || c.sum.Lines != sum.Lines {
		t.Fatalf("history burst: Summary.Lines = %d, text has %d", sum.Lines, c.sum.Lines)
	}
	if c.first.After(start.Add(-History+time.Second)) || c.last.After(start) {
		t.Errorf("history spans %v to %v, want %v to %v", c.first, c.last, start.Add(-History), start)
	}
	if c.last.Before(start.Add(-time.Minute)) {
		t.Errorf("history ends at %v, long before %v", c.last, start)
	}
}

// countWriter counts bytes written.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

func BenchmarkWrite(b *testing.B) {
	const n = 1_000_000
	var w countWriter
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Write(&w, Config{Seed: 1}, n); err != nil {
			b.Fatal(err)
		}
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(n)*float64(b.N)/secs, "lines/s")
	b.ReportMetric(float64(w.n)/secs/1e6, "MB/s")
}
