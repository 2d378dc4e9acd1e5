package follow

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The tests in this file play rotation scenarios by driving Step with a fake
// clock: no sleeping, no fsnotify. Each checks that every numbered line
// arrives exactly once and in order.

func TestStepRenameCreate(t *testing.T) {
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	w.write(100)
	f, clk := newStepFollower(t, path, Options{FromStart: true})
	c := &collector{}
	step(t, f, c)
	wantNumbered(t, c.take(), 1, 100)
	wantState(t, f, Following)

	// Lines 101..150 are still unread when the file is renamed away.
	w.write(50)
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	w.reopen()
	w.write(50)
	step(t, f, c)
	wantNumbered(t, c.take(), 101, 150)
	wantState(t, f, Rotating)

	clk.Advance(299 * time.Millisecond)
	step(t, f, c)
	if got := c.take(); len(got) != 0 {
		t.Fatalf("left the old file before it was quiet: got %q", got)
	}
	clk.Advance(time.Millisecond)
	step(t, f, c)
	wantNumbered(t, c.take(), 151, 200)
	wantState(t, f, Following)
	if st := f.Status(); st.Rotations != 1 || st.Lines != 200 {
		t.Errorf("status = %+v, want 1 rotation and 200 lines", st)
	}
}

// rotateWithLag renames or deletes the file and has the writer keep writing
// 200 lines to its old descriptor, in two bursts a while apart, before it
// reopens, as Postfix does until its HUP.
func rotateWithLag(t *testing.T, rotate func(path string) error) {
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	w.write(100)
	f, clk := newStepFollower(t, path, Options{FromStart: true})
	c := &collector{}
	step(t, f, c)
	wantNumbered(t, c.take(), 1, 100)

	if err := rotate(path); err != nil {
		t.Fatal(err)
	}
	step(t, f, c)
	wantState(t, f, Rotating)
	w.write(100) // 101..200 to the old descriptor
	clk.Advance(200 * time.Millisecond)
	step(t, f, c)
	wantNumbered(t, c.take(), 101, 200)
	clk.Advance(250 * time.Millisecond)
	w.write(100) // 201..300, still to the old descriptor
	step(t, f, c)
	wantNumbered(t, c.take(), 201, 300)

	w.reopen()
	w.write(100) // 301..400 to the new file
	clk.Advance(299 * time.Millisecond)
	step(t, f, c)
	if got := c.take(); len(got) != 0 {
		t.Fatalf("left the old file before it was quiet: got %q", got)
	}
	wantState(t, f, Rotating)
	clk.Advance(time.Millisecond)
	step(t, f, c)
	wantNumbered(t, c.take(), 301, 400)
	wantState(t, f, Following)
}

func TestStepRenameLag(t *testing.T) {
	rotateWithLag(t, func(path string) error { return os.Rename(path, path+".1") })
}

func TestStepDeleteLag(t *testing.T) {
	rotateWithLag(t, os.Remove)
}

func TestStepDeleteRecreate(t *testing.T) {
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	w.write(10)
	f, clk := newStepFollower(t, path, Options{FromStart: true})
	c := &collector{}
	step(t, f, c)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	step(t, f, c)
	wantState(t, f, Rotating)
	clk.Advance(time.Second)
	step(t, f, c) // quiet, and nothing there yet
	wantState(t, f, Waiting)
	w.reopen()
	w.write(10)
	step(t, f, c)
	wantNumbered(t, c.take(), 1, 20)
	wantState(t, f, Following)
}

// copytruncate copies path to copyName (unless empty) and truncates path,
// as logrotate does.
func copytruncate(t *testing.T, path, copyName string) {
	t.Helper()
	if copyName != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, copyName, string(data))
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
}

func TestStepCopyTruncate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		copyName string // "" for no copy
		lost     bool   // the lines unread at truncation are gone
	}{
		{"with .1", ".1", false},
		{"with .0", ".0", false},
		{"with dateext", "-20260301", false},
		{"without copy", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, path := tempLog(t)
			// A stale copy from the previous rotation must not be taken.
			writeFile(t, path+".1", lines(5001, 6000))
			writeFile(t, filepath.Join(dir, "mail.log-20260201"), lines(7001, 8000))
			// A compressed one cannot be the copy either, even if it
			// happens to hold the same bytes.
			writeFile(t, filepath.Join(dir, "mail.log-20260202.gz"), lines(1, 1000))
			w := newLogWriter(t, path)
			w.write(100)
			f, _ := newStepFollower(t, path, Options{FromStart: true})
			c := &collector{}
			step(t, f, c)
			wantNumbered(t, c.take(), 1, 100)

			w.write(50) // 101..150: the reader is behind when the truncation comes
			copyName := ""
			if tc.copyName != "" {
				copyName = path + tc.copyName
			}
			copytruncate(t, path, copyName)
			w.write(50) // 151..200
			step(t, f, c)
			if tc.lost {
				wantNumbered(t, c.take(), 151, 200)
			} else {
				wantNumbered(t, c.take(), 101, 200)
			}
			wantState(t, f, Following)
			if st := f.Status(); st.Truncations != 1 {
				t.Errorf("truncations = %d, want 1", st.Truncations)
			}
		})
	}
}

