package follow

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"time"
)

// Errors returned by this package; test for them with errors.Is. Permission
// problems wrap fs.ErrPermission and missing files fs.ErrNotExist.
var (
	// ErrClosed is returned by Step and Run once the Follower has been closed.
	ErrClosed = errors.New("follow: follower closed")
	// ErrNotRegular is returned when the path names something other than a
	// regular file (a directory, a FIFO: use ReadStream for pipes).
	ErrNotRegular = errors.New("follow: not a regular file")
)

// file is what a Follower needs of an open file; *os.File is one. Tests
// substitute their own to count reads or refuse opens.
type file interface {
	io.Reader
	io.ReaderAt
	io.Seeker
	io.Closer
	Stat() (fs.FileInfo, error)
}

// Follower follows one log file through rotation; see the package
// documentation for how rotation and truncation are handled.
//
// Run (or Step) must be called from one goroutine at a time; Status may be
// called from any goroutine.
type Follower struct {
	path string
	opt  Options

	// Hooks for tests; default os.Open and os.Stat.
	openFile func(name string) (file, error)
	statPath func(name string) (fs.FileInfo, error)

	split *splitter
	rbuf  []byte
	rpool *[]byte // rbuf's pooled buffer while reading a backlog, else nil
	small []byte  // the buffer of ordinary reads, rbuf when rpool is nil

	cur      *source   // file being read; nil while waiting
	next     *source   // file that replaced cur, opened while cur drains
	draining bool      // cur was rotated away and is read until quiet
	quietAt  time.Time // when cur last grew while draining

	looked  bool        // the path has been looked at once
	started bool        // the start position has been chosen
	seen    fs.FileInfo // the path at the first look, when it could not be opened
	abort   bool        // set by Run's emit when its context is done
	closed  bool
	cmpBuf  [rewriteCheck]byte

	mu sync.Mutex
	st Status
}

// New returns a Follower for path. It does not touch the file system until
// Run or Step is called.
func New(path string, opt Options) *Follower {
	opt = opt.withDefaults()
	small := make([]byte, readSize)
	return &Follower{
		path:     path,
		opt:      opt,
		openFile: func(name string) (file, error) { return os.Open(name) },
		statPath: os.Stat,
		split:    newSplitter(path, opt),
		rbuf:     small,
		small:    small,
		st:       Status{Path: path, State: Waiting, Since: opt.Now()},
	}
}

// Status returns a snapshot of the Follower's state; it is safe to call from
// any goroutine.
func (f *Follower) Status() Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

// Step performs one read and stat cycle without waiting: it reads the open
// file to its end, stats the path and handles rotation, truncation and a
// file that appeared, reading a new file at once when it switched to one.
// Lines go to emit in order. The error, if any, is also in Status; Step may
// be called again after it to retry. Step must not be called concurrently
// with itself or Run.
func (f *Follower) Step(emit func(Chunk)) error {
	if f.closed {
		return ErrClosed
	}
	for range 4 {
		again, err := f.cycle(emit)
		if err != nil || !again || f.abort {
			return err
		}
	}
	return nil
}

// Close releases the open files. Run calls it when it returns; a caller that
// drives Step itself calls it when done. It must not be called concurrently
// with Step or Run.
func (f *Follower) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	var err error
	for _, s := range []*source{f.cur, f.next} {
		if s != nil {
			err = errors.Join(err, s.f.Close())
		}
	}
	f.cur, f.next = nil, nil
	return err
}

// cycle reads the current file to EOF and looks at the path once. It
// reports again when it switched files and the new one should be read now.
func (f *Follower) cycle(emit func(Chunk)) (again bool, err error) {
	if f.cur == nil {
		if err := f.openPath(); err != nil || f.cur == nil {
			return false, err
		}
	}
	if !f.draining {
		// A file truncated and written past our offset again since the
		// last look must be caught before reading on from that offset.
		if fi, err := f.cur.f.Stat(); err == nil && (fi.Size() < f.cur.off || f.rewritten(fi)) {
			if err := f.truncated(emit); err != nil {
				return false, err
			}
		}
	}
	n, err := f.read(f.cur, emit)
	if err != nil {
		return false, f.fail(err)
	}
	if f.abort {
		return false, nil
	}
	now := f.opt.Now()
	if f.draining {
		return f.drainStep(n > 0, now, emit)
	}
	fi, err := f.statPath(f.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, f.startDrain(now)
	case err != nil:
		return false, f.fail(fmt.Errorf("follow: %w", err))
	case !os.SameFile(fi, f.cur.fi):
		return false, f.startDrain(now)
	case fi.Size() < f.cur.off:
		return true, f.truncated(emit)
	}
	f.setState(Following, nil)
	return false, nil
}

