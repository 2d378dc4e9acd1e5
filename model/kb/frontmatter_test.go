package kb

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
)

const sampleName = "entries/microsoft-451-4.7.0.md"

func sample(t testing.TB) []byte {
	t.Helper()
	data, err := fs.ReadFile(embedded, sampleName)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseSampleEntry(t *testing.T) {
	e, err := parseEntry(sampleName, string(sample(t)))
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != "microsoft-451-4.7.0" || e.Provider != "microsoft" || e.Basic != 451 || e.Enhanced != "4.7.0" || !e.Deep {
		t.Errorf("front matter fields: %q %q %d %q %v", e.ID, e.Provider, e.Basic, e.Enhanced, e.Deep)
	}
	if e.Title != "Microsoft 451 4.7.0 — temporary server error (PRX)" {
		t.Errorf("title %q", e.Title)
	}
	if len(e.Tokens) != 8 || !slices.Contains(e.Tokens, "PRX4") {
		t.Errorf("tokens %v", e.Tokens)
	}
	if !slices.Equal(e.Relays, []string{"protection.outlook.com", "mx.microsoft"}) {
		t.Errorf("relays %v", e.Relays)
	}
	if e.ThresholdShare != 0.10 {
		t.Errorf("threshold %v", e.ThresholdShare)
	}
	if len(e.Sources) != 4 || !strings.HasPrefix(e.Sources[0], "https://learn.microsoft.com/") {
		t.Errorf("sources (continuation lines) %v", e.Sources)
	}
	if !strings.HasPrefix(e.Fix[0], "Let the queue retry.") || strings.Contains(e.Fix[0], "\n") {
		t.Errorf("first step %q", e.Fix[0])
	}
	if e.FAQ[0].Q != "Is the message lost?" || !strings.HasPrefix(e.FAQ[0].A, "No. A 4xx reply") {
		t.Errorf("first FAQ %+v", e.FAQ[0])
	}
	if strings.Count(e.Why, "\n- ") != 4 || !strings.HasPrefix(e.Why, "Microsoft does not publish") {
		t.Errorf("why section should be a paragraph then four list items:\n%s", e.Why)
	}
}

func TestParseCRLFAndBOM(t *testing.T) {
	data := "\uFEFF" + strings.ReplaceAll(string(sample(t)), "\n", "\r\n")
	e, err := parseEntry(sampleName, data)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.Meaning, "\r") || len(e.FAQ) < 3 {
		t.Errorf("CRLF leaked or FAQ lost: %q", e.Meaning)
	}
}

// entry builds a small valid entry file with front matter lines fm and
// the given body.
func entry(fm, body string) string {
	return "---\n" + fm + "\n---\n" + body
}

const (
	okFM   = "id: x\ntitle: X\nprovider: p\nbasic: 451\nsources: https://example.com/"
	okBody = "## What it means\nIt means x.\n"
)

