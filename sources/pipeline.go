package sources

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/follow"
	"github.com/relaytop/relaytop/sources/kumo"
	"github.com/relaytop/relaytop/sources/line"
	"github.com/relaytop/relaytop/sources/pmta"
	"github.com/relaytop/relaytop/sources/poll"
	"github.com/relaytop/relaytop/sources/syslog"
)

// Options configures how inputs are read.
type Options struct {
	// Since is how much history to backfill from followed files.
	Since time.Duration
	// FromStart reads followed files from their beginning instead.
	FromStart bool
	// Stdin is read for "-" (default os.Stdin).
	Stdin io.Reader
	// Interval is about the shortest time between published snapshots
	// (default 200ms; one may go out a tenth of it early, in step with
	// the readers): new data that ends a quiet spell is published as soon
	// as it is read, and under load within about Interval. With nothing
	// new, a snapshot still goes out every IdleInterval (default 1s) so
	// the clock and windows move on.
	Interval, IdleInterval time.Duration
	// Now is the wall clock (default time.Now).
	Now func() time.Time
	// Aggregator configures the model.
	Aggregator model.Config
	// Format forces the log format of every input; Auto (or "") detects
	// each input's own.
	Format Format
	// WrapParser, when set, wraps each input's parser (tests use it to
	// check what a failing parser does to the program).
	WrapParser func(line.Parser) line.Parser
	// Poll configures the polling of stats endpoints.
	Poll PollOptions
}

func (o *Options) defaults() {
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.Interval <= 0 {
		o.Interval = 200 * time.Millisecond
	}
	if o.IdleInterval <= 0 {
		o.IdleInterval = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Pipeline reads its inputs into one aggregator and publishes snapshots.
//
// Each input has a reader goroutine (the follower, or a one-shot reader)
// and a parser goroutine that turns chunks of lines into model.Batches; a
// stats endpoint has a poller goroutine whose Results become model.Polled
// values (polled.go). One goroutine owns the aggregator: it adds batches
// and polls as they come and publishes an immutable Snapshot into a
// one-slot channel, replacing one the consumer has not taken yet: at once
// for new data after a quiet spell, within about Interval of new data
// under load, else every IdleInterval. The dashboard sees about five
// snapshots a second at most however fast lines arrive, and a slow
// dashboard never slows the readers.
type Pipeline struct {
	opt     Options
	inputs  []*input
	agg     *model.Aggregator
	batches chan model.Batch
	polled  chan model.Polled
	snaps   chan *model.Snapshot
	done    chan struct{}
	failed  chan error
	errMu   sync.Mutex
	err     error
	// setupErr is the first error preparing an input (see Err).
	setupErr error
}

// input is one source being read.
type input struct {
	spec     Spec
	parser   line.Parser // nil until the format is known
	years    syslog.Years
	format   atomic.Value     // Format, once known
	follower *follow.Follower // FileInput only
	state    atomic.Value     // string, for one-shot inputs
	lines    atomic.Int64
	errText  atomic.Value // string
	// PollInput only (polled.go):
	poller  *poll.Poller
	aliases []string
}

// setFormat installs the parser for the input's (detected) format.
func (in *input) setFormat(p line.Parser, f Format) {
	in.parser = p
	in.format.Store(f)
}

// New prepares a pipeline over specs.
func New(specs []Spec, opt Options) *Pipeline {
	opt.defaults()
	p := &Pipeline{opt: opt, agg: model.NewAggregator(opt.Aggregator),
		batches: make(chan model.Batch, 16), polled: make(chan model.Polled, 4), snaps: make(chan *model.Snapshot, 1),
		done: make(chan struct{}), failed: make(chan error, 1)}
	for _, s := range specs {
		in := &input{spec: s}
		in.state.Store("opening")
		in.errText.Store("")
		p.prepare(in)
		p.inputs = append(p.inputs, in)
	}
	return p
}

// Snapshots returns the channel snapshots are published on. It holds at
// most one: the newest not yet taken.
func (p *Pipeline) Snapshots() <-chan *model.Snapshot { return p.snaps }

// Done is closed when Run has returned.
func (p *Pipeline) Done() <-chan struct{} { return p.done }

// Failed delivers the first panic of any pipeline goroutine, as an error
// with its stack. After it the pipeline's data is incomplete: the program
// should stop, restore the terminal, and print the error.
func (p *Pipeline) Failed() <-chan error { return p.failed }

// recoverPanic turns a panic in a pipeline goroutine into a Failed error.
// Deferred first thing in every goroutine the pipeline starts.
func (p *Pipeline) recoverPanic(where string) {
	if r := recover(); r != nil {
		err := fmt.Errorf("panic in %s: %v\n%s", where, r, debug.Stack())
		p.setErr(err)
		select {
		case p.failed <- err:
		default:
		}
	}
}

// Run reads every input until ctx is done. One-shot inputs (stdin, .gz)
// finish on their own; followed files are followed until ctx ends.
func (p *Pipeline) Run(ctx context.Context) error {
	defer close(p.done)
	var wg sync.WaitGroup
	for i, in := range p.inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer p.recoverPanic("reader of " + in.spec.Path)
			if in.spec.Kind == PollInput {
				p.poll(ctx, in)
				return
			}
			p.read(ctx, i, in)
		}()
	}
	readersDone := make(chan struct{})
	go func() { wg.Wait(); close(readersDone) }()
	func() {
		defer p.recoverPanic("aggregator")
		p.loop(ctx, readersDone)
	}()
	return p.firstErr()
}

