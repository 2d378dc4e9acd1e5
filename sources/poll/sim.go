package poll

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/relaytop/relaytop/model"
)

// SimHandler serves a simulated stats endpoint, for `relaytop demo
// --serve ADDR [--mta kumo|pmta]` and for tests: kind "kumo" serves
// KumoMTA's /metrics and /metrics.json, kind "pmta" PowerMTA's /status,
// /domains, /vmtas and /queues (?format=xml). Any other kind answers 404.
//
// The counters grow like a campaign that started two minutes before the
// handler was made: Microsoft (KumoMTA provider "outlook"; outlook.com and
// hotmail.com) with a deferral rate that climbs from 2% to 30% over two
// minutes, holds, and recovers, every ten minutes; Yahoo/AOL deferring
// about 12% all along, its yahoo.com/vmta-2 queue in backoff with a 421
// 4.7.0 [TSS04] reply (PowerMTA); Gmail mostly delivered; Apple (a
// KumoMTA site name rather than a provider name) and a small domain
// (provider "other"); a suspended egress source, ip-3 (KumoMTA). The
// figures are a deterministic function of seed and of the whole seconds
// elapsed on the now clock (nil means time.Now).
func SimHandler(kind string, now func() time.Time, seed int64) http.Handler {
	if now == nil {
		now = time.Now
	}
	c := &campaign{seed: uint64(seed), start: now().Add(-simWarmup), now: now}
	mux := http.NewServeMux()
	switch kind {
	case "kumo":
		mux.HandleFunc("GET /metrics", c.serveKumoText)
		mux.HandleFunc("GET /metrics.json", c.serveKumoJSON)
	case "pmta":
		for _, doc := range pmtaDocs {
			mux.HandleFunc("GET /"+doc, c.servePMTA(doc))
		}
	}
	return mux
}

// simWarmup is how long the simulated campaign has run when the handler
// is made, so that the first poll sees counters that are not zero.
const simWarmup = 2 * time.Minute

// maxSimStep bounds the seconds simulated in one request; a clock that
// jumps further skips the rest.
const maxSimStep = 6 * 3600

// simDest is one destination of the simulated campaign.
type simDest struct {
	provider  string   // relaytop provider id (what the poller should find)
	kumoLabel string   // KumoMTA provider label
	domains   []string // PowerMTA queue domains
	rate      float64  // attempts per second
	bounce    float64
	deferral  func(sec int64) float64
	expire    float64 // share of deferrals that later expire (PowerMTA only)
}

var simDests = []simDest{
	{model.Microsoft, "outlook", []string{"outlook.com", "hotmail.com"}, 40, 0.01, microsoftDeferral, 0.02},
	{model.Google, "google", []string{"gmail.com"}, 55, 0.005, constRate(0.01), 0},
	{model.Yahoo, "yahoo", []string{"yahoo.com", "aol.com"}, 25, 0.015, constRate(0.12), 0.01},
	{model.Apple, "(mx01|mx02).mail.icloud.com", []string{"icloud.com"}, 6, 0.01, constRate(0.02), 0},
	{model.Other, "mx.example.net", []string{"example.net"}, 12, 0.03, constRate(0.04), 0},
}

// The simulated egress sources (KumoMTA) / VirtualMTAs (PowerMTA).
var (
	simSources = []string{"ip-1", "ip-2"}
	simVMTAs   = []string{"vmta-1", "vmta-2"}
)

const (
	simPool           = "pool-a"
	simSuspendedSrc   = "ip-3"
	simSuspendReason  = "ProxyUnhealthy"
	simYahooBackoff   = "421 4.7.0 [TSS04] Messages from 203.0.113.8 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"
	simMSBackoff      = "451 4.7.650 The mail server [203.0.113.7] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://aka.ms/postmaster (S775)"
	simMSBackoffAbove = 0.2 // Microsoft deferral rate that puts outlook.com/vmta-1 in backoff
)

func constRate(r float64) func(int64) float64 { return func(int64) float64 { return r } }

// microsoftDeferral climbs from 2% to 30% between 1 and 3 minutes into
// every ten, holds until 5, and recovers by 7.
func microsoftDeferral(sec int64) float64 {
	const lo, hi = 0.02, 0.30
	t := float64(sec % 600)
	switch {
	case t < 60:
		return lo
	case t < 180:
		return lo + (hi-lo)*(t-60)/120
	case t < 300:
		return hi
	case t < 420:
		return hi - (hi-lo)*(t-300)/120
	}
	return lo
}

// campaign holds the simulated counters: count[dest][domain][source] is
// sent, deferred, bounced, expired.
type campaign struct {
	seed  uint64
	start time.Time
	now   func() time.Time

	mu    sync.Mutex
	sec   int64 // seconds simulated
	count map[[3]int]*[4]int64
}

// advance simulates up to the current second and returns it.
func (c *campaign) advance() int64 {
	target := int64(c.now().Sub(c.start) / time.Second)
	if c.count == nil {
		c.count = map[[3]int]*[4]int64{}
	}
	if target-c.sec > maxSimStep {
		c.sec = target - maxSimStep
	}
	for ; c.sec < target; c.sec++ {
		c.step(c.sec)
	}
	return c.sec
}

// step adds one second of attempts.
func (c *campaign) step(sec int64) {
	rng := rand.New(rand.NewPCG(c.seed, uint64(sec)))
	for di, d := range simDests {
		def := d.deferral(sec)
		for mi := range d.domains {
			for si := range simSources {
				mean := d.rate / float64(len(d.domains)*len(simSources))
				n := int(mean*(0.8+0.4*rng.Float64()) + rng.Float64())
				k := [3]int{di, mi, si}
				cnt := c.count[k]
				if cnt == nil {
					cnt = &[4]int64{}
					c.count[k] = cnt
				}
				for range n {
					switch u := rng.Float64(); {
					case u < def:
						cnt[oDeferred]++
						if rng.Float64() < d.expire {
							cnt[oExpired]++
						}
					case u < def+d.bounce:
						cnt[oBounced]++
					default:
						cnt[oSent]++
					}
				}
			}
		}
	}
}

// sum adds the counts of the cells keep selects.
func (c *campaign) sum(keep func(dest, domain, source int) bool) [4]int64 {
	var t [4]int64
	for k, v := range c.count {
		if keep(k[0], k[1], k[2]) {
			for i := range t {
				t[i] += v[i]
			}
		}
	}
	return t
}

// level returns a destination's queue size and connections at sec.
func (c *campaign) level(di int, sec int64) (queued, conns float64) {
	d := simDests[di]
	def := d.deferral(sec)
	rng := rand.New(rand.NewPCG(c.seed^0x9e3779b97f4a7c15, uint64(sec)*16+uint64(di)))
	queued = float64(int(d.rate*4 + def*d.rate*120*(0.9+0.2*rng.Float64())))
	conns = float64(max(1, int(d.rate/3*(1-def*2)+rng.Float64()*2)))
	return queued, conns
}
