package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// The Postfix log of seed 1, pinned byte for byte: tests, goldens and
// benchmarks elsewhere depend on the text staying what it is. A change here
// is a change of every Postfix demo log. These sums were taken when the
// campaign gained the parts of its story that give every verdict kind
// (TSS04 over its threshold, the fabrikam.com rule, yesterday's backlog,
// bounced over-quota deferrals, the DMARC rejections) and 15 minutes of
// history; the sums before that were 504f2822..., ee17fb21... and
// e3c5717c....
const (
	// pinWrite5k is sha256 of Write(Config{Seed: 1}, 5000).
	pinWrite5k = "7d43ebd4b6f403bdab269fa731862f14745779aa20b05c878424561ff723ca91"
	// pinWrite20k is sha256 of Write(Config{Seed: 1}, 20000).
	pinWrite20k = "ca57fa9a976760b184bf933cd652c8a2c4693c3b45299b4b039bfc91e407bf29"
	// pinNext5k is sha256 of the first 5000 lines of New(Config{Seed: 1}).Next.
	pinNext5k = "70a90f1835005982256373ef3c0bbbefe67124c0996f19acd5007da98855e5a2"
)

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestPostfixPinned(t *testing.T) {
	for _, c := range []struct {
		n   int
		mta MTA
		sum string
	}{{5000, Postfix, pinWrite5k}, {20_000, Postfix, pinWrite20k}} {
		var buf bytes.Buffer
		if _, err := Write(&buf, Config{Seed: 1, MTA: c.mta}, c.n); err != nil {
			t.Fatal(err)
		}
		if got := sha(buf.Bytes()); got != c.sum {
			t.Errorf("Write(seed 1, %d lines) sha256 %s, want %s", c.n, got, c.sum)
		}
	}
	s := New(Config{Seed: 1})
	var b []byte
	for range 5000 {
		b, _ = s.Next(b)
	}
	if got := sha(b); got != pinNext5k {
		t.Errorf("first 5000 lines of Next: sha256 %s, want %s", got, pinNext5k)
	}
}
