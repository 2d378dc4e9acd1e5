package follow

import (
	"bytes"
	"sync"
)

// Chunk is a batch of complete lines read from one source, in file order.
//
// Lines exclude the trailing "\n" (and a "\r" before it). The slices point
// into a buffer owned by the chunk that is never reused, so a consumer may
// keep them for as long as it likes.
type Chunk struct {
	// Source is the path the lines were read from ("" for ReadStream).
	Source string
	// Lines are the lines, oldest first.
	Lines [][]byte
	// Truncated counts lines longer than Options.MaxLine; they were cut to
	// MaxLine bytes and are still in Lines.
	Truncated int

	// owned is the pooled read buffer the lines lie in, if any.
	owned *[]byte
}

// Release hands the chunk's read buffer back for reuse. A consumer that
// is done with the lines (it copied what it keeps) may call it; after it,
// Lines must not be used. Not calling it is always safe.
func (c *Chunk) Release() {
	if c.owned != nil {
		bufPool.Put(c.owned)
		c.owned = nil
	}
	if c.Lines != nil {
		// The slice too: cleared, so that it keeps no buffer alive.
		l := c.Lines[:cap(c.Lines)]
		clear(l)
		linesPool.Put(&l)
		c.Lines = nil
	}
}

// linesPool recycles the slices that hold a chunk's lines: thousands of
// line headers a chunk, grown from nothing, were a third of what a report
// allocated.
var linesPool sync.Pool

// newLines returns an empty slice for a chunk's lines, recycled if one is.
func newLines() [][]byte {
	if l, ok := linesPool.Get().(*[][]byte); ok {
		return (*l)[:0]
	}
	return nil
}

