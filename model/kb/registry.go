package kb

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// The registry tables inside the knowledge base's file system.
const (
	codesFile = "registry/smtp-codes.tsv"
	basicFile = "registry/smtp-basic-replies.tsv"
)

// adviceFile holds, per registry entry ID, what a sender should do. It is
// optional: without it registry entries simply have no advice.
const adviceFile = "registry/advice.tsv"

// loadAdvice attaches the advice table's rows to the registry entries
// they name ("enhanced:X.1.1", "subject:X.7", "class:4", "basic:421").
func (k *KB) loadAdvice(fsys fs.FS) error {
	if _, err := fs.Stat(fsys, adviceFile); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	rows, err := readTSV(fsys, adviceFile, "id", "advice")
	if err != nil {
		return err
	}
	for _, r := range rows {
		e := k.byID[r.f[0]]
		switch {
		case e == nil || e.Deep:
			return fmt.Errorf("kb: %s:%d: no registry entry %q", adviceFile, r.line, r.f[0])
		case strings.TrimSpace(r.f[1]) == "":
			return fmt.Errorf("kb: %s:%d: empty advice for %q", adviceFile, r.line, r.f[0])
		case e.Advice != "":
			return fmt.Errorf("kb: %s:%d: advice for %q given twice", adviceFile, r.line, r.f[0])
		}
		e.Advice = strings.TrimSpace(r.f[1])
	}
	return nil
}

const ianaRegistryURL = "https://www.iana.org/assignments/smtp-enhanced-status-codes/"

// loadCodes turns every row of the enhanced status code table into an
// entry: a class row ("4.XXX.YYY"), a subject row ("X.7.YYY") or an
// enumerated code ("X.1.1"). A broken table adds nothing.
func (k *KB) loadCodes(fsys fs.FS) error {
	rows, err := readTSV(fsys, codesFile,
		"code", "class_meaning", "subject_detail_title", "rfc", "basic_codes", "meaning")
	if err != nil {
		return err
	}
	type parsed struct {
		e                      *Entry
		class, subject, detail int
	}
	var entries []parsed
	for _, r := range rows {
		code, classMeaning, title, rfc, basics, meaning := r.f[0], r.f[1], r.f[2], r.f[3], r.f[4], r.f[5]
		p := parsed{e: &Entry{
			Title:        code + " — " + title,
			Enhanced:     code,
			RFC:          rfc,
			ClassMeaning: classMeaning,
			TypicalBasic: strings.Fields(basics),
			Meaning:      meaning,
			Sources:      append([]string{ianaRegistryURL}, rfcURLs(rfc)...),
		}}
		parts := strings.Split(code, ".")
		if len(parts) != 3 || meaning == "" {
			return fmt.Errorf("kb: %s:%d: want a code like X.1.1 and a meaning, got %q", codesFile, r.line, code)
		}
		var classOK, subjectOK, detailOK bool
		p.class, classOK = parseNum(parts[0], 1)
		p.subject, subjectOK = parseNum(parts[1], 3)
		p.detail, detailOK = parseNum(parts[2], 3)
		switch {
		case classOK && validClass(p.class) && parts[1] == "XXX" && parts[2] == "YYY":
			p.e.ID, p.e.kind = fmt.Sprintf("class:%d", p.class), kindClass
			p.e.Title = fmt.Sprintf("Class %d — %s", p.class, title)
		case parts[0] == "X" && subjectOK && parts[2] == "YYY":
			p.e.ID, p.e.kind = fmt.Sprintf("subject:X.%d", p.subject), kindSubject
		case parts[0] == "X" && subjectOK && detailOK:
			p.e.ID, p.e.kind = "enhanced:"+code, kindEnhanced
		default:
			return fmt.Errorf("kb: %s:%d: code %q is not C.XXX.YYY, X.S.YYY or X.S.D", codesFile, r.line, code)
		}
		entries = append(entries, p)
	}
	var errs []error
	for _, p := range entries {
		if err := k.add(p.e); err != nil {
			errs = append(errs, err)
			continue
		}
		switch p.e.kind {
		case kindClass:
			k.classes[p.class] = p.e
		case kindSubject:
			k.subjects[p.subject] = p.e
		case kindEnhanced:
			k.enhanced[[2]int{p.subject, p.detail}] = p.e
		}
	}
	return errors.Join(errs...)
}

// loadBasic turns every row of the basic reply code table into an entry.
func (k *KB) loadBasic(fsys fs.FS) error {
	rows, err := readTSV(fsys, basicFile, "basic_code", "class_meaning", "meaning", "rfc")
	if err != nil {
		return err
	}
	var entries []*Entry
	for _, r := range rows {
		code, classMeaning, meaning, rfc := r.f[0], r.f[1], r.f[2], r.f[3]
		n, ok := parseNum(code, 3)
		if !ok || n < 200 || n > 599 || meaning == "" {
			return fmt.Errorf("kb: %s:%d: want a basic code 200-599 and a meaning, got %q", basicFile, r.line, code)
		}
		short, _, _ := strings.Cut(meaning, " (")
		entries = append(entries, &Entry{
			ID:           "basic:" + code,
			Title:        code + " — " + short,
			Basic:        n,
			RFC:          rfc,
			ClassMeaning: classMeaning,
			Meaning:      meaning,
			Sources:      rfcURLs(rfc),
			kind:         kindBasic,
		})
	}
	var errs []error
	for _, e := range entries {
		if err := k.add(e); err != nil {
			errs = append(errs, err)
			continue
		}
		k.basic[e.Basic] = e
	}
	return errors.Join(errs...)
}

// rfcURLs turns "RFC 4954; RFC 3207" into links to the RFC Editor's pages.
func rfcURLs(refs string) []string {
	var urls []string
	f := strings.Fields(strings.NewReplacer(";", " ", ",", " ").Replace(refs))
	for i := 0; i+1 < len(f); i++ {
		if f[i] != "RFC" {
			continue
		}
		if n, err := strconv.Atoi(f[i+1]); err == nil {
			urls = append(urls, fmt.Sprintf("https://www.rfc-editor.org/rfc/rfc%d", n))
		}
	}
	return urls
}

// tsvRow is one data row, its fields in the order asked for.
type tsvRow struct {
	line int
	f    []string
}

// readTSV reads a tab-separated table with a header row and returns the
// named columns of every non-blank row. The tables have no quoting.
func readTSV(fsys fs.FS, name string, cols ...string) ([]tsvRow, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("kb: %w", err)
	}
	text := strings.TrimSuffix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	lines := strings.Split(text, "\n")
	header := strings.Split(lines[0], "\t")
	idx := make([]int, len(cols))
	for i, c := range cols {
		if idx[i] = slices.Index(header, c); idx[i] < 0 {
			return nil, fmt.Errorf("kb: %s:1: header has no column %q", name, c)
		}
	}
	var rows []tsvRow
	for i, line := range lines[1:] {
		if strings.TrimSpace(line) == "" {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != len(header) {
			return nil, fmt.Errorf("kb: %s:%d: %d fields, want %d", name, i+2, len(fields), len(header))
		}
		row := tsvRow{line: i + 2, f: make([]string, len(cols))}
		for j, at := range idx {
			row.f[j] = strings.TrimSpace(fields[at])
		}
		rows = append(rows, row)
	}
	return rows, nil
}
