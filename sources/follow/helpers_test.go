package follow

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// numbered is the text of test line n (without its newline).
func numbered(n int) string {
	return string(appendNumbered(make([]byte, 0, 80), n))
}

const numberedText = " the quick brown fox jumps over the lazy dog, line of a mail log"

// appendNumbered appends line n to b; it is numbered without fmt, which
// is slow under the race detector.
func appendNumbered(b []byte, n int) []byte {
	var d [9]byte
	for i := len(d) - 1; i >= 0; i-- {
		d[i] = '0' + byte(n%10)
		n /= 10
	}
	return append(append(b, d[:]...), numberedText...)
}

// lineNum parses the number of a numbered line.
func lineNum(l []byte) (int, bool) {
	if len(l) < 9 {
		return 0, false
	}
	n, err := strconv.Atoi(string(l[:9]))
	return n, err == nil && string(l) == numbered(n)
}

// logWriter plays a daemon appending numbered lines, one write per line.
type logWriter struct {
	t    testing.TB
	path string
	f    *os.File
	n    int // number of the last line written
}

func newLogWriter(t testing.TB, path string) *logWriter {
	w := &logWriter{t: t, path: path}
	w.reopen()
	t.Cleanup(func() { w.f.Close() })
	return w
}

// reopen closes the descriptor and opens the path again, as after a HUP.
func (w *logWriter) reopen() {
	w.t.Helper()
	if w.f != nil {
		w.f.Close()
	}
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		w.t.Fatal(err)
	}
	w.f = f
}

// write appends the next k numbered lines.
func (w *logWriter) write(k int) {
	w.t.Helper()
	for range k {
		w.n++
		if _, err := w.f.WriteString(numbered(w.n) + "\n"); err != nil {
			w.t.Fatal(err)
		}
	}
}

// raw appends s as it is.
func (w *logWriter) raw(s string) {
	w.t.Helper()
	if _, err := w.f.WriteString(s); err != nil {
		w.t.Fatal(err)
	}
}

// collector gathers what a Follower emits.
type collector struct {
	lines []string
	trunc int
	count int
}

func (c *collector) emit(ch Chunk) {
	c.count++
	c.trunc += ch.Truncated
	for _, l := range ch.Lines {
		c.lines = append(c.lines, string(l))
	}
}

// take returns the lines gathered since the last take.
func (c *collector) take() []string {
	l := c.lines
	c.lines = nil
	return l
}

// step calls f.Step and fails the test on error.
func step(t *testing.T, f *Follower, c *collector) {
	t.Helper()
	if err := f.Step(c.emit); err != nil {
		t.Fatalf("Step: %v (status %+v)", err, f.Status())
	}
}

// wantNumbered checks that got is exactly numbered lines from..to.
func wantNumbered(t *testing.T, got []string, from, to int) {
	t.Helper()
	if len(got) != to-from+1 {
		t.Errorf("got %d lines, want %d (lines %d..%d); first %q, last %q",
			len(got), to-from+1, from, to, first(got), last(got))
		return
	}
	for i, l := range got {
		if want := numbered(from + i); l != want {
			t.Errorf("line %d = %q, want %q", i, l, want)
			return
		}
	}
}

func first(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[0]
}

func last(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[len(l)-1]
}

func wantState(t *testing.T, f *Follower, want State) {
	t.Helper()
	if st := f.Status(); st.State != want {
		t.Errorf("state = %v (err %v), want %v", st.State, st.Err, want)
	}
}

// newStepFollower returns a Follower on path driven by a fake clock.
func newStepFollower(t *testing.T, path string, opt Options) (*Follower, *fakeClock) {
	clk := newClock()
	opt.Now = clk.Now
	f := New(path, opt)
	t.Cleanup(func() { f.Close() })
	return f, clk
}

// countingFile counts the bytes read through it.
type countingFile struct {
	file
	n *atomic.Int64
}

func (c countingFile) Read(p []byte) (int, error) {
	n, err := c.file.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (c countingFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.file.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// countReads makes f count the bytes it reads from files.
func countReads(f *Follower) *atomic.Int64 {
	var n atomic.Int64
	f.openFile = func(name string) (file, error) {
		fh, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		return countingFile{fh, &n}, nil
	}
	return &n
}

// denyOpen makes f's opens of the named file fail with EACCES while *deny
// is true, as for a file with mode 000 when not running as root.
func denyOpen(f *Follower, deny *atomic.Bool) {
	f.openFile = func(name string) (file, error) {
		if deny.Load() {
			return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
		}
		return os.Open(name)
	}
}

// newDeny installs denyOpen on f with opens refused until told otherwise.
func newDeny(f *Follower) *atomic.Bool {
	var deny atomic.Bool
	deny.Store(true)
	denyOpen(f, &deny)
	return &deny
}

func tempLog(t *testing.T) (dir, path string) {
	dir = t.TempDir()
	return dir, filepath.Join(dir, "mail.log")
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func lines(from, to int) string {
	b := make([]byte, 0, (to-from+1)*(9+len(numberedText)+1))
	for n := from; n <= to; n++ {
		b = append(appendNumbered(b, n), '\n')
	}
	return string(b)
}
