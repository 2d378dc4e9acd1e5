package demo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"time"
)

// Write writes exactly n lines of the campaign to w and returns the
// summary of what it wrote. Unless cfg.Rate is set, it picks the rate, and
// steers it as it goes, so that the log spans the whole story, about
// [-History, StoryEnd) around cfg.Start, whatever n is: a small n gives a
// sparse log, a large one a dense log, with the same surge at the same
// times. With cfg.Rate set, it writes the first n lines New(cfg).Next
// would. The lines are in cfg.MTA's format; a PowerMTA file's first line
// is its header.
func Write(w io.Writer, cfg Config, n int) (Summary, error) {
	plan := cfg.Rate <= 0
	span := History + StoryEnd
	if plan {
		cfg.Rate = max(float64(n)/(cfg.MTA.linesPerResult()*span.Seconds()), 1e-3)
	}
	s := New(cfg)
	if plan {
		s.planLines, s.planEnd = int64(n), span.Milliseconds()
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	buf := make([]byte, 0, 4096)
	for s.lines < int64(n) {
		buf = s.step(buf[:0])
		if _, err := bw.Write(buf); err != nil {
			return s.Summary(), fmt.Errorf("demo: write: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return s.Summary(), fmt.Errorf("demo: write: %w", err)
	}
	return s.Summary(), nil
}

// liveTick is how often Live wakes up to write the lines that fell due.
const liveTick = 50 * time.Millisecond

// Live writes the campaign into w in real time until ctx is done, and
// returns the summary of what it wrote. It first writes the History before
// cfg.Start at once (so a dashboard following w has windows to show), then
// paces the lines to the wall clock: speed is simulated seconds per real
// second (1 when not positive). A zero cfg.Start means now. Each batch is
// flushed before Live sleeps, so a follower sees lines promptly. Live
// returns a nil error when ctx ends it, or the first write error.
func Live(ctx context.Context, w io.Writer, cfg Config, speed float64) (Summary, error) {
	if cfg.Start.IsZero() {
		cfg.Start = time.Now()
	}
	if speed <= 0 {
		speed = 1
	}
	s := New(cfg)
	return s.live(ctx, w, speed, time.Now, liveTick)
}

// live is Live with the wall clock and tick injected.
func (s *Sim) live(ctx context.Context, w io.Writer, speed float64, now func() time.Time, tick time.Duration) (Summary, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	buf := make([]byte, 0, 4096)
	// upTo writes every line due at or before simulated ms target.
	upTo := func(target int64) error {
		for s.due(target) {
			if buf = s.advance(buf[:0]); len(buf) == 0 {
				continue
			}
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
		return bw.Flush()
	}
	if err := upTo(s.start - 1); err != nil {
		return s.Summary(), fmt.Errorf("demo: write: %w", err)
	}
	wall0 := now()
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return s.Summary(), nil
		case <-t.C:
		}
		// A tick and the end can both be ready; select picks either, so
		// look again rather than write on after the end.
		if ctx.Err() != nil {
			return s.Summary(), nil
		}
		elapsed := float64(now().Sub(wall0).Milliseconds()) * speed
		if err := upTo(s.start + int64(elapsed)); err != nil {
			return s.Summary(), fmt.Errorf("demo: write: %w", err)
		}
	}
}
