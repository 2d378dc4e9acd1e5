// Command relaytop is top for outbound mail: a live terminal dashboard of
// deliveries, deferrals, bounces and expiries per mailbox provider and
// domain, read from MTA logs, with every reply code explained.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

const usage = `relaytop — top for outbound mail

Usage:
  relaytop [flags] [SOURCE...]        live dashboard of the given logs and endpoints
  relaytop demo [flags]               the built-in simulated campaign, live
  relaytop demo --write FILE --lines N [--seed S] [--json]
                                      write a finished simulated log
  relaytop demo --serve ADDR [--mta kumo|pmta]
                                      serve a simulated stats endpoint
  relaytop report [--json] FILE...    one-shot summary of finished logs (.gz too)
  relaytop report --for DURATION SOURCE...
                                      follow logs and poll endpoints that long, then report
  relaytop explain CODE [TEXT]        what a reply means and what to do

A SOURCE is a log file (followed through rotation), a glob ('/var/log/mail.log*'),
a directory (its files), - for standard input (keys still come from the
terminal), or a KumoMTA or PowerMTA stats endpoint, an http:// or https:// URL
(polled). Postfix and Sendmail syslog, Exim mainlogs, PowerMTA accounting CSV
and KumoMTA JSON logs (zstd segments too) are recognised by their first lines,
and several sources of different formats merge into one table. With no SOURCE,
relaytop looks for /var/log/mail.log and /var/log/maillog.

An endpoint is KumoMTA's /metrics or /metrics.json, or PowerMTA's /status
(its /domains, /vmtas and /queues are read too); a bare http://host:port is
tried as both. Its counters become per-interval counts merged with the logs'
per provider; its queues, connections and queues in backoff are shown as
they are. Credentials come from the environment, never from the command
line: RELAYTOP_POLL_TOKEN (bearer), RELAYTOP_POLL_USER and
RELAYTOP_POLL_PASSWORD, or RELAYTOP_POLL_AUTH_FILE. Endpoints carry no reply
texts: reply signatures need logs.

Dashboard flags:
  --since DURATION   history to read from each file on start (default 15m)
  --from-start       read each file from its beginning instead
  --window W         first window shown: 1m, 5m, 15m or 1h (default 5m)
  --theme T          auto, dark, light or none (default auto; NO_COLOR means none)
  --format F         auto (detected per source), syslog, postfix, sendmail,
                     exim, pmta or kumo (for an endpoint: auto, pmta or kumo)
  --poll-interval D  time between polls of each endpoint (default 2s)
  --timeout D        limit for one poll's request (default 5s)
  --insecure         do not verify endpoints' TLS certificates
  --config FILE      verdict thresholds (default $XDG_CONFIG_HOME/relaytop/config)
  --bell             ring the terminal bell when a verdict turns sustained or aging
  --on-alert CMD     run CMD (sh -c) for each such alert, the verdict as JSON on
                     its stdin: in the background, one at a time, at most one
                     start every 10s, each stopped after 30s

The configuration file holds one setting a line (# comments):
  threshold PROVIDER CODE SHARE   alarm share for a reply: provider id or *,
                                  enhanced or basic code or *, e.g.
                                  threshold microsoft 4.7.0 0.15
  aging DURATION                  how long a recipient may keep deferring
                                  before it is aging (default 24h)

Examples:
  relaytop                                  follow the system mail log
  relaytop /var/log/mail.log                follow one log, last 15 minutes first
  relaytop --since 1h '/var/log/mail.log*'  several files, an hour of history
  relaytop /var/log/exim4/mainlog /var/log/pmta/acct-*.csv /var/log/kumomta/
                                            three MTAs in one table
  zcat mail.log.2.gz | relaytop -           read a log from a pipe
  relaytop report --json /var/log/mail.log.1 /var/log/mail.log.2.gz
  relaytop http://mta1:8000/metrics http://mta2:8000/metrics /var/log/mail.log
                                            two KumoMTA nodes polled, a Postfix log followed
  relaytop report --for 10m --json http://pmta1:8080/status
  relaytop explain 451 4.7.0 'Temporary server error. Please try again later. PRX4'
  relaytop demo                             try it without a mail server

Keys in the dashboard: ? lists them all.
`

func main() {
	// SIGTERM and SIGHUP (a dropped SSH session) end the program cleanly:
	// the dashboard gives the terminal back, then we exit 128+signal.
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP)
	var got atomic.Value
	go func() {
		if s, ok := <-sigs; ok {
			got.Store(s)
			cancel()
		}
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	signal.Stop(sigs)
	cancel()
	if s, ok := got.Load().(syscall.Signal); ok {
		os.Exit(128 + int(s))
	}
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "relaytop:", err)
		}
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// errUsage means the usage was already printed.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "demo":
			return runDemo(ctx, args[1:], stdout, stderr)
		case "report":
			return runReport(ctx, args[1:], os.Stdin, stdout, stderr)
		case "explain":
			return runExplain(args[1:], stdout, stderr)
		case "help":
			fmt.Fprint(stdout, usage)
			return nil
		}
	}
	return runDashboardCmd(ctx, args, stderr)
}
