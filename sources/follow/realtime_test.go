package follow

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The tests in this file run the harness of the design note: a writer
// goroutine appends numbered lines at 20,000 a second, one write(2) each,
// and rotates the file several times while Run follows it through fsnotify.
// A consumer counts every number received; each must arrive exactly once.
// The poll interval is set to an hour so that only fsnotify events (and the
// end of a rotation's quiet period) wake the Follower.
//
// Each scenario takes rtLines/rtRate seconds of wall time, mostly spent by
// the writer pacing itself, so all of them run at once in goroutines rather
// than as parallel subtests (which -parallel would cap at GOMAXPROCS);
// the subtests then report each scenario's outcome.

const (
	rtRate      = 20_000 // lines per second
	rtLines     = 100_000
	rtRotations = 4
	rtLag       = 200 // lines written to the old descriptor after a rotation
)

// rtErrors gathers the errors of one scenario from its goroutines.
type rtErrors struct {
	mu   sync.Mutex
	errs []string
	logs []string
}

func (e *rtErrors) Error(args ...any) { e.Errorf("%s", fmt.Sprint(args...)) }

func (e *rtErrors) Errorf(format string, args ...any) {
	e.mu.Lock()
	e.errs = append(e.errs, fmt.Sprintf(format, args...))
	e.mu.Unlock()
}

func (e *rtErrors) Logf(format string, args ...any) {
	e.mu.Lock()
	e.logs = append(e.logs, fmt.Sprintf(format, args...))
	e.mu.Unlock()
}

// rtWriter is the daemon: it writes to w.path and rotates it.
type rtWriter struct {
	t    *rtErrors
	dir  string
	path string // the file written now (differs from the followed path for symlinks)
	f    *os.File
	gen  int
}

func (w *rtWriter) open() {
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		w.t.Error(err)
		return
	}
	if w.f != nil {
		w.f.Close()
	}
	w.f = f
}

// rotation does the file-system part of one rotation and returns what the
// daemon does on its HUP (nil if nothing).
type rotation func(w *rtWriter, followed string) (hup func())

func renameRotation(w *rtWriter, followed string) func() {
	must(w.t, os.Rename(followed, followed+".1"))
	return w.open
}

func deleteRotation(w *rtWriter, followed string) func() {
	must(w.t, os.Remove(followed))
	return w.open
}

// copyTruncateRotation is logrotate's copytruncate, with the writer paused
// during the copy and the truncation.
func copyTruncateRotation(w *rtWriter, followed string) func() {
	if err := os.Rename(followed+".1", followed+".2"); err != nil && !os.IsNotExist(err) {
		w.t.Error(err)
	}
	src, err := os.Open(followed)
	must(w.t, err)
	dst, err := os.Create(followed + ".1")
	must(w.t, err)
	_, err = io.Copy(dst, src)
	must(w.t, err)
	must(w.t, dst.Close())
	src.Close()
	must(w.t, os.Truncate(followed, 0))
	return nil
}

// symlinkRotation points the followed symlink at a new file, alternating
// between two directories, with an atomic rename of a new link.
func symlinkRotation(w *rtWriter, followed string) func() {
	w.gen++
	target := filepath.Join(w.dir, fmt.Sprintf("gen%d", w.gen%2), fmt.Sprintf("mail.log.%d", w.gen))
	f, err := os.Create(target)
	must(w.t, err)
	f.Close()
	tmp := followed + ".tmp"
	must(w.t, os.Symlink(target, tmp))
	must(w.t, os.Rename(tmp, followed))
	return func() {
		w.path = target
		w.open()
	}
}

func must(t *rtErrors, err error) {
	if err != nil {
		t.Error(err)
	}
}

// write appends lines 1..rtLines at rtRate, rotating every rtLines/(n+1)
// lines; after a rotation it keeps writing lag lines to the old descriptor
// before its HUP.
func (w *rtWriter) write(followed string, rotate rotation, lag int) {
	every := rtLines / (rtRotations + 1)
	var hup func()
	hupAt := 0
	buf := make([]byte, 0, 128)
	start := time.Now()
	for n := 1; n <= rtLines; n++ {
		if n%20 == 0 {
			if d := time.Until(start.Add(time.Duration(n) * time.Second / rtRate)); d > 0 {
				time.Sleep(d) // pacing the writer, not waiting for the reader
			}
		}
		buf = append(appendNumbered(buf[:0], n), '\n')
		if _, err := w.f.Write(buf); err != nil {
			w.t.Error(err)
			return
		}
		if hup != nil && n >= hupAt {
			hup()
			hup = nil
		}
		if n%every == 0 && n < rtLines {
			hup, hupAt = rotate(w, followed), n+lag
			if hup != nil && lag == 0 {
				hup()
				hup = nil
			}
		}
	}
}

