package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
)

func TestAlertHook(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "alerts")
	h := newAlertHook(`cat >> "`+out+`"; echo "$RELAYTOP_ALERT_KIND" >> "`+out+`.kind"`, 200*time.Millisecond, 5*time.Second)
	t0 := time.Date(2026, 11, 27, 16, 40, 0, 0, time.UTC)
	e := model.Episode{Provider: model.Microsoft, Code: 451, Enhanced: "4.7.0", Text: "Temporary server error. PRX4",
		Kind: model.Sustained, Since: t0, Until: t0.Add(15 * time.Minute), Ongoing: true, Evidence: "23.5%",
		Figures: map[string]any{"share_15m": 0.235}}
	start := time.Now()
	h.Send(e)
	e.Kind = model.Aging
	h.Send(e)
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("Send blocked for %v", d)
	}
	if msg := h.Close(10 * time.Second); msg != "" {
		t.Errorf("summary %q", msg)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("two runs within %v: not rate limited", d)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("hook got %q", b)
	}
	var got struct {
		Provider, Enhanced, Kind, Since string
		Code                            int
		Figures                         map[string]any
	}
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	if got.Provider != "microsoft" || got.Code != 451 || got.Enhanced != "4.7.0" || got.Kind != "sustained" ||
		got.Since != "2026-11-27T16:40:00Z" || got.Figures["share_15m"] != 0.235 {
		t.Errorf("JSON %s", lines[0])
	}
	if k, _ := os.ReadFile(out + ".kind"); string(k) != "sustained\naging\n" {
		t.Errorf("RELAYTOP_ALERT_KIND %q", k)
	}
}

func TestAlertHookTrouble(t *testing.T) {
	// A hook that hangs is stopped; one that fails is reported; a flood
	// is dropped and counted, never blocking.
	h := newAlertHook("sleep 5", 0, 100*time.Millisecond)
	for range alertQueue + 5 {
		h.Send(model.Episode{Kind: model.Sustained})
	}
	msg := h.Close(200 * time.Millisecond)
	if !strings.Contains(msg, "dropped") {
		t.Errorf("summary %q", msg)
	}
	h = newAlertHook("echo no such thing >&2; exit 3", 0, time.Second)
	h.Send(model.Episode{Kind: model.Aging})
	if msg := h.Close(5 * time.Second); !strings.Contains(msg, "1 of 1 runs failed") || !strings.Contains(msg, "no such thing") {
		t.Errorf("summary %q", msg)
	}
	h = newAlertHook("sleep 5", 0, 100*time.Millisecond)
	h.Send(model.Episode{Kind: model.Aging})
	if msg := h.Close(5 * time.Second); !strings.Contains(msg, "stopped after 100ms") {
		t.Errorf("summary %q", msg)
	}
}
