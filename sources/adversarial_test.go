package sources

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relaytop/relaytop/model"
)

// TestAdversarialInput reads files nobody should feed relaytop: random
// bytes, NUL-laden lines, a 10 MB line between good lines, and many
// distinct domains and reply texts. Nothing may crash; every line must be
// accounted for; the good lines around the bad ones must still count; and
// the rows kept must stay within their limits.
func TestAdversarialInput(t *testing.T) {
	dir := t.TempDir()
	good := func(i int, dom, text string) string {
		return fmt.Sprintf("Nov 27 10:00:00 mx postfix/smtp[1]: Q%09d: to=<u@%s>, relay=mx.%s[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=4.0.0, status=deferred (host x said: 450 %s (in reply to RCPT TO command))\n", i, dom, dom, text)
	}
	rng := rand.New(rand.NewSource(7))
	random := make([]byte, 4<<20)
	rng.Read(random)

	var nul bytes.Buffer
	for i := 0; i < 1000; i++ {
		nul.WriteString("Nov 27 10:00:00 mx postfix/smtp[1]: \x00\x00\x00 to=<\x00@\x00>, status=\x00\n")
	}
	nul.WriteString(good(1, "after-nul.example", "still counted"))

	var giant bytes.Buffer
	giant.WriteString(good(1, "before.example", "before"))
	giant.WriteString("Nov 27 10:00:00 mx postfix/smtp[1]: Q000000002: to=<u@giant.example>, relay=none, delay=1, delays=0/0/0/1, dsn=4.0.0, status=deferred (")
	giant.WriteString(strings.Repeat("x", 10<<20))
	giant.WriteString(")\n")
	giant.WriteString(good(3, "after.example", "after"))

	var distinct bytes.Buffer
	for i := 0; i < 20000; i++ {
		w := fmt.Sprintf("%c%c%c%c", 'a'+i%26, 'a'+i/26%26, 'a'+i/676%26, 'a'+i/17576%26)
		distinct.WriteString(good(i, w+".example", "busy because "+w))
	}

	files := map[string][]byte{"random.bin": random, "nul.log": nul.Bytes(), "giant.log": giant.Bytes(), "distinct.log": distinct.Bytes()}
	want := map[string]int64{"random.bin": 0, "nul.log": 1, "giant.log": 3, "distinct.log": 20000}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		agg, err := ReadAll(context.Background(), []Spec{{Path: path}}, Options{Format: Syslog,
			Aggregator: model.Config{Limits: model.Limits{Domains: 500, Signatures: 300}}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		s := agg.Snapshot(agg.DataClock())
		in := s.Input
		if in.Lines != in.Unparsed+in.Skipped+in.Results {
			t.Errorf("%s: lines not accounted for: %+v", name, in)
		}
		if got := s.Totals.Total.Deferred; got != want[name] {
			t.Errorf("%s: %d deferrals, want %d (%+v)", name, got, want[name], in)
		}
		if name == "random.bin" && in.Unparsed == 0 {
			t.Errorf("random bytes gave no unparsed lines: %+v", in)
		}
		if name == "giant.log" && in.Truncated != 1 {
			t.Errorf("the 10 MB line was not cut: %+v", in)
		}
		if len(s.Domains) > 500+250+1 || len(s.Signatures) > 300+150+1 {
			t.Errorf("%s: %d domain rows, %d signature rows: not bounded", name, len(s.Domains), len(s.Signatures))
		}
	}
}
