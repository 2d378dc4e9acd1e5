package follow

import "bytes"

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
}

const (
	// readSize is the size of one read(2).
	readSize = 64 << 10
	// chunkBytes caps the line bytes of one chunk; a single line longer than
	// this gets a chunk of its own.
	chunkBytes = 1 << 20
	// keepPart is the largest line buffer kept for reuse after a long line.
	keepPart = 64 << 10
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

	hint  int    // bytes left in the current write, to size a new chunk
	buf   []byte // line bytes of the chunk being filled, without newlines
	ends  []int  // end offset in buf of each line
	trunc int    // lines cut in the chunk being filled
	lines int64  // lines delivered in total
}

func newSplitter(source string, opt Options) *splitter {
	return &splitter{source: source, maxLine: opt.MaxLine, chunkLines: opt.ChunkLines}
}

// write splits p into lines; complete chunks go to emit as they fill.
func (s *splitter) write(p []byte, emit func(Chunk)) {
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
	l := p
	if len(s.part) > 0 || s.discard {
		s.hold(p)
		l = s.part
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
	s.add(l, cut, emit)
	s.reset()
}

// reset forgets the unterminated line.
func (s *splitter) reset() {
	s.part, s.discard = s.part[:0], false
	if cap(s.part) > keepPart {
		s.part = nil
	}
}

// add appends one finished line to the chunk being filled.
func (s *splitter) add(l []byte, cut bool, emit func(Chunk)) {
	if s.skip != nil {
		if s.skip(l) {
			return
		}
		s.skip = nil
	}
	if s.buf == nil {
		s.buf = make([]byte, 0, min(max(s.hint, 512), chunkBytes))
	}
	s.buf = append(s.buf, l...)
	s.ends = append(s.ends, len(s.buf))
	if cut {
		s.trunc++
	}
	if len(s.ends) >= s.chunkLines || len(s.buf) >= chunkBytes {
		s.flush(emit)
	}
}

// flush sends the lines gathered so far, if any, as one chunk.
func (s *splitter) flush(emit func(Chunk)) {
	if len(s.ends) == 0 {
		return
	}
	lines := make([][]byte, len(s.ends))
	start := 0
	for i, end := range s.ends {
		lines[i] = s.buf[start:end:end]
		start = end
	}
	c := Chunk{Source: s.source, Lines: lines, Truncated: s.trunc}
	s.lines += int64(len(lines))
	s.buf, s.ends, s.trunc = nil, s.ends[:0], 0
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
