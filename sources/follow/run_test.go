package follow

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// waitFor polls cond every 10ms until it holds or 10s have passed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// startRun runs f in the background; the returned function cancels it and
// returns Run's error.
func startRun(t *testing.T, f *Follower, out chan Chunk) (stop func() error) {
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- f.Run(ctx, out) }()
	return func() error {
		cancel()
		select {
		case err := <-errc:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after its context was cancelled")
			return nil
		}
	}
}

// A file that appears in a directory that appears is picked up by events
// alone (the poll is an hour).
func TestRunAbsentAtStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mail.log")
	f := New(path, Options{Poll: time.Hour})
	// The first look finds nothing, so whatever appears later is new.
	if err := f.Step(func(Chunk) {}); err != nil {
		t.Fatal(err)
	}
	out := make(chan Chunk, 100)
	stop := startRun(t, f, out)
	w := newLogWriter(t, path)
	w.write(1000)
	c := &collector{}
	waitFor(t, "1000 lines", func() bool {
		for {
			select {
			case ch := <-out:
				c.emit(ch)
				continue
			default:
			}
			return len(c.lines) >= 1000
		}
	})
	if err := stop(); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	wantNumbered(t, c.take(), 1, 1000)
	// Run leaves out open: its owner closes it.
	close(out)
}

// Run returns when cancelled even while nobody takes its chunks.
func TestRunCancelWhileBlocked(t *testing.T) {
	_, path := tempLog(t)
	text := lines(1, 20_000)
	writeFile(t, path, text)
	f := New(path, Options{FromStart: true, ChunkLines: 10})
	stop := startRun(t, f, make(chan Chunk))
	waitFor(t, "backfilling", func() bool { return f.Status().State == Backfilling })
	if err := stop(); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if st := f.Status(); st.Offset >= int64(len(text)) {
		t.Errorf("read the whole file (offset %d) with nobody taking lines", st.Offset)
	}
	if err := f.Step(func(Chunk) {}); err != ErrClosed {
		t.Errorf("Step after Run = %v, want ErrClosed", err)
	}
}

// Permission problems show in Status while Run retries them on every poll.
func TestRunPermissionRetried(t *testing.T) {
	_, path := tempLog(t)
	writeFile(t, path, lines(1, 10))
	f := New(path, Options{FromStart: true, Poll: 5 * time.Millisecond})
	deny := newDeny(f)
	out := make(chan Chunk, 100)
	stop := startRun(t, f, out)
	waitFor(t, "state error", func() bool { return f.Status().State == Error })
	deny.Store(false)
	waitFor(t, "state following", func() bool { return f.Status().State == Following })
	if err := stop(); err != nil {
		t.Errorf("Run = %v", err)
	}
	close(out)
	c := &collector{}
	for ch := range out {
		c.emit(ch)
	}
	wantNumbered(t, c.take(), 1, 10)
}

// Starting and stopping Run leaves no goroutine, descriptor or inotify
// instance behind, on present and absent files alike.
func TestRunNoLeaks(t *testing.T) {
	if _, err := os.ReadDir("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd to count descriptors")
	}
	dir, path := tempLog(t)
	writeFile(t, path, lines(1, 10))
	fds := func() int { e, _ := os.ReadDir("/proc/self/fd"); return len(e) }
	cycle := func() {
		for _, p := range []string{path, filepath.Join(dir, "absent.log")} {
			f := New(p, Options{FromStart: true})
			out := make(chan Chunk, 10)
			stop := startRun(t, f, out)
			waitFor(t, "a first look", func() bool { return f.Status().State != Waiting || p != path })
			if err := stop(); err != nil {
				t.Fatal(err)
			}
		}
	}
	cycle() // let lazily started runtime goroutines settle
	g0, fd0 := runtime.NumGoroutine(), fds()
	for range 50 {
		cycle()
	}
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= g0 })
	if n := fds(); n > fd0 {
		t.Errorf("%d descriptors open after 100 runs, %d before", n, fd0)
	}
}

func TestStateString(t *testing.T) {
	for s, want := range map[State]string{Waiting: "waiting", Backfilling: "backfilling", Following: "following", Rotating: "rotating", Error: "error", 9: "State(9)"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(s), s.String(), want)
		}
	}
}

// A file written to all the time is read in bulk, about every readGap,
// however often its writer flushes: a line every 2ms comes in a few
// chunks, not one a write (nor one a settle period).
func TestRunBusyFileReadInBulk(t *testing.T) {
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	f := New(path, Options{Poll: time.Hour})
	out := make(chan Chunk, 1000)
	stop := startRun(t, f, out)
	waitFor(t, "a first look", func() bool { return f.Status().State == Following })
	start := time.Now()
	const n = 300
	for range n {
		w.write(1)
		time.Sleep(2 * time.Millisecond)
	}
	waitFor(t, "every line", func() bool { return f.Status().Lines == n })
	elapsed := time.Since(start)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	close(out)
	c := &collector{}
	for ch := range out {
		c.emit(ch)
	}
	wantNumbered(t, c.take(), 1, n)
	if most := int(elapsed/readGap) + 2; c.count > most {
		t.Errorf("%d lines written over %v came in %d chunks, want at most %d", n, elapsed.Round(time.Millisecond), c.count, most)
	}
}

// What a busy writer added since the last look is one chunk, though it
// takes more than one read(2).
func TestStepBurstIsOneChunk(t *testing.T) {
	_, path := tempLog(t)
	writeFile(t, path, "")
	f, _ := newStepFollower(t, path, Options{})
	c := &collector{}
	step(t, f, c)
	w := newLogWriter(t, path)
	const n = 3000 // several times readSize
	w.write(n)
	step(t, f, c)
	wantNumbered(t, c.take(), 1, n)
	if c.count != 1 {
		t.Errorf("%d lines came in %d chunks, want 1", n, c.count)
	}
}
