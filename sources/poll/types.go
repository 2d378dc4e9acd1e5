package poll

import (
	"errors"
	"net/http"
	"time"

	"github.com/relaytop/relaytop/model"
)

// Delta is what happened between two polls for one row: a provider, the
// MTA's own label for it, and a sending identity when the series has one.
type Delta struct {
	// Start and End are the times of the two polls the delta lies between.
	Start, End time.Time
	// Host is the endpoint's host:port, for grouping by host.
	Host string
	// Provider is the relaytop provider id ("google", "microsoft", "yahoo",
	// "apple", ..., "other"); "" only for a PowerMTA counter reported per
	// VirtualMTA with no domain.
	Provider string
	// Label is the MTA's own name for the row, as reported: a KumoMTA
	// provider or site name, a PowerMTA domain.
	Label string
	// Identity is the egress source, VirtualMTA or pool when the series
	// carries one; "" otherwise.
	Identity string
	// Counts are what happened in the interval (never negative; see the
	// package documentation).
	model.Counts
}

// Gauge rows say what a row is keyed by, in Gauge.By. Rows of different
// kinds overlap (a domain's queue is part of its provider's), so sum only
// rows of one kind.
const (
	ByProvider = "provider" // a KumoMTA provider (or site) label
	ByDomain   = "domain"   // a destination domain
	ByIdentity = "identity" // a PowerMTA VirtualMTA, whatever its destinations
)

// Gauge is a current level for one row. Provider, Label and Identity
// are as in Delta; Provider is "" for ByIdentity rows.
type Gauge struct {
	Host, Provider, Label, Identity string
	// By is ByProvider, ByDomain or ByIdentity.
	By string
	// Queued is the number of messages (KumoMTA) or recipients (PowerMTA)
	// waiting; for KumoMTA domain rows, the scheduled queue only. -1 when
	// not reported.
	Queued float64
	// Connections is the number of open outbound connections; -1 when not
	// reported.
	Connections float64
}

// Backoff is a PowerMTA queue in backoff mode, or a KumoMTA egress source
// that is suspended.
type Backoff struct {
	Host string
	// Queue is the PowerMTA queue ("yahoo.com/vmta2") or the KumoMTA
	// egress source name.
	Queue string
	// Domain is the queue's destination domain; "" for a KumoMTA source.
	Domain string
	// Provider is the relaytop provider id of Domain; "" without a domain.
	Provider string
	// Identity is the VirtualMTA or egress source.
	Identity string
	// Reason is the reply or rule that put the queue in backoff, as
	// reported, with control characters removed.
	Reason string
	// Since is when relaytop first saw the queue in this state (neither
	// MTA reports when it began).
	Since time.Time
}

// Totals are node-level figures for the header. Gauges are -1 when the
// MTA does not report them.
type Totals struct {
	// Ready is KumoMTA's ready-queue size (ready_count).
	Ready float64
	// Suspended is the number of suspended KumoMTA egress sources.
	Suspended float64
	// Queued and Connections are the node's queue size and open outbound
	// connections.
	Queued, Connections float64
	// Node is the node-wide counter delta for the interval (every
	// provider together) when the MTA reports node-level counters: KumoMTA
	// total_messages_* by service type, PowerMTA's outbound recipient
	// total (which counts deliveries only). Nil on the first poll and when
	// not reported. Provider and Label are empty.
	Node *Delta
}

// Result is what one poll of one endpoint gave.
type Result struct {
	// At is when the poll completed (Options.Now).
	At time.Time
	// Host is the endpoint's host:port.
	Host string
	// Format is the adapter used: "kumo" or "pmta".
	Format string
	// Deltas are the counter rows that changed since the previous poll,
	// empty on the first poll.
	Deltas   []Delta
	Gauges   []Gauge
	Backoffs []Backoff
	Totals   Totals
}

// State is an endpoint's condition, for the header.
type State struct {
	// Endpoint is the URL polled, without credentials.
	Endpoint string
	// Format is the adapter in use ("kumo", "pmta"), "" until detected.
	Format string
	// OK reports whether the last poll succeeded.
	OK bool
	// Err is why the last poll failed; it never contains credentials.
	Err string
	// ErrSince is when the current run of failures began.
	ErrSince time.Time
	// LastOK is when a poll last succeeded; zero if none has.
	LastOK time.Time
	// Stale reports that the last success is older than three intervals.
	Stale bool
}

// Options configure a Poller. The zero value polls every 2s with a 5s
// timeout, detects the format and verifies TLS certificates.
type Options struct {
	// Interval is the time between polls (default 2s).
	Interval time.Duration
	// Timeout bounds one HTTP request, body included (default 5s).
	Timeout time.Duration
	// Format is "auto" (or ""), "kumo" or "pmta".
	Format string
	// MaxBody is the largest response body read (default 16 MiB).
	MaxBody int64
	// Insecure skips TLS certificate verification. Set it only when the
	// user asks; it has no effect on an injected Client.
	Insecure bool
	// Auth is sent with every request to the endpoint's host, and to no
	// other host.
	Auth Auth
	// Client makes the requests (tests inject one); by default one is
	// built from the options. Either way the Poller applies its own
	// redirect policy.
	Client *http.Client
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = 2 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.MaxBody <= 0 {
		o.MaxBody = 16 << 20
	}
	if o.Format == "" {
		o.Format = "auto"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Errors a poll can fail with, wrapped with the details; test with
// errors.Is.
var (
	// ErrURL is an endpoint that is not an http:// or https:// URL.
	ErrURL = errors.New("invalid endpoint URL")
	// ErrStatus is an HTTP status other than 2xx.
	ErrStatus = errors.New("unexpected HTTP status")
	// ErrTooLarge is a response body longer than Options.MaxBody.
	ErrTooLarge = errors.New("response too large")
	// ErrTimeout is a request that did not complete within Options.Timeout.
	ErrTimeout = errors.New("timed out")
	// ErrRedirect is a redirect the Poller refuses to follow.
	ErrRedirect = errors.New("redirect refused")
	// ErrTLS is a TLS handshake or certificate failure.
	ErrTLS = errors.New("TLS failure")
	// ErrContentType is a response of a type the adapter does not read.
	ErrContentType = errors.New("unexpected content type")
	// ErrParse is a response body the adapter cannot read.
	ErrParse = errors.New("cannot parse response")
	// ErrDetect is an endpoint whose format cannot be told.
	ErrDetect = errors.New("unknown endpoint format")
	// ErrCredentials is a credentials problem: credentials in the URL, a
	// bad auth file, conflicting environment variables.
	ErrCredentials = errors.New("credentials")
)

// Error is the error type of this package: a message that is safe to show
// (no credentials) and the sentinel it wraps.
type Error struct {
	Msg  string
	Kind error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the sentinel (ErrStatus, ErrTimeout, ...), or nil.
func (e *Error) Unwrap() error { return e.Kind }