// tally counts what the consumer receives.
type tally struct {
	seen   []bool
	unique atomic.Int64
	dups   atomic.Int64
	bad    atomic.Int64
}

func (c *tally) consume(out <-chan Chunk, delay time.Duration) {
	for ch := range out {
		for _, l := range ch.Lines {
			n, ok := lineNum(l)
			switch {
			case !ok || n < 1 || n > rtLines:
				c.bad.Add(1)
			case c.seen[n]:
				c.dups.Add(1)
			default:
				c.seen[n] = true
				c.unique.Add(1)
			}
		}
		if delay > 0 {
			time.Sleep(delay) // a slow consumer
		}
	}
}

// missing describes the first few line numbers never received.
func (c *tally) missing() string {
	var b strings.Builder
	k := 0
	for n := 1; n <= rtLines && k < 10; n++ {
		if !c.seen[n] {
			fmt.Fprintf(&b, " %d", n)
			k++
		}
	}
	return b.String()
}

type rtCase struct {
	name    string
	rotate  rotation
	lag     int
	symlink bool
	slow    time.Duration // consumer delay per chunk
}

func TestRealtime(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time rotation tests take a few seconds")
	}
	cases := []rtCase{
		{name: "rename", rotate: renameRotation},
		{name: "rename lag", rotate: renameRotation, lag: rtLag},
		{name: "delete", rotate: deleteRotation},
		{name: "delete lag", rotate: deleteRotation, lag: rtLag},
		{name: "copytruncate", rotate: copyTruncateRotation},
		{name: "symlink lag", rotate: symlinkRotation, lag: rtLag, symlink: true},
		{name: "rename lag slow consumer", rotate: renameRotation, lag: rtLag, slow: 2 * time.Millisecond},
	}
	results := make([]*rtErrors, len(cases))
	var wg sync.WaitGroup
	for i, tc := range cases {
		results[i] = &rtErrors{}
		dir := t.TempDir()
		wg.Go(func() { runRealtime(results[i], dir, tc) })
	}
	wg.Wait()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, l := range results[i].logs {
				t.Log(l)
			}
			for _, e := range results[i].errs {
				t.Error(e)
			}
		})
	}
}

func runRealtime(t *rtErrors, dir string, tc rtCase) {
	followed := filepath.Join(dir, "mail.log")
	w := &rtWriter{t: t, dir: dir, path: followed}
	if tc.symlink {
		for _, d := range []string{"gen0", "gen1"} {
			must(t, os.Mkdir(filepath.Join(dir, d), 0o755))
		}
		w.path = filepath.Join(dir, "gen0", "mail.log.0")
		must(t, os.Symlink(w.path, followed))
	}
	w.open()
	if w.f == nil {
		return
	}
	defer func() { w.f.Close() }()

	f := New(followed, Options{Poll: time.Hour})
	// Start from the (empty) end, and be at it before the writer starts.
	if err := f.Step(func(Chunk) {}); err != nil {
		t.Error(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan Chunk, 16)
	runErr := make(chan error, 1)
	go func() { runErr <- f.Run(ctx, out) }()
	c := &tally{seen: make([]bool, rtLines+1)}
	consumed := make(chan struct{})
	go func() { c.consume(out, tc.slow); close(consumed) }()

	started := time.Now()
	wrote := make(chan struct{})
	go func() { w.write(followed, tc.rotate, tc.lag); close(wrote) }()

	// Wait for every line, and for the Follower to sit at the end of the
	// current file with no rotation pending.
	deadline := time.Now().Add(30 * time.Second)
	done := false
	for !done && time.Now().Before(deadline) {
		select {
		case <-wrote:
			st := f.Status()
			fi, err := os.Stat(followed)
			done = err == nil && c.unique.Load() == rtLines && st.State == Following && st.Offset == fi.Size()
		default:
		}
		if !done {
			time.Sleep(10 * time.Millisecond) // polling a counter, with a deadline
		}
	}
	<-wrote
	cancel()
	if err := <-runErr; err != nil {
		t.Errorf("Run = %v", err)
	}
	close(out)
	<-consumed
	st := f.Status()
	t.Logf("%d lines in %v; status %+v", c.unique.Load(), time.Since(started).Round(time.Millisecond), st)
	if lost := rtLines - c.unique.Load(); lost != 0 || c.dups.Load() != 0 || c.bad.Load() != 0 {
		t.Errorf("lost %d (first:%s), duplicated %d, malformed %d", lost, c.missing(), c.dups.Load(), c.bad.Load())
	}
	wantRot, wantTrunc := rtRotations, 0
	if tc.name == "copytruncate" {
		wantRot, wantTrunc = 0, rtRotations
	}
	if st.Rotations != wantRot || st.Truncations != wantTrunc {
		t.Errorf("rotations %d, truncations %d; want %d, %d", st.Rotations, st.Truncations, wantRot, wantTrunc)
	}
}