// A file truncated and written past our offset again between two looks
// looks like a file that only grew; the changed bytes before our offset give
// it away.
func TestStepTruncatedAndRegrown(t *testing.T) {
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	w.write(10)
	f, _ := newStepFollower(t, path, Options{FromStart: true})
	c := &collector{}
	step(t, f, c)
	wantNumbered(t, c.take(), 1, 10)
	copytruncate(t, path, path+".1")
	w.write(100)
	step(t, f, c)
	wantNumbered(t, c.take(), 11, 110)
	if st := f.Status(); st.Truncations != 1 {
		t.Errorf("truncations = %d, want 1", st.Truncations)
	}
}

func TestStepAbsentAtStart(t *testing.T) {
	dir, path := tempLog(t)
	f, _ := newStepFollower(t, path, Options{}) // from the end, but the file is new
	c := &collector{}
	step(t, f, c)
	wantState(t, f, Waiting)
	step(t, f, c)
	w := newLogWriter(t, path)
	w.write(10)
	step(t, f, c)
	wantNumbered(t, c.take(), 1, 10)
	wantState(t, f, Following)

	// A missing directory is waited for too.
	f2, _ := newStepFollower(t, filepath.Join(dir, "sub", "x.log"), Options{})
	step(t, f2, c)
	wantState(t, f2, Waiting)
}

func TestStepFromEnd(t *testing.T) {
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	w.write(50)
	w.raw(numbered(51)[:20]) // a line being written when we start
	f, _ := newStepFollower(t, path, Options{})
	c := &collector{}
	step(t, f, c)
	if got := c.take(); len(got) != 0 {
		t.Fatalf("read old lines: %q", got)
	}
	w.raw(numbered(51)[20:] + "\n")
	w.n = 51
	w.write(9)
	step(t, f, c)
	wantNumbered(t, c.take(), 51, 60)
}

func TestStepPartialLine(t *testing.T) {
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	f, clk := newStepFollower(t, path, Options{})
	c := &collector{}
	step(t, f, c)
	w.raw("abc")
	step(t, f, c)
	clk.Advance(10 * time.Minute) // a long pause does not flush half a line
	step(t, f, c)
	if got := c.take(); len(got) != 0 {
		t.Fatalf("delivered half a line: %q", got)
	}
	w.raw("def\nghi")
	step(t, f, c)
	if got := c.take(); len(got) != 1 || got[0] != "abcdef" {
		t.Fatalf("got %q, want [abcdef]", got)
	}
	w.raw("\n")
	step(t, f, c)
	if got := c.take(); len(got) != 1 || got[0] != "ghi" {
		t.Fatalf("got %q, want [ghi]", got)
	}
	if st := f.Status(); st.Offset != 11 || st.Lines != 2 {
		t.Errorf("status = %+v, want offset 11, 2 lines", st)
	}
}

func TestStepSymlinkSwitch(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "mail.log")
	gen0 := filepath.Join(dir, "a", "gen0.log")
	gen1 := filepath.Join(dir, "b", "gen1.log")
	for _, d := range []string{"a", "b"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	w := newLogWriter(t, gen0)
	w.write(100)
	if err := os.Symlink(gen0, link); err != nil {
		t.Fatal(err)
	}
	f, clk := newStepFollower(t, link, Options{FromStart: true})
	c := &collector{}
	step(t, f, c)
	wantNumbered(t, c.take(), 1, 100)

	// Retarget atomically, as a deployment script does.
	writeFile(t, gen1, "")
	if err := os.Symlink(gen1, link+".tmp"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(link+".tmp", link); err != nil {
		t.Fatal(err)
	}
	w.write(200) // lag: still writing to gen0
	step(t, f, c)
	wantNumbered(t, c.take(), 101, 300)
	wantState(t, f, Rotating)
	w.path = gen1
	w.reopen()
	w.write(100)
	clk.Advance(300 * time.Millisecond)
	step(t, f, c)
	wantNumbered(t, c.take(), 301, 400)
	wantState(t, f, Following)
}

// A rename that is undone before the old file goes quiet is no rotation.
func TestStepRenamedBack(t *testing.T) {
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	w.write(10)
	f, clk := newStepFollower(t, path, Options{FromStart: true})
	c := &collector{}
	step(t, f, c)
	if err := os.Rename(path, path+".tmp"); err != nil {
		t.Fatal(err)
	}
	step(t, f, c)
	wantState(t, f, Rotating)
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
	w.write(10)
	clk.Advance(time.Second)
	step(t, f, c)
	wantNumbered(t, c.take(), 1, 20)
	wantState(t, f, Following)
	if st := f.Status(); st.Rotations != 0 {
		t.Errorf("rotations = %d, want 0", st.Rotations)
	}
}

func TestStepNotRegular(t *testing.T) {
	dir := t.TempDir()
	f, _ := newStepFollower(t, dir, Options{})
	err := f.Step((&collector{}).emit)
	if !errors.Is(err, ErrNotRegular) {
		t.Fatalf("Step on a directory = %v, want ErrNotRegular", err)
	}
	wantState(t, f, Error)
}

func TestStepAfterClose(t *testing.T) {
	_, path := tempLog(t)
	f := New(path, Options{})
	f.Close()
	if err := f.Step((&collector{}).emit); !errors.Is(err, ErrClosed) {
		t.Fatalf("Step after Close = %v, want ErrClosed", err)
	}
	if err := f.Run(t.Context(), make(chan Chunk)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Run after Close = %v, want ErrClosed", err)
	}
}
