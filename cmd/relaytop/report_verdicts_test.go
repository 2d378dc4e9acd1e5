package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/demo"
)

// TestReportVerdicts: report --json on a simulated campaign gives the
// verdict episodes its story holds, with their times: Microsoft's 451
// 4.7.0 surge as a burst from its start and sustained once it has been
// over 10% for 15 minutes, until it falls; the fabrikam.com tenant rule as
// concentration on one recipient domain; and the text report lists them.
func TestReportVerdicts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mail.log")
	runCmd(t, "demo", "--write", path, "--lines", "200000", "--seed", "1", "--json")
	var rep model.Report
	out := runCmd(t, "report", "--json", path)
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// The same log gives the same report, byte for byte: ties (twelve
	// PRX forms of one burst) are broken by key, not by map order.
	for i := 0; i < 3; i++ {
		if again := runCmd(t, "report", "--json", path); again != out {
			t.Fatalf("report %d differs from the first", i+2)
		}
	}
	from, err := time.Parse(time.RFC3339, rep.From)
	if err != nil {
		t.Fatal(err)
	}
	start := from.Add(demo.History).Truncate(time.Minute) // the story's t=0
	rel := func(x time.Time) time.Duration { return x.Sub(start) }
	find := func(kind model.VerdictKind, ok func(e *model.Episode) bool) *model.Episode {
		for i := range rep.Verdicts {
			if e := &rep.Verdicts[i]; e.Kind == kind && ok(e) {
				return e
			}
		}
		return nil
	}
	ms470 := func(e *model.Episode) bool {
		return e.Provider == model.Microsoft && e.Code == 451 && e.Enhanced == "4.7.0" && strings.Contains(e.Text, "PRX")
	}
	for _, c := range []struct {
		what       string
		kind       model.VerdictKind
		ok         func(e *model.Episode) bool
		since      [2]time.Duration // when it must begin
		until      [2]time.Duration // and end
		figure     string
		atLeast    float64
		signatures int
	}{
		{"the surge starts as a burst", model.Burst, ms470, [2]time.Duration{0, 3 * time.Minute}, [2]time.Duration{5 * time.Minute, 20 * time.Minute}, "share_1m", 0.2, 2},
		{"the surge is sustained", model.Sustained, ms470, [2]time.Duration{15 * time.Minute, 18 * time.Minute}, [2]time.Duration{demo.SurgeTen, demo.SurgeEnd + 2*time.Minute}, "share_15m", 0.2, 2},
		{"the fabrikam.com rule", model.Concentrated, func(e *model.Episode) bool {
			return e.Provider == model.Microsoft && e.Enhanced == "5.7.1" && e.Figures["top"] == "fabrikam.com"
		}, [2]time.Duration{demo.TenantRuleFrom, demo.TenantRuleFrom + 4*time.Minute}, [2]time.Duration{demo.StoryEnd - 2*time.Minute, demo.StoryEnd + time.Minute}, "share", 0.9, 1},
	} {
		e := find(c.kind, c.ok)
		if e == nil {
			t.Errorf("%s: no %s episode in %d", c.what, c.kind, len(rep.Verdicts))
			continue
		}
		if s := rel(e.Since); s < c.since[0] || s > c.since[1] {
			t.Errorf("%s: begins at t%+v, want between %v and %v", c.what, s, c.since[0], c.since[1])
		}
		if u := rel(e.Until); u < c.until[0] || u > c.until[1] {
			t.Errorf("%s: ends at t%+v, want between %v and %v", c.what, u, c.until[0], c.until[1])
		}
		if f, _ := e.Figures[c.figure].(float64); f < c.atLeast {
			t.Errorf("%s: %s = %v, want at least %v (%v)", c.what, c.figure, e.Figures[c.figure], c.atLeast, e.Figures)
		}
		if e.Signatures < c.signatures {
			t.Errorf("%s: judged over %d signatures", c.what, e.Signatures)
		}
	}
	text := runCmd(t, "report", path)
	if !strings.Contains(text, "VERDICTS (") || !strings.Contains(text, "sustained") || !strings.Contains(text, "fabrikam.com") {
		t.Errorf("the text report does not list the verdicts:\n%s", text)
	}
}

// TestVerdictsNeedLogs: a report of endpoints alone says why it has no
// verdicts rather than that nothing was wrong.
func TestVerdictsNeedLogs(t *testing.T) {
	for _, c := range []struct {
		needLogs bool
		want     string
	}{{true, "only logs carry replies"}, {false, "no reply was sustained"}} {
		var b strings.Builder
		writeVerdicts(&b, nil, c.needLogs)
		if !strings.Contains(b.String(), c.want) {
			t.Errorf("needLogs %v: %q", c.needLogs, b.String())
		}
	}
}
