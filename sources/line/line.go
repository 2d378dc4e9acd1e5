// Package line names what a parser made of one log line. Every parser in
// sources/ reports one of these kinds per line, so that every line read is
// accounted for: a result, skipped (readable, but no result), or unparsed.
package line

import "github.com/relaytop/relaytop/model"

// Kind says what a line was.
type Kind uint8

// The kinds of line parsers tell apart.
const (
	Blank    Kind = iota // empty or white space only
	Unparsed             // not a line of the format, or a result that cannot be read
	Other                // a readable line of another program (a syslog file mixes many)
	Noise                // a line of the MTA that carries no result
	Result               // a delivery result or expiry: events were produced
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Blank:
		return "blank"
	case Unparsed:
		return "unparsed"
	case Other:
		return "other"
	case Noise:
		return "noise"
	case Result:
		return "result"
	}
	return "unknown"
}

// Parser reads one log format. Parse reads one line (without its newline),
// appends the events it holds to out and says what kind of line it was.
// A parser may keep state across lines (Postfix remembers deferred
// recipients for expiries), so each stream gets its own, and it is not
// safe for concurrent use.
type Parser interface {
	Parse(line []byte, out []model.Event) ([]model.Event, Kind)
}
