package poll

import (
	"context"
	"time"
)

// maxRetryDelay caps the delay between attempts while an endpoint fails.
const maxRetryDelay = 30 * time.Second

// retryDelay is the wait before the next attempt after fails consecutive
// failures: the interval, doubled for each further failure, capped at
// maxRetryDelay (or the interval, when that is longer).
func retryDelay(interval time.Duration, fails int) time.Duration {
	limit := max(maxRetryDelay, interval)
	d := interval
	for i := 1; i < fails && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// Run polls at once and then every Options.Interval until ctx is done,
// sending each successful poll's Result on out; it returns nil then. It
// does not close out: several Pollers may share one channel.
//
// A failed poll is retried after the interval, then after twice that,
// and so on up to 30s (retryDelay); State tells the failure meanwhile and
// the first success after it gives the deltas for the whole outage.
//
// Run never blocks long on out: while the consumer is not ready, results
// wait in one pending Result into which later polls are merged (counts
// add up, levels are the latest), and it is offered again at every turn,
// so a slow consumer gets fewer, longer intervals and no count is lost.
func (p *Poller) Run(ctx context.Context, out chan<- Result) error {
	defer p.f.client.CloseIdleConnections()
	var pending *Result
	wait := time.Duration(0)
	fails := 0
	for {
		tick := p.after(wait)
	waiting:
		for {
			var send chan<- Result
			var v Result
			if pending != nil {
				send, v = out, *pending
			}
			select {
			case <-ctx.Done():
				return nil
			case send <- v:
				pending = nil
			case <-tick:
				break waiting
			}
		}
		r, err := p.Poll(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			fails++
			wait = retryDelay(p.opt.Interval, fails)
			continue
		}
		fails, wait = 0, p.opt.Interval
		if pending == nil {
			pending = &r
		} else {
			merge(pending, r)
		}
		select {
		case out <- *pending:
			pending = nil
		default:
		}
	}
}
