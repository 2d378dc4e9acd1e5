package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relaytop/relaytop/model"
)

func TestConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	os.WriteFile(path, []byte("# thresholds\nthreshold microsoft 4.7.0 0.15\nthreshold yahoo * 0.08 # all Yahoo\nthreshold * 550 0.03\naging 36h\n"), 0o644)
	c, err := loadConfig(path, true)
	if err != nil {
		t.Fatal(err)
	}
	v := c.verdicts()
	cases := map[model.SigKey]float64{
		{Provider: "microsoft", Code: 451, Enhanced: "4.7.0", Text: "PRX4"}:   0.15, // the file, exact
		{Provider: "yahoo", Code: 421, Enhanced: "4.7.0", Text: "[TSS04] x"}:  0.08, // the file, provider-wide
		{Provider: "google", Code: 550, Enhanced: "5.1.1", Text: "no such"}:   0.03, // the file, any provider's 550
		{Provider: "microsoft", Code: 421, Enhanced: "", Text: "RP-001 busy"}: 0.05, // the entry's own threshold
		{Provider: "other", Code: 451, Enhanced: "4.3.0", Text: "try later"}:  0,    // neither: the model's default
	}
	for k, want := range cases {
		if got := v.Threshold(k); got != want {
			t.Errorf("%v: %v, want %v", k, got, want)
		}
	}
	// Without the file, the knowledge base's entry decides.
	none, _ := loadConfig("", false)
	if got := none.verdicts().Threshold(model.SigKey{Provider: "microsoft", Code: 451, Enhanced: "4.7.0", Text: "Temporary server error. PRX4"}); got != 0.10 {
		t.Errorf("kb threshold %v", got)
	}
	if v.Aging != 36*time.Hour {
		t.Errorf("aging %v", v.Aging)
	}
	for _, bad := range []string{"threshold microsoft 4.7.0 2", "aging soon", "colour red"} {
		os.WriteFile(path, []byte(bad+"\n"), 0o644)
		if _, err := loadConfig(path, true); err == nil || !strings.Contains(err.Error(), ":1:") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := loadConfig(filepath.Join(t.TempDir(), "none"), false); err != nil {
		t.Errorf("a missing default file is no error: %v", err)
	}
	if _, err := loadConfig(filepath.Join(t.TempDir(), "none"), true); err == nil {
		t.Error("a missing named file is an error")
	}
}