func TestParseEntryRejectsMalformed(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"no opening line", "id: x\n", "x.md:1: front matter: the file must start with a --- line"},
		{"no closing line", "---\nid: x\n## What it means\n", "x.md:1: front matter: no closing --- line"},
		{"no colon", entry("id x", okBody), `x.md:2: front matter: want "key: value", got "id x"`},
		{"unknown key", entry(okFM+"\ncolour: red", okBody), `x.md:7: front matter: unknown key "colour"`},
		{"duplicate key", entry(okFM+"\nid: y", okBody), `x.md:7: front matter: duplicate key "id" (first on line 2)`},
		{"orphan continuation", "---\n  id: x\n---\n", "x.md:2: front matter: indented continuation line"},
		{"missing title", entry("id: x\nprovider: p\nbasic: 451\nsources: https://e.com/", okBody), `front matter: "title" is required`},
		{"missing sources", entry("id: x\ntitle: X\nprovider: p\nbasic: 451", okBody), `"sources" is required`},
		{"id not file name", entry(strings.Replace(okFM, "id: x", "id: y", 1), okBody), `id "y" must equal the file name "x"`},
		{"bad id", entry(strings.Replace(okFM, "id: x", "id: X Y", 1), okBody), `id "X Y": use lowercase`},
		{"bad provider", entry(strings.Replace(okFM, "provider: p", "provider: Microsoft 365", 1), okBody), `provider "Microsoft 365"`},
		{"bad basic", entry(strings.Replace(okFM, "basic: 451", "basic: 45x", 1), okBody), `x.md:5: front matter: basic "45x"`},
		{"no code", entry(strings.Replace(okFM, "basic: 451\n", "", 1), okBody), "give basic, enhanced or both"},
		{"bad enhanced", entry(okFM+"\nenhanced: 4.7", okBody), "x.md:7: front matter: enhanced code \"4.7\""},
		{"bad class", entry(okFM+"\nenhanced: 3.7.0", okBody), "class must be 2, 4 or 5"},
		{"reversed range", entry(okFM+"\nenhanced: 4.7.699-500", okBody), "lo <= hi"},
		{"bad threshold", entry(okFM+"\nthreshold_share: 10%", okBody), `threshold_share "10%"`},
		{"threshold above one", entry(okFM+"\nthreshold_share: 1.5", okBody), `threshold_share "1.5"`},
		{"bad source", entry(strings.Replace(okFM, "https://example.com/", "example.com", 1), okBody), `source "example.com" is not an http(s) URL`},
		{"text before section", entry(okFM, "Hello\n"+okBody), "x.md:8: text before the first ## section"},
		{"unknown section", entry(okFM, okBody+"## Trivia\nx\n"), `x.md:10: unknown section "Trivia"`},
		{"duplicate section", entry(okFM, okBody+"## What it means\nx\n"), `section "What it means" appears twice (first on line 8)`},
		{"no meaning", entry(okFM, "## FAQ\n**Q?** A.\n"), `"## What it means" section is required`},
		{"fix without steps", entry(okFM, okBody+"## How to fix it\n\n"), "how to fix it: no numbered steps"},
		{"fix text first", entry(okFM, okBody+"## How to fix it\nFirst,\n1. do\n"), "x.md:11: how to fix it: text before the first numbered step"},
		{"faq answer first", entry(okFM, okBody+"## FAQ\nAn answer.\n"), "x.md:11: faq: answer before the first **question**"},
		{"faq unclosed", entry(okFM, okBody+"## FAQ\n**Why? Because.\n"), "faq: question without closing **"},
		{"faq no answer", entry(okFM, okBody+"## FAQ\n**Why?**\n"), `faq: question "Why?" has no answer`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseEntry("entries/x.md", c.text)
			if err == nil {
				t.Fatalf("no error, want one containing %q", c.want)
			}
			if !strings.HasPrefix(err.Error(), "kb: entries/x.md:") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want kb: entries/x.md:... containing %q", err, c.want)
			}
		})
	}
}

func TestParseEntryFormats(t *testing.T) {
	fm := okFM + "\nenhanced: 4.7.500-699\nrelays: *.Example.NET. , mx.example.org\nsources: https://a.example/x, https://b.example/y"
	fm = strings.Replace(fm, "sources: https://example.com/\n", "", 1)
	body := okBody + "continues here.\n\n- one\n  wrapped\n- two\n\n## How to fix it\n1. First\n   more.\n\n1. Second\n## FAQ\n**Q1?** A1\nstill A1.\n\nMore A1.\n\n**Q2?**\nA2.\n"
	e, err := parseEntry("entries/x.md", entry(fm, body))
	if err != nil {
		t.Fatal(err)
	}
	if e.Enhanced != "4.7.500-699" || e.pattern == nil || !e.pattern.isRange() {
		t.Errorf("enhanced %q", e.Enhanced)
	}
	if !slices.Equal(e.Relays, []string{"example.net", "mx.example.org"}) {
		t.Errorf("relays %q", e.Relays)
	}
	if !slices.Equal(e.Sources, []string{"https://a.example/x", "https://b.example/y"}) {
		t.Errorf("sources %q", e.Sources)
	}
	if want := "It means x. continues here.\n\n- one wrapped\n- two"; e.Meaning != want {
		t.Errorf("meaning %q, want %q", e.Meaning, want)
	}
	if !slices.Equal(e.Fix, []string{"First more.", "Second"}) {
		t.Errorf("fix %q", e.Fix)
	}
	want := []QA{{"Q1?", "A1 still A1.\n\nMore A1."}, {"Q2?", "A2."}}
	if !slices.Equal(e.FAQ, want) {
		t.Errorf("faq %q, want %q", e.FAQ, want)
	}
}

func FuzzParseEntry(f *testing.F) {
	f.Add(sample(f))
	f.Add([]byte(entry(okFM, okBody)))
	f.Add([]byte(entry(okFM+"\nenhanced: 4.7.1-2\ntokens: A", okBody+"## FAQ\n**a** b\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := parseEntry("entries/x.md", string(data))
		if err == nil && (e.ID != "x" || e.Meaning == "" || len(e.Sources) == 0) {
			t.Errorf("accepted an incomplete entry: %+v", e)
		}
	})
}
