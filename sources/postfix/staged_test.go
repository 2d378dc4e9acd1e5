package postfix

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/relaytop/relaytop/model"
)

// outcome is what the test expects of one event.
type outcome struct {
	o         model.Outcome
	rcpt, qid string
}

// stagedLog writes a log in which queue ids are deferred for several
// recipients, some delivered later, some expired (with none, one or many
// recipients still pending), some removed, between noise lines. It also
// returns the events the rules give, from its own model of them: per
// queue id, the recipients whose last result was a deferral, in the order
// first deferred.
func stagedLog(n int) ([]string, []outcome) {
	r := rand.New(rand.NewPCG(1, 2))
	var out []string
	var want []outcome
	pend := map[string][]string{}
	for len(out) < n {
		i := r.IntN(200)
		q := fmt.Sprintf("%010X", 0xA0000+i)
		rcpt := fmt.Sprintf("u%d@d%d.example", r.IntN(4), i%7)
		ts := fmt.Sprintf("Nov 27 10:%02d:%02d", len(out)/60%60, len(out)%60)
		switch r.IntN(8) {
		case 0, 1:
			out = append(out, fmt.Sprintf("%s mx postfix/smtp[1]: %s: to=<%s>, relay=mx.d.example[192.0.2.1]:25, delay=%d, delays=0/0/0/1, dsn=4.7.0, status=deferred (host mx.d.example[192.0.2.1] said: 451 4.7.0 try later %d (in reply to RCPT TO command))", ts, q, rcpt, len(out), r.IntN(3)))
			want = append(want, outcome{model.Deferred, rcpt, q})
			if !slices.Contains(pend[q], rcpt) {
				pend[q] = append(pend[q], rcpt)
			}
		case 2, 3:
			o, status := model.Sent, "dsn=2.0.0, status=sent (250 2.0.0 ok)"
			if r.IntN(2) == 0 {
				o, status = model.Bounced, "dsn=5.1.1, status=bounced (host mx.d.example[192.0.2.1] said: 550 5.1.1 no such user (in reply to RCPT TO command))"
			}
			out = append(out, fmt.Sprintf("%s mx postfix/smtp[1]: %s: to=<%s>, relay=mx.d.example[192.0.2.1]:25, delay=1, delays=0/0/0/1, %s", ts, q, rcpt, status))
			want = append(want, outcome{o, rcpt, q})
			if j := slices.Index(pend[q], rcpt); j >= 0 {
				pend[q] = slices.Delete(pend[q], j, j+1)
			}
		case 4:
			out = append(out, fmt.Sprintf("%s mx postfix/qmgr[2]: %s: from=<s@me.example>, status=expired, returned to sender", ts, q))
			if len(pend[q]) == 0 {
				want = append(want, outcome{model.Expired, "", q})
			}
			for _, rc := range pend[q] {
				want = append(want, outcome{model.Expired, rc, q})
			}
			delete(pend, q)
		case 5:
			out = append(out, fmt.Sprintf("%s mx postfix/qmgr[2]: %s: removed", ts, q))
			delete(pend, q)
		case 6:
			out = append(out, fmt.Sprintf("%s mx postfix/qmgr[2]: %s: from=<s@me.example>, size=100, nrcpt=2 (queue active)", ts, q))
		default:
			out = append(out, fmt.Sprintf("%s mx postfix/smtpd[3]: connect from c.example[192.0.2.9]", ts))
		}
	}
	return out, want
}

// The parser follows the expiry rules on a long log, parsed whole or
// staged with its ordered work run one chunk behind on another goroutine;
// both give the same events in the same order.
func TestStagedMatchesWhole(t *testing.T) {
	lines, rules := stagedLog(20000)
	whole := newTestParser()
	var want []model.Event
	for _, l := range lines {
		want, _ = whole.Parse([]byte(l), want)
	}
	if len(want) != len(rules) {
		t.Fatalf("whole: %d events, the rules give %d", len(want), len(rules))
	}
	many := 0
	for i, ev := range want {
		if got := (outcome{ev.Outcome, ev.Recipient, ev.QueueID}); got != rules[i] {
			t.Fatalf("event %d: %+v, the rules give %+v", i, got, rules[i])
		}
		if i > 0 && ev.Outcome == model.Expired && ev.Recipient != "" && want[i-1].Raw == ev.Raw {
			many++
		}
	}
	if many == 0 {
		t.Fatal("no expiry of several recipients: insertion is not tested")
	}

	staged := newTestParser()
	staged.Stage()
	type batch struct {
		evs    []model.Event
		finish func([]model.Event) []model.Event
	}
	batches := make(chan batch, 2)
	done := make(chan []model.Event)
	go func() {
		var got []model.Event
		for b := range batches {
			got = append(got, b.finish(b.evs)...)
		}
		done <- got
	}()
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < len(lines); {
		n := min(len(lines)-i, 1+r.IntN(300))
		var evs []model.Event
		for _, l := range lines[i : i+n] {
			evs, _ = staged.Parse([]byte(l), evs)
		}
		batches <- batch{evs, staged.EndChunk()}
		i += n
	}
	close(batches)
	got := <-done
	if len(got) != len(want) {
		t.Fatalf("staged: %d events, whole: %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("event %d differs:\nstaged %+v\nwhole  %+v", i, got[i], want[i])
		}
	}
}
