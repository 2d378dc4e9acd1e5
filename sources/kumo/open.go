package kumo

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
)

// maxWindow bounds the memory a zstd stream may ask for. KumoMTA writes
// with the zstd library's defaults (compression level 3 unless
// configured: an 8 MiB window at most); 64 MiB leaves room for any level
// and refuses hostile frames that ask for gigabytes.
const maxWindow = 64 << 20

// IsZstd reports whether b starts with a zstd frame: the frame magic
// 28 B5 2F FD, or a skippable frame (50..5F 2A 4D 18).
func IsZstd(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	return bytes.Equal(b[:4], []byte{0x28, 0xb5, 0x2f, 0xfd}) ||
		(b[0]&0xf0 == 0x50 && bytes.Equal(b[1:4], []byte{0x2a, 0x4d, 0x18}))
}

// Open opens a KumoMTA log file: a zstd-compressed segment (detected by
// its magic, whatever its name) is decompressed as it is read, anything
// else is read as it is (plain JSON lines). Closing the reader closes
// the file.
//
// KumoMTA writes a segment as one zstd stream and closes it when the
// segment is full, so the segment being written is a stream without its
// end: reading it returns the records written so far and then an error
// wrapping io.ErrUnexpectedEOF. Treat that as "no more for now", not as
// damage; a damaged segment gives another zstd error.
func Open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("kumo: %w", err)
	}
	r, err := NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("kumo: %s: %w", path, err)
	}
	return &fileReader{ReadCloser: r, f: f}, nil
}

// NewReader returns a reader of r's log records, decompressing them when r
// starts with a zstd frame. Closing it releases the decoder but does not
// close r.
func NewReader(r io.Reader) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(4)
	if err != nil && err != io.EOF {
		return nil, err
	}
	if !IsZstd(head) {
		return io.NopCloser(br), nil
	}
	d, err := zstd.NewReader(br,
		zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxWindow(maxWindow),
		zstd.WithDecoderMaxMemory(maxWindow))
	if err != nil {
		return nil, err
	}
	return &zstdReader{d: d}, nil
}

// zstdReader reads a zstd stream, turning a stream cut short into an error
// that wraps io.ErrUnexpectedEOF.
type zstdReader struct {
	d *zstd.Decoder
}

func (z *zstdReader) Read(p []byte) (int, error) {
	n, err := z.d.Read(p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return n, fmt.Errorf("kumo: zstd stream ends early (segment still being written?): %w", err)
	}
	return n, err
}

func (z *zstdReader) Close() error {
	z.d.Close()
	return nil
}

// fileReader closes the file after the reader on top of it.
type fileReader struct {
	io.ReadCloser
	f *os.File
}

func (r *fileReader) Close() error {
	r.ReadCloser.Close()
	return r.f.Close()
}
