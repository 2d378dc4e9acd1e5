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
// The story (see the constants in timeline.go): ten minutes of normal
// traffic, then from t=+20s the share of Microsoft attempts answered
// "451 4.7.0 Temporary server error ... PRXn" climbs past 10% within a
// minute, stays around 25% until t=+20m and recovers to 1% by t=+23m.
// Yahoo answers TSS04 all along, Gmail rate-limits in a burst at t=+5m.
//
// Everything is a deterministic function of Config: one seeded generator
// drives an event queue in which every event writes at most one line (for
// Postfix exactly one). The other MTAs log fewer of the steps (no queue
// manager, no submission sessions), so the same seed gives the same story
// but not the same recipients in each format.
package demo
