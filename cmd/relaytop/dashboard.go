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

	"github.com/relaytop/relaytop/sources"
	"github.com/relaytop/relaytop/tui"
)

func runDashboardCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("relaytop", stderr, usage)
	var vf viewFlags
	vf.register(fs)
	since := fs.Duration("since", 15*time.Minute, "history to read from each file on start ("+durationHelp+")")
	fromStart := fs.Bool("from-start", false, "read each file from its beginning")
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
	specs, err := sources.Resolve(pos)
	if err != nil {
		return err
	}
	return dashboard(ctx, specs, sources.Options{Since: *since, FromStart: *fromStart}, tui.Options{Window: win, Theme: theme})
}

// dashboard runs the pipeline and the TUI until the user quits or ctx ends.
func dashboard(ctx context.Context, specs []sources.Spec, sopt sources.Options, topt tui.Options) error {
	if !term.IsTerminal(os.Stdout.Fd()) {
		return errors.New("the dashboard needs a terminal on standard output; for a one-shot summary use: relaytop report FILE")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := sources.New(specs, sopt)
	go p.Run(ctx)
	topt.Snapshots = p.Snapshots()
	prog := tea.NewProgram(tui.New(topt), tea.WithContext(ctx))
	_, err := prog.Run()
	cancel()
	<-p.Done()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		// SIGTERM or SIGHUP: the terminal is restored; leave quietly.
		return nil
	}
	return err
}
