package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/model/kb"
	"github.com/relaytop/relaytop/sources"
)

const reportUsage = `relaytop report — a one-shot summary of finished logs

  relaytop report [--json] [--top N] [--for DURATION] FILE...
  relaytop report [--json] --for DURATION [--poll-interval D] URL... [FILE...]

FILE may be plain or .gz, a glob, or - for standard input. Files are read
oldest first (by modification time), so an expiry in one file applies to
deferrals logged in an older one.

With --for, the files are followed instead, from their start, for that long,
through every rotation that happens meanwhile (rename, copytruncate, delete),
and the report gives the counts the dashboard would show then: a timed
snapshot for cron, and a way to check rotation handling from outside.

A URL is a KumoMTA or PowerMTA stats endpoint: it is polled every
--poll-interval for --for (which it needs), and the report gives what its
counters counted from the first poll to the last, per provider (and per
domain for PowerMTA), with each endpoint's state, levels and queues in
backoff. The command fails, after the report, when an endpoint never answered.
`

func runReport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("relaytop report", stderr, reportUsage)
	asJSON := fs.Bool("json", false, "print the stable JSON form")
	top := fs.Int("top", 15, "domains and signatures to list in the text form")
	format := fs.String("format", "auto", "log `format`: auto, syslog, postfix, sendmail, exim, pmta or kumo")
	follow := fs.Duration("for", 0, "follow the files from their start for this `duration` (through rotations), then report")
	var pf pollFlags
	pf.register(fs)
	var vf verdictFlags
	vf.register(fs)
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return errUsage
	}
	if len(pos) == 0 {
		fs.Usage()
		return errUsage
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
	if err := checkPollFor(specs, *follow, popt.Interval); err != nil {
		return err
	}
	acfg, err := vf.aggregator()
	if err != nil {
		return err
	}
	var agg *model.Aggregator
	var states []model.SourceState
	if *follow > 0 {
		agg, states, err = followFor(ctx, specs, sources.Options{Stdin: stdin, Format: f, FromStart: true, Poll: popt, Aggregator: acfg}, *follow)
	} else {
		agg, err = sources.ReadAll(ctx, specs, sources.Options{Stdin: stdin, Format: f, Aggregator: acfg})
	}
	if err != nil {
		return err
	}
	if !agg.DataClock().IsZero() {
		// Judge the last minute too: the episodes then run to the end.
		agg.JudgeNow(agg.DataClock())
	}
	snap := agg.Snapshot(agg.DataClock())
	snap.Sources = states
	snap.NoteDoubleCounting()
	rep := model.NewReport(snap, agg.FirstEvent())
	if *asJSON {
		err = writeJSON(stdout, rep)
	} else {
		err = writeReport(stdout, pos, &rep, *top)
	}
	if err != nil {
		return err
	}
	return silentEndpoints(rep.Endpoints)
}

// followFor runs the dashboard's pipeline on specs for d, reading files
// from their start and following them through rotation, and polling
// endpoints, and returns the aggregator it filled, what the dashboard
// would show after d, and the sources' states at the end.
func followFor(ctx context.Context, specs []sources.Spec, opt sources.Options, d time.Duration) (*model.Aggregator, []model.SourceState, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	p := sources.New(specs, opt)
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	err := p.Run(ctx)
	select {
	case ferr := <-p.Failed():
		return nil, nil, ferr
	default:
	}
	return p.Aggregator(), p.States(), err
}

