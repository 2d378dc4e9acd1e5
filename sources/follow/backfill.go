package follow

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"time"
)

const (
	// probeBlock is how much a probe reads at a time.
	probeBlock = 4 << 10
	// probeMax is the most a probe reads looking for a stamped line.
	probeMax = 64 << 10
	// lastMax is the most read backwards from the end looking for the last
	// stamped line; a file with none there is followed from its end.
	lastMax = 1 << 20
	// bisectStop ends the bisection: what is left is read line by line.
	bisectStop = 16 << 10
	// disorderMargin is how far before the bisection's result reading
	// starts, for logs whose lines are slightly out of time order.
	disorderMargin = 16 << 10
)

// backfill chooses where to start reading the first file when Options.Since
// asks for history, without reading the file from the beginning.
//
// The cutoff is min(Now, time of the last stamped line) - Since. Byte
// offsets are bisected: each probe seeks, skips to the next line start and
// reads forward to the first stamped line. Logs are only almost sorted, so
// the bisection merely has to land on a line boundary at or a little before
// the first line at or after the cutoff; the splitter then skips lines older
// than the cutoff (and unstamped ones) up to the first recent line. Reading
// starts a margin before the bisection's result, so that a line slightly out
// of order near the cutoff does not hide recent ones just before it. The
// cost is O(log n) probes of a few KiB plus the backfilled bytes.
func (f *Follower) backfill(src *source, size int64) (int64, error) {
	timeOf := f.opt.TimeOf
	last, ok, err := lastStamp(src.f, size, timeOf)
	if err != nil {
		return 0, err
	}
	if !ok {
		start, orphan, err := lastLineStart(src.f, size)
		f.split.orphan = orphan
		return start, err
	}
	cutoff := minTime(f.opt.Now(), last).Add(-f.opt.Since)
	lo, hi := int64(0), size
	for hi-lo > bisectStop {
		mid := lo + (hi-lo)/2
		ls, t, ok, err := probe(src.f, mid, size, timeOf)
		if err != nil {
			return 0, err
		}
		if ok && t.Before(cutoff) {
			lo = ls
		} else {
			hi = mid
		}
	}
	// The probe that set lo may have hit a line a little out of order:
	// step back a margin so that a recent line just before it is not
	// missed. The skip below drops the old lines in between.
	if lo > 0 {
		if lo, err = lineStartAfter(src.f, max(lo-disorderMargin, 0), lo); err != nil {
			return 0, err
		}
	}
	f.split.skip = func(line []byte) bool {
		t, ok := timeOf(line)
		return !ok || t.Before(cutoff)
	}
	return lo, nil
}

// lineStartAfter returns the first line start at or after off, or limit if
// there is none before it.
func lineStartAfter(r io.ReaderAt, off, limit int64) (int64, error) {
	if off == 0 {
		return 0, nil
	}
	b := make([]byte, limit-off+1)
	if err := readAt(r, b, off-1); err != nil {
		return 0, err
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return off + int64(i), nil
	}
	return limit, nil
}

// probe finds the first stamped line starting at or after off, reading at
// most probeMax bytes and nothing at or past size.
func probe(r io.ReaderAt, off, size int64, timeOf func([]byte) (time.Time, bool)) (int64, time.Time, bool, error) {
	// Start one byte early so that a line starting exactly at off is seen
	// as one: the first newline read ends the line before it.
	start := max(off-1, 0)
	end := min(size, start+probeMax)
	skipFirst := off > 0
	buf := make([]byte, 0, probeBlock)
	scan := 0
	for pos := start; pos < end; {
		n := int(min(probeBlock, end-pos))
		buf = slices.Grow(buf, n)[:len(buf)+n]
		if err := readAt(r, buf[len(buf)-n:], pos); err != nil {
			return 0, time.Time{}, false, err
		}
		pos += int64(n)
		for {
			i := bytes.IndexByte(buf[scan:], '\n')
			if i < 0 {
				break
			}
			line := buf[scan : scan+i]
			lineStart := start + int64(scan)
			scan += i + 1
			if skipFirst {
				skipFirst = false
				continue
			}
			if t, ok := timeOf(trimCR(line)); ok {
				return lineStart, t, true, nil
			}
		}
	}
	return 0, time.Time{}, false, nil
}

// lastStamp returns the time of the last stamped line in the first size
// bytes, reading backwards at most lastMax bytes.
func lastStamp(r io.ReaderAt, size int64, timeOf func([]byte) (time.Time, bool)) (time.Time, bool, error) {
	buf := make([]byte, probeMax)
	end := size
	block := int64(probeBlock) // small first: the last line is usually near
	for read := int64(0); end > 0 && read < lastMax; block = min(2*block, probeMax) {
		begin := max(0, end-block)
		b := buf[:end-begin]
		if err := readAt(r, b, begin); err != nil {
			return time.Time{}, false, err
		}
		read += int64(len(b))
		first := 0
		if begin > 0 {
			// The bytes before the first newline may be the end of a
			// line that starts in the previous block: leave them to it.
			// If that newline ends the block, the whole block is
			// inside one long line: its start, with its stamp, is in
			// an earlier block.
			i := bytes.IndexByte(b, '\n')
			if i < 0 || i == len(b)-1 {
				end = begin
				continue
			}
			first = i + 1
		}
		seg := b[first:]
		for len(seg) > 0 {
			s := bytes.TrimSuffix(seg, []byte{'\n'})
			j := bytes.LastIndexByte(s, '\n')
			if t, ok := timeOf(trimCR(s[j+1:])); ok {
				return t, true, nil
			}
			seg = seg[:j+1]
		}
		end = begin + int64(first)
	}
	return time.Time{}, false, nil
}

// lastLineStart returns where following "from the end" starts: just after
// the last newline before size, so that a line being written is delivered
// whole once complete. If that line started more than one read before the
// end, reading starts at size and orphan says its end must be dropped.
func lastLineStart(r io.ReaderAt, size int64) (start int64, orphan bool, err error) {
	if size == 0 {
		return 0, false, nil
	}
	begin := max(0, size-readSize)
	b := make([]byte, size-begin)
	if err := readAt(r, b, begin); err != nil {
		return 0, false, err
	}
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return begin + int64(i) + 1, false, nil
	}
	if begin == 0 {
		return 0, false, nil
	}
	return size, true, nil
}

// readAt fills b from off; reaching EOF early is an error, since callers
// only read below a size they have seen.
func readAt(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("follow: read at %d: %w", off, err)
}

func trimCR(l []byte) []byte {
	if n := len(l); n > 0 && l[n-1] == '\r' {
		return l[:n-1]
	}
	return l
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
