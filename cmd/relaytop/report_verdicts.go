package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/relaytop/relaytop/model"
)

// maxTextVerdicts bounds the verdict episodes the text report lists; the
// JSON report has them all.
const maxTextVerdicts = 200

// writeVerdicts lists the verdict episodes of a report, in the log's own
// time: when each began and ended, what it was about and its evidence at
// its strongest. needLogs says that no log gave a result: the endpoints'
// counts alone have no replies to judge.
func writeVerdicts(b *strings.Builder, eps []model.Episode, needLogs bool) {
	fmt.Fprintf(b, "\nVERDICTS (%d episodes, in the log's time)\n", len(eps))
	if len(eps) == 0 && needLogs {
		b.WriteString("  none: verdicts judge reply signatures, and only logs carry replies\n")
		return
	}
	if len(eps) == 0 {
		b.WriteString("  none: no reply was sustained, bursting, concentrated, aging, misclassified or an authentication failure\n")
		return
	}
	layout := "15:04"
	if first, last := eps[0].Since, eps[len(eps)-1].Until; last.Sub(first) >= 24*time.Hour || first.YearDay() != last.YearDay() {
		layout = "Jan 02 15:04"
	}
	for i, e := range eps {
		if i == maxTextVerdicts {
			fmt.Fprintf(b, "  ... and %d more (see --json)\n", len(eps)-i)
			break
		}
		until := e.Until.Local().Format(layout)
		if e.Ongoing {
			until = "end"
		}
		what := e.Provider
		if code := strings.TrimSpace(codeOr(e.Code) + " " + e.Enhanced); code != "" {
			what += " " + code
		}
		if e.Text != "" {
			what += " " + model.Safe(e.Text)
		}
		if len([]rune(what)) > 90 {
			what = string([]rune(what)[:89]) + "…"
		}
		fmt.Fprintf(b, "  %s - %-*s %7s  %-13s %s\n", e.Since.Local().Format(layout), len(layout), until,
			model.FormatSpan(e.Until.Sub(e.Since)), e.Kind, what)
		fmt.Fprintf(b, "  %*s%s\n", 2*len(layout)+26, "", model.Safe(e.Evidence))
	}
}