func (p *Pipeline) firstErr() error {
	p.errMu.Lock()
	defer p.errMu.Unlock()
	return p.err
}

// loop owns the aggregator.
func (p *Pipeline) loop(ctx context.Context, readersDone <-chan struct{}) {
	// One timer, armed for when the next snapshot is due, wakes the loop
	// when nothing else does (a ticker woke it ten times a second, and its
	// ticks, a whole Interval apart from a publish made just after one,
	// often held a snapshot back a tick longer). Data is published as it
	// is added once the last snapshot is about Interval old (so a line
	// that ends a quiet spell at once, and under load in step with the
	// readers, whose reads then come at a steady pace); otherwise the
	// timer publishes it a little over Interval after the last snapshot.
	// With nothing new a snapshot still goes out every IdleInterval.
	slack := p.opt.Interval / 10
	const first = 100 * time.Millisecond // the backfill's first lines have come by then
	timer := time.NewTimer(min(first, p.opt.Interval))
	defer timer.Stop()
	// The rate is the events added over the last rateSpan, counted per publish.
	type tickCount struct {
		at time.Time
		n  int64
	}
	var events int64
	var ticks []tickCount
	dirty := true
	var lastPub time.Time // on the real clock, for pacing (opt.Now may be a test's)
	add := func(b *model.Batch) {
		p.agg.AddBatch(b)
		events += int64(len(b.Events))
		recycle(b)
	}
	publish := func() {
		now := p.opt.Now()
		dirty, lastPub = false, time.Now()
		timer.Reset(p.opt.IdleInterval)
		ticks = append(ticks, tickCount{now, events})
		events = 0
		for len(ticks) > 1 && now.Sub(ticks[0].at) > rateSpan {
			ticks = ticks[1:]
		}
		rate := 0.0
		if len(ticks) > 1 {
			var n int64
			for _, t := range ticks[1:] {
				n += t.n
			}
			rate = float64(n) / now.Sub(ticks[0].at).Seconds()
		}
		s := p.agg.Snapshot(WindowEnd(p.agg.DataClock(), now))
		s.Sources = p.States()
		s.NoteDoubleCounting()
		s.Rate = rate
		select {
		case <-p.snaps:
		default:
		}
		p.snaps <- s
	}
	// added publishes new data now if the last snapshot is old enough
	// (taking the batches already queued first, so that one snapshot
	// shows them all), else sets the timer for it.
	added := func() {
		if lastPub.IsZero() {
			return // the first snapshot is on the timer already
		}
		since := time.Since(lastPub)
		if since >= p.opt.Interval-slack {
			for {
				select {
				case b := <-p.batches:
					add(&b)
					continue
				default:
				}
				break
			}
			publish()
			return
		}
		if !dirty {
			dirty = true
			timer.Reset(p.opt.Interval + slack - since)
		}
	}
	// When ctx ends the readers stop; the loop goes on taking the batches
	// they had read until they are all done, so nothing read is lost
	// (report --for relies on it), then publishes a last snapshot.
	done := ctx.Done()
	for {
		select {
		case b := <-p.batches:
			add(&b)
			added()
		case r := <-p.polled:
			p.agg.AddPolled(&r)
			added()
		case <-timer.C:
			// Due: the first snapshot, new data, or an idle one.
			publish()
		case <-readersDone:
			// Drain what the parsers sent before they finished.
			for {
				select {
				case b := <-p.batches:
					add(&b)
					continue
				case r := <-p.polled:
					p.agg.AddPolled(&r)
					continue
				default:
				}
				break
			}
			publish()
			readersDone = nil
			if done == nil {
				return
			}
		case <-done:
			done = nil
			if readersDone == nil {
				return
			}
		}
	}
}

// Aggregator returns the pipeline's aggregator. Read it only after Done is
// closed: until then the pipeline's own goroutine owns it.
func (p *Pipeline) Aggregator() *model.Aggregator { return p.agg }

