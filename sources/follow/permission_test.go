package follow

import (
	"errors"
	"io/fs"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// The tests run as root here, where chmod 000 stops nothing, so permission
// problems are played through the Follower's open hook; TestStepChmod does
// the real thing when not root.

func TestStepPermissionDeniedAtStart(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opt       Options
		from, to  int // lines expected once the file can be read
		denyLines int // lines written while denied
	}{
		// Following from the end: what was there at the first look is
		// old, what came while we could not read is new.
		{"from end", Options{}, 11, 20, 10},
		{"from start", Options{FromStart: true}, 1, 20, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, path := tempLog(t)
			w := newLogWriter(t, path)
			w.write(10)
			f, _ := newStepFollower(t, path, tc.opt)
			var deny atomic.Bool
			deny.Store(true)
			denyOpen(f, &deny)
			c := &collector{}

			for range 3 { // retried on every poll
				err := f.Step(c.emit)
				if !errors.Is(err, fs.ErrPermission) {
					t.Fatalf("Step = %v, want a permission error", err)
				}
				st := f.Status()
				if st.State != Error || !errors.Is(st.Err, fs.ErrPermission) {
					t.Fatalf("status = %+v, want Error with a permission error", st)
				}
				w.write(tc.denyLines / 3)
			}
			w.write(tc.denyLines - 3*(tc.denyLines/3))

			deny.Store(false)
			step(t, f, c)
			wantNumbered(t, c.take(), tc.from, tc.to)
			if st := f.Status(); st.State != Following || st.Err != nil {
				t.Errorf("status = %+v, want Following without error", st)
			}
		})
	}
}

// After a rotation the new file may belong to a user we cannot read: the old
// one is finished, and the new one is read from the start once it is fixed.
func TestStepPermissionDeniedAfterRotation(t *testing.T) {
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	w.write(10)
	f, clk := newStepFollower(t, path, Options{FromStart: true})
	var deny atomic.Bool
	denyOpen(f, &deny)
	c := &collector{}
	step(t, f, c)
	wantNumbered(t, c.take(), 1, 10)

	deny.Store(true)
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	w.write(5) // 11..15, lag
	w.reopen()
	w.write(5) // 16..20
	if err := f.Step(c.emit); !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("Step = %v, want a permission error", err)
	}
	wantNumbered(t, c.take(), 11, 15)
	clk.Advance(time.Second)
	if err := f.Step(c.emit); !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("Step = %v, want a permission error", err)
	}
	wantState(t, f, Error)
	deny.Store(false)
	step(t, f, c)
	wantNumbered(t, c.take(), 16, 20)
	wantState(t, f, Following)
}

// TestStepChmod uses real file modes; root reads anything, so it is skipped
// there (the tests above cover the same paths through the open hook).
func TestStepChmod(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: chmod 000 does not deny reading")
	}
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	w.write(10)
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	f, _ := newStepFollower(t, path, Options{FromStart: true})
	c := &collector{}
	if err := f.Step(c.emit); !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("Step = %v, want a permission error", err)
	}
	wantState(t, f, Error)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	step(t, f, c)
	wantNumbered(t, c.take(), 1, 10)
}