// openPath opens the path as the current file, choosing where to start
// reading the first time.
func (f *Follower) openPath() error {
	src, err := f.open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		// A file that appears after we started is new: read all of it.
		f.looked, f.started = true, true
		f.setState(Waiting, nil)
		return nil
	}
	if err != nil {
		if !f.looked {
			f.seen, _ = f.statPath(f.path)
		}
		f.looked = true
		return f.fail(err)
	}
	f.looked = true
	if !f.started {
		if err := f.position(src); err != nil {
			src.f.Close()
			return f.fail(err)
		}
		f.started = true
	} else {
		f.setState(Following, nil)
	}
	f.cur = src
	f.progress(src.off)
	return nil
}

// position moves a freshly opened first file to where reading starts:
// offset 0 (FromStart), the backfill cutoff (Since), or the end.
func (f *Follower) position(src *source) error {
	size := src.fi.Size()
	if f.seen != nil {
		// The file could not be opened when we started. If it is still
		// the same file, what was added since then is new; otherwise
		// all of it is.
		if !os.SameFile(f.seen, src.fi) {
			f.setState(Following, nil)
			return nil
		}
		size = min(size, f.seen.Size())
	}
	switch {
	case f.opt.FromStart:
		f.setState(Backfilling, nil)
		return nil
	case f.opt.Since > 0 && f.opt.TimeOf != nil:
		f.setState(Backfilling, nil)
		start, err := f.backfill(src, src.fi.Size())
		if err != nil {
			return err
		}
		return src.seek(start)
	}
	start, orphan, err := lastLineStart(src.f, size)
	if err != nil {
		return err
	}
	f.split.orphan = orphan
	f.setState(Following, nil)
	return src.seek(start)
}

// open opens name as a source positioned at offset 0.
func (f *Follower) open(name string) (*source, error) {
	fi, err := f.statPath(name)
	if err != nil {
		return nil, fmt.Errorf("follow: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s", ErrNotRegular, name)
	}
	fh, err := f.openFile(name)
	if err != nil {
		return nil, fmt.Errorf("follow: %w", err)
	}
	if fi, err = fh.Stat(); err != nil || !fi.Mode().IsRegular() {
		fh.Close()
		if err == nil {
			err = fmt.Errorf("%w: %s", ErrNotRegular, name)
		}
		return nil, err
	}
	return &source{name: name, f: fh, fi: fi}, nil
}

// read reads src from its offset to EOF through the splitter and reports
// how many bytes it read.
func (f *Follower) read(src *source, emit func(Chunk)) (int64, error) {
	var total int64
	for !f.abort {
		n, err := src.f.Read(f.rbuf)
		if n > 0 {
			p := f.rbuf[:n]
			src.remember(p)
			src.off += int64(n)
			total += int64(n)
			switch {
			case f.rpool != nil && n == len(f.rbuf):
				// Reading through a backlog: let the chunk keep this
				// buffer (no copy) and read the rest in bulk.
				f.split.writeOwned(p, f.rpool, emit)
				f.rpool = getBuf()
				f.rbuf = *f.rpool
			case f.rpool != nil:
				// Caught up: back to small reads; the bulk buffer
				// was only copied from, so it can go back.
				f.split.write(p, emit)
				bufPool.Put(f.rpool)
				f.rbuf, f.rpool = f.small, nil
			default:
				// The small buffer is copied from, and kept: what a
				// busy writer added since the last look, read in a few
				// reads, makes one chunk, not one for its first read
				// and one for the rest.
				f.split.write(p, emit)
				if n == len(f.rbuf) {
					// More than a small read: a backlog, perhaps;
					// read on in bulk.
					f.rpool = getBuf()
					f.rbuf = *f.rpool
				}
			}
			f.progress(src.off)
		}
		if err == io.EOF || (n == 0 && err == nil) {
			break
		}
		if err != nil {
			f.split.flush(emit)
			return total, fmt.Errorf("follow: read %s: %w", src.name, err)
		}
	}
	f.split.flush(emit)
	f.progress(src.off)
	return total, nil
}

// fail records err and returns it.
func (f *Follower) fail(err error) error {
	f.setState(Error, err)
	return err
}

func (f *Follower) setState(s State, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.st.State != s {
		f.st.State, f.st.Since = s, f.opt.Now()
	}
	f.st.Err = err
}

func (f *Follower) progress(off int64) {
	f.mu.Lock()
	f.st.Offset, f.st.Lines = off, f.split.lines
	f.mu.Unlock()
}