// bufPool recycles bulk read buffers: a fresh buffer for every read costs
// page faults and garbage collection at hundreds of megabytes a second.
var bufPool = sync.Pool{New: func() any { b := make([]byte, bulkRead); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

const (
	// readSize is the size of one read(2).
	readSize = 64 << 10
	// chunkBytes caps the line bytes of one chunk; a single line longer than
	// this gets a chunk of its own.
	chunkBytes = 1 << 20
	// keepPart is the largest line buffer kept for reuse after a long line.
	keepPart = 64 << 10
	// bulkRead is the size of one read when reading a file through (the
	// one-shot readers): such reads go into fresh buffers the chunks keep,
	// so lines are not copied. A report has about seven chunks in flight
	// (read ahead, parsed, aggregated): at 1 MB they were 7 MB of its
	// peak; at 256 KB the time is the same.
	bulkRead = 256 << 10
)

// splitter cuts a byte stream into lines and batches them into chunks.
//
// Bytes after the last newline are held in part until their newline arrives
// (or finish is called). part never holds more than maxLine+1 bytes: once a
// line is known to be longer than maxLine, the rest of it up to its newline is
// discarded, so memory stays bounded by maxLine plus one read and one chunk.
// (One byte more than maxLine is kept so that a line of exactly maxLine bytes
// followed by "\r\n" is not taken for a long one.)
type splitter struct {
	source     string
	maxLine    int
	chunkLines int

	// skip, while non-nil, drops lines for which it reports true; the first
	// line it keeps clears it. Backfill uses it to skip lines older than the
	// cutoff up to the first recent one.
	skip func(line []byte) bool
	// orphan drops the bytes up to the next newline: the end of a line whose
	// start was never read (reading began in the middle of it).
	orphan bool

	part    []byte
	discard bool // part is full and the rest of its line is being dropped

	hint  int      // bytes left in the current write, to size copy space
	owned bool     // the current write's buffer may be kept by chunks
	pool  *[]byte  // that buffer, when it came from bufPool
	buf   []byte   // copy space for lines that do not lie whole in an owned buffer
	out   [][]byte // lines of the chunk being filled
	size  int      // bytes in out
	trunc int      // lines cut in the chunk being filled
	lines int64    // lines delivered in total
}

func newSplitter(source string, opt Options) *splitter {
	return &splitter{source: source, maxLine: opt.MaxLine, chunkLines: opt.ChunkLines}
}

// write splits p into lines; complete chunks go to emit as they fill.
// The lines are copied: the caller may reuse p.
func (s *splitter) write(p []byte, emit func(Chunk)) {
	s.owned = false
	s.split(p, emit)
}

// writeOwned is write for a buffer the caller will never touch again:
// lines that lie whole in p are handed out as slices of it, not copied.
// The chunk holding them ends with this write, so the buffer (pool, when
// it came from bufPool) belongs to that one chunk, which may release it.
func (s *splitter) writeOwned(p []byte, pool *[]byte, emit func(Chunk)) {
	s.owned, s.pool = true, pool
	s.split(p, emit)
	s.flush(emit)
	s.owned, s.pool = false, nil
}

func (s *splitter) split(p []byte, emit func(Chunk)) {
	for {
		s.hint = len(p)
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.hold(p)
			return
		}
		s.line(p[:i], emit)
		p = p[i+1:]
	}
}

// hold appends an unterminated piece of a line to part, up to the limit.
func (s *splitter) hold(p []byte) {
	if s.orphan || s.discard || len(p) == 0 {
		return
	}
	if room := s.maxLine + 1 - len(s.part); len(p) > room {
		p = p[:room]
		s.discard = true
	}
	s.part = append(s.part, p...)
}

// line ends the current line with p, its last piece (without the newline).
func (s *splitter) line(p []byte, emit func(Chunk)) {
	if s.orphan {
		s.orphan = false
		s.reset()
		return
	}
	l, copied := p, false
	if len(s.part) > 0 || s.discard {
		s.hold(p)
		l, copied = s.part, true
	}
	cut := s.discard || len(l) > s.maxLine+1
	if !cut {
		if n := len(l); n > 0 && l[n-1] == '\r' {
			l = l[:n-1]
		}
		cut = len(l) > s.maxLine
	}
	if cut {
		l = l[:s.maxLine]
	}
	s.add(l, cut, copied || !s.owned, emit)
	s.reset()
}

// reset forgets the unterminated line.
func (s *splitter) reset() {
	s.part, s.discard = s.part[:0], false
	if cap(s.part) > keepPart {
		s.part = nil
	}
}

// add appends one finished line to the chunk being filled; mustCopy says
// l lies in memory that will change (part, or a caller's read buffer).
func (s *splitter) add(l []byte, cut, mustCopy bool, emit func(Chunk)) {
	if s.skip != nil {
		if s.skip(l) {
			return
		}
		s.skip = nil
	}
	if mustCopy {
		l = s.save(l)
	}
	s.out = append(s.out, l[:len(l):len(l)])
	s.size += len(l)
	if cut {
		s.trunc++
	}
	// Within an owned write the chunk ends with the write (see writeOwned).
	if !s.owned && (len(s.out) >= s.chunkLines || s.size >= chunkBytes) {
		s.flush(emit)
	}
}

// save copies l into the copy space. Bytes once written there are never
// written again (a full copy space is replaced, not reused), so every
// chunk's lines stay valid for as long as the chunk is kept.
func (s *splitter) save(l []byte) []byte {
	if cap(s.buf)-len(s.buf) < len(l) {
		s.buf = make([]byte, 0, max(len(l), min(max(2*s.hint, 4096), chunkBytes)))
	}
	start := len(s.buf)
	s.buf = append(s.buf, l...)
	return s.buf[start:len(s.buf):len(s.buf)]
}

// flush sends the lines gathered so far, if any, as one chunk.
func (s *splitter) flush(emit func(Chunk)) {
	if len(s.out) == 0 {
		return
	}
	c := Chunk{Source: s.source, Lines: s.out, Truncated: s.trunc, owned: s.pool}
	s.lines += int64(len(s.out))
	s.out, s.size, s.trunc = newLines(), 0, 0
	emit(c)
}

// finish ends the source: an unterminated last line is delivered as it is,
// and everything gathered is flushed.
func (s *splitter) finish(emit func(Chunk)) {
	if s.orphan {
		s.orphan = false
		s.reset()
	}
	if len(s.part) > 0 || s.discard {
		s.line(nil, emit)
	}
	s.skip = nil
	s.flush(emit)
}
