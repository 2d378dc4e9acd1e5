package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/relaytop/relaytop/model"
	"github.com/relaytop/relaytop/sources/demo"
)

func runCmd(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if err := run(context.Background(), args, &out, &errb); err != nil {
		t.Fatalf("relaytop %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// TestDemoRoundTrip writes logs with `demo --write` and checks that
// `report --json` counts exactly what the simulator says it wrote: totals,
// per provider, and the Microsoft 451 4.7.0 deferrals.
func TestDemoRoundTrip(t *testing.T) {
	for _, c := range []struct {
		mta   string
		lines int
		seed  string
	}{{"postfix", 20000, "1"}, {"postfix", 250000, "7"}, {"exim", 20000, "2"}, {"exim", 150000, "3"},
		{"pmta", 20000, "4"}, {"pmta", 150000, "5"}, {"kumo", 20000, "6"}, {"kumo", 60000, "8"}} {
		path := filepath.Join(t.TempDir(), "mail.log")
		var wrote demo.Summary
		if err := json.Unmarshal([]byte(runCmd(t, "demo", "--write", path, "--mta", c.mta, "--lines", strconv.Itoa(c.lines), "--seed", c.seed, "--json")), &wrote); err != nil {
			t.Fatal(err)
		}
		var rep model.Report
		if err := json.Unmarshal([]byte(runCmd(t, "report", "--json", path)), &rep); err != nil {
			t.Fatal(err)
		}
		if len(rep.MTAs) != 1 || rep.MTAs[0].MTA != c.mta {
			t.Errorf("%s: detected %+v", c.mta, rep.MTAs)
		}
		if rep.Lines != wrote.Lines || rep.Unparsed != 0 {
			t.Errorf("lines %d (unparsed %d), wrote %d", rep.Lines, rep.Unparsed, wrote.Lines)
		}
		if got := (demo.Counts{Sent: rep.Totals.Sent, Deferred: rep.Totals.Deferred, Bounced: rep.Totals.Bounced, Expired: rep.Totals.Expired}); got != wrote.Totals {
			t.Errorf("totals %+v, wrote %+v", got, wrote.Totals)
		}
		if rep.Internal != wrote.Internal || rep.Probes != wrote.Probes {
			t.Errorf("internal %d probes %d, wrote %d %d", rep.Internal, rep.Probes, wrote.Internal, wrote.Probes)
		}
		seen := map[string]bool{}
		for _, p := range rep.Providers {
			seen[p.ID] = true
			w := wrote.Providers[p.ID]
			if got := (demo.Counts{Sent: p.Sent, Deferred: p.Deferred, Bounced: p.Bounced, Expired: p.Expired}); got != w {
				t.Errorf("provider %s: %+v, wrote %+v", p.ID, got, w)
			}
		}
		for id, w := range wrote.Providers {
			if !seen[id] && w != (demo.Counts{}) {
				t.Errorf("provider %s missing from the report", id)
			}
		}
		var ms470 int64
		for _, s := range rep.Signatures {
			if s.Provider == model.Microsoft && s.Code == 451 && s.Enhanced == "4.7.0" && s.Outcome == "deferred" {
				ms470 += s.Count
			}
		}
		if ms470 != wrote.Microsoft470 || ms470 == 0 {
			t.Errorf("Microsoft 451 4.7.0 deferrals %d, wrote %d", ms470, wrote.Microsoft470)
		}
	}
}

func TestReportText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mail.log")
	runCmd(t, "demo", "--write", path, "--lines", "30000")
	out := runCmd(t, "report", path)
	for _, want := range []string{"PROVIDER", "Microsoft", "TOP DOMAINS", "TOP REPLY SIGNATURES", "means: Microsoft 451 4.7.0", "results  sent "} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestExplain(t *testing.T) {
	out := runCmd(t, "explain", "--provider", "microsoft", "451", "4.7.0", "Temporary", "server", "error.", "PRX4")
	for _, want := range []string{"Microsoft 451 4.7.0", "matched by token PRX4", "HOW TO FIX IT", "1. ", "FAQ"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	out = runCmd(t, "explain", "5.1.1")
	if !strings.Contains(out, "registry entry for enhanced code 5.1.1") {
		t.Errorf("explain 5.1.1:\n%s", out)
	}
	out = runCmd(t, "explain", "--relay", "contoso-com.mail.protection.outlook.com", "451 4.7.0 PRX2")
	if !strings.Contains(out, "Microsoft 451 4.7.0") {
		t.Errorf("explain by relay:\n%s", out)
	}
}

func TestParseInterleaved(t *testing.T) {
	fs := newFlagSet("x", &bytes.Buffer{}, "")
	j := fs.Bool("json", false, "")
	n := fs.Int("top", 1, "")
	pos, err := parseInterleaved(fs, []string{"a", "--json", "b", "--top", "3", "--", "--c"})
	if err != nil || !*j || *n != 3 || strings.Join(pos, ",") != "a,b,--c" {
		t.Fatalf("pos %v json %v top %d err %v", pos, *j, *n, err)
	}
}
