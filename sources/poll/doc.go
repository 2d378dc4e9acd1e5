// Package poll reads mail relays' HTTP stats endpoints, KumoMTA's metrics
// and PowerMTA's management interface, and turns what they report into
// per-interval deltas (Delta), current levels (Gauge), queues in backoff
// (Backoff) and node totals, one Result per poll. A Poller polls one
// endpoint; a fleet is several Pollers sharing one channel, each Result
// and State naming its host.
//
// # Adapters
//
// The adapter is forced by Options.Format or told by the URL: a path
// ending in /metrics or /metrics.json is KumoMTA, one ending in /status,
// /domains, /vmtas or /queues is PowerMTA (all four documents are fetched,
// with ?format=xml). A bare http://host:port is tried as KumoMTA's
// /metrics, then as PowerMTA's /status; any other path is tried as KumoMTA
// metrics and then as the base of PowerMTA's documents. Once a poll has
// read recognisable data the choice is kept. Each response is checked by
// its content type and the shape of its body: KumoMTA's Prometheus text is
// read with the Prometheus project's parser (expfmt), its JSON with
// encoding/json, PowerMTA's XML with encoding/xml; a body of the wrong kind
// (an HTML login page, JSON where text was expected) is an error that
// wraps ErrContentType or ErrParse, never a panic.
//
// KumoMTA: total_messages_delivered, total_messages_transfail and
// total_messages_fail become Sent, Deferred and Bounced (KumoMTA has no
// expiry counter), per provider and egress source from the
// _by_provider_and_source families, else per provider from _by_provider;
// the by-service families give Totals.Node. queued_count_by_provider and
// connection_count_by_provider are provider gauges, scheduled_by_domain
// domain gauges, ready_count and egress_source_health_suspended node
// totals; a suspended source is also a Backoff. A provider label (the
// operator's shaping name, or KumoMTA's site name such as
// "(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com") is mapped to a
// relaytop provider as providerOf describes; the label is kept in the row.
//
// PowerMTA: /status gives the node's outbound recipient total (deliveries)
// as Totals.Node, its queue size and connections; /domains and /vmtas give
// per-domain and per-VirtualMTA gauges (recipients queued, connections),
// and per-row counters when a version reports them; /queues gives the
// queues in backoff mode with their reason. Domains are classified with
// model.DefaultClassifier().Classify("", domain).
//
// # From counters to deltas
//
// A counter series (a metric family and its labels) is compared with the
// value it had when relaytop last saw it:
//
//   - at its first sight a series gives no delta: what it counted before
//     relaytop saw it is not in the window (the first poll therefore gives
//     gauges and no deltas);
//   - a value at or above the last one gives the difference;
//   - a value below the last one, whether the series stayed (a restart
//     reset it) or disappeared and came back (KumoMTA prunes idle series
//     and recreates them at zero), gives the new value itself.
//
// Why this never doubles and is never negative: a counter only grows
// while it lives, so the true count since the last sighting is at least
// new - last when the series lived on and at least new when it was reset
// or recreated (everything it holds was counted after the reset, hence
// after the last sighting). The rule takes new - last when that is not
// negative, which is exact for a series that lived on and an undercount,
// never an overcount, for one recreated that has already passed its old
// value; and new otherwise, which is exact for everything counted since
// the reset. Counts lost to a reset between two polls (counted after the
// last poll, before the reset) are not recovered. A series unseen for an
// hour is forgotten; if it returns it is a first sight again.
//
// The same counts often come in several breakdowns (KumoMTA by provider,
// and by provider and source; PowerMTA per domain and per VirtualMTA).
// Every series is tracked, and each poll shows one breakdown per counter:
// the finest among those present both in this poll and the previous one,
// so that an interval's count comes from values read at both its ends and
// a breakdown that disappears and comes back does not count twice.
//
// Gauges stay gauges; Backoff.Since is when relaytop first saw the queue
// in backoff, since neither MTA says.
//
// # Robustness
//
// Every request is bounded by Options.Timeout, body included, so a body
// that trickles in byte by byte fails with ErrTimeout; bodies longer than
// Options.MaxBody fail with ErrTooLarge as soon as the limit is passed;
// at most 5 redirects are followed (ErrRedirect), credentials go to the
// endpoint's scheme and host:port only, and a redirect to a URL with
// credentials in it is refused. TLS certificates are verified unless
// Options.Insecure (ErrTLS keeps the reason, such as "certificate signed by
// unknown authority"). Run retries a failing endpoint after the interval,
// then twice that, up to 30s, and State tells ok, stale (last success
// older than three intervals) or the error, since when.
//
// Credentials (Auth, see AuthFromEnv) come from the environment or a file,
// never from the URL: New refuses a URL with user information. They never
// appear in an error, in State or in a Result: messages name the URL
// without credentials (Redact), response bodies are never quoted in HTTP
// errors, and any credential a server echoes back is replaced by REDACTED
// before the body is parsed. Text from the endpoint (labels, backoff
// reasons) is kept without control characters.
//
// SimHandler serves a simulated KumoMTA or PowerMTA endpoint for `relaytop
// demo --serve` and for tests.
package poll
