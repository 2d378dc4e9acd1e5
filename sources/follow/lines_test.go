package follow

import (
	"strings"
	"testing"
)

func TestSplitterMaxLine(t *testing.T) {
	const max = 8
	for _, tc := range []struct {
		name  string
		in    []string // pieces written one after another
		want  []string
		trunc int
	}{
		{"exactly max", []string{"12345678\n"}, []string{"12345678"}, 0},
		{"exactly max with CRLF", []string{"12345678\r\n"}, []string{"12345678"}, 0},
		{"max plus one", []string{"123456789\n"}, []string{"12345678"}, 1},
		{"max plus one with CRLF", []string{"123456789\r\n"}, []string{"12345678"}, 1},
		{"long, in pieces", []string{"1234", "5678", "9abc", "def\nok\n"}, []string{"12345678", "ok"}, 1},
		{"long, CR split from LF", []string{"12345678\r", "\nok\n"}, []string{"12345678", "ok"}, 0},
		{"empty lines", []string{"\n\r\n\n"}, []string{"", "", ""}, 0},
		{"lone CR kept inside", []string{"a\rb\n"}, []string{"a\rb"}, 0},
		{"unterminated at end", []string{"ab\ncd"}, []string{"ab", "cd"}, 0},
		{"unterminated long at end", []string{"ab\n0123456789abc"}, []string{"ab", "01234567"}, 1},
		{"unterminated CR at end", []string{"ab\r"}, []string{"ab"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSplitter("x", Options{MaxLine: max, ChunkLines: 100})
			c := &collector{}
			for _, p := range tc.in {
				s.write([]byte(p), c.emit)
			}
			s.finish(c.emit)
			if got := c.take(); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if c.trunc != tc.trunc {
				t.Errorf("truncated = %d, want %d", c.trunc, tc.trunc)
			}
			if cap(s.part) > keepPart || len(s.part) != 0 {
				t.Errorf("line buffer left at len %d cap %d", len(s.part), cap(s.part))
			}
		})
	}
}

func TestSplitterOrphan(t *testing.T) {
	s := newSplitter("x", Options{MaxLine: 100, ChunkLines: 100})
	s.orphan = true
	c := &collector{}
	s.write([]byte("end of an old line\nnew\n"), c.emit)
	s.flush(c.emit)
	if got := c.take(); len(got) != 1 || got[0] != "new" {
		t.Errorf("got %q, want [new]", got)
	}
}

func TestSplitterChunks(t *testing.T) {
	s := newSplitter("x", Options{MaxLine: 1 << 20, ChunkLines: 3})
	var chunks []Chunk
	emit := func(c Chunk) { chunks = append(chunks, c) }
	s.write([]byte(lines(1, 10)), emit)
	s.flush(emit)
	if len(chunks) != 4 {
		t.Fatalf("got %d chunks, want 4", len(chunks))
	}
	var got []string
	for _, c := range chunks {
		for _, l := range c.Lines {
			// Appending to one line must not clobber the next.
			_ = append(l, 'X')
		}
	}
	for _, c := range chunks {
		for _, l := range c.Lines {
			got = append(got, string(l))
		}
	}
	wantNumbered(t, got, 1, 10)

	// A chunk is also cut by size, so that it stays near chunkBytes.
	s = newSplitter("x", Options{MaxLine: 1 << 20, ChunkLines: 1 << 20})
	chunks = nil
	long := strings.Repeat("y", 400<<10) + "\n"
	s.write([]byte(long+long+long+long), emit)
	s.flush(emit)
	if len(chunks) != 2 {
		t.Errorf("4 lines of 400 KiB made %d chunks, want 2", len(chunks))
	}
}

// TestStepGiantLine writes a 10 MB line in three pieces between steps.
func TestStepGiantLine(t *testing.T) {
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	const maxLine = 1 << 20
	f, _ := newStepFollower(t, path, Options{FromStart: true, MaxLine: maxLine})
	c := &collector{}
	w.write(1)
	giant := make([]byte, 10<<20)
	for i := range giant {
		giant[i] = 'a' + byte(i%26)
	}
	w.raw(string(giant[:3<<20]))
	step(t, f, c)
	if len(f.split.part) > maxLine+1 {
		t.Errorf("holding %d bytes of a long line, want at most %d", len(f.split.part), maxLine+1)
	}
	w.raw(string(giant[3<<20:5<<20]) + "\r")
	step(t, f, c)
	w.raw(string(giant[5<<20:]) + "\r\n")
	w.n = 2
	w.write(1)
	step(t, f, c)
	got := c.take()
	if len(got) != 3 {
		t.Fatalf("got %d lines, want 3", len(got))
	}
	if got[0] != numbered(1) || got[2] != numbered(3) {
		t.Errorf("lines around the giant one are %q and %q", got[0], got[2])
	}
	if got[1] != string(giant[:maxLine]) {
		t.Errorf("giant line: got %d bytes, want its first %d", len(got[1]), maxLine)
	}
	if c.trunc != 1 {
		t.Errorf("truncated = %d, want 1", c.trunc)
	}
}

func TestStepCRLF(t *testing.T) {
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	w.raw("a\r\nb\r\n\r\nc\r")
	f, _ := newStepFollower(t, path, Options{FromStart: true})
	c := &collector{}
	step(t, f, c)
	w.raw("\nd\re\r\n")
	step(t, f, c)
	got := c.take()
	want := []string{"a", "b", "", "c", "d\re"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

// The slices of a chunk stay valid after later reads.
func TestStepChunksAreNotReused(t *testing.T) {
	_, path := tempLog(t)
	w := newLogWriter(t, path)
	f, _ := newStepFollower(t, path, Options{FromStart: true, ChunkLines: 7})
	var chunks []Chunk
	emit := func(c Chunk) { chunks = append(chunks, c) }
	for range 5 {
		w.write(33)
		if err := f.Step(emit); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, c := range chunks {
		if len(c.Lines) > 7 {
			t.Errorf("chunk of %d lines, want at most 7", len(c.Lines))
		}
		if c.Source != path {
			t.Errorf("chunk source %q, want %q", c.Source, path)
		}
		for _, l := range c.Lines {
			got = append(got, string(l))
		}
	}
	wantNumbered(t, got, 1, 165)
}
