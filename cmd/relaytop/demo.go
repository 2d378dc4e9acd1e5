package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/relaytop/relaytop/sources"
	"github.com/relaytop/relaytop/sources/demo"
	"github.com/relaytop/relaytop/tui"
)

const demoUsage = `relaytop demo — a simulated bulk campaign on a Postfix relay

  relaytop demo [--mta postfix|exim|pmta|kumo] [--speed X] [--seed S]
      writes a Postfix log into a temporary file in real time (ten minutes of
      history first) and shows it through the real follower, parser and
      dashboard: Microsoft 365 and Outlook.com, Gmail and Workspace,
      Yahoo/AOL, a long tail of domains; a Microsoft 451 4.7.0 surge that
      crosses 10% within two minutes and later recovers; Yahoo TSS04; Gmail
      421-4.7.0; 5.1.1 bounces; connection timeouts; expiries.

  relaytop demo --write FILE --lines N [--mta M] [--seed S] [--json]
      writes a finished log of N lines instead, and prints what it wrote
      (totals per outcome, per provider, Microsoft 451 4.7.0 deferrals).

  relaytop demo --serve ADDR [--mta kumo|pmta] [--seed S]
      serves a simulated KumoMTA metrics endpoint (/metrics, /metrics.json)
      or PowerMTA management interface (/status, /domains, /vmtas, /queues)
      at ADDR (such as 127.0.0.1:8000) until interrupted, to try polling
      without a relay: relaytop http://127.0.0.1:8000/metrics
`

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("relaytop demo", stderr, demoUsage)
	var vf viewFlags
	vf.register(fs)
	write := fs.String("write", "", "write a finished log to `FILE` instead of running the dashboard")
	lines := fs.Int("lines", 100000, "lines to write with --write")
	seed := fs.Int64("seed", 1, "random seed: the same seed writes the same log")
	asJSON := fs.Bool("json", false, "with --write, print the summary as JSON")
	speed := fs.Float64("speed", 1, "simulated seconds per real second")
	mta := fs.String("mta", "postfix", "log format to simulate: postfix, exim, pmta or kumo (with --serve: kumo or pmta)")
	var vdf verdictFlags
	vdf.register(fs)
	var af alertFlags
	af.register(fs)
	serve := fs.String("serve", "", "serve a simulated stats endpoint at `ADDR` instead (--mta kumo, the default, or pmta)")
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil || len(pos) > 0 {
		return errUsage
	}
	if *serve != "" {
		kind := "kumo"
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "mta" {
				kind = *mta
			}
		})
		return demoServe(ctx, *serve, kind, *seed, stderr)
	}
	format, err := demo.ParseMTA(*mta)
	if err != nil {
		return fmt.Errorf("--mta: %w", err)
	}
	if *write != "" {
		return demoWrite(*write, *lines, demo.Config{Seed: *seed, MTA: format}, *asJSON, stdout)
	}
	win, theme, err := vf.resolve()
	if err != nil {
		return err
	}
	if *speed <= 0 || *speed > 1000 {
		return fmt.Errorf("--speed %v: want a factor between 0 and 1000", *speed)
	}
	dir, err := os.MkdirTemp("", "relaytop-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "mail.log")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	cfg := demo.Config{Seed: *seed, Start: time.Now(), MTA: format}
	go func() {
		_, err := demo.Live(ctx, f, cfg, *speed)
		done <- err
	}()
	acfg, err := vdf.aggregator()
	if err != nil {
		return err
	}
	topt := tui.Options{Window: win, Theme: theme, Title: "demo " + format.String()}
	defer af.apply(&topt, stderr)()
	err = dashboard(ctx, []sources.Spec{{Path: path, Kind: sources.FileInput}},
		sources.Options{FromStart: true, Aggregator: acfg}, topt)
	cancel()
	if werr := <-done; werr != nil && !errors.Is(werr, context.Canceled) && err == nil {
		err = werr
	}
	return err
}

func demoWrite(path string, lines int, cfg demo.Config, asJSON bool, stdout io.Writer) error {
	if lines <= 0 {
		return fmt.Errorf("--lines %d: want a positive number", lines)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	// A fixed start keeps the output a function of the seed alone.
	cfg.Start = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.Local)
	sum, err := demo.Write(bw, cfg, lines)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(stdout, sum)
	}
	t := sum.Totals
	fmt.Fprintf(stdout, "wrote %s: %d lines\n  sent %d, deferred %d, bounced %d, expired %d; internal %d, probes %d\n  Microsoft 451 4.7.0 deferrals: %d\n",
		path, sum.Lines, t.Sent, t.Deferred, t.Bounced, t.Expired, sum.Internal, sum.Probes, sum.Microsoft470)
	return nil
}
