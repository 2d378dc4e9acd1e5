package follow

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

const (
	// tailLen is how many bytes before the offset a source remembers, to
	// recognise the copy of a file truncated by copytruncate.
	tailLen = 4 << 10
	// rewriteCheck is how many of those bytes are compared on each look that
	// finds the file grown, to notice a file truncated and written past our
	// offset again in between. Log lines often end alike, so this spans
	// several lines.
	rewriteCheck = 1 << 10
)

// source is one open file and how far it has been read.
type source struct {
	name  string
	f     file
	fi    fs.FileInfo // identity of the open file, from fstat at open
	off   int64       // bytes consumed, including an unterminated last line
	tail  [tailLen]byte
	ntail int // valid bytes in tail: the last ones before off
}

// remember keeps the last tailLen bytes read.
func (s *source) remember(p []byte) {
	if len(p) >= tailLen {
		s.ntail = copy(s.tail[:], p[len(p)-tailLen:])
		return
	}
	keep := min(s.ntail, tailLen-len(p))
	copy(s.tail[:], s.tail[s.ntail-keep:s.ntail])
	s.ntail = keep + copy(s.tail[keep:], p)
}

// seek moves to off and fills tail with the bytes before it.
func (s *source) seek(off int64) error {
	if _, err := s.f.Seek(off, io.SeekStart); err != nil {
		return fmt.Errorf("follow: seek %s: %w", s.name, err)
	}
	s.off, s.ntail = off, 0
	if n := min(off, tailLen); n > 0 {
		k, _ := s.f.ReadAt(s.tail[:n], off-n)
		if k == int(n) {
			s.ntail = k
		}
	}
	return nil
}

// startDrain begins draining cur after the path was found to name another
// file or nothing. The error is from opening the new file; cur is drained
// all the same.
func (f *Follower) startDrain(now time.Time) error {
	f.draining, f.quietAt = true, now
	err := f.openNext()
	if f.draining {
		f.setState(Rotating, err)
	}
	return err
}

// openNext opens the file that the path names now, to be read once cur is
// drained. Opening it at once keeps hold of it even if it is rotated away in
// turn before cur is quiet. If the path names cur again (renamed back), the
// rotation is called off.
func (f *Follower) openNext() error {
	if f.next != nil {
		return nil
	}
	src, err := f.open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if os.SameFile(src.fi, f.cur.fi) {
		src.f.Close()
		f.draining = false
		return nil
	}
	f.next = src
	return nil
}

// drainStep decides, after reading a rotated-away file, whether it has been
// quiet long enough to be left; if so it switches to the new file and asks
// for another cycle to read it.
func (f *Follower) drainStep(grew bool, now time.Time, emit func(Chunk)) (again bool, err error) {
	if grew {
		f.quietAt = now
	}
	err = f.openNext()
	if !f.draining {
		return true, nil
	}
	if now.Sub(f.quietAt) < f.opt.Quiet {
		f.setState(Rotating, err)
		return false, err
	}
	f.split.finish(emit)
	old := f.cur
	f.cur, f.next, f.draining = f.next, nil, false
	old.f.Close()
	f.mu.Lock()
	f.st.Rotations++
	f.mu.Unlock()
	if f.cur != nil {
		f.setState(Following, nil)
		f.progress(0)
	}
	return true, nil
}

// quietLeft reports how long until a draining file may be left.
func (f *Follower) quietLeft() (time.Duration, bool) {
	if !f.draining {
		return 0, false
	}
	return max(f.quietAt.Add(f.opt.Quiet).Sub(f.opt.Now()), 0) + time.Millisecond, true
}

// rewritten reports, for cur grown to fi.Size(), whether the bytes just
// before our offset changed, which means the file was truncated and written
// past our offset again between two looks (so its size alone does not show
// the truncation).
func (f *Follower) rewritten(fi fs.FileInfo) bool {
	src := f.cur
	n := min(src.ntail, rewriteCheck)
	if fi.Size() <= src.off || n == 0 {
		return false
	}
	buf := f.cmpBuf[:n]
	k, err := src.f.ReadAt(buf, src.off-int64(n))
	if k < n {
		return err == io.EOF
	}
	return !bytes.Equal(buf, src.tail[src.ntail-n:src.ntail])
}

// truncated handles a file truncated in place: it reads the rest of the
// rotated copy, if one is found, and then the file from offset 0.
func (f *Follower) truncated(emit func(Chunk)) error {
	src := f.cur
	var err error
	if cp := f.findCopy(src); cp != nil {
		_, err = f.read(cp, emit)
		cp.f.Close()
	}
	f.split.finish(emit)
	f.mu.Lock()
	f.st.Truncations++
	f.mu.Unlock()
	if serr := src.seek(0); serr != nil {
		return f.fail(serr)
	}
	f.progress(0)
	if err != nil {
		return f.fail(err)
	}
	return nil
}

// findCopy looks beside the path for the copy copytruncate made of src: a
// name.1, name.0 or name-<digits> whose bytes before src's offset are the
// ones src read there. Newer candidates are tried first. The copy is
// returned open at src's offset.
func (f *Follower) findCopy(src *source) *source {
	tail := src.tail[:src.ntail]
	if src.off == 0 || len(tail) == 0 {
		return nil
	}
	type candidate struct {
		name string
		mod  time.Time
	}
	var cands []candidate
	consider := func(name string) {
		fi, err := f.statPath(name)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() < src.off || os.SameFile(fi, src.fi) {
			return
		}
		cands = append(cands, candidate{name, fi.ModTime()})
	}
	consider(f.path + ".1")
	consider(f.path + ".0")
	dir, base := filepath.Dir(f.path), filepath.Base(f.path)
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			rest, ok := strings.CutPrefix(e.Name(), base+"-")
			if ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' && !compressed(rest) {
				consider(filepath.Join(dir, e.Name()))
			}
		}
	}
	slices.SortStableFunc(cands, func(a, b candidate) int { return b.mod.Compare(a.mod) })
	buf := make([]byte, len(tail))
	for _, c := range cands {
		cp, err := f.open(c.name)
		if err != nil {
			continue
		}
		k, _ := cp.f.ReadAt(buf, src.off-int64(len(buf)))
		if k == len(buf) && bytes.Equal(buf, tail) && cp.seek(src.off) == nil {
			return cp
		}
		cp.f.Close()
	}
	return nil
}

// compressed reports whether a rotated file's name says it was compressed,
// which makes it useless as the copy of what we were reading.
func compressed(name string) bool {
	for _, ext := range []string{".gz", ".bz2", ".xz", ".zst", ".lz4", ".Z"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}
