package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources"
	"github.com/relaytop/relaytop/sources/line"
	"github.com/relaytop/relaytop/tui"
)

func runDashboardCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("relaytop", stderr, usage)
	var vf viewFlags
	vf.register(fs)
	since := fs.Duration("since", 15*time.Minute, "history to read from each file on start ("+durationHelp+")")
	fromStart := fs.Bool("from-start", false, "read each file from its beginning")
	format := fs.String("format", "auto", "log `format`: auto, syslog, postfix, sendmail, exim, pmta or kumo")
	var pf pollFlags
	pf.register(fs)
	var vdf verdictFlags
	vdf.register(fs)
	var af alertFlags
	af.register(fs)
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return errUsage
	}
	win, theme, err := vf.resolve()
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		p, tried := sources.FindDefault()
		if p == "" {
			return fmt.Errorf("no SOURCE given and no mail log found (tried %s)\n"+
				"  pass a log file, a glob or - for stdin, or try: relaytop demo", tried)
		}
		pos = []string{p}
	}
	f, err := sources.ParseFormat(*format)
	if err != nil {
		return err
	}
	specs, err := sources.Resolve(pos)
	if err != nil {
		return err
	}
	popt, err := pf.options(specs)
	if err != nil {
		return err
	}
	acfg, err := vdf.aggregator()
	if err != nil {
		return err
	}
	topt := tui.Options{Window: win, Theme: theme}
	defer af.apply(&topt, stderr)()
	return dashboard(ctx, specs, sources.Options{Since: *since, FromStart: *fromStart, Format: f, Poll: popt, Aggregator: acfg}, topt)
}

// dashboard runs the pipeline and the TUI until the user quits or ctx ends.
func dashboard(ctx context.Context, specs []sources.Spec, sopt sources.Options, topt tui.Options) error {
	if !term.IsTerminal(os.Stdout.Fd()) {
		return errors.New("the dashboard needs a terminal on standard output; for a one-shot summary use: relaytop report FILE")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if os.Getenv("RELAYTOP_CRASH_TEST") == "parser" {
		// A test hook: the clean-exit test makes a parser panic to check
		// that the terminal is restored and the error printed after it.
		sopt.WrapParser = func(p line.Parser) line.Parser { return crashingParser{} }
	}
	p := sources.New(specs, sopt)
	if err := p.Err(); err != nil {
		return err
	}
	go p.Run(ctx)
	topt.Snapshots = p.Snapshots()
	// Data changes at most five times a second; 20 fps keeps keys prompt
	// without the renderer waking 60 times a second for nothing.
	prog := tea.NewProgram(tui.New(topt), tea.WithContext(ctx), tea.WithFPS(20))
	failed := make(chan error, 1)
	go func() {
		select {
		case err := <-p.Failed():
			failed <- err
			// Quit, not Kill: the message waits for the program's event
			// loop, so a failure during start-up cannot interrupt the
			// terminal's setup and leave it raw.
			prog.Quit()
		case <-ctx.Done():
		}
	}()
	_, err := prog.Run()
	cancel()
	<-p.Done()
	select {
	case ferr := <-failed:
		// The terminal is restored by now: the error is printed after it.
		return fmt.Errorf("stopped: %w", ferr)
	default:
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		// SIGTERM or SIGHUP: the terminal is restored; main sets the status.
		return nil
	}
	return err
}

// crashingParser panics on its first line (see RELAYTOP_CRASH_TEST).
type crashingParser struct{}

func (crashingParser) Parse([]byte, []model.Event) ([]model.Event, line.Kind) {
	panic("crash test: parser panicked on purpose")
}
