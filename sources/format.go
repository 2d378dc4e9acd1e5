package sources

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/exim"
	"github.com/relaytop/relaytop/sources/kumo"
	"github.com/relaytop/relaytop/sources/line"
	"github.com/relaytop/relaytop/sources/pmta"
	"github.com/relaytop/relaytop/sources/postfix"
	"github.com/relaytop/relaytop/sources/sendmail"
	"github.com/relaytop/relaytop/sources/syslog"
)

// Format is a log format relaytop reads.
type Format string

// The formats. Syslog reads a syslog file that may mix Postfix and
// Sendmail (Sendmail handing to a local Postfix is common); Postfix and
// Sendmail read one program only.
const (
	Auto     Format = "auto"
	Syslog   Format = "syslog"
	Postfix  Format = "postfix"
	Sendmail Format = "sendmail"
	Exim     Format = "exim"
	PMTA     Format = "pmta"
	Kumo     Format = "kumo"
)

// Formats lists the formats --format accepts.
var Formats = []Format{Auto, Syslog, Postfix, Sendmail, Exim, PMTA, Kumo}

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == strings.ToLower(s) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("--format %q: want one of %s", s, strings.Join(names, ", "))
}

// NewParser returns a parser for f; years dates classic syslog timestamps.
func NewParser(f Format, years syslog.Years) line.Parser {
	switch f {
	case Postfix:
		return postfix.New(years)
	case Sendmail:
		return sendmail.New(years)
	case Exim:
		return exim.New(years)
	case PMTA:
		return pmta.New()
	case Kumo:
		return kumo.New()
	}
	return &syslogMux{postfix.New(years), sendmail.New(years)}
}

// syslogMux reads a syslog file holding Postfix and Sendmail lines: a
// line Postfix does not claim (another program's) goes to Sendmail.
type syslogMux struct {
	pf *postfix.Parser
	sm *sendmail.Parser
}

func (m *syslogMux) Parse(l []byte, out []model.Event) ([]model.Event, line.Kind) {
	out, k := m.pf.Parse(l, out)
	if k != line.Other {
		return out, k
	}
	return m.sm.Parse(l, out)
}

// Stage and EndChunk split the Postfix parser's work (postfix.Parser.Stage);
// Sendmail lines are parsed whole in Parse.
func (m *syslogMux) Stage() { m.pf.Stage() }

func (m *syslogMux) Borrow() { m.pf.Borrow() }

func (m *syslogMux) EndChunk() func([]model.Event) []model.Event { return m.pf.EndChunk() }

// stager is a parser whose ordered work can run apart from Parse, one
// chunk behind it (postfix.Parser.Stage), and whose events can borrow
// their lines (postfix.Parser.Borrow).
type stager interface {
	Stage()
	Borrow()
	EndChunk() func([]model.Event) []model.Event
}

// setYears sets the year reference of a parser that reads classic syslog
// timestamps (the others carry their years).
func setYears(p line.Parser, years syslog.Years) {
	switch p := p.(type) {
	case *syslogMux:
		p.pf.Syslog.Years, p.sm.Syslog.Years = years, years
	case *postfix.Parser:
		p.Syslog.Years = years
	case *sendmail.Parser:
		p.Syslog.Years = years
	case *exim.Parser:
		p.Syslog.Years = years
	}
}

// detectLines is how many non-blank lines detection looks at.
const detectLines = 64

// Detect picks the format of a log from its first lines: each format's
// real parser reads them, and the format whose parser recognises the most
// (results count most, then the MTA's other lines, then lines of other
// programs in a syslog file) wins. With nothing recognised it says Syslog,
// the commonest. The parsers are the only definition of each format, so
// detection and parsing never disagree about what a line is.
func Detect(lines [][]byte) Format {
	best, bestScore := Syslog, 0
	for _, f := range []Format{Syslog, Exim, PMTA, Kumo} {
		p := NewParser(f, syslog.Years{})
		score, n := 0, 0
		for _, l := range lines {
			if len(bytes.TrimSpace(l)) == 0 {
				continue
			}
			if n++; n > detectLines {
				break
			}
			_, k := p.Parse(l, nil)
			switch k {
			case line.Result:
				score += 4
			case line.Noise:
				score += 3
			case line.Other:
				score++
			}
		}
		if score > bestScore {
			best, bestScore = f, score
		}
	}
	return best
}

// headSize is how much of a file detection reads.
const headSize = 64 << 10

// DetectFile detects the format of the file at path from its head; a zstd
// file (a KumoMTA log segment) is Kumo. It returns Auto when the file
// cannot be read yet (it may not exist yet).
func DetectFile(path string) Format {
	f, err := os.Open(path)
	if err != nil {
		return Auto
	}
	defer f.Close()
	buf := make([]byte, headSize)
	n, _ := io.ReadFull(f, buf)
	buf = buf[:n]
	if kumo.IsZstd(buf) {
		return Kumo
	}
	if n == 0 {
		return Auto
	}
	return Detect(splitHead(buf))
}

// splitHead splits a file's head into lines, dropping a last line that
// may be cut.
func splitHead(buf []byte) [][]byte {
	lines := bytes.Split(buf, []byte("\n"))
	if len(lines) > 1 && len(buf) == headSize {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		lines[i] = bytes.TrimSuffix(l, []byte("\r"))
	}
	return lines
}

// firstLine returns the first line of the file at path (a PowerMTA
// header), or nil.
func firstLine(path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	buf := make([]byte, 16<<10)
	n, _ := io.ReadFull(f, buf)
	if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
		return bytes.TrimSuffix(buf[:i], []byte("\r"))
	}
	return nil
}

// isZstdFile reports whether the file at path starts with the zstd magic.
func isZstdFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var b [4]byte
	n, _ := io.ReadFull(f, b[:])
	return kumo.IsZstd(b[:n])
}
