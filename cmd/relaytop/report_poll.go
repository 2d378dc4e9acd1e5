package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources"
	"github.com/relaytop/relaytop/sources/poll"
)

// checkPollFor refuses a report on endpoints that would measure nothing:
// without --for (an endpoint has no history to read), or with --for
// shorter than one poll interval (the first poll only sets the counters'
// starting values).
func checkPollFor(specs []sources.Spec, d, interval time.Duration) error {
	for _, s := range specs {
		if s.Kind != sources.PollInput {
			continue
		}
		switch {
		case d <= 0:
			return fmt.Errorf("%s: an endpoint is polled over a time: give it with --for, such as --for 1m", model.Safe(poll.Redact(s.Path)))
		case d < interval:
			return fmt.Errorf("--for %s is shorter than --poll-interval %s: no interval between two polls would be measured", d, interval)
		}
		return nil
	}
	return nil
}

// silentEndpoints fails the command when an endpoint never answered: its
// report holds nothing, and cron should hear of it.
func silentEndpoints(eps []model.ReportEndpoint) error {
	for _, e := range eps {
		if e.LastOK == "" {
			why := e.Error
			if why == "" {
				why = "no answer"
			}
			return fmt.Errorf("%s: never answered: %s", model.Safe(e.URL), model.Safe(why))
		}
	}
	return nil
}

// writeEndpoints writes the polled endpoints' lines of the text report:
// each endpoint's state and counts, what their counts lack, and the
// queues in backoff.
func writeEndpoints(b *strings.Builder, r *model.Report) {
	for _, e := range r.Endpoints {
		c := e.Counted
		head := []string{"endpoint", model.Safe(e.State), model.Safe(e.Format), model.Safe(e.URL)}
		if e.Format == "" { // not detected yet
			head = append(head[:2], head[3])
		}
		fmt.Fprintf(b, "%s: sent %s, deferred %s, bounced %s, expired %s", strings.Join(head, " "), model.Thousands(c.Sent),
			model.Thousands(c.Deferred), model.Thousands(c.Bounced), model.Thousands(c.Expired))
		if e.Queued >= 0 {
			fmt.Fprintf(b, "; queued %s", model.Thousands(e.Queued))
		}
		if e.Connections >= 0 {
			fmt.Fprintf(b, "; %s connections", model.Thousands(e.Connections))
		}
		if e.Node != nil && e.Node.Sent != c.Sent {
			// A PowerMTA without per-domain counters reports deliveries
			// for the whole node only.
			fmt.Fprintf(b, "; the node counted %s delivered", model.Thousands(e.Node.Sent))
		}
		if e.Error != "" {
			fmt.Fprintf(b, "\n         %s", model.Safe(e.Error))
		}
		b.WriteString("\n")
	}
	if r.Polled != nil && r.Polled.Total() > 0 {
		fmt.Fprintf(b, "         the endpoints' %s results carry no reply texts: reply signatures need logs\n",
			model.Thousands(r.Polled.Total()))
	}
	for _, q := range r.Backoffs {
		fmt.Fprintf(b, "backoff  %s %s since %s: %s\n", model.Safe(q.Host), model.Safe(q.Queue),
			q.Since.Local().Format("15:04:05"), model.Safe(q.Reason))
	}
}
