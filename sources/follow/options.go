package follow

import (
	"fmt"
	"time"
)

// Options configure a Follower and, where noted, the one-shot readers.
// The zero value follows from the end of the file with the defaults below.
type Options struct {
	// FromStart reads the file's existing content from offset 0.
	FromStart bool
	// Since, when FromStart is false and TimeOf is set, backfills this much
	// history before following: reading starts at the first line stamped at
	// or after min(Now(), time of the file's last stamped line) - Since.
	// Zero starts at the end of the file (at the start of a last line still
	// being written).
	Since time.Duration
	// TimeOf returns the timestamp of a log line, ok=false when it has none.
	TimeOf func(line []byte) (t time.Time, ok bool)
	// Now is the clock (default time.Now); tests inject a fake one.
	Now func() time.Time
	// Poll is the interval of the safety-net poll (default 250ms).
	Poll time.Duration
	// Quiet is how long a rotated-away file must stay unchanged before it is
	// left for the new one (default 300ms).
	Quiet time.Duration
	// MaxLine is the longest line kept whole (default 1 MiB); longer lines
	// are cut to MaxLine bytes, never split in two, and counted in
	// Chunk.Truncated. It applies to the one-shot readers too.
	MaxLine int
	// ChunkLines is the most lines sent in one Chunk (default 4096). It
	// applies to the one-shot readers too.
	ChunkLines int
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Poll <= 0 {
		o.Poll = 250 * time.Millisecond
	}
	if o.Quiet <= 0 {
		o.Quiet = 300 * time.Millisecond
	}
	if o.MaxLine <= 0 {
		o.MaxLine = 1 << 20
	}
	if o.ChunkLines <= 0 {
		o.ChunkLines = 4096
	}
	return o
}

// State is what a Follower is doing.
type State int

// The states of a Follower, in Status.State.
const (
	// Waiting means the path does not exist; it is read from offset 0 when it
	// appears.
	Waiting State = iota
	// Backfilling means existing content is being read (FromStart or Since)
	// and the end of the file has not been reached yet.
	Backfilling
	// Following means the Follower has caught up with the end of the file.
	Following
	// Rotating means the file was rotated and the old one is being drained
	// until it has been quiet for Options.Quiet.
	Rotating
	// Error means the last attempt failed (Status.Err says why); it is retried.
	Error
)

// String returns the state's lowercase name.
func (s State) String() string {
	switch s {
	case Waiting:
		return "waiting"
	case Backfilling:
		return "backfilling"
	case Following:
		return "following"
	case Rotating:
		return "rotating"
	case Error:
		return "error"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Status is a snapshot of a Follower, for display.
type Status struct {
	// Path is the followed path as given to New.
	Path string
	// State is what the Follower is doing.
	State State
	// Err is the last error (permission denied, say), nil once it is fixed.
	Err error
	// Offset is the byte offset read so far in the file being read.
	Offset int64
	// Rotations counts files left after a rotation.
	Rotations int
	// Truncations counts in-place truncations (copytruncate).
	Truncations int
	// Lines counts the lines delivered.
	Lines int64
	// Since is when the Follower entered State.
	Since time.Time
}
