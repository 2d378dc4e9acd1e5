package intern

import (
	"strconv"
	"testing"
	"unsafe"
)

func TestOf(t *testing.T) {
	var tb Table
	buf := []byte("mx.example.com and more")
	piece := unsafe.String(&buf[0], 14)
	a := tb.Of(piece)
	if a != "mx.example.com" || unsafe.StringData(a) == unsafe.StringData(piece) {
		t.Fatalf("Of gave %q at the caller's memory", a)
	}
	copy(buf, "XXXXXXXXXXXXXX")
	if a != "mx.example.com" {
		t.Fatalf("the copy changed with the caller's buffer: %q", a)
	}
	if b := tb.Of("mx.example.com"); unsafe.StringData(b) != unsafe.StringData(a) {
		t.Fatal("the same string got a second copy")
	}
	if tb.Of("") != "" {
		t.Fatal("empty string")
	}
	for i := range 3 * maxStrings {
		tb.Of(strconv.Itoa(i))
	}
	if len(tb.m) > maxStrings {
		t.Fatalf("%d strings held, bound %d", len(tb.m), maxStrings)
	}
}