// rateSpan is the span the events-per-second figure is measured over.
const rateSpan = 2 * time.Second

// WindowEnd chooses the time the windows end at. Live data (newest event
// within the last hour of the wall clock) is windowed up to the wall
// clock, so windows keep sliding when the log goes quiet; older data (a
// replayed log) is windowed up to its own newest event, so it shows the
// rates it had. Data ahead of the wall clock (a sped-up demo) uses the
// data's clock.
func WindowEnd(data, wall time.Time) time.Time {
	switch {
	case data.IsZero():
		return wall
	case data.After(wall):
		return data
	case wall.Sub(data) <= time.Hour:
		return wall
	}
	return data
}

// States reports each input's state for the header. It may be called
// from any goroutine; published snapshots carry it in Sources.
func (p *Pipeline) States() []model.SourceState {
	out := make([]model.SourceState, len(p.inputs))
	for i, in := range p.inputs {
		if in.spec.Kind == PollInput {
			out[i] = pollState(in)
			continue
		}
		st := model.SourceState{Name: in.spec.Path, Lines: in.lines.Load()}
		if f, ok := in.format.Load().(Format); ok {
			st.Format = string(f)
		}
		if in.spec.Kind == StdinInput {
			st.Name = "stdin"
		}
		if in.follower != nil {
			fs := in.follower.Status()
			st.State = followState(fs.State)
			if fs.Err != nil {
				st.Err = fs.Err.Error()
			}
		} else {
			st.State, _ = in.state.Load().(string)
			st.Err, _ = in.errText.Load().(string)
		}
		out[i] = st
	}
	return out
}

func followState(s follow.State) string {
	switch s {
	case follow.Waiting:
		return "waiting"
	case follow.Backfilling:
		return "backfilling"
	case follow.Following:
		return "following"
	case follow.Rotating:
		return "rotating"
	case follow.Error:
		return "error"
	}
	return s.String()
}

// prepare makes an input's parser (when its format is known) and, for a
// followed file, its follower. The format is --format, else detected from
// the file's head; a file that does not exist yet, and stdin, are
// detected from their first lines (see parse).
func (p *Pipeline) prepare(in *input) {
	if in.spec.Kind == PollInput {
		p.preparePoll(in)
		return
	}
	f := p.opt.Format
	if f == "" {
		f = Auto
	}
	path, now := in.spec.Path, p.opt.Now
	if f == Auto && in.spec.Kind != StdinInput {
		f = DetectFile(path)
	}
	switch in.spec.Kind {
	case StdinInput:
		in.years = syslog.Years{Ref: now}
	case FileInput:
		// Classic timestamps are dated against the file's modification
		// time: a line is never newer than the file that holds it, and
		// for a live file that is the clock.
		in.years = syslog.Years{Ref: func() time.Time { return modTime(path, now()) }}
	default:
		in.years = syslog.Fixed(modTime(path, now()))
	}
	if f != Auto {
		in.setFormat(p.newParser(f, in.years, path), f)
	}
	if in.spec.Kind == FileInput {
		in.follower = follow.New(path, follow.Options{
			FromStart: p.opt.FromStart,
			Since:     p.opt.Since,
			Now:       now,
			TimeOf:    timeOf(f, path, syslog.Fixed(modTime(path, now()))),
		})
	}
}

// newParser makes a parser for format f. A PowerMTA file followed from
// somewhere after its start gets its header from its first line.
func (p *Pipeline) newParser(f Format, years syslog.Years, path string) line.Parser {
	parser := NewParser(f, years)
	if pm, ok := parser.(*pmta.Parser); ok && path != "" {
		if h := firstLine(path); h != nil {
			pm.SetHeader(h)
		}
	}
	if p.opt.WrapParser != nil {
		return p.opt.WrapParser(parser)
	}
	return parser
}

// timeOf returns the line clock the follower's backfill searches with:
// the syslog or Exim timestamp at the start of a line, or, for formats
// that keep the time inside the record (PowerMTA, KumoMTA), the time of
// the event a parser reads from it.
func timeOf(f Format, path string, years syslog.Years) func([]byte) (time.Time, bool) {
	var probe syslog.Parser
	probe.Years = years
	head := func(l []byte) (time.Time, bool) {
		t, _, ok := probe.Time(l)
		return t, ok
	}
	if f != PMTA && f != Kumo {
		return head
	}
	parser := NewParser(f, years)
	if pm, ok := parser.(*pmta.Parser); ok {
		if h := firstLine(path); h != nil {
			pm.SetHeader(h)
		}
	}
	return func(l []byte) (time.Time, bool) {
		evs, _ := parser.Parse(l, nil)
		if len(evs) > 0 {
			return evs[0].Time, true
		}
		return time.Time{}, false
	}
}

