package kumo

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func TestIsZstd(t *testing.T) {
	seg, err := os.ReadFile(testdata(t, "20261127-215000"))
	if err != nil {
		t.Fatal(err)
	}
	if !IsZstd(seg) || !IsZstd([]byte{0x5a, 0x2a, 0x4d, 0x18}) {
		t.Error("zstd not recognised")
	}
	for _, b := range [][]byte{nil, {0x28, 0xb5, 0x2f}, []byte(`{"type":`), {0x1f, 0x8b, 8, 0}} {
		if IsZstd(b) {
			t.Errorf("%q taken for zstd", b)
		}
	}
}

// The segment and the plain file read the same way through Open, and the
// segment's records are what zstd decompresses.
func TestOpen(t *testing.T) {
	plain := readAll(t, testdata(t, "kumo-2026-11-27.jsonl"))
	if len(plain) != 21 || !bytes.HasPrefix(plain[0], []byte(`{"type":"Reception"`)) {
		t.Fatalf("plain file: %d lines", len(plain))
	}
	seg := readAll(t, testdata(t, "20261127-215000"))
	if len(seg) != 10 || !bytes.HasPrefix(seg[0], []byte(`{"type":"Reception"`)) {
		t.Fatalf("segment: %d lines", len(seg))
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if lines := readAll(t, empty); len(lines) != 0 {
		t.Errorf("empty file: %d lines", len(lines))
	}
}

// A segment KumoMTA is still writing is a zstd stream without its end:
// the records flushed so far are read, then an error that wraps
// io.ErrUnexpectedEOF.
func TestOpenSegmentBeingWritten(t *testing.T) {
	var b bytes.Buffer
	w, err := zstd.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, bounce+"\n")
	w.Flush()
	io.WriteString(w, bounce+"\n")
	w.Flush() // not closed: no end of frame yet
	path := filepath.Join(t.TempDir(), "20261127-220000")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("error %v, want one wrapping io.ErrUnexpectedEOF", err)
	}
	if strings.Count(string(got), "\n") != 2 {
		t.Errorf("read %d bytes: %q", len(got), got)
	}
}

func TestOpenDamagedSegment(t *testing.T) {
	seg, err := os.ReadFile(testdata(t, "20261127-215000"))
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), seg...)
	for i := 12; i < len(bad); i += 7 {
		bad[i] ^= 0x5a
	}
	r, err := NewReader(bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := io.ReadAll(r); err == nil {
		t.Error("damaged segment read without error")
	}
}
