package follow

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
)

// ReadFile reads the file at path from start to end and sends its lines on
// out, decompressing it when the name ends in ".gz"; a last line without a
// newline is delivered too. Of the options only MaxLine and ChunkLines apply.
// It does not close out. It returns ctx.Err() if ctx is done first, and
// errors opening or reading the file (wrapping fs.ErrNotExist,
// fs.ErrPermission, gzip.ErrHeader, ...).
func ReadFile(ctx context.Context, path string, opt Options, out chan<- Chunk) error {
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("follow: %w", err)
	}
	defer fh.Close()
	var r io.Reader = fh
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(fh)
		if err != nil {
			return fmt.Errorf("follow: %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	return readAll(ctx, r, path, opt, out)
}

// ReadStream reads r to EOF (standard input, say) and sends its lines on
// out, with Chunk.Source "". It behaves like ReadFile, except that a Read
// blocked on a pipe is only noticed to be cancelled when it returns.
func ReadStream(ctx context.Context, r io.Reader, opt Options, out chan<- Chunk) error {
	return readAll(ctx, r, "", opt, out)
}

// readAll is the one-shot loop shared by ReadFile and ReadStream.
func readAll(ctx context.Context, r io.Reader, name string, opt Options, out chan<- Chunk) error {
	s := newSplitter(name, opt.withDefaults())
	emit := func(c Chunk) {
		select {
		case out <- c:
		case <-ctx.Done():
		}
	}
	// Large reads go into fresh buffers that the chunks keep, so lines are
	// not copied; small ones (a trickling pipe) are copied out of a reused
	// buffer, so a few bytes never hold a megabyte.
	pb := getBuf()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		buf := *pb
		n, err := r.Read(buf)
		if n > 0 {
			full := n == len(buf)
			if n >= readSize {
				s.writeOwned(buf[:n], pb, emit)
				pb = getBuf()
			} else {
				s.write(buf[:n], emit)
			}
			if !full {
				// A short read: a pipe with nothing more for now.
				// Pass on what is complete rather than wait.
				s.flush(emit)
			}
		}
		if err == io.EOF {
			s.finish(emit)
			return ctx.Err()
		}
		if err != nil {
			s.flush(emit)
			if name == "" {
				name = "stream"
			}
			return fmt.Errorf("follow: read %s: %w", name, err)
		}
	}
}
