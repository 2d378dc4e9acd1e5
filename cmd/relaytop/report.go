package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/model/kb"
	"github.com/relaytop/relaytop/sources"
)

const reportUsage = `relaytop report — a one-shot summary of finished logs

  relaytop report [--json] [--top N] FILE...

FILE may be plain or .gz, a glob, or - for standard input. Files are read
oldest first (by modification time), so an expiry in one file applies to
deferrals logged in an older one.
`

func runReport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("relaytop report", stderr, reportUsage)
	asJSON := fs.Bool("json", false, "print the stable JSON form")
	top := fs.Int("top", 15, "domains and signatures to list in the text form")
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
	specs, err := sources.Resolve(pos)
	if err != nil {
		return err
	}
	agg, err := sources.ReadAll(ctx, specs, sources.Options{Stdin: stdin})
	if err != nil {
		return err
	}
	snap := agg.Snapshot(agg.DataClock())
	rep := model.NewReport(snap, agg.FirstEvent())
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return writeReport(stdout, pos, &rep, *top)
}

// writeReport prints the text form. Every string from the logs passes
// through model.Safe.
func writeReport(w io.Writer, names []string, r *model.Report, top int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "relaytop report: %s\n", model.Safe(strings.Join(names, " ")))
	if r.From != "" {
		from, _ := time.Parse(time.RFC3339, r.From)
		to, _ := time.Parse(time.RFC3339, r.To)
		fmt.Fprintf(&b, "period   %s to %s (%s)\n", from.Format("2006-01-02 15:04:05"), to.Format("2006-01-02 15:04:05"), to.Sub(from).Round(time.Second))
	}
	fmt.Fprintf(&b, "lines    %s read: %s skipped (no result), %s unparsed", commas(r.Lines), commas(r.Skipped), commas(r.Unparsed))
	if r.Truncated > 0 {
		fmt.Fprintf(&b, ", %s cut at the length limit", commas(r.Truncated))
	}
	b.WriteString("\n")
	t := r.Totals
	fmt.Fprintf(&b, "results  sent %s  deferred %s (%s)  bounced %s (%s)  expired %s\n", commas(t.Sent),
		commas(t.Deferred), share(t.Deferred, t.Attempts()), commas(t.Bounced), share(t.Bounced, t.Attempts()), commas(t.Expired))
	fmt.Fprintf(&b, "apart    %s internal hops (loopback content filters), %s address-verification probes\n\n",
		commas(r.Internal), commas(r.Probes))

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "PROVIDER\tSENT\tDEFERRED\tBOUNCED\tEXPIRED\tDEFER%\tBOUNCE%\t")
	for _, p := range r.Providers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", model.Safe(p.Name), commas(p.Sent), commas(p.Deferred),
			commas(p.Bounced), commas(p.Expired), share(p.Deferred, p.Attempts()), share(p.Bounced, p.Attempts()))
	}
	tw.Flush()

	fmt.Fprintf(&b, "\nTOP DOMAINS (of %d)\n", len(r.Domains))
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "DOMAIN\tPROVIDER\tSENT\tDEFERRED\tBOUNCED\tEXPIRED\t")
	for i, d := range r.Domains {
		if i == top {
			break
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", model.Safe(d.Name), d.Provider, commas(d.Sent), commas(d.Deferred),
			commas(d.Bounced), commas(d.Expired))
	}
	tw.Flush()

	fmt.Fprintf(&b, "\nTOP REPLY SIGNATURES (of %d)\n", len(r.Signatures))
	k := kb.Default()
	for i, s := range r.Signatures {
		if i == top {
			break
		}
		code := strings.TrimSpace(fmt.Sprintf("%s %s", codeOr(s.Code), s.Enhanced))
		fmt.Fprintf(&b, "%8s  %-8s  %-10s %-10s %s\n", commas(s.Count), s.Outcome, s.Provider, code, model.Safe(s.Text))
		m := k.Match(kb.Query{Provider: s.Provider, Reply: model.Reply{Code: s.Code, Enhanced: s.Enhanced, Text: s.Text}})
		fmt.Fprintf(&b, "%8s  means: %s\n", "", model.Safe(m.Entry.Title))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func codeOr(c int) string {
	if c == 0 {
		return ""
	}
	return fmt.Sprint(c)
}

func share(part, whole int64) string {
	if whole == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(whole))
}

// commas formats n as 1,234,567.
func commas(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
