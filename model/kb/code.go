package kb

import (
	"fmt"
	"strconv"
	"strings"
)

// enhancedCode is a parsed RFC 3463 enhanced status code, class.subject.detail.
type enhancedCode struct{ class, subject, detail int }

// parseEnhanced parses a reply's enhanced code ("4.7.0"). It reports false
// for anything that is not one: an empty string, a wrong class digit, or
// more than three digits in the subject or detail.
func parseEnhanced(s string) (enhancedCode, bool) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) != 3 {
		return enhancedCode{}, false
	}
	class, ok1 := parseNum(parts[0], 1)
	subject, ok2 := parseNum(parts[1], 3)
	detail, ok3 := parseNum(parts[2], 3)
	if !ok1 || !ok2 || !ok3 || !validClass(class) {
		return enhancedCode{}, false
	}
	return enhancedCode{class, subject, detail}, true
}

func (c enhancedCode) String() string {
	return fmt.Sprintf("%d.%d.%d", c.class, c.subject, c.detail)
}

// validClass reports whether d is a class digit RFC 3463 defines.
func validClass(d int) bool { return d == 2 || d == 4 || d == 5 }

// parseNum parses 1 to maxDigits ASCII digits.
func parseNum(s string, maxDigits int) (int, bool) {
	if s == "" || len(s) > maxDigits {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// codePattern is the enhanced code a deep entry states: one code
// ("4.7.0", lo == hi) or a detail range as Microsoft documents them
// ("4.7.500-699", inclusive).
type codePattern struct{ class, subject, lo, hi int }

// parsePattern parses an entry's enhanced field.
func parsePattern(s string) (codePattern, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return codePattern{}, fmt.Errorf("enhanced code %q: want class.subject.detail, like 4.7.0 or 4.7.500-699", s)
	}
	class, ok1 := parseNum(parts[0], 1)
	subject, ok2 := parseNum(parts[1], 3)
	if !ok1 || !ok2 || !validClass(class) {
		return codePattern{}, fmt.Errorf("enhanced code %q: class must be 2, 4 or 5 and subject 1-3 digits", s)
	}
	loS, hiS, isRange := strings.Cut(parts[2], "-")
	lo, ok := parseNum(loS, 3)
	hi := lo
	if ok && isRange {
		hi, ok = parseNum(hiS, 3)
	}
	if !ok || hi < lo {
		return codePattern{}, fmt.Errorf("enhanced code %q: detail must be 1-3 digits or a range lo-hi with lo <= hi", s)
	}
	return codePattern{class, subject, lo, hi}, nil
}

// contains reports whether c falls inside the pattern.
func (p codePattern) contains(c enhancedCode) bool {
	return c.class == p.class && c.subject == p.subject && c.detail >= p.lo && c.detail <= p.hi
}

// isRange reports whether the pattern covers more than one code.
func (p codePattern) isRange() bool { return p.hi > p.lo }

func (p codePattern) String() string {
	if p.isRange() {
		return fmt.Sprintf("%d.%d.%d-%d", p.class, p.subject, p.lo, p.hi)
	}
	return fmt.Sprintf("%d.%d.%d", p.class, p.subject, p.lo)
}