// read runs one input's reader and parser.
func (p *Pipeline) read(ctx context.Context, idx int, in *input) {
	chunks := make(chan follow.Chunk, 4)
	parsed := make(chan struct{})
	go func() {
		defer close(parsed)
		defer func() {
			// Drain so the reader is never stuck after a parser panic.
			for range chunks {
			}
		}()
		defer p.recoverPanic("parser of " + in.spec.Path)
		p.parse(idx, in, chunks)
	}()
	defer func() { <-parsed }()
	defer close(chunks)

	switch in.spec.Kind {
	case StdinInput:
		in.state.Store("reading")
		p.finish(ctx, in, follow.ReadStream(ctx, p.opt.Stdin, follow.Options{}, chunks))
	case GzipInput:
		in.state.Store("reading")
		p.finish(ctx, in, follow.ReadFile(ctx, in.spec.Path, follow.Options{}, chunks))
	case ZstdInput:
		in.state.Store("reading")
		p.finish(ctx, in, readZstd(ctx, in.spec.Path, chunks))
	default:
		if err := in.follower.Run(ctx, chunks); err != nil && ctx.Err() == nil {
			p.setErr(fmt.Errorf("%s: %w", in.spec.Path, err))
		}
	}
}

// readZstd reads a zstd-compressed file (a KumoMTA log segment) once. A
// segment still being written ends early; what it holds so far is read.
func readZstd(ctx context.Context, path string, out chan<- follow.Chunk) error {
	r, err := kumo.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	err = follow.ReadStream(ctx, r, follow.Options{}, out)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return nil
	}
	return err
}

func (p *Pipeline) finish(ctx context.Context, in *input, err error) {
	if err != nil && ctx.Err() == nil {
		in.state.Store("error")
		in.errText.Store(err.Error())
		p.setErr(fmt.Errorf("%s: %w", in.spec.Path, err))
		return
	}
	in.state.Store("done")
}

func (p *Pipeline) setErr(err error) {
	p.errMu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.errMu.Unlock()
}

// parse turns chunks into batches for the aggregator. An input whose
// format was not known at start is detected from its first chunk.
func (p *Pipeline) parse(idx int, in *input, chunks <-chan follow.Chunk) {
	for ch := range chunks {
		if in.parser == nil {
			f := Detect(ch.Lines)
			in.setFormat(p.newParser(f, in.years, ""), f)
		}
		b := parseChunk(in.parser, ch, idx)
		ch.Release() // parsers copy what they keep
		in.lines.Add(b.Lines)
		// The loop takes every batch until all readers are done, even
		// after ctx ends.
		p.batches <- b
	}
}

// maxSamplesPerBatch bounds the unparsed lines a batch carries.
const maxSamplesPerBatch = 2

// maxSampleLen bounds the length of an unparsed sample line.
const maxSampleLen = 300

// parseChunk parses one chunk's lines.
func parseChunk(parser line.Parser, ch follow.Chunk, idx int) model.Batch {
	b := model.Batch{Source: idx, Lines: int64(len(ch.Lines)), Truncated: int64(ch.Truncated)}
	b.Events = newEvents(len(ch.Lines))
	for _, l := range ch.Lines {
		var kind line.Kind
		b.Events, kind = parser.Parse(l, b.Events)
		switch kind {
		case line.Unparsed:
			b.Unparsed++
			if len(b.UnparsedSamples) < maxSamplesPerBatch {
				if len(l) > maxSampleLen {
					l = l[:maxSampleLen]
				}
				b.UnparsedSamples = append(b.UnparsedSamples, string(l))
			}
		case line.Result:
			b.Results++
		default:
			b.Skipped++
		}
	}
	return b
}

// eventsPool recycles batches' event slices once the aggregator has taken
// them: it copies what it keeps, and fresh slices for every chunk were a
// fifth of what a report allocated.
var eventsPool sync.Pool

// newEvents returns an empty slice for the events of a chunk of n lines.
func newEvents(n int) []model.Event {
	if e, ok := eventsPool.Get().(*[]model.Event); ok {
		return (*e)[:0]
	}
	// Result lines are a fraction of a log; a quarter avoids most regrowth.
	return make([]model.Event, 0, n/4+16)
}

// recycle hands a batch's event slice back, cleared so that it keeps no
// line alive; the batch must not be used after.
func recycle(b *model.Batch) {
	if cap(b.Events) == 0 {
		return
	}
	e := b.Events[:cap(b.Events)]
	clear(e)
	eventsPool.Put(&e)
	b.Events = nil
}

func modTime(path string, def time.Time) time.Time {
	if fi, err := os.Stat(path); err == nil {
		return fi.ModTime()
	}
	return def
}
