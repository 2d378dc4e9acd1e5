package kb

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/relaytop/relaytop/model"
)

// The reference tables the knowledge base is built on live outside the
// repository, in shared/reference beside the corpus. Only the two registry
// tables are copied into registry/; these tests check the shipped data
// against the rest.

// referenceProviders maps the provider column of provider-replies.tsv to
// relaytop provider ids. Rows of the "" id are Spamhaus-style rejections
// any receiver may send: they are queried as provider "other" and must
// resolve to an entry of provider "any".
var referenceProviders = map[string]string{
	"Microsoft 365 / Exchange Online (EOP)":      "microsoft",
	"Outlook.com / Hotmail (Microsoft consumer)": "microsoft",
	"Google (Gmail / Google Workspace)":          "google",
	"Yahoo / AOL (Yahoo Inc.)":                   "yahoo",
	"Apple iCloud Mail":                          "apple",
	"Mimecast":                                   "mimecast",
	"Cox":                                        "cox",
	"Comcast (Xfinity)":                          "comcast",
	"Spectrum / Charter":                         "spectrum",
	"GMX / web.de / mail.com / IONOS (United Internet)": "unitedinternet",
	"Tencent QQ Mail": "qq",
	"Proofpoint":      "proofpoint",
	"Barracuda":       "barracuda",
	"Spamhaus-based rejections (any receiver)": "",
}

// knownProviders are the provider ids relaytop classifies, plus "any".
var knownProviders = strings.Fields(`microsoft google yahoo apple proofpoint
	mimecast barracuda cisco symantec trendmicro sophos forcepoint
	hornetsecurity zoho yandex mailru unitedinternet comcast cox spectrum
	fastmail proton tuta godaddy qq netease orange laposte cloudflare
	rackspace amazon facebook kddi docomo other any`)

// refModuleRoot returns the directory holding go.mod.
func refModuleRoot(t *testing.T) string {
	t.Helper()
	d, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			t.Fatal("go.mod not found above the test directory")
		}
		d = up
	}
}

// referenceDir returns the shared reference directory: the sibling
// "reference" of $RELAYTOP_CORPUS (relative to the module root when not
// absolute), else ../shared/reference beside the module root, or "" when
// neither holds the tables.
func referenceDir(t *testing.T) string {
	t.Helper()
	root := refModuleRoot(t)
	var dirs []string
	if c := os.Getenv("RELAYTOP_CORPUS"); c != "" {
		if !filepath.IsAbs(c) {
			c = filepath.Join(root, c)
		}
		dirs = append(dirs, filepath.Join(filepath.Dir(filepath.Clean(c)), "reference"))
	}
	dirs = append(dirs, filepath.Join(root, "..", "shared", "reference"))
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "provider-replies.tsv")); err == nil {
			return d
		}
	}
	return ""
}

// needReference returns the reference directory or skips the test.
func needReference(t *testing.T) string {
	t.Helper()
	d := referenceDir(t)
	if d == "" {
		t.Skip("no shared reference tables: set RELAYTOP_CORPUS (its sibling reference/ holds them) or put shared/reference beside the repository")
	}
	return d
}

// refRow is one data row of a reference table, by column name.
type refRow struct {
	line int
	f    map[string]string
}

