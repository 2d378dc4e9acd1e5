// Package demo simulates a bulk-mail campaign and writes it as a realistic
// mail log, for `relaytop demo` (a live log the dashboard follows through
// the real follower and parser) and for tests and benchmarks (a finished
// log plus a Summary of exactly what it holds). The log is Postfix's by
// default; Config.MTA writes the same campaign as an Exim main log, a
// PowerMTA accounting file or KumoMTA JSON log records instead (see MTA).
//
// The Postfix log is what one Postfix host, mx1, writes while a campaign
// application submits newsletters over SMTP: smtpd connect / client= /
// disconnect, cleanup message-id=, qmgr "from=... (queue active)", one
// smtp result line per recipient per attempt, qmgr "removed". Around those
// it writes what real logs hold: TLS handshake lines, "connect to ...:
// Connection timed out" and postfix/error "delivery temporarily suspended"
// deferrals for dead destinations, DNS "try again" deferrals, greylisting,
// bounces with their non-delivery notices (delivered locally to a bounce
// handler), expiries ("status=expired, returned to sender"), a few
// messages that pass through a content filter on 127.0.0.1:10024 and come
// back re-injected, and a few address-verification probes.
//
// Recipients are spread about 35% Microsoft (Microsoft 365 tenants such as
// contoso.com and Outlook.com), 30% Google (Gmail and Workspace), 15%
// Yahoo/AOL, 3% Apple and 17% a long tail of 200 small domains under the
// reserved .example TLD. Relay host names follow the providers' real MX
// patterns, so relaytop's classifier attributes each line as Summary does.
//
// The story (see the constants in timeline.go) gives each of relaytop's
// verdicts something to find within ten minutes of Start: fifteen minutes of
// traffic before Start, during which Yahoo answers TSS04 to 13% of
// attempts (sustained) until it lifts at t=+4m (recovering); from t=+20s
// the share of Microsoft attempts answered "451 4.7.0 Temporary server
// error ... PRXn" climbs past 10% within a minute, stays around 25% until
// t=+20m and recovers to 1% by t=+23m; Gmail rate-limits in a burst at
// t=+5m; from t=+2m a mail flow rule at one Microsoft 365 tenant,
// fabrikam.com, rejects the campaign "550 5.7.1" (concentrated); all
// along, yesterday's backlog for a small domain whose server is out of
// storage is retried, queued for more than a day (aging); from t=+3m the
// sending host bounces Gmail's "452 4.2.2" over-quota deferrals
// (misclassified); from t=+6m to t=+16m an unpublished DKIM key makes
// Gmail reject some mail "550 5.7.26" for DMARC (authentication trouble);
// and low rates of everything else (noise).
//
// Everything is a deterministic function of Config: one seeded generator
// drives an event queue in which every event writes at most one line (for
// Postfix exactly one). The other MTAs log fewer of the steps (no queue
// manager, no submission sessions), so the same seed gives the same story
// but not the same recipients in each format.
package demo
