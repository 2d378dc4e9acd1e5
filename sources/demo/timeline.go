package demo

import (
	"math"
	"time"
)

// The campaign's story, in simulated time from Config.Start (t=0). Each
// part of it is there for one of relaytop's verdicts, and all of them show
// within the first ten minutes (the History before Start is their lead-up).
//
//   - [-History, 0): normal traffic. About 1% of Microsoft attempts are
//     deferred "451 4.7.0" (noise).
//   - SurgeRise: the Microsoft 4.7.0 share starts to climb, reaching
//     SurgePeak (about 25%, wobbling ±3%) at SurgeFull; it crosses 10%
//     about 50 s in (a burst; sustained once it has been over 10% for 15
//     minutes, about t=+16m).
//   - SurgeFall: the share drops to 10% at SurgeTen and back to the 1%
//     baseline at SurgeEnd ("recovered").
//   - Yahoo answers TSS04 to tss04High (13%) of attempts, over the
//     entry's 10% threshold, from before the log begins until TSS04Lift
//     (sustained, then recovering), and to between 3% and 8% (a slow wave)
//     after it.
//   - From TenantRuleFrom, a mail flow rule at one Microsoft 365 tenant,
//     fabrikam.com, rejects every message "550 5.7.1 Delivery not
//     authorized, message refused" (concentrated).
//   - All along, the queue manager retries a backlog of yesterday's
//     messages (queued more than a day before, BacklogAge or older) for
//     a small domain whose server has answered "452 4.3.1 Insufficient
//     system storage" since then, a few a minute (aging).
//   - Gmail answers "452-4.2.2" (over quota) for gmailQuota of attempts;
//     from QuotaBounceFrom a delivery-status filter on the sending host
//     turns those deferrals into bounces (misclassified).
//   - In [DKIMBreak, DKIMFixed) part of the mail is signed with a DKIM key
//     that is not published: Gmail rejects gmailDMARC of attempts "550
//     5.7.26 Unauthenticated email ... DMARC policy" (auth trouble).
//   - Throughout: Gmail 421-4.7.0 at 1.5% with a burst to 15% in
//     [GmailBurstFrom, GmailBurstTo) (a burst), 5.1.1-style bounces for
//     0.8-2.5% of recipients, connection timeouts and DNS failures on a
//     few small domains, greylisting on others.
//   - Deferred recipients are retried after RetryFirst and then RetrySecond
//     (plus up to a minute of queue-run jitter). QueueLifetime stands in for
//     Postfix's maximal_queue_lifetime (5 days) so that expiries happen
//     within the story: a message still deferred on an attempt made at
//     least QueueLifetime after it arrived expires. Yesterday's backlog
//     keeps the real schedule: retried every backlogRetry, expired after
//     backlogLifetime.
//   - After SurgeEnd the campaign goes on at the baseline forever (the
//     tenant rule, the backlog and the status filter stay).
//
// Write spans about [-History, StoryEnd) whatever the number of lines: it
// scales the sending rate, not the clock, so every log tells the same story.
const (
	// History is how long before Start the log begins.
	History = 15 * time.Minute
	// SurgeRise is when the Microsoft 4.7.0 share starts to climb.
	SurgeRise = 20 * time.Second
	// SurgeFull is when the share reaches SurgePeak.
	SurgeFull = 90 * time.Second
	// SurgeFall is when the share starts to drop.
	SurgeFall = 19*time.Minute + 45*time.Second
	// SurgeTen is when the falling share passes 10%.
	SurgeTen = 20*time.Minute + 15*time.Second
	// SurgeEnd is when the share is back at Baseline470.
	SurgeEnd = 23 * time.Minute
	// GmailBurstFrom starts Gmail's burst of 421-4.7.0 deferrals.
	GmailBurstFrom = 4*time.Minute + 40*time.Second
	// GmailBurstTo ends it.
	GmailBurstTo = 5*time.Minute + 50*time.Second
	// StoryEnd is about where Write's log ends, whatever its length.
	StoryEnd = 30 * time.Minute
	// RetryFirst is the wait before a deferred message's first retry.
	RetryFirst = 5 * time.Minute
	// RetrySecond is the wait before its later retries.
	RetrySecond = 10 * time.Minute
	// QueueLifetime is the demo's maximal_queue_lifetime.
	QueueLifetime = 15 * time.Minute
	// TSS04Lift is when Yahoo's TSS04 share falls back under 10%.
	TSS04Lift = 4 * time.Minute
	// TenantRuleFrom is when fabrikam.com's mail flow rule starts to
	// reject the campaign.
	TenantRuleFrom = 2 * time.Minute
	// QuotaBounceFrom is when the sending host starts to bounce Gmail's
	// over-quota deferrals.
	QuotaBounceFrom = 3 * time.Minute
	// DKIMBreak is when part of the mail starts to be signed with a DKIM
	// key that is not published.
	DKIMBreak = 6 * time.Minute
	// DKIMFixed is when that key is published.
	DKIMFixed = 16 * time.Minute
	// BacklogAge is the least time yesterday's backlog has been queued
	// at the start of the log (up to six hours more).
	BacklogAge = 24*time.Hour + 10*time.Minute

	// backlogRetry is the backlog's retry interval: Postfix's
	// maximal_backoff_time (4000 s).
	backlogRetry = 4000 * time.Second
	// backlogLifetime is the backlog's queue lifetime: Postfix's
	// maximal_queue_lifetime (5 days).
	backlogLifetime = 5 * 24 * time.Hour
)

