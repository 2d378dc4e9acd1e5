package sources

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/follow"
	"github.com/relaytop/relaytop/sources/line"
	"github.com/relaytop/relaytop/sources/poll"
	"github.com/relaytop/relaytop/sources/syslog"
)

// ReadAll reads finished inputs from start to end into a new aggregator:
// the one-shot path behind `relaytop report`. Files are read oldest
// first (by modification time, so "mail.log.2.gz mail.log.1 mail.log"
// in any order reads as written) through one parser, so that an expiry
// logged in one file applies to deferrals logged in an older one. Stdin
// is read where it appears among the arguments.
func ReadAll(ctx context.Context, specs []Spec, opt Options) (*model.Aggregator, error) {
	opt.defaults()
	for _, s := range specs {
		if s.Kind == PollInput {
			return nil, fmt.Errorf("%s: %w (give a duration: report --for 1m)", poll.Redact(s.Path), ErrPolledOnce)
		}
	}
	agg := model.NewAggregator(opt.Aggregator)
	specs = append([]Spec(nil), specs...)
	sort.SliceStable(specs, func(i, j int) bool {
		if specs[i].Kind == StdinInput || specs[j].Kind == StdinInput {
			return false
		}
		return modTime(specs[i].Path, opt.Now()).Before(modTime(specs[j].Path, opt.Now()))
	})
	// Reading, parsing and aggregating run on three goroutines, so that a
	// report uses every core: the reader and the aggregator each take a
	// batch while the parser works on the next. A parser that can split
	// its work (Postfix) leaves the part that must run in line order, the
	// expiry memory, to the aggregator's goroutine: the parser's was the
	// busiest. Such a parser also borrows: its events point into the
	// chunk's lines, so the chunk is released once the aggregator is done.
	type staged struct {
		b       model.Batch
		finish  func([]model.Event) []model.Event
		release func()
	}
	batches := make(chan staged, 2)
	aggDone := make(chan struct{})
	go func() {
		defer close(aggDone)
		for s := range batches {
			if s.finish != nil {
				s.b.Events = s.finish(s.b.Events)
			}
			agg.AddBatch(&s.b)
			recycle(&s.b)
			if s.release != nil {
				s.release()
			}
		}
	}()
	defer func() { close(batches); <-aggDone }()
	// One parser per format, shared by the files of that format.
	parsers := map[Format]line.Parser{}
	for _, s := range specs {
		var years syslog.Years
		if s.Kind == StdinInput {
			years = syslog.Years{Ref: opt.Now}
		} else {
			years = syslog.Fixed(modTime(s.Path, opt.Now()))
		}
		f := opt.Format
		if f == "" {
			f = Auto
		}
		if f == Auto && s.Kind != StdinInput {
			f = DetectFile(s.Path)
		}
		chunks := make(chan follow.Chunk, 2)
		errc := make(chan error, 1)
		go func() {
			defer close(chunks)
			switch s.Kind {
			case StdinInput:
				errc <- follow.ReadStream(ctx, opt.Stdin, follow.Options{}, chunks)
			case ZstdInput:
				errc <- readZstd(ctx, s.Path, chunks)
			default:
				errc <- follow.ReadFile(ctx, s.Path, follow.Options{}, chunks)
			}
		}()
		for ch := range chunks {
			if f == Auto {
				f = Detect(ch.Lines)
			}
			parser := parsers[f]
			if parser == nil {
				parser = NewParser(f, years)
				if s, ok := parser.(stager); ok && opt.WrapParser == nil {
					s.Stage()
					s.Borrow()
				}
				if opt.WrapParser != nil {
					parser = opt.WrapParser(parser)
				}
				parsers[f] = parser
			}
			setYears(parser, years)
			b := parseChunk(parser, ch, 0)
			if s, ok := parser.(stager); ok {
				batches <- staged{b, s.EndChunk(), ch.Release}
				continue
			}
			ch.Release() // other parsers copy what they keep
			batches <- staged{b: b}
		}
		if err := <-errc; err != nil {
			name := s.Path
			if s.Kind == StdinInput {
				name = "stdin"
			}
			return agg, fmt.Errorf("%s: %w", name, err)
		}
	}
	return agg, nil
}

// Exists reports whether a followed file's path exists now, for messages.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
