// Package sources connects inputs to the model: it resolves the SOURCE
// arguments (files, globs, "-" for stdin, .gz files), reads or follows
// them, parses their lines into events and feeds one aggregator, which it
// snapshots at a bounded rate for the dashboard.
package sources

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ErrNoMatch is returned when a glob matches no file.
var ErrNoMatch = errors.New("no file matches")

// ErrPolledOnce is returned when a stats endpoint is given where inputs
// are read once (report without --for): an endpoint has no history, only
// counters to compare over time.
var ErrPolledOnce = errors.New("a stats endpoint is polled over time, not read once")

// InputKind says how an input is read.
type InputKind int

// The kinds of input.
const (
	// FileInput is a plain file, followed through rotation.
	FileInput InputKind = iota
	// GzipInput is a .gz file: read once, never followed.
	GzipInput
	// StdinInput is standard input, read to its end.
	StdinInput
	// ZstdInput is a zstd-compressed file (a KumoMTA log segment): read once.
	ZstdInput
	// PollInput is a mail relay's http:// or https:// stats endpoint,
	// polled (see PollOptions); Spec.Path is its URL.
	PollInput
)

// Spec is one resolved input.
type Spec struct {
	Path string
	Kind InputKind
}

// Resolve turns SOURCE arguments into inputs: "-" is stdin, an http:// or
// https:// URL a stats endpoint to poll, a name ending in .gz is read
// once, a pattern with *, ? or [ is expanded (and must match something),
// anything else is a file to follow, which may not exist yet. Duplicates
// are dropped.
func Resolve(args []string) ([]Spec, error) {
	var out []Spec
	seen := map[string]bool{}
	add := func(s Spec) {
		if !seen[s.Path] {
			seen[s.Path] = true
			out = append(out, s)
		}
	}
	for _, a := range args {
		switch {
		case a == "-":
			add(Spec{Path: "-", Kind: StdinInput})
		case isURL(a):
			add(Spec{Path: a, Kind: PollInput})
		case strings.ContainsAny(a, "*?["):
			m, err := filepath.Glob(a)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a, err)
			}
			if len(m) == 0 {
				return nil, fmt.Errorf("%s: %w", a, ErrNoMatch)
			}
			sort.Strings(m)
			for _, p := range m {
				if fi, err := os.Stat(p); err == nil && fi.IsDir() {
					continue
				}
				add(fileSpec(p))
			}
		default:
			if fi, err := os.Stat(a); err == nil && fi.IsDir() {
				files, err := dirFiles(a)
				if err != nil {
					return nil, err
				}
				for _, p := range files {
					add(fileSpec(p))
				}
				continue
			}
			add(fileSpec(a))
		}
	}
	return out, nil
}

// dirFiles lists a directory's regular files, oldest first: a directory
// of rotated logs or of KumoMTA log segments.
func dirFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type file struct {
		path string
		mod  int64
	}
	var files []file
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() || notALog(e.Name()) {
			continue
		}
		files = append(files, file{filepath.Join(dir, e.Name()), fi.ModTime().UnixNano()})
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoMatch)
	}
	sort.Slice(files, func(i, j int) bool {
		if files[i].mod != files[j].mod {
			return files[i].mod < files[j].mod
		}
		return files[i].path < files[j].path
	})
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.path
	}
	return out, nil
}

// notALog reports files a log directory holds that are not logs: hidden
// files and Markdown notes.
func notALog(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(strings.ToLower(name), ".md")
}

func fileSpec(p string) Spec {
	switch {
	case strings.HasSuffix(p, ".gz"):
		return Spec{Path: p, Kind: GzipInput}
	case strings.HasSuffix(p, ".zst") || isZstdFile(p):
		return Spec{Path: p, Kind: ZstdInput}
	}
	return Spec{Path: p, Kind: FileInput}
}

// DefaultLogs are the usual places of a mail log, tried when no SOURCE is
// given.
var DefaultLogs = []string{"/var/log/mail.log", "/var/log/maillog", "/var/log/mail/mail.log", "/var/log/mail"}

// FindDefault returns the first default log that exists and can be read,
// and a description of what was tried.
func FindDefault() (string, string) {
	var tried []string
	for _, p := range DefaultLogs {
		fi, err := os.Stat(p)
		if err != nil || fi.IsDir() {
			tried = append(tried, p+" (not found)")
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			tried = append(tried, fmt.Sprintf("%s (%v)", p, errors.Unwrap(err)))
			continue
		}
		f.Close()
		return p, ""
	}
	return "", strings.Join(tried, ", ")
}

// isURL reports a SOURCE that is a stats endpoint to poll.
func isURL(a string) bool {
	l := strings.ToLower(a)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}