// readRefTable reads a tab-separated table with a header row; every row
// must have as many fields as the header.
func readRefTable(t *testing.T, path string) []refRow {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	header := strings.Split(lines[0], "\t")
	var out []refRow
	for i, line := range lines[1:] {
		if strings.TrimSpace(line) == "" {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != len(header) {
			t.Fatalf("%s:%d: %d fields, want %d", path, i+2, len(fields), len(header))
		}
		r := refRow{line: i + 2, f: map[string]string{}}
		for j, h := range header {
			r.f[h] = strings.TrimSpace(fields[j])
		}
		out = append(out, r)
	}
	return out
}

// rowEnhanced returns the enhanced codes to query for a row's enhanced
// column: the code itself, or both ends of a range ("4.7.500-699").
func rowEnhanced(enh string) []string {
	if enh == "" {
		return []string{""}
	}
	i := strings.LastIndex(enh, ".")
	lo, hi, isRange := strings.Cut(enh[i+1:], "-")
	if !isRange {
		return []string{enh}
	}
	return []string{enh[:i+1] + lo, enh[:i+1] + hi}
}

// inRange reports whether code is enh, or inside enh when it is a range.
func inRange(code, enh string) bool {
	c, ok := parseEnhanced(code)
	if !ok {
		return false
	}
	p, err := parsePattern(enh)
	return err == nil && p.contains(c)
}

// rowReplies builds the replies a provider-replies.tsv row stands for, as
// model.ParseReply(basic + " " + enhanced + " " + text) would parse them,
// without doubling codes the sample text already starts with. A range
// gives a reply for the code in the text, else one for each end.
func rowReplies(basic, enh, text string) []model.Reply {
	rest := text
	if basic != "" && strings.HasPrefix(rest, basic) &&
		(len(rest) == len(basic) || rest[len(basic)] == ' ' || rest[len(basic)] == '-') {
		rest = strings.TrimLeft(rest[len(basic)+1:], " ")
	}
	codes := rowEnhanced(enh)
	if n := model.EnhancedLen(rest); n > 0 && (enh == "" || inRange(rest[:n], enh)) {
		codes = []string{rest[:n]}
		rest = strings.TrimLeft(rest[n:], " ")
	}
	var out []model.Reply
	for _, e := range codes {
		if basic == "" {
			// No basic code: ParseReply would not find the enhanced
			// code either, so build the reply as a parser would.
			out = append(out, model.Reply{Enhanced: e, Text: rest})
			continue
		}
		s := basic
		if e != "" {
			s += " " + e
		}
		out = append(out, model.ParseReply(s+" "+rest))
	}
	return out
}

// codesFor returns the replies to try for a row that gives neither a
// basic nor an enhanced code (Cox, Spectrum): the sample is just a token,
// so the codes come from the provider's own deep entries.
func codesFor(k *KB, provider, text string) []model.Reply {
	var out []model.Reply
	for _, e := range k.deep {
		if e.Provider != provider {
			continue
		}
		r := model.Reply{Code: e.Basic, Text: text}
		if e.pattern != nil {
			r.Enhanced = codePattern{e.pattern.class, e.pattern.subject, e.pattern.lo, e.pattern.lo}.String()
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// TestProviderRepliesResolve checks that every row of the shared
// provider-replies.tsv resolves to a deep entry of the row's provider (or,
// for Spamhaus-style rows, to an entry for any provider), not to a
// generic registry entry.
func TestProviderRepliesResolve(t *testing.T) {
	dir := needReference(t)
	k := Default()
	rows := readRefTable(t, filepath.Join(dir, "provider-replies.tsv"))
	if len(rows) == 0 {
		t.Fatal("provider-replies.tsv has no rows")
	}
	for _, r := range rows {
		name, basic, enh, text := r.f["provider"], r.f["basic_code"], r.f["enhanced_code"], r.f["sample_reply_text"]
		id, known := referenceProviders[name]
		if !known {
			t.Errorf("provider-replies.tsv:%d: provider %q has no relaytop id in this test", r.line, name)
			continue
		}
		query, want := id, id
		if id == "" {
			query, want = "other", AnyProvider
		}
		if basic == "" && enh == "" {
			// The sample is only a token: some entry of the provider must
			// claim it, at token level.
			var got []string
			ok := false
			for _, reply := range codesFor(k, id, text) {
				m := k.Match(Query{Provider: query, Reply: reply})
				if m.Level == LevelToken && m.Entry.Provider == want {
					ok = true
					break
				}
				got = append(got, m.Entry.ID+" at "+m.Level.String())
			}
			if !ok {
				t.Errorf("provider-replies.tsv:%d: %s %q: no %s entry matches the token (tried %v)",
					r.line, query, text, want, got)
			}
			continue
		}
		for _, reply := range rowReplies(basic, enh, text) {
			m := k.Match(Query{Provider: query, Reply: reply})
			if m.Level < LevelProvider || m.Entry.Provider != want {
				t.Errorf("provider-replies.tsv:%d: %s %d %s %q: got %s at %v, want an entry of provider %s",
					r.line, query, reply.Code, reply.Enhanced, reply.Text, m.Entry.ID, m.Level, want)
			}
		}
	}
}

// registryFS holds only the shipped registry tables, so the registry tests
// do not depend on the deep entries.
func registryFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	names, err := fs.Glob(embedded, "registry/*.tsv")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		data, err := fs.ReadFile(embedded, n)
		if err != nil {
			t.Fatal(err)
		}
		m[n] = &fstest.MapFile{Data: data}
	}
	return m
}

// TestRegistryComplete checks that every row of the shipped code tables
// has its registry entry, that every registry entry has advice, and that
// the advice table keeps the table conventions.
func TestRegistryComplete(t *testing.T) {
	k, err := Load(registryFS(t))
	if err != nil {
		t.Fatalf("registry tables: %v", err)
	}
	ids := map[string]bool{}
	for _, r := range rows(t, codesFile) {
		code := r[0]
		parts := strings.Split(code, ".")
		var id string
		switch {
		case parts[1] == "XXX":
			id = "class:" + parts[0]
		case parts[2] == "YYY":
			id = "subject:X." + parts[1]
		default:
			id = "enhanced:" + code
		}
		ids[id] = true
		if k.Entry(id) == nil {
			t.Errorf("%s row %s: no entry %q", codesFile, code, id)
		}
	}
	for _, r := range rows(t, basicFile) {
		id := "basic:" + r[0]
		ids[id] = true
		if k.Entry(id) == nil {
			t.Errorf("%s row %s: no entry %q", basicFile, r[0], id)
		}
	}
	var n int
	for _, e := range k.Entries() {
		if e.Deep {
			continue
		}
		n++
		if !ids[e.ID] {
			t.Errorf("registry entry %s comes from no table row", e.ID)
		}
		if e.Advice == "" {
			t.Errorf("registry entry %s has no advice in %s", e.ID, adviceFile)
		}
	}
	if n != len(ids) {
		t.Errorf("%d registry entries, want %d", n, len(ids))
	}
	for _, r := range rows(t, adviceFile) {
		if len(r) != 2 || strings.Contains(r[1], `"`) {
			t.Errorf("%s: row %q: want two fields and no double quotes", adviceFile, r)
		}
	}
	// The shipped knowledge base carries the same advice.
	for id := range ids {
		if e := Default().Entry(id); e == nil || e.Advice == "" {
			t.Errorf("Default(): registry entry %s missing or without advice", id)
		}
	}
}

// TestRegistryMatchesReference checks that the embedded registry tables
// are identical to the shared reference copies, so an update of the
// reference is noticed.
func TestRegistryMatchesReference(t *testing.T) {
	dir := needReference(t)
	for _, name := range []string{codesFile, basicFile} {
		shipped, err := fs.ReadFile(embedded, name)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := os.ReadFile(filepath.Join(dir, filepath.Base(name)))
		if err != nil {
			t.Errorf("reference copy of %s: %v", name, err)
			continue
		}
		if !bytes.Equal(shipped, ref) {
			t.Errorf("%s differs from %s: copy the reference table into model/kb/registry/ and update the entries and advice",
				name, filepath.Join(dir, filepath.Base(name)))
		}
	}
}

// TestDeepEntriesHaveEverySection checks that every deep entry has every section
// the panel shows, with enough substance, and a known provider.
func TestDeepEntriesHaveEverySection(t *testing.T) {
	if err := DefaultErr(); err != nil {
		t.Errorf("embedded knowledge base: %v", err)
	}
	var n int
	for _, e := range Default().Entries() {
		if !e.Deep {
			continue
		}
		n++
		var missing []string
		check := func(ok bool, what string) {
			if !ok {
				missing = append(missing, what)
			}
		}
		check(strings.TrimSpace(e.Meaning) != "", "What it means")
		check(strings.TrimSpace(e.WhoSends) != "", "Who sends it")
		check(strings.TrimSpace(e.Why) != "", "Why it happens")
		check(len(e.Fix) >= 3, "How to fix it (3 steps or more)")
		check(strings.TrimSpace(e.Bulk) != "", "In bulk and cold email")
		check(len(e.FAQ) >= 2, "FAQ (2 questions or more)")
		check(len(e.Sources) >= 1, "sources")
		check(strings.Contains(e.Title, " — ") && e.Label() != "", "a title \"<Label> — <description>\"")
		check(slices.Contains(knownProviders, e.Provider), "a known provider id (has "+e.Provider+")")
		if len(missing) > 0 {
			t.Errorf("entries/%s.md lacks: %s", e.ID, strings.Join(missing, "; "))
		}
	}
	if n == 0 {
		t.Error("no deep entries")
	}
}

// TestEntryCount checks that the knowledge base keeps its breadth:
// registry entries plus deep entries.
func TestEntryCount(t *testing.T) {
	if n := len(Default().Entries()); n < 180 {
		t.Errorf("%d entries, want at least 180", n)
	}
}
