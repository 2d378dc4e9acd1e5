package model

import (
	"fmt"
	"testing"
	"time"
)

var benchTexts = []string{
	"Temporary server error. Please try again later. PRX4 [AM0PR01MB1234.eurprd01.prod.exchangelabs.com 2026-11-27T16:40:01.123Z 08DD1A2B3C4D5E6F]",
	"[TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
	"The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser 7rnjjlldqhgiq-4q3w6pmvnessi8143481kxx.137 - gsmtp",
	"connect to mx.example.com[198.51.100.7]:25: Connection timed out",
}

func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Normalize(benchTexts[i%len(benchTexts)])
	}
}

func BenchmarkClassify(b *testing.B) {
	c := DefaultClassifier()
	relays := []string{"contoso-com.mail.protection.outlook.com", "gmail-smtp-in.l.google.com", "mta6.am0.yahoodns.net", "mx.example.org", ""}
	domains := []string{"contoso.com", "gmail.com", "yahoo.com", "example.org", "hotmail.com"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.Classify(relays[i%len(relays)], domains[i%len(domains)])
	}
}

// benchEvents is a stream of n events over an hour: 1,000 domains, a
// tenth deferred with one of the bench texts.
func benchEvents(n int) []Event {
	evs := make([]Event, n)
	for i := range evs {
		e := Event{Time: t0.Add(time.Duration(i) * time.Hour / time.Duration(n)), Outcome: Sent,
			Relay: "mx.example.org", Domain: fmt.Sprintf("d%d.example", i%1000), Recipient: "a@b", Raw: "raw line",
			Reply: Reply{Code: 250, Enhanced: "2.0.0", Text: "ok"}}
		if i%10 == 0 {
			e.Outcome = Deferred
			e.Reply = Reply{Code: 451, Enhanced: "4.7.0", Text: benchTexts[i%len(benchTexts)]}
			e.Relay = "contoso-com.mail.protection.outlook.com"
		}
		evs[i] = e
	}
	return evs
}

func BenchmarkAggregatorAdd(b *testing.B) {
	evs := benchEvents(100000)
	a := NewAggregator(Config{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.Add(&evs[i%len(evs)])
	}
}

func BenchmarkSnapshot(b *testing.B) {
	evs := benchEvents(100000)
	a := NewAggregator(Config{})
	for i := range evs {
		a.Add(&evs[i])
	}
	now := evs[len(evs)-1].Time
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.Snapshot(now)
	}
}
