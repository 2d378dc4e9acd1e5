package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// The Postfix log of seed 1, pinned byte for byte: these sums were taken
// before the simulator learnt other MTAs' formats, and tests, goldens and
// benchmarks elsewhere depend on the text staying what it was. A change
// here is a change of every Postfix demo log.
const (
	// pinWrite5k is sha256 of Write(Config{Seed: 1}, 5000).
	pinWrite5k = "504f2822a77ad0088a635d72d32b8f5f23cbda2323414e9adc315fd7d709558a"
	// pinWrite20k is sha256 of Write(Config{Seed: 1}, 20000).
	pinWrite20k = "ee17fb21bbb0849b2551f92f6a5f07d30a2368bca8a5f5e12278524a5437f9b7"
	// pinNext5k is sha256 of the first 5000 lines of New(Config{Seed: 1}).Next.
	pinNext5k = "e3c5717cbc06a9bc25406f50b4c71a07acf426563b208d2374850645d803f9fa"
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
