package follow

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Run follows the file until ctx is done, sending chunks on out, and then
// closes the Follower's files and returns nil. It returns ErrClosed if the
// Follower was closed already; problems with the file itself (missing,
// permission denied) are not returned but shown in Status and retried.
//
// Run does not close out: several Followers may share one channel, and its
// owner closes it after every Run has returned. Run blocks while out is full,
// and a Follower that falls behind can lose lines at a copytruncate
// rotation, so the consumer should drain out promptly into its own queue.
//
// Run is woken by fsnotify events in the file's directory and, when the path
// is a symlink, in its target's directory; it also looks every Options.Poll
// in case events are missing (network file systems, no inotify left).
func (f *Follower) Run(ctx context.Context, out chan<- Chunk) error {
	if f.closed {
		return ErrClosed
	}
	defer f.Close()
	ws := newWatchSet(f.path)
	defer ws.close()
	tick := time.NewTicker(f.opt.Poll)
	defer tick.Stop()
	quiet := time.NewTimer(time.Hour)
	quiet.Stop()
	defer quiet.Stop()

	emit := func(c Chunk) {
		select {
		case out <- c:
		case <-ctx.Done():
			f.abort = true
		}
	}
	refresh := true
	var read time.Time // when Step last ran
	for ctx.Err() == nil {
		_ = f.Step(emit) // the error is in Status; Step is retried
		read = time.Now()
		if refresh {
			refresh = false
			if ws.refresh() {
				// A new watch: look once more for changes that
				// happened before it was in place.
				continue
			}
		}
		var quietC <-chan time.Time
		if d, ok := f.quietLeft(); ok {
			quiet.Reset(d)
			quietC = quiet.C
		}
		refresh = ws.wait(ctx, tick.C, quietC, f.draining, read.Add(readGap))
	}
	return nil
}

// watchSet keeps fsnotify watches on the directories where changes to the
// followed file show up: the path's directory, and the directory of its
// target when the path is a symlink.
type watchSet struct {
	w      *fsnotify.Watcher // nil when fsnotify is unavailable: poll only
	path   string            // absolute path followed
	target string            // resolved symlink target, "" if none
	dirs   map[string]bool
}

func newWatchSet(path string) *watchSet {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	ws := &watchSet{path: filepath.Clean(path), dirs: map[string]bool{}}
	if w, err := fsnotify.NewWatcher(); err == nil {
		ws.w = w
	}
	return ws
}

func (ws *watchSet) close() {
	if ws.w != nil {
		ws.w.Close()
	}
}

// refresh resolves the symlink, if any, and adjusts the watches; it reports
// whether a watch was added.
func (ws *watchSet) refresh() (added bool) {
	want := map[string]bool{filepath.Dir(ws.path): true}
	ws.target = ""
	if fi, err := os.Lstat(ws.path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		if t, err := filepath.EvalSymlinks(ws.path); err == nil {
			ws.target = t
			want[filepath.Dir(t)] = true
		}
	}
	if ws.w == nil {
		return false
	}
	for d := range want {
		if !ws.dirs[d] && ws.w.Add(d) == nil {
			ws.dirs[d], added = true, true
		}
	}
	for d := range ws.dirs {
		if !want[d] {
			_ = ws.w.Remove(d)
			delete(ws.dirs, d)
		}
	}
	return added
}

// settle is how long a write event waits for more writes before the file
// is read: a few lines' latency for far fewer wake-ups.
const settle = 20 * time.Millisecond

// readGap is the least time from one read of a file being written to the
// next: a file written to all the time is read about every readGap, in
// bulk, however often its writer flushes. A write after a quiet spell is
// still read within settle.
const readGap = 100 * time.Millisecond

// wait blocks until something may have changed: a relevant event, a poll
// tick, the end of a rotation's quiet period, or ctx being done. It reports
// whether the watches should be refreshed (names were created, removed or
// renamed, or the poll ticked). A write is read no sooner than settle after
// its event and not before next.
//
// Events for other files in the directory are ignored, except while
// rotating: the old file may have any name by then, or none.
func (ws *watchSet) wait(ctx context.Context, tick, quiet <-chan time.Time, rotating bool, next time.Time) (refresh bool) {
	var events <-chan fsnotify.Event
	var errs <-chan error
	if ws.w != nil {
		events, errs = ws.w.Events, ws.w.Errors
	}
	for {
		select {
		case <-ctx.Done():
			return false
		case <-tick:
			return true
		case <-quiet:
			return false
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			_ = err // an overflow or a lost watch: look again, and rewatch
			return true
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			refresh = ws.structural(ev)
			if !refresh && !rotating && !ws.concerns(ev) {
				continue
			}
			if refresh || rotating {
				return refresh
			}
			// A write: let the writer's next writes land too and read
			// them in one wake-up. The events are not taken meanwhile:
			// inotify folds repeated writes to the file into the one
			// event waiting to be read, so a daemon that flushes every
			// few milliseconds wakes the reader, the parser and the
			// aggregator once a read, not once a write. (An event that
			// changes names is seen when wait is called next, at most
			// readGap later; Step looks at the path itself anyway.)
			timer := time.NewTimer(max(settle, time.Until(next)))
			defer timer.Stop()
			select {
			case <-ctx.Done():
				return false
			case <-timer.C:
				return false
			}
		}
	}
}

// structural reports whether an event changes which file a name refers to.
// A watched directory that is removed or renamed loses its watch, so it is
// forgotten, to be watched again by the next refresh once it is back.
func (ws *watchSet) structural(ev fsnotify.Event) bool {
	if !ev.Has(fsnotify.Create | fsnotify.Remove | fsnotify.Rename) {
		return false
	}
	if n := filepath.Clean(ev.Name); ws.dirs[n] && ev.Has(fsnotify.Remove|fsnotify.Rename) {
		_ = ws.w.Remove(n)
		delete(ws.dirs, n)
	}
	return true
}

// concerns reports whether an event is about the followed file.
func (ws *watchSet) concerns(ev fsnotify.Event) bool {
	n := filepath.Clean(ev.Name)
	return n == ws.path || (ws.target != "" && n == ws.target)
}
