package follow

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// drain runs read with an unbuffered channel and gathers what it sends.
func drain(t *testing.T, read func(out chan<- Chunk) error) ([]string, error) {
	t.Helper()
	out := make(chan Chunk)
	errc := make(chan error, 1)
	go func() { errc <- read(out); close(out) }()
	c := &collector{}
	for ch := range out {
		c.emit(ch)
	}
	return c.take(), <-errc
}

func TestReadFileGzip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mail.log.2.gz")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// Two gzip members, as concatenated archives have, and a last line
	// without a newline.
	for _, part := range []string{lines(1, 30000), lines(30001, 50000) + numbered(50001)} {
		zw := gzip.NewWriter(fh)
		if _, err := zw.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	fh.Close()
	got, err := drain(t, func(out chan<- Chunk) error {
		return ReadFile(t.Context(), path, Options{}, out)
	})
	if err != nil {
		t.Fatal(err)
	}
	wantNumbered(t, got, 1, 50001)
}

func TestReadFilePlain(t *testing.T) {
	_, path := tempLog(t)
	writeFile(t, path, lines(1, 99)+numbered(100))
	got, err := drain(t, func(out chan<- Chunk) error {
		return ReadFile(t.Context(), path, Options{ChunkLines: 7}, out)
	})
	if err != nil {
		t.Fatal(err)
	}
	wantNumbered(t, got, 1, 100)
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := drain(t, func(out chan<- Chunk) error {
		return ReadFile(t.Context(), filepath.Join(dir, "absent"), Options{}, out)
	})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("absent file: %v, want ErrNotExist", err)
	}
	bad := filepath.Join(dir, "bad.gz")
	writeFile(t, bad, "not gzip at all\n")
	_, err = drain(t, func(out chan<- Chunk) error {
		return ReadFile(t.Context(), bad, Options{}, out)
	})
	if !errors.Is(err, gzip.ErrHeader) {
		t.Errorf("bad gzip: %v, want gzip.ErrHeader", err)
	}
}

// TestReadStreamPipe feeds a pipe in pieces that split lines, and checks
// that complete lines arrive before the writer is done.
func TestReadStreamPipe(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	out := make(chan Chunk)
	errc := make(chan error, 1)
	go func() { errc <- ReadStream(t.Context(), pr, Options{}, out) }()

	c := &collector{}
	want := lines(1, 3) + numbered(4)[:10]
	go func() { _, _ = pw.WriteString(want) }()
	deadline := time.After(10 * time.Second)
	for len(c.lines) < 3 {
		select {
		case ch := <-out:
			c.emit(ch)
		case <-deadline:
			t.Fatalf("only %d lines arrived before the stream ended", len(c.lines))
		}
	}
	go func() {
		_, _ = pw.WriteString(numbered(4)[10:] + "\n" + lines(5, 999) + numbered(1000))
		pw.Close()
	}()
	for ch := range out {
		c.emit(ch)
		if last(c.lines) == numbered(1000) {
			break
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	wantNumbered(t, c.take(), 1, 1000)
}

func TestReadStreamCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	defer pw.Close()
	errc := make(chan error, 1)
	go func() { errc <- ReadStream(ctx, pr, Options{}, make(chan Chunk)) }()
	_, _ = pw.Write([]byte("a line nobody takes\n"))
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("ReadStream = %v, want context.Canceled", err)
	}
}
