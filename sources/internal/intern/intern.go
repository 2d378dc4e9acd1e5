// Package intern shares copies of strings that repeat, for the parsers'
// expiry memories: their entries keep relays, identities and replies that
// repeat across recipients, and must not keep pieces of log lines.
package intern

import "strings"

// maxStrings bounds a table's strings; when full it starts again.
const maxStrings = 8192

// Table hands out one shared copy of each string. The zero value is ready.
type Table struct {
	m map[string]string
}

// Of returns the table's copy of s, making one if needed; never a piece
// of the caller's memory.
func (t *Table) Of(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := t.m[s]; ok {
		return v
	}
	if t.m == nil || len(t.m) >= maxStrings {
		t.m = map[string]string{}
	}
	s = strings.Clone(s)
	t.m[s] = s
	return s
}
