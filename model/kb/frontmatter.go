package kb

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// posError is a problem at a line of an entry file.
type posError struct {
	line int
	msg  string
}

func (e *posError) Error() string { return fmt.Sprintf("%d: %s", e.line, e.msg) }

func errAt(line int, format string, args ...any) error {
	return &posError{line: line, msg: fmt.Sprintf(format, args...)}
}

// fmField is one front matter value and the line it started on.
type fmField struct {
	value string
	line  int
}

// frontMatterKeys are the keys a deep entry's front matter may use.
var frontMatterKeys = []string{
	"id", "title", "provider", "basic", "enhanced", "tokens", "phrases", "relays", "threshold_share", "sources",
}

// parseEntry reads one deep entry file. name is its path in the knowledge
// base's file system ("entries/microsoft-451-4.7.0.md"); errors start with
// "kb: name:line:".
func parseEntry(name string, text string) (*Entry, error) {
	text = strings.TrimPrefix(text, "\uFEFF")
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	fields, bodyAt, err := parseFrontMatter(lines)
	if err == nil {
		var e *Entry
		if e, err = entryFromFields(name, fields); err == nil {
			if err = parseBody(e, lines[bodyAt:], bodyAt+1); err == nil {
				return e, nil
			}
		}
	}
	return nil, fmt.Errorf("kb: %s:%w", name, err)
}

// parseFrontMatter reads the block between the first two "---" lines and
// returns its fields and the index of the first body line.
func parseFrontMatter(lines []string) (map[string]fmField, int, error) {
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return nil, 0, errAt(1, "front matter: the file must start with a --- line")
	}
	end := slices.IndexFunc(lines[1:], func(l string) bool { return strings.TrimSpace(l) == "---" }) + 1
	if end == 0 {
		return nil, 0, errAt(1, "front matter: no closing --- line")
	}
	fields := map[string]fmField{}
	last := ""
	for i := 1; i < end; i++ {
		raw, n := lines[i], i+1
		t := strings.TrimSpace(raw)
		switch {
		case t == "":
			continue
		case raw[0] == ' ' || raw[0] == '\t':
			if last == "" {
				return nil, 0, errAt(n, "front matter: indented continuation line with no key above it")
			}
			f := fields[last]
			f.value = strings.TrimSpace(f.value + " " + t)
			fields[last] = f
			continue
		}
		key, value, ok := strings.Cut(raw, ":")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return nil, 0, errAt(n, "front matter: want \"key: value\", got %q", raw)
		}
		if !slices.Contains(frontMatterKeys, key) {
			return nil, 0, errAt(n, "front matter: unknown key %q (known: %s)", key, strings.Join(frontMatterKeys, ", "))
		}
		if prev, dup := fields[key]; dup {
			return nil, 0, errAt(n, "front matter: duplicate key %q (first on line %d)", key, prev.line)
		}
		fields[key] = fmField{value: strings.TrimSpace(value), line: n}
		last = key
	}
	return fields, end + 1, nil
}

// entryFromFields checks the front matter values and builds the entry.
func entryFromFields(name string, fields map[string]fmField) (*Entry, error) {
	e := &Entry{Deep: true, kind: kindDeep}
	for _, req := range []string{"id", "title", "provider", "sources"} {
		if fields[req].value == "" {
			return nil, errAt(max(fields[req].line, 1), "front matter: %q is required", req)
		}
	}
	id := fields["id"]
	e.ID = id.value
	if !isName(e.ID, ".-") {
		return nil, errAt(id.line, "front matter: id %q: use lowercase letters, digits, '.' and '-'", e.ID)
	}
	if want := strings.TrimSuffix(path.Base(name), ".md"); e.ID != want {
		return nil, errAt(id.line, "front matter: id %q must equal the file name %q", e.ID, want)
	}
	e.Title = fields["title"].value
	prov := fields["provider"]
	e.Provider = prov.value
	if !isName(e.Provider, "-_") {
		return nil, errAt(prov.line, "front matter: provider %q: use a lowercase provider id like microsoft", e.Provider)
	}
	if f, ok := fields["basic"]; ok {
		n, ok := parseNum(f.value, 3)
		if !ok || n < 200 || n > 599 {
			return nil, errAt(f.line, "front matter: basic %q: want a reply code from 200 to 599", f.value)
		}
		e.Basic = n
	}
	if f, ok := fields["enhanced"]; ok {
		p, err := parsePattern(f.value)
		if err != nil {
			return nil, errAt(f.line, "front matter: %v", err)
		}
		e.Enhanced, e.pattern = p.String(), &p
	}
	e.Tokens = strings.Fields(fields["tokens"].value)
	for _, ph := range strings.Split(fields["phrases"].value, "|") {
		if ph = strings.TrimSpace(ph); ph != "" {
			e.Phrases, e.phrases = append(e.Phrases, ph), append(e.phrases, strings.ToLower(ph))
		}
	}
	switch {
	case e.Provider == AnyProvider && len(e.Tokens) == 0 && len(e.Phrases) == 0:
		return nil, errAt(prov.line, "front matter: an entry for any provider needs tokens or phrases to match by")
	case e.Provider != AnyProvider && e.Basic == 0 && e.pattern == nil:
		return nil, errAt(id.line, "front matter: give basic, enhanced or both")
	}
	for _, r := range listValue(strings.ToLower(fields["relays"].value)) {
		r = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(r, "*"), "."), ".")
		if r == "" {
			return nil, errAt(fields["relays"].line, "front matter: empty relay suffix")
		}
		e.Relays = append(e.Relays, r)
	}
	if f, ok := fields["threshold_share"]; ok {
		v, err := strconv.ParseFloat(f.value, 64)
		if err != nil || !(v > 0 && v <= 1) {
			return nil, errAt(f.line, "front matter: threshold_share %q: want a share above 0 and at most 1, like 0.10", f.value)
		}
		e.ThresholdShare = v
	}
	src := fields["sources"]
	for _, s := range listValue(src.value) {
		if !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") {
			return nil, errAt(src.line, "front matter: source %q is not an http(s) URL", s)
		}
		e.Sources = append(e.Sources, s)
	}
	return e, nil
}

// listValue splits a list value on spaces and commas.
func listValue(v string) []string {
	return strings.Fields(strings.ReplaceAll(v, ",", " "))
}

// isName reports whether s is non-empty, starts with a lowercase letter or
// digit, and otherwise holds only those and the characters in extra.
func isName(s, extra string) bool {
	for i, r := range s {
		alnum := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
		if !alnum && (i == 0 || !strings.ContainsRune(extra, r)) {
			return false
		}
	}
	return s != ""
}