// Shares of attempts, as probabilities.
const (
	// Baseline470 is the Microsoft 451 4.7.0 share outside the surge.
	Baseline470 = 0.01
	// SurgePeak is the Microsoft 451 4.7.0 share at the surge's peak.
	SurgePeak = 0.25

	surgeWobble = 0.03
	outlook650  = 0.015 // Outlook.com 451 4.7.650 (S775)
	gmail421    = 0.015
	gmailBurst  = 0.15
	gmail4211   = 0.002
	yahooMid    = 0.055
	yahooSwing  = 0.025
	tss04High   = 0.13
	appleDefer  = 0.008
	gmailQuota  = 0.003 // Gmail 452-4.2.2 over quota
	gmailDMARC  = 0.015 // Gmail 550-5.7.26 DMARC, in [DKIMBreak, DKIMFixed)
	// backlogRate is the backlog's retries per campaign message: about
	// three a minute at DefaultRate.
	backlogRate = 0.0016
)

// Traffic shape.
const (
	sessionMean = 6     // messages per submission connection, on average
	webShare    = 0.015 // sessions from the content-filtered web application
	probeShare  = 0.004 // address-verification probes per campaign message
	tlsShare    = 0.08  // attempts that log a TLS handshake line
	// resultsPerMessage converts Config.Rate into messages per second
	// (recipients per message, plus retries, notices and probes).
	resultsPerMessage = 1.3
)

// share470 is the share of Microsoft attempts answered 451 4.7.0 at t
// (ms from Start).
func share470(t int64) float64 {
	ms := func(d time.Duration) float64 { return float64(d.Milliseconds()) }
	x := float64(t)
	lerp := func(x0, y0, x1, y1 float64) float64 { return y0 + (y1-y0)*(x-x0)/(x1-x0) }
	plateau := func(x float64) float64 {
		return SurgePeak + surgeWobble*math.Sin(2*math.Pi*(x-ms(SurgeFull))/ms(4*time.Minute))
	}
	switch {
	case x < ms(SurgeRise):
		return Baseline470
	case x < ms(SurgeFull):
		return lerp(ms(SurgeRise), Baseline470, ms(SurgeFull), SurgePeak)
	case x < ms(SurgeFall):
		return plateau(x)
	case x < ms(SurgeTen):
		return lerp(ms(SurgeFall), plateau(ms(SurgeFall)), ms(SurgeTen), 0.10)
	case x < ms(SurgeEnd):
		return lerp(ms(SurgeTen), 0.10, ms(SurgeEnd), Baseline470)
	}
	return Baseline470
}

// shareGmail421 is the share of Google attempts deferred 421-4.7.0 at t.
func shareGmail421(t int64) float64 {
	if t >= GmailBurstFrom.Milliseconds() && t < GmailBurstTo.Milliseconds() {
		return gmailBurst
	}
	return gmail421
}

// shareTSS04 is the share of Yahoo/AOL attempts deferred TSS04 at t.
func shareTSS04(t int64) float64 {
	if t < TSS04Lift.Milliseconds() {
		return tss04High
	}
	return yahooMid + yahooSwing*math.Sin(2*math.Pi*float64(t)/float64((7*time.Minute).Milliseconds()))
}

// dkimBroken reports whether part of the mail is signed with an
// unpublished DKIM key at t.
func dkimBroken(t int64) bool {
	return t >= DKIMBreak.Milliseconds() && t < DKIMFixed.Milliseconds()
}

// arrivalRate is the campaign's message rate at t relative to full speed:
// a gentle ±8% wave, as the sending application's batches come and go.
func arrivalRate(t int64) float64 {
	return 1 + 0.08*math.Sin(2*math.Pi*float64(t)/float64((6*time.Minute).Milliseconds()))
}
