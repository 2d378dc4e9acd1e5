package pmta

import "bytes"

// span is one field of a split line: line[start:end], or buf[start:end]
// when the field held doubled quotes and had to be unescaped.
type span struct {
	start, end int
	inBuf      bool
}

// splitter splits one CSV line (RFC 4180, as PowerMTA writes it) into
// fields without allocating once its slices have grown: fields point into
// the line, and only a field with doubled quotes is copied, unescaped,
// into buf. It is lenient the way encoding/csv's LazyQuotes is: a quote
// inside an unquoted field is kept, a quote inside a quoted field that is
// neither doubled nor followed by a comma is kept, and an unterminated
// quoted field runs to the end of the line. A line is one record: a quoted
// field holding a line break (which PowerMTA may write for a multi-line
// diagnostic) is cut at the break, and the two halves read as two
// malformed lines.
type splitter struct {
	spans []span
	buf   []byte
}

// split splits line; read the fields with n and field.
func (s *splitter) split(line []byte) {
	s.spans = s.spans[:0]
	s.buf = s.buf[:0]
	i := 0
	for {
		if i < len(line) && line[i] == '"' {
			end, next := s.quoted(line, i+1)
			s.spans = append(s.spans, end)
			if next >= len(line) {
				return
			}
			i = next + 1 // past the comma
			continue
		}
		c := bytes.IndexByte(line[i:], ',')
		if c < 0 {
			s.spans = append(s.spans, span{start: i, end: len(line)})
			return
		}
		s.spans = append(s.spans, span{start: i, end: i + c})
		i += c + 1
	}
}

// quoted reads a quoted field whose content starts at start. It returns
// the field and the index of the byte after the closing quote (the comma,
// or len(line)).
func (s *splitter) quoted(line []byte, start int) (span, int) {
	seg := start // start of the content not yet copied to buf
	bufStart := len(s.buf)
	copied := false
	j := start
	for {
		q := bytes.IndexByte(line[j:], '"')
		if q < 0 {
			return s.closeQuoted(line, start, seg, len(line), bufStart, copied), len(line)
		}
		q += j
		switch {
		case q+1 < len(line) && line[q+1] == '"': // "" is one quote
			s.buf = append(s.buf, line[seg:q+1]...)
			seg, j, copied = q+2, q+2, true
		case q+1 == len(line) || line[q+1] == ',': // the closing quote
			return s.closeQuoted(line, start, seg, q, bufStart, copied), q + 1
		default: // a stray quote: keep it
			j = q + 1
		}
	}
}

func (s *splitter) closeQuoted(line []byte, start, seg, end, bufStart int, copied bool) span {
	if !copied {
		return span{start: start, end: end}
	}
	s.buf = append(s.buf, line[seg:end]...)
	return span{start: bufStart, end: len(s.buf), inBuf: true}
}

// n returns the number of fields of the last split line.
func (s *splitter) n() int { return len(s.spans) }

// field returns field i of line (the line last split), or nil when the
// line has fewer fields.
func (s *splitter) field(line []byte, i int) []byte {
	if i < 0 || i >= len(s.spans) {
		return nil
	}
	sp := s.spans[i]
	if sp.inBuf {
		return s.buf[sp.start:sp.end]
	}
	return line[sp.start:sp.end]
}