// writeReport prints the text form. Every string from the logs passes
// through model.Safe.
func writeReport(w io.Writer, names []string, r *model.Report, top int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "relaytop report: %s\n", model.Safe(strings.Join(names, " ")))
	if r.From != "" {
		from, _ := time.Parse(time.RFC3339, r.From)
		to, _ := time.Parse(time.RFC3339, r.To)
		fmt.Fprintf(&b, "period   %s to %s (%s)\n", from.Local().Format("2006-01-02 15:04:05"),
			to.Local().Format("2006-01-02 15:04:05 MST"), to.Sub(from).Round(time.Second))
	}
	fmt.Fprintf(&b, "lines    %s read: %s skipped (no result), %s unparsed", model.Thousands(r.Lines), model.Thousands(r.Skipped), model.Thousands(r.Unparsed))
	if r.Truncated > 0 {
		fmt.Fprintf(&b, ", %s cut at the length limit", model.Thousands(r.Truncated))
	}
	b.WriteString("\n")
	t := r.Totals
	fmt.Fprintf(&b, "results  sent %s  deferred %s (%s)  bounced %s (%s)  expired %s\n", model.Thousands(t.Sent),
		model.Thousands(t.Deferred), model.Percent(t.Deferred, t.Attempts()), model.Thousands(t.Bounced), model.Percent(t.Bounced, t.Attempts()), model.Thousands(t.Expired))
	fmt.Fprintf(&b, "apart    %s internal hops (loopback content filters), %s address-verification probes\n",
		model.Thousands(r.Internal), model.Thousands(r.Probes))
	writeEndpoints(&b, r)
	if len(r.MTAs) > 1 {
		b.WriteString("by MTA  ")
		for i, m := range r.MTAs {
			if i > 0 {
				b.WriteString(";  ")
			}
			fmt.Fprintf(&b, "%s %s sent, %s deferred, %s bounced, %s expired", m.MTA, model.Thousands(m.Sent),
				model.Thousands(m.Deferred), model.Thousands(m.Bounced), model.Thousands(m.Expired))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")

	rows := [][]string{{"PROVIDER", "SENT", "DEFERRED", "BOUNCED", "EXPIRED", "DEFER%", "BOUNCE%"}}
	for _, p := range r.Providers {
		rows = append(rows, []string{model.Safe(p.Name), model.Thousands(p.Sent), model.Thousands(p.Deferred), model.Thousands(p.Bounced),
			model.Thousands(p.Expired), model.Percent(p.Deferred, p.Attempts()), model.Percent(p.Bounced, p.Attempts())})
	}
	table(&b, rows)

	fmt.Fprintf(&b, "\nTOP DOMAINS (of %d)\n", len(r.Domains))
	rows = [][]string{{"DOMAIN", "PROVIDER", "SENT", "DEFERRED", "BOUNCED", "EXPIRED"}}
	for i, d := range r.Domains {
		if i == top {
			break
		}
		rows = append(rows, []string{model.Safe(d.Name), d.Provider, model.Thousands(d.Sent), model.Thousands(d.Deferred),
			model.Thousands(d.Bounced), model.Thousands(d.Expired)})
	}
	table(&b, rows)

	writeVerdicts(&b, r.Verdicts, r.Polled != nil && *r.Polled == r.Totals)

	fmt.Fprintf(&b, "\nTOP REPLY SIGNATURES (of %d)\n", len(r.Signatures))
	k := kb.Default()
	for i, s := range r.Signatures {
		if i == top {
			break
		}
		code := strings.TrimSpace(fmt.Sprintf("%s %s", codeOr(s.Code), s.Enhanced))
		fmt.Fprintf(&b, "%8s  %-8s  %-10s %-10s %s\n", model.Thousands(s.Count), s.Outcome, s.Provider, code, model.Safe(s.Text))
		m := k.Match(kb.Query{Provider: s.Provider, Reply: model.Reply{Code: s.Code, Enhanced: s.Enhanced, Text: s.Text}})
		fmt.Fprintf(&b, "%8s  means: %s\n", "", model.Safe(m.Entry.Title))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// table writes rows in columns: text columns (those whose cells are not
// all numbers) left-aligned, numbers right-aligned.
func table(b *strings.Builder, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	n := len(rows[0])
	width := make([]int, n)
	numeric := make([]bool, n)
	for c := range numeric {
		numeric[c] = true
	}
	for i, r := range rows {
		for c, cell := range r {
			width[c] = max(width[c], len([]rune(cell)))
			if i > 0 && strings.TrimLeft(cell, "0123456789,.%-") != "" {
				numeric[c] = false
			}
		}
	}
	for _, r := range rows {
		for c, cell := range r {
			pad := strings.Repeat(" ", width[c]-len([]rune(cell)))
			if c > 0 {
				b.WriteString("  ")
			}
			if numeric[c] {
				b.WriteString(pad + cell)
			} else {
				b.WriteString(cell)
				if c < n-1 {
					b.WriteString(pad)
				}
			}
		}
		b.WriteString("\n")
	}
}

func codeOr(c int) string {
	if c == 0 {
		return ""
	}
	return fmt.Sprint(c)
}
